//! Forwards the API paths to the upstream (Novita's API by default) and brings the answer back.
//!
//! What goes up: the method (GET or POST only, checked before this), the path and query
//! unchanged, the body (at most `max_request_body`), and the request headers less cookies,
//! hop-by-hop headers (and any named in `Connection`), `Origin`, `Referer`, `Host` (set to the
//! upstream's by the client) and forwarding headers. `Authorization` and `Content-Type` go as
//! they are.
//!
//! What comes back: the upstream's status, headers and body unchanged, less `Set-Cookie`,
//! hop-by-hop headers, the upstream's CORS headers (only [`crate::cors`] decides those here),
//! and headers that would speak for this origin (`Alt-Svc`, `Strict-Transport-Security`).
//!
//! When the upstream does not answer within the timeout: 504; when it cannot be reached,
//! resets, sends something that is not HTTP or a body over the limit: 502. Both as JSON in
//! Novita's error shape, saying it happened behind this proxy.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderName};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Semaphore;

use crate::error::json_error;
use crate::Config;

type UpstreamClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

pub struct Proxy {
    client: UpstreamClient,
    upstream: String,
    /// `scheme://authority` of the upstream.
    origin: String,
    /// A path on the upstream URL, without trailing slash, put before every forwarded path.
    base_path: String,
    timeout: Duration,
    queue_wait: Duration,
    slots: Arc<Semaphore>,
    max_request_body: usize,
    max_response_body: usize,
}

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the
/// non-standard ones still seen in the wild.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Request headers that never go upstream besides the hop-by-hop ones.
const NOT_FORWARDED_UP: [&str; 10] = [
    "host",
    "cookie",
    "origin",
    "referer",
    "content-length",
    "expect",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
];

/// Response headers that never come back besides the hop-by-hop ones.
const NOT_FORWARDED_DOWN: [&str; 4] = [
    "set-cookie",
    "content-length",
    "alt-svc",
    "strict-transport-security",
];

impl Proxy {
    pub fn new(config: &Config) -> io::Result<Proxy> {
        let invalid = |why: &str| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("--upstream {:?}: {why}", config.upstream),
            )
        };
        let uri: Uri = config.upstream.parse().map_err(|_| invalid("not a URL"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| invalid("needs http:// or https://"))?;
        if scheme != "http" && scheme != "https" {
            return Err(invalid("needs http:// or https://"));
        }
        let authority = uri.authority().ok_or_else(|| invalid("needs a host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("must not carry a user name or password"));
        }
        if uri.query().is_some() {
            return Err(invalid("must not have a query"));
        }
        let origin = format!("{scheme}://{authority}");
        let base_path = uri.path().trim_end_matches('/').to_owned();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(config.upstream_timeout));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|err| io::Error::other(format!("TLS set-up failed: {err}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(config.max_concurrent.max(1))
            .build(https);

        Ok(Proxy {
            client,
            upstream: config.upstream.clone(),
            origin,
            base_path,
            timeout: config.upstream_timeout,
            queue_wait: config.queue_wait,
            slots: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            max_request_body: config.max_request_body,
            max_response_body: config.max_response_body,
        })
    }

    pub fn upstream(&self) -> &str {
        &self.upstream
    }

    /// True when API calls would cross the network in plain text (an `http:` upstream that is
    /// not on this machine).
    pub fn is_plaintext_remote(&self) -> bool {
        let Some(host) = self.origin.strip_prefix("http://") else {
            return false;
        };
        let host = host.rsplit_once(':').map_or(host, |(name, _)| name);
        !(host == "localhost"
            || host == "[::1]"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback()))
    }

    /// The answer for a GET or POST on an API path, and a short note for the log when the
    /// answer is this server's own rather than the upstream's.
    pub(crate) async fn forward(&self, request: Request) -> (Response, Option<&'static str>) {
        let (parts, body) = request.into_parts();

        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|len| len > self.max_request_body as u64) {
            return too_large(self.max_request_body);
        }
        let read = tokio::time::timeout(
            self.timeout,
            Limited::new(body, self.max_request_body).collect(),
        )
        .await;
        let body = match read {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
                return too_large(self.max_request_body);
            }
            Ok(Err(_)) | Err(_) => {
                return (
                    json_error(
                        StatusCode::BAD_REQUEST,
                        "REQUEST_BODY_UNREADABLE",
                        "The request body could not be read",
                    ),
                    Some("REQUEST_BODY_UNREADABLE"),
                );
            }
        };

        let path_and_query = match parts.uri.query() {
            Some(query) => format!("{}{}?{query}", self.base_path, parts.uri.path()),
            None => format!("{}{}", self.base_path, parts.uri.path()),
        };
        let Ok(uri) = format!("{}{path_and_query}", self.origin).parse::<Uri>() else {
            return (
                json_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_PATH",
                    "The path cannot be forwarded",
                ),
                Some("INVALID_PATH"),
            );
        };

        let mut upstream_request = hyper::Request::new(Full::new(body));
        *upstream_request.method_mut() = parts.method;
        *upstream_request.uri_mut() = uri;
        *upstream_request.headers_mut() = filter_headers(&parts.headers, &NOT_FORWARDED_UP, false);

        let Ok(Ok(_slot)) = tokio::time::timeout(self.queue_wait, self.slots.acquire()).await
        else {
            let mut response = json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "PROXY_BUSY",
                "Too many API calls are in flight through this server's proxy; try again shortly",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return (response, Some("PROXY_BUSY"));
        };

        let exchange = async {
            let response = self.client.request(upstream_request).await.map_err(|err| {
                if err.is_connect() {
                    Failure::Unreachable
                } else {
                    Failure::Broken
                }
            })?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, self.max_response_body)
                .collect()
                .await
                .map_err(|err| {
                    if err.downcast_ref::<LengthLimitError>().is_some() {
                        Failure::TooLarge
                    } else {
                        Failure::Broken
                    }
                })?
                .to_bytes();
            Ok::<_, Failure>((parts, body))
        };
        let (parts, body) = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(failure)) => return (self.failure(failure), Some(failure.reason())),
            Err(_) => {
                return (
                    self.failure(Failure::Timeout),
                    Some(Failure::Timeout.reason()),
                )
            }
        };

        let mut response = Response::new(Body::from(body));
        *response.status_mut() = parts.status;
        *response.headers_mut() = filter_headers(&parts.headers, &NOT_FORWARDED_DOWN, true);
        (response, None)
    }

    fn failure(&self, failure: Failure) -> Response {
        let message = match failure {
            Failure::Timeout => format!(
                "The Novita API did not answer within {} s (via this server's proxy)",
                seconds(self.timeout)
            ),
            Failure::Unreachable => {
                "The Novita API could not be reached (via this server's proxy)".to_owned()
            }
            Failure::Broken => "The Novita API closed the connection or sent an invalid \
                                answer (via this server's proxy)"
                .to_owned(),
            Failure::TooLarge => format!(
                "The Novita API's answer is larger than {} bytes, this server's proxy limit",
                self.max_response_body
            ),
        };
        let status = match failure {
            Failure::Timeout => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        };
        json_error(status, failure.reason(), message)
    }
}

#[derive(Clone, Copy, Debug)]
enum Failure {
    Timeout,
    Unreachable,
    Broken,
    TooLarge,
}

impl Failure {
    fn reason(self) -> &'static str {
        match self {
            Failure::Timeout => "UPSTREAM_TIMEOUT",
            Failure::Unreachable => "UPSTREAM_UNREACHABLE",
            Failure::Broken => "UPSTREAM_BAD_RESPONSE",
            Failure::TooLarge => "UPSTREAM_RESPONSE_TOO_LARGE",
        }
    }
}

fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs}")
    }
}

fn too_large(limit: usize) -> (Response, Option<&'static str>) {
    (
        json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "REQUEST_TOO_LARGE",
            format!("The request body is larger than {limit} bytes, this server's proxy limit"),
        ),
        Some("REQUEST_TOO_LARGE"),
    )
}

/// A copy of `headers` without hop-by-hop headers, those named in `Connection`, the listed
/// ones, and (when `drop_cors`) any `Access-Control-*`.
fn filter_headers(headers: &HeaderMap, drop: &[&str], drop_cors: bool) -> HeaderMap {
    let named_in_connection: Vec<String> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    let keep = |name: &HeaderName| {
        let name = name.as_str();
        !(HOP_BY_HOP.contains(&name)
            || drop.contains(&name)
            || named_in_connection.iter().any(|named| named == name)
            || (drop_cors && name.starts_with("access-control-")))
    };
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if keep(name) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_headers() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer k"),
            ("content-type", "application/json"),
            ("cookie", "a=b"),
            ("connection", "keep-alive, X-Secret-Hop"),
            ("x-secret-hop", "1"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("origin", "https://evil.example"),
            ("referer", "https://evil.example/page"),
            ("host", "localhost:8080"),
            ("accept", "application/json"),
        ] {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let up = filter_headers(&headers, &NOT_FORWARDED_UP, false);
        let names: Vec<&str> = up.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["authorization", "content-type", "accept"]);
    }

    #[test]
    fn plaintext_detection() {
        let proxy = |upstream: &str| Proxy::new(&Config::new("dist", upstream));
        assert!(!proxy("http://127.0.0.1:9").unwrap().is_plaintext_remote());
        assert!(!proxy("http://localhost:9").unwrap().is_plaintext_remote());
        assert!(proxy("http://192.0.2.1").unwrap().is_plaintext_remote());
        assert!(!proxy("https://api.novita.ai")
            .unwrap()
            .is_plaintext_remote());
        assert!(proxy("ftp://x").is_err());
        assert!(proxy("https://u:p@x").is_err());
        assert!(proxy("https://x/?a=b").is_err());
        assert!(proxy("api.novita.ai").is_err());
    }
}
