//! Refusals and proxy failures answer in the shape of Novita's own errors
//! (`{"code","reason","message","metadata"}`), so the app shows them like any API error.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

pub(crate) fn json_error(status: StatusCode, reason: &str, message: impl Into<String>) -> Response {
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
    response
}
