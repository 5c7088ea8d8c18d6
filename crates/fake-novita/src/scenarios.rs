//! Instance ids that stand for situations rather than instances: every way the real API (or
//! what sits in front of it) has been seen to fail, answer oddly, or take its time.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::big;
use crate::errors::{json_error, json_text, with_type};
use crate::fixtures::{full_with_id, FULL};
use crate::state::AppState;

/// The id whose answers carry no CORS headers, like an API that never meant to be called from
/// a browser.
pub(crate) const NO_CORS: &str = "no-cors";

const MAX_SLOW_MS: u64 = 60_000;

const GATEWAY_ERROR_PAGE: &str = "<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n";

const LOGIN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in - Novita AI</title></head>
<body>
<form method="post" action="/login">
<label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button>
</form>
</body>
</html>
"#;

/// The answer for a Get Instance of a scenario id, or None when the id is not one.
pub(crate) async fn get(state: &AppState, id: &str) -> Option<Response> {
    if let Some(failure) = failure(id) {
        return Some(failure);
    }
    let ok = StatusCode::OK;
    let response = match id {
        "ok-html" => with_type(ok, "text/html; charset=utf-8", LOGIN_PAGE.to_owned()),
        // Cut on a char boundary so the body is valid UTF-8 but never valid JSON.
        "ok-truncated" => json_text(ok, truncated(FULL, 60)),
        "ok-array" => json_text(ok, "[]".to_owned()),
        "ok-empty" => json_text(ok, String::new()),
        "hang" => hang(state).await,
        NO_CORS => json_text(ok, full_with_id(id)),
        _ => match slow_ms(id) {
            Some(ms) => slow(state, id, ms).await,
            None => json_text(ok, big::instance(id)?),
        },
    };
    Some(response)
}

/// The answer for a start/stop/restart of a scenario id: the same failures as Get, so the
/// app's handling of a failed action can be tested too.
pub(crate) async fn action(state: &AppState, id: &str) -> Option<Response> {
    if id == "hang" {
        return Some(hang(state).await);
    }
    failure(id)
}

fn failure(id: &str) -> Option<Response> {
    let response = match id {
        "http-404" => json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "instance not found"),
        "fail-403" => json_error(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "the API key has no permission for this instance",
        ),
        "fail-429" => {
            let mut response = json_error(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                "too many requests, slow down",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            response
        }
        "fail-400" => json_error(
            StatusCode::BAD_REQUEST,
            "INVALID_PARAMETER",
            "instanceId is invalid",
        ),
        "fail-500-html" => with_type(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html",
            GATEWAY_ERROR_PAGE.to_owned(),
        ),
        "fail-502-text" => with_type(
            StatusCode::BAD_GATEWAY,
            "text/plain; charset=utf-8",
            "Bad Gateway".to_owned(),
        ),
        "fail-503-empty" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "fail-504-json" => json_error(
            StatusCode::GATEWAY_TIMEOUT,
            "GATEWAY_TIMEOUT",
            "backend timeout",
        ),
        _ => return None,
    };
    Some(response)
}

/// Never answers on its own; only a server shutdown ends it, so stopping stays prompt.
async fn hang(state: &AppState) -> Response {
    state.shutdown_requested().await;
    shutting_down()
}

async fn slow(state: &AppState, id: &str, ms: u64) -> Response {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => json_text(StatusCode::OK, full_with_id(id)),
        () = state.shutdown_requested() => shutting_down(),
    }
}

fn shutting_down() -> Response {
    json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "server shutting down",
    )
}

fn slow_ms(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("slow-")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits too many for u64 are still "very slow", not "unknown".
    Some(digits.parse().unwrap_or(MAX_SLOW_MS).min(MAX_SLOW_MS))
}

fn truncated(text: &str, percent: usize) -> String {
    let mut end = text.len() * percent / 100;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}
