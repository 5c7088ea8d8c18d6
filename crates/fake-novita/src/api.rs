//! Get Instance, and what every route shares: the key check (made first, as the real service
//! does, then parameters, then lookup) and the answers for paths and methods that do not exist.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::errors::{invalid_parameter, json_error, json_text, not_found_instance};
use crate::scenarios;
use crate::script::Call;
use crate::state::AppState;
use crate::TEST_API_KEY;

#[derive(Deserialize)]
pub(crate) struct InstanceQuery {
    #[serde(rename = "instanceId")]
    pub(crate) instance_id: Option<String>,
}

pub(crate) async fn get_instance(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<InstanceQuery>, QueryRejection>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let id = match query {
        Ok(Query(InstanceQuery {
            instance_id: Some(id),
        })) if !id.is_empty() => id,
        Ok(_) => return invalid_parameter("instanceId is required").into_response(),
        Err(_) => return invalid_parameter("instanceId is invalid").into_response(),
    };
    let real = || {
        state.play_due(&id);
        state.raw_instance(&id).map_or_else(
            || Err(not_found_instance()),
            |raw| Ok((StatusCode::OK, raw)),
        )
    };
    if let Some(instead) = state.take_failure(Call::Get, &id) {
        return scenarios::play(&state, instead, real).await;
    }
    // Stored instances come first so a test can put_instance over any scenario id.
    if let Ok((status, raw)) = real() {
        return json_text(status, raw);
    }
    match scenarios::get(&state, &id).await {
        Some(response) => response,
        None => not_found_instance().into_response(),
    }
}

pub(crate) async fn fallback() -> Response {
    no_such_route()
}

pub(crate) async fn method_not_allowed() -> Response {
    json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "method not allowed on this path",
    )
}

pub(crate) fn no_such_route() -> Response {
    json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such API path")
}

pub(crate) fn unauthorized() -> Response {
    json_error(
        StatusCode::UNAUTHORIZED,
        "INVALID_API_KEY",
        "Invalid or missing API key",
    )
}

/// Strict on the key so the app's own slips (stray spaces, a missing `Bearer`) show up in
/// tests; the scheme is matched without case as HTTP says it must be.
pub(crate) fn authorized(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    value
        .split_once(' ')
        .is_some_and(|(scheme, key)| scheme.eq_ignore_ascii_case("bearer") && key == TEST_API_KEY)
}
