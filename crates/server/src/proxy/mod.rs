//! Forwards the API paths to the upstream (Novita's API by default) and brings the answer back.
//!
//! What goes up: the method (GET or POST, checked before this), the path and query exactly as
//! they came (the guard has refused every path whose meaning could differ between here and
//! there), the body (its size capped by the layer before this), and only the headers in
//! [`headers::API_REQUEST_HEADERS`], with `Accept-Encoding: identity`.
//!
//! What comes back: the upstream's status, the headers in [`headers::RESPONSE_HEADERS`] and the
//! body, read whole (at most `max_response_body` bytes, decoded if the upstream compressed it
//! anyway) so that a body over the cap can still become a clean error, then sent in small frames
//! so the concurrency slot is held until it has gone out (see [`crate::slots`]).
//!
//! This server's own answers, in Novita's error shape: 504 when the upstream does not answer in
//! time, 502 when it cannot be reached, breaks the connection, sends what is not HTTP, a body
//! over the cap, or a redirect (which is never followed, nor passed on as a `Location` the
//! browser would follow).

pub(crate) mod answer;
pub(crate) mod headers;

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use http_body_util::{BodyExt, Full, LengthLimitError};

use crate::body::Chunked;
use crate::error::json_error;
use crate::upstream::{Upstream, UpstreamClient};

use answer::AnswerError;

pub(crate) struct Proxy {
    pub(crate) client: UpstreamClient,
    pub(crate) upstream: Upstream,
    pub(crate) timeout: Duration,
    pub(crate) max_response_body: usize,
    pub(crate) max_request_body: usize,
}

/// Marks an answer that is the upstream's own, so no layer mistakes it for one of ours.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FromUpstream;

/// The handler for a GET or POST on an API path.
pub(crate) async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(proxy.timeout, body.collect()).await;
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(err)) if is_length_limit(&err) => return too_large(proxy.max_request_body),
        Ok(Err(_)) | Err(_) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "REQUEST_BODY_UNREADABLE",
                "The request body could not be read",
            )
        }
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |target| target.as_str());
    let Ok(uri) = proxy.upstream.target(path_and_query).parse::<Uri>() else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "INVALID_PATH",
            "The path cannot be forwarded",
        );
    };
    let mut upstream_request = hyper::Request::new(Full::new(body));
    *upstream_request.method_mut() = parts.method;
    *upstream_request.uri_mut() = uri;
    *upstream_request.headers_mut() =
        headers::upstream_request(&parts.headers, &headers::API_REQUEST_HEADERS);

    let exchange = async {
        let response = proxy
            .client
            .request(upstream_request)
            .await
            .map_err(|err| {
                if err.is_connect() {
                    Failure::Unreachable
                } else {
                    Failure::Broken
                }
            })?;
        if response.status().is_redirection() {
            return Err(Failure::Redirect(response.status()));
        }
        let (parts, body) = response.into_parts();
        let body = answer::read(&parts.headers, body, proxy.max_response_body)
            .await
            .map_err(Failure::Answer)?;
        Ok((parts, body))
    };
    let (parts, body) = match tokio::time::timeout(proxy.timeout, exchange).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(failure)) => return failure.response(&proxy.describe(), proxy.settings()),
        Err(_) => return Failure::Timeout.response(&proxy.describe(), proxy.settings()),
    };
    let mut response = Response::new(Body::new(Chunked::new(body)));
    *response.status_mut() = parts.status;
    *response.headers_mut() = headers::allowed(&parts.headers, &headers::RESPONSE_HEADERS);
    response.extensions_mut().insert(FromUpstream);
    response
}

impl Proxy {
    fn describe(&self) -> String {
        format!("the Novita API at {}", self.upstream.origin())
    }

    fn settings(&self) -> Settings {
        Settings {
            timeout: self.timeout,
            max_response_body: self.max_response_body,
        }
    }
}

/// The limits a failure message may quote.
#[derive(Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) max_response_body: usize,
}

/// What went wrong between this server and an upstream (the API or a log host).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Failure {
    Timeout,
    Unreachable,
    Broken,
    Redirect(StatusCode),
    Answer(AnswerError),
}

impl Failure {
    /// The `reason` of the JSON error.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Failure::Timeout => "UPSTREAM_TIMEOUT",
            Failure::Unreachable => "UPSTREAM_UNREACHABLE",
            Failure::Broken | Failure::Answer(AnswerError::Broken | AnswerError::UnknownCoding) => {
                "UPSTREAM_BAD_RESPONSE"
            }
            Failure::Redirect(_) => "UPSTREAM_REDIRECT",
            Failure::Answer(AnswerError::TooLarge) => "UPSTREAM_RESPONSE_TOO_LARGE",
        }
    }

    /// This server's answer; `what` names the upstream ("the Novita API at https://...").
    /// The message says where the problem is and what to check, since the person reading it
    /// in the page is often not the one who runs this server.
    pub(crate) fn response(self, what: &str, settings: Settings) -> Response {
        let message = match self {
            Failure::Timeout => format!(
                "{} did not answer within {} s (via this server's proxy). If it keeps \
                 happening, check that this server can resolve that name (DNS) and reach it \
                 through its outbound firewall or proxy",
                capitalised(what),
                settings.timeout.as_secs()
            ),
            Failure::Unreachable => format!(
                "This server could not reach {what} (via this server's proxy). The problem is \
                 between this server and the API, not in your browser: check this server's DNS \
                 resolution, its outbound firewall or proxy, and its --upstream setting"
            ),
            Failure::Broken => format!(
                "{} closed the connection or sent an invalid answer (via this server's proxy)",
                capitalised(what)
            ),
            Failure::Redirect(status) => format!(
                "{} answered with a redirect ({}), which this server never follows or passes \
                 on: check its --upstream setting",
                capitalised(what),
                status.as_u16()
            ),
            Failure::Answer(AnswerError::TooLarge) => format!(
                "The answer of {what} is larger than {} bytes, this server's proxy limit \
                 (--max-response-body)",
                settings.max_response_body
            ),
            Failure::Answer(AnswerError::Broken) => format!(
                "{} sent an answer that was cut short or could not be decoded (via this \
                 server's proxy)",
                capitalised(what)
            ),
            Failure::Answer(AnswerError::UnknownCoding) => format!(
                "{} sent a compressed answer this server cannot decode (via this server's proxy)",
                capitalised(what)
            ),
        };
        let status = match self {
            Failure::Timeout => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        };
        json_error(status, self.reason(), message)
    }
}

fn capitalised(what: &str) -> String {
    let mut chars = what.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a body error is the request body limit's (tower-http wraps http-body-util's).
fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(err) = source {
        if err.is::<LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

pub(crate) fn too_large(limit: usize) -> Response {
    json_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "REQUEST_TOO_LARGE",
        format!("The request body is larger than {limit} bytes, this server's proxy limit"),
    )
}
