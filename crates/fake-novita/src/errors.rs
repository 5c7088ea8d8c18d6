//! Response builders in the API's own shapes, so every failure the app sees looks like one the
//! real service could send.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The error body Novita uses: `code`, an UPPER_SNAKE `reason`, `message`, empty `metadata`.
pub(crate) fn json_error(status: StatusCode, reason: &str, message: &str) -> Response {
    let body = json!({
        "code": status.as_u16(),
        "reason": reason,
        "message": message,
        "metadata": {},
    });
    json_text(status, body.to_string())
}

/// Raw JSON text sent byte for byte, so fixtures reach the client exactly as written.
pub(crate) fn json_text(status: StatusCode, body: String) -> Response {
    with_type(status, "application/json", body)
}

pub(crate) fn with_type(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// An error in Novita's shape, kept small until it is sent: a `Response` is too large to
/// carry in every `Result`.
pub(crate) struct ApiError {
    status: StatusCode,
    reason: &'static str,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, reason: &'static str, message: String) -> ApiError {
        ApiError {
            status,
            reason,
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, self.reason, &self.message)
    }
}

pub(crate) fn not_found_instance() -> ApiError {
    // The real API says "not found" with a 400, not a 404.
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "RESOURCE_NOT_FOUND",
        "instance not found".to_owned(),
    )
}

pub(crate) fn invalid_parameter(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "INVALID_PARAMETER", message.into())
}
