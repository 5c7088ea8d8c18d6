//! The two kinds of failure the server has: a request it answers with an error of its own, in
//! the shape of Novita's errors (`{"code","reason","message","metadata"}`) so the app shows it
//! like any API error, and a configuration it refuses at start-up ([`StartError`]).

use std::io;
use std::path::PathBuf;

use axum::body::Body;
use axum::http::uri::InvalidUri;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

/// The reason of an answer this server made itself, kept on the response for the request log.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LogNote(pub(crate) &'static str);

/// A JSON error in Novita's shape, `no-store`, with its reason noted for the log.
pub(crate) fn json_error(
    status: StatusCode,
    reason: &'static str,
    message: impl Into<String>,
) -> Response {
    // Written by hand to keep Novita's key order (serde_json's map would sort the keys).
    let body = format!(
        "{{\"code\":{},\"reason\":{},\"message\":{},\"metadata\":{{}}}}",
        status.as_u16(),
        serde_json::Value::from(reason),
        serde_json::Value::from(message.into()),
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.extensions_mut().insert(LogNote(reason));
    response
}

/// Why the server would not start. Every message names the flag to change; none repeats a
/// credential (an `--upstream` is shown with its user name, password and query hidden).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{} has no index.html: build the app first (trunk build --release)", .0.display())]
    NoIndex(PathBuf),
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("--upstream {shown}: {why}")]
    Upstream { shown: String, why: &'static str },
    #[error("--upstream {shown}: not a URL ({source})")]
    UpstreamUrl {
        shown: String,
        #[source]
        source: InvalidUri,
    },
    #[error(
        "--upstream {shown} is plain http to another machine, so API keys would cross the \
         network unencrypted: use https, or add --allow-plain-http-upstream if that is meant"
    )]
    PlainHttpUpstream { shown: String },
    #[error("TLS set-up for the upstream failed: {0}")]
    Tls(#[source] rustls::Error),
    #[error("--connect-src {0:?} is not an http(s) origin such as https://logs.example.com")]
    ConnectSource(String),
    #[error(
        "--allow-origin {0:?} is not an origin like https://ops.example.com \
         (scheme and host, optional port, no path or trailing slash)"
    )]
    AllowOrigin(String),
    #[error("--allow-host {0:?} is not a host name or name:port")]
    AllowHost(String),
    #[error("--log-host-suffix {0:?} is not a DNS name such as novita.ai")]
    LogHostSuffix(String),
    #[error("--read-only needs to add to the dist folder's config.json, which is not JSON: {0}")]
    DistConfig(#[source] serde_json::Error),
    #[error(
        "--read-only needs to add to the dist folder's config.json, which is not a JSON object"
    )]
    DistConfigNotObject,
}

/// A 405 with the methods this path answers, in `Allow` and in the message.
pub(crate) fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("This server only answers {allow} on this path"),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}
