//! Keeps every request as it arrived, preflights included, so tests can check exactly what the
//! app sent: which headers, which query, and that the key went nowhere it should not.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::errors::json_error;
use crate::state::{AppState, RecordedRequest};

/// Bodies here are `{"instanceId": ...}`; anything near this size is a client bug.
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let read = to_bytes(body, MAX_BODY_BYTES).await;
    let body_text = match &read {
        Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Err(_) => String::new(),
    };
    state.record(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        authorization: header_text(&parts.headers, &AUTHORIZATION),
        origin: header_text(&parts.headers, &ORIGIN),
        body: body_text,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
    });
    match read {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "INVALID_PARAMETER",
            "request body too large or unreadable",
        ),
    }
}

/// Lossy rather than dropped: a malformed header is exactly what a test wants to see.
fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}
