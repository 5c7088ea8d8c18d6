//! The instances' log streams, through this same origin, so the page's CSP needs no other host
//! in `connect-src`.
//!
//! `GET /log-stream/{scheme}/{host[:port]}/{path...}?{query}` opens
//! `{scheme}://{host[:port]}/{path...}?{query}` and streams its answer back as it comes (they
//! are Server-Sent Events; nothing is buffered whole). The policy:
//!
//! - `scheme` is `https`, and `host` a DNS name ending in one of the `--log-host-suffix` names
//!   (default `novita.ai`) on a label boundary: `x.novita.ai` and `novita.ai` pass,
//!   `evilnovita.ai` and `novita.ai.evil.example` do not, nor does an IP address;
//! - `http` is followed only to a loopback host, and only when this server's own `--upstream`
//!   is itself plain http on loopback: that is the tests' and local development's set-up, where
//!   the stand-in serves the log streams too;
//! - the log host's name must resolve to a public address (never this machine or its private
//!   network: see [`crate::upstream::PublicOnly`]);
//! - only `Accept`, `Last-Event-ID`, `Accept-Language` and `User-Agent` go to the log host (never
//!   the key, cookies or anything else), with `Accept-Encoding: identity`, and only the proxy's
//!   allowed response headers come back; a redirect or a compressed answer is a JSON 502;
//! - same-origin requests only, or from an `--allow-origin` origin (with CORS);
//! - at most `--max-log-streams` at once (then a JSON 503), `--upstream-timeout` for the log
//!   host's first answer (then a JSON 504), and a stream ends when the log host has sent nothing
//!   for `--log-idle-timeout` or when it has sent `--max-log-stream-bytes` (the browser's
//!   `EventSource` reconnects), or when the server shuts down.
//!
//! Refusals answer in Novita's error shape: 400 `LOG_ADDRESS_INVALID` for what is not a log
//! address at all, 403 `LOG_HOST_NOT_ALLOWED` for one this policy does not follow, 403
//! `ORIGIN_NOT_ALLOWED` for another site's page.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

use crate::body::Channel;
use crate::cors::Cors;
use crate::error::{json_error, method_not_allowed, StartError};
use crate::guard::{split_host, Refusal};
use crate::proxy::answer::AnswerError;
use crate::proxy::headers;
use crate::proxy::{Failure, Settings};
use crate::upstream::{is_ip_literal, is_loopback_host, LogClient};

/// Where the route starts.
pub const LOG_STREAM_PREFIX: &str = "/log-stream/";

/// The default `--log-host-suffix`.
pub const DEFAULT_LOG_HOST_SUFFIX: &str = "novita.ai";

/// Frames waiting between the log host and the browser, per stream.
const QUEUED_FRAMES: usize = 4;

/// Which log addresses are followed.
#[derive(Clone, Debug)]
pub struct LogPolicy {
    suffixes: Vec<String>,
    loopback_http: bool,
}

impl LogPolicy {
    /// `suffixes` are DNS names; `loopback_http` is whether this server's own upstream is plain
    /// http on loopback.
    pub fn new(suffixes: &[String], loopback_http: bool) -> Result<LogPolicy, StartError> {
        let mut policy = LogPolicy {
            suffixes: Vec::new(),
            loopback_http,
        };
        for suffix in suffixes {
            let name = suffix.trim().trim_start_matches('.').to_ascii_lowercase();
            if !is_dns_name(&name) {
                return Err(StartError::LogHostSuffix(suffix.clone()));
            }
            policy.suffixes.push(name);
        }
        Ok(policy)
    }

    /// The address that a `/log-stream/...` path and its query stand for, or why it is not
    /// followed.
    pub fn target(&self, path: &str, query: Option<&str>) -> Result<String, Refusal> {
        let invalid = |message: &'static str| Refusal {
            status: StatusCode::BAD_REQUEST,
            reason: "LOG_ADDRESS_INVALID",
            message,
        };
        let not_allowed = |message: &'static str| Refusal {
            status: StatusCode::FORBIDDEN,
            reason: "LOG_HOST_NOT_ALLOWED",
            message,
        };
        let rest = path
            .strip_prefix(LOG_STREAM_PREFIX)
            .ok_or_else(|| invalid("Not a /log-stream/{scheme}/{host}/{path} address"))?;
        let (scheme, rest) = rest
            .split_once('/')
            .ok_or_else(|| invalid("Not a /log-stream/{scheme}/{host}/{path} address"))?;
        let (authority, log_path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, "/"),
        };
        let (host, port) = split_host(authority)
            .filter(|(_, port)| *port != Some(0))
            .ok_or_else(|| invalid("The log address has no valid host[:port]"))?;
        match scheme {
            "https" => {
                if is_ip_literal(&host) || !is_dns_name(&host) {
                    return Err(not_allowed(
                        "Log streams are only followed to DNS names (see --log-host-suffix)",
                    ));
                }
                if !self.suffixes.iter().any(|suffix| under(&host, suffix)) {
                    return Err(not_allowed(
                        "This server does not follow log streams to that host \
                         (see --log-host-suffix)",
                    ));
                }
            }
            "http" => {
                if !(self.loopback_http && is_loopback_host(&host)) {
                    return Err(not_allowed(
                        "Plain-http log streams are only followed to this machine, and only \
                         when this server's own --upstream is plain http on this machine",
                    ));
                }
            }
            _ => return Err(invalid("A log address must be https (or http on loopback)")),
        }
        let port = port.map(|port| format!(":{port}")).unwrap_or_default();
        let query = query.map(|query| format!("?{query}")).unwrap_or_default();
        Ok(format!("{scheme}://{host}{port}{log_path}{query}"))
    }
}

/// Whether `host` is `suffix` or a name under it.
fn under(host: &str, suffix: &str) -> bool {
    host == suffix
        || host
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with('.'))
}

/// Lower-case labels of letters, digits and inner hyphens, joined by dots.
fn is_dns_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The limits of the log streams.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StreamLimits {
    pub(crate) header_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_bytes: u64,
}

/// What the log-stream handler shares.
pub(crate) struct LogStreams {
    pub(crate) policy: LogPolicy,
    pub(crate) client: LogClient,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) limits: StreamLimits,
    pub(crate) cors: Cors,
    pub(crate) stopping: watch::Receiver<bool>,
}

/// The handler for everything under [`LOG_STREAM_PREFIX`].
pub(crate) async fn stream(State(streams): State<Arc<LogStreams>>, request: Request) -> Response {
    if request.method() != Method::GET {
        return method_not_allowed("GET");
    }
    if is_cross_origin(request.headers()) && !streams.cors.allows(request.headers()) {
        return json_error(
            StatusCode::FORBIDDEN,
            "ORIGIN_NOT_ALLOWED",
            "Log streams are only for pages served by this server (see --allow-origin)",
        );
    }
    let target = match streams
        .policy
        .target(request.uri().path(), request.uri().query())
    {
        Ok(target) => target,
        Err(refusal) => return refusal.into_response(),
    };
    let Ok(uri) = target.parse::<Uri>() else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "LOG_ADDRESS_INVALID",
            "The log address cannot be forwarded",
        );
    };
    let what = format!(
        "the log host {}://{}",
        uri.scheme_str().unwrap_or("https"),
        uri.authority().map_or("", |authority| authority.as_str())
    );
    let Ok(permit) = streams.slots.clone().try_acquire_owned() else {
        let mut response = json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "LOG_STREAMS_BUSY",
            "Too many log streams are open through this server; try again shortly",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return response;
    };

    let mut upstream_request = hyper::Request::new(Full::new(Bytes::new()));
    *upstream_request.uri_mut() = uri;
    *upstream_request.headers_mut() =
        headers::upstream_request(request.headers(), &headers::LOG_REQUEST_HEADERS);
    let settings = Settings {
        timeout: streams.limits.header_timeout,
        max_response_body: 0,
    };
    let answered = tokio::time::timeout(
        streams.limits.header_timeout,
        streams.client.request(upstream_request),
    )
    .await;
    let response = match answered {
        Ok(Ok(response)) => response,
        Ok(Err(err)) if err.is_connect() => return Failure::Unreachable.response(&what, settings),
        Ok(Err(_)) => return Failure::Broken.response(&what, settings),
        Err(_) => return Failure::Timeout.response(&what, settings),
    };
    if response.status().is_redirection() {
        return Failure::Redirect(response.status()).response(&what, settings);
    }
    if is_compressed(response.headers()) {
        return Failure::Answer(AnswerError::UnknownCoding).response(&what, settings);
    }
    let (parts, body) = response.into_parts();
    let (tx, rx) = mpsc::channel(QUEUED_FRAMES);
    tokio::spawn(pump(
        body,
        tx,
        streams.limits,
        streams.stopping.clone(),
        permit,
    ));
    let mut response = Response::new(Body::new(Channel::new(rx)));
    *response.status_mut() = parts.status;
    *response.headers_mut() = headers::allowed(&parts.headers, &headers::RESPONSE_HEADERS);
    response
}

/// Copies the log host's frames to the browser's body until one side ends, the log host is
/// quiet for the idle timeout, the byte cap is reached or the server stops. Holds the stream's
/// slot meanwhile.
async fn pump(
    mut body: Incoming,
    tx: mpsc::Sender<Bytes>,
    limits: StreamLimits,
    mut stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let mut sent: u64 = 0;
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(limits.idle_timeout, body.frame()) => next,
            () = tx.closed() => return,
            // Only a shutdown ends it (a server embedded without `run` never sends one).
            Ok(_) = stopping.wait_for(|stopping| *stopping) => return,
        };
        let Ok(Some(Ok(frame))) = next else {
            // Quiet for too long, finished, or broken: the stream ends either way.
            return;
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        sent += data.len() as u64;
        if sent > limits.max_bytes || tx.send(data).await.is_err() {
            return;
        }
    }
}

/// A request another site's page made: the browser says so in `Sec-Fetch-Site`, or (older
/// browsers) by an `Origin` that is not this server's `Host`.
fn is_cross_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .map_or(&b""[..], HeaderValue::as_bytes);
    let origin = origin.as_bytes();
    let own = |scheme: &[u8]| origin.strip_prefix(scheme) == Some(host);
    !(own(b"http://") || own(b"https://"))
}

fn is_compressed(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .any(|value| {
            !value.to_str().unwrap_or("?").split(',').all(|coding| {
                coding.trim().is_empty() || coding.trim().eq_ignore_ascii_case("identity")
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(loopback_http: bool) -> LogPolicy {
        LogPolicy::new(&[DEFAULT_LOG_HOST_SUFFIX.to_owned()], loopback_http).expect("policy")
    }

    #[test]
    fn follows_https_under_the_suffix_only() {
        let policy = policy(false);
        let target = |path: &str, query: Option<&str>| policy.target(path, query);
        assert_eq!(
            target(
                "/log-stream/https/logs-3.gpu.novita.ai/v1/logs/abc/system",
                Some("follow=1&sse=1&timestamps=1&tail=1000")
            )
            .expect("allowed"),
            "https://logs-3.gpu.novita.ai/v1/logs/abc/system?follow=1&sse=1&timestamps=1&tail=1000"
        );
        assert_eq!(
            target("/log-stream/https/novita.ai:8443/x", None).expect("the suffix itself"),
            "https://novita.ai:8443/x"
        );
        assert_eq!(
            target("/log-stream/https/Logs.Novita.AI", None).expect("no path"),
            "https://logs.novita.ai/"
        );
        for (path, status, reason) in [
            (
                "/log-stream/https/evilnovita.ai/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            (
                "/log-stream/https/novita.ai.evil.example/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            (
                "/log-stream/https/x.novita.ai.evil.example/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            (
                "/log-stream/https/203.0.113.7/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            ("/log-stream/https/[::1]:9/x", 403, "LOG_HOST_NOT_ALLOWED"),
            (
                "/log-stream/https/a_b.novita.ai/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            (
                "/log-stream/https/-a.novita.ai/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            (
                "/log-stream/http/127.0.0.1:9/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            (
                "/log-stream/http/x.novita.ai/x",
                403,
                "LOG_HOST_NOT_ALLOWED",
            ),
            ("/log-stream/ftp/x.novita.ai/x", 400, "LOG_ADDRESS_INVALID"),
            ("/log-stream/https", 400, "LOG_ADDRESS_INVALID"),
            ("/log-stream/https/", 400, "LOG_ADDRESS_INVALID"),
            (
                "/log-stream/https/x.novita.ai:0/x",
                400,
                "LOG_ADDRESS_INVALID",
            ),
            (
                "/log-stream/https/x.novita.ai:99999/x",
                400,
                "LOG_ADDRESS_INVALID",
            ),
            (
                "/log-stream/https/user@x.novita.ai/x",
                400,
                "LOG_ADDRESS_INVALID",
            ),
            (
                "/log-stream/https/x.novita.ai:/x",
                400,
                "LOG_ADDRESS_INVALID",
            ),
        ] {
            let refusal = target(path, None).expect_err(path);
            assert_eq!(refusal.status.as_u16(), status, "{path}");
            assert_eq!(refusal.reason, reason, "{path}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_when_the_upstream_is_loopback() {
        let policy = policy(true);
        assert_eq!(
            policy
                .target(
                    "/log-stream/http/127.0.0.1:9090/logs/trickle/system",
                    Some("sse=1")
                )
                .expect("loopback"),
            "http://127.0.0.1:9090/logs/trickle/system?sse=1"
        );
        assert!(policy
            .target("/log-stream/http/localhost:9/x", None)
            .is_ok());
        for path in [
            "/log-stream/http/192.0.2.1:9/x",
            "/log-stream/http/x.novita.ai/x",
            "/log-stream/http/localhost.evil.example/x",
        ] {
            assert_eq!(
                policy.target(path, None).expect_err(path).reason,
                "LOG_HOST_NOT_ALLOWED"
            );
        }
    }

    #[test]
    fn suffixes_are_checked() {
        let policy = LogPolicy::new(&["logs.example.com".into(), ".Other.Example".into()], false)
            .expect("policy");
        assert!(policy
            .target("/log-stream/https/a.logs.example.com/x", None)
            .is_ok());
        assert!(policy
            .target("/log-stream/https/b.other.example/x", None)
            .is_ok());
        assert!(policy
            .target("/log-stream/https/x.novita.ai/x", None)
            .is_err());
        for bad in ["", "*", "*.novita.ai", "novita.ai/x", "a b", "192.0.2.1."] {
            assert!(LogPolicy::new(&[bad.into()], false).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cross_origin_requests() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(!is_cross_origin(&headers(&[])));
        assert!(!is_cross_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(is_cross_origin(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(is_cross_origin(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(!is_cross_origin(&headers(&[
            ("host", "viewer.example.com"),
            ("origin", "https://viewer.example.com")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "viewer.example.com"),
            ("origin", "https://evil.example")
        ])));
    }
}
