//! The API's own routes: Get Instance and the start/stop/restart actions, with the checks the
//! real service makes and in the same order (key first, then parameters, then lookup).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use crate::errors::{invalid_parameter, json_error, json_text, not_found_instance};
use crate::scenarios;
use crate::state::AppState;
use crate::TEST_API_KEY;

#[derive(Deserialize)]
pub(crate) struct InstanceQuery {
    #[serde(rename = "instanceId")]
    pub(crate) instance_id: Option<String>,
}

#[derive(Deserialize)]
struct ActionBody {
    #[serde(rename = "instanceId")]
    instance_id: Option<String>,
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
        Ok(_) => return invalid_parameter("instanceId is required"),
        Err(_) => return invalid_parameter("instanceId is invalid"),
    };
    if let Some(scenario) = state.take_failure(&id) {
        return match scenarios::get(&state, &scenario).await {
            Some(response) => response,
            None => not_found_instance(),
        };
    }
    state.apply_script(&id);
    // Stored instances come first so a test can put_instance over any scenario id.
    if let Some(raw) = state.raw_instance(&id) {
        return json_text(StatusCode::OK, raw);
    }
    match scenarios::get(&state, &id).await {
        Some(response) => response,
        None => not_found_instance(),
    }
}

pub(crate) async fn action(
    State(state): State<AppState>,
    action: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let status = match action.as_ref().map(|Path(action)| action.as_str()) {
        Ok("start") => "starting",
        Ok("stop") => "stopping",
        Ok("restart") => "restarting",
        _ => return no_such_route(),
    };
    if !authorized(&headers) {
        return unauthorized();
    }
    let Ok(body) = body else {
        return invalid_parameter("request body is unreadable");
    };
    let id = match serde_json::from_slice::<ActionBody>(&body) {
        Ok(ActionBody {
            instance_id: Some(id),
        }) if !id.is_empty() => id,
        Ok(_) => return invalid_parameter("instanceId is required"),
        Err(_) => return invalid_parameter("body must be JSON like {\"instanceId\": \"...\"}"),
    };
    if state.set_status(&id, status) {
        return json_text(StatusCode::OK, "{}".to_owned());
    }
    match scenarios::action(&state, &id).await {
        Some(response) => response,
        None => not_found_instance(),
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

fn no_such_route() -> Response {
    json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such API path")
}

fn unauthorized() -> Response {
    json_error(
        StatusCode::UNAUTHORIZED,
        "INVALID_API_KEY",
        "Invalid or missing API key",
    )
}

/// Strict on the key so the app's own slips (stray spaces, a missing `Bearer`) show up in
/// tests; the scheme is matched without case as HTTP says it must be.
fn authorized(headers: &HeaderMap) -> bool {
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
