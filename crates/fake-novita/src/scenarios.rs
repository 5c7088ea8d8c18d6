//! Scenario ids: situations rather than instances. Every way the real API (or what sits in
//! front of it) has been seen to fail, answer oddly, or take its time.
//!
//! They are used two ways: as an instance id in a request (`?instanceId=fail-429`, which needs
//! no set-up), and as the answer a "fail next" control puts in place of the real one for the
//! next N calls ([`crate::FakeNovita::fail_list_next`] and its siblings), where a slow, cut or
//! accepted answer is the real answer of that call.

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream;

use crate::big;
use crate::errors::{json_error, json_text, not_found_instance, with_type, ApiError};
use crate::fixtures::{full_with_id, FULL};
use crate::state::AppState;

/// The id whose answers carry no CORS headers, like an API that never meant to be called from
/// a browser.
pub(crate) const NO_CORS: &str = "no-cors";

const MAX_SLOW_MS: u64 = 60_000;
/// A day: longer is a typo in a test, not a scenario.
const MAX_RETRY_AFTER_SECS: u64 = 86_400;
/// How much of the real answer `ok-truncated` keeps.
const TRUNCATED_PERCENT: usize = 60;

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

/// What a scenario does in place of the real answer.
pub(crate) enum Instead {
    /// A fixed answer: an error in any of its shapes, a login page, an empty body.
    Answer(Response),
    /// No answer; only a server shutdown ends the wait.
    Hang,
    /// The connection is closed before a single byte of an answer.
    Drop,
    /// The real answer, late.
    Slow(Duration),
    /// The real answer cut short: valid UTF-8, never valid JSON.
    Truncated,
    /// The call takes effect (an action is applied) and then no answer comes.
    AcceptThenHang,
    /// The call takes effect and then the connection is closed without an answer.
    AcceptThenDrop,
}

/// The scenario named `name`, or None when it is not one.
pub(crate) fn instead(name: &str) -> Option<Instead> {
    if let Some(response) = failure(name) {
        return Some(Instead::Answer(response));
    }
    let ok = StatusCode::OK;
    let instead = match name {
        "ok-html" => Instead::Answer(with_type(
            ok,
            "text/html; charset=utf-8",
            LOGIN_PAGE.to_owned(),
        )),
        "ok-array" => Instead::Answer(json_text(ok, "[]".to_owned())),
        "ok-empty" => Instead::Answer(json_text(ok, String::new())),
        "ok-truncated" => Instead::Truncated,
        "hang" => Instead::Hang,
        "drop" => Instead::Drop,
        "accept-hang" => Instead::AcceptThenHang,
        "accept-drop" => Instead::AcceptThenDrop,
        _ => Instead::Slow(Duration::from_millis(slow_ms(name)?)),
    };
    Some(instead)
}

/// A call's real outcome: the success status and body, or the error it answers instead.
pub(crate) type Outcome = Result<(StatusCode, String), ApiError>;

/// A 200 with this JSON text.
pub(crate) fn ok(body: String) -> Outcome {
    Ok((StatusCode::OK, body))
}

pub(crate) fn respond(outcome: Outcome) -> Response {
    match outcome {
        Ok((status, body)) => json_text(status, body),
        Err(error) => error.into_response(),
    }
}

/// Plays a scenario in place of `real`, which is called only when the scenario uses the real
/// outcome (and, for a slow one, only after the wait, so it sees the state of that moment).
pub(crate) async fn play(
    state: &AppState,
    instead: Instead,
    real: impl FnOnce() -> Outcome,
) -> Response {
    match instead {
        Instead::Answer(response) => response,
        Instead::Hang => hang(state).await,
        Instead::Drop => dropped(),
        Instead::Slow(delay) => tokio::select! {
            () = tokio::time::sleep(delay) => respond(real()),
            () = state.shutdown_requested() => shutting_down(),
        },
        Instead::Truncated => match real() {
            Ok((status, body)) => json_text(status, truncated(&body, TRUNCATED_PERCENT)),
            Err(error) => error.into_response(),
        },
        Instead::AcceptThenHang => {
            // The outcome is thrown away on purpose: the client must find out some other way.
            let _ = real();
            hang(state).await
        }
        Instead::AcceptThenDrop => {
            let _ = real();
            dropped()
        }
    }
}

/// The answer for a Get Instance of a scenario id, or None when the id is not one.
pub(crate) async fn get(state: &AppState, id: &str) -> Option<Response> {
    if id == NO_CORS {
        return Some(json_text(StatusCode::OK, full_with_id(id)));
    }
    if let Some(instance) = big::instance(id) {
        return Some(json_text(StatusCode::OK, instance));
    }
    let instead = instead(id)?;
    // A scenario id that answers with an instance answers with full.json: cut from the file as
    // written (so a test can check the body is a prefix of it), or whole under its own id.
    let full = match instead {
        Instead::Truncated => FULL.to_owned(),
        _ => full_with_id(id),
    };
    Some(play(state, instead, || ok(full)).await)
}

/// The answer for an action or a metrics call naming a scenario id that is not a stored
/// instance: the same failures as Get, so the app's handling of them can be tested with no
/// set-up. Those that would answer with an instance find none.
pub(crate) async fn for_missing_instance(state: &AppState, id: &str) -> Option<Response> {
    let instead = instead(id)?;
    Some(play(state, instead, || Err(not_found_instance())).await)
}

fn failure(id: &str) -> Option<Response> {
    if let Some(seconds) = retry_after_secs(id) {
        return Some(rate_limited(seconds));
    }
    let response = match id {
        "http-404" => json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "instance not found"),
        "fail-401" => json_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_API_KEY",
            "Invalid or missing API key",
        ),
        "fail-403" => json_error(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "the API key has no permission for this instance",
        ),
        "fail-429" => rate_limited(30),
        "fail-400" => json_error(
            StatusCode::BAD_REQUEST,
            "INVALID_PARAMETER",
            "instanceId is invalid",
        ),
        "fail-500" => json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            "internal server error",
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

fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = json_error(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "too many requests, slow down",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// Never answers on its own; only a server shutdown ends it, so stopping stays prompt.
async fn hang(state: &AppState) -> Response {
    state.shutdown_requested().await;
    shutting_down()
}

/// A body that fails before its first byte makes hyper close the connection without sending
/// the status line, which is what a client sees when a connection drops mid-request.
fn dropped() -> Response {
    let failing = stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "dropped on purpose",
        ))
    });
    Response::new(Body::from_stream(failing))
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

/// `fail-429-N`: a 429 asking to wait N seconds. Only the canonical spelling counts.
fn retry_after_secs(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("fail-429-")?;
    let seconds: u64 = digits.parse().ok()?;
    (seconds <= MAX_RETRY_AFTER_SECS && seconds.to_string() == digits).then_some(seconds)
}

fn truncated(text: &str, percent: usize) -> String {
    let mut end = text.len() * percent / 100;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}
