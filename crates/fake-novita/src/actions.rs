//! Start, Stop, Restart and Delete: `POST /gpu-instance/openapi/v1/gpu/instance/{action}` with
//! `{"instanceId": "ID"}`.
//!
//! An accepted action answers at once (an empty 200 by default, see
//! [`crate::FakeNovita::set_action_answer`]) and then moves the instance through its three
//! statuses on the stand-in's clock, one step each [`crate::FakeNovita::set_action_step`]:
//! start `toStart` → `starting` → `running`, stop `toStop` → `stopping` → `exited`, restart
//! `toRestart` → `restarting` → `running`, delete `toRemove` → `removing` → `removed`. Get and
//! the list both see it. An action the status does not allow is refused with 400
//! `OPERATION_LIMIT`, and so is a second one while the first is under way.

use std::fmt;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::api::{authorized, no_such_route, unauthorized};
use crate::errors::{invalid_parameter, not_found_instance, ApiError};
use crate::scenarios::{self, respond, Outcome};
use crate::script::Call;
use crate::state::{ActionOutcome, AppState};

/// The action paths: this followed by `start`, `stop`, `restart` or `delete`.
pub const ACTION_PATH_PREFIX: &str = "/gpu-instance/openapi/v1/gpu/instance/";

#[derive(Clone, Copy)]
enum Action {
    Start,
    Stop,
    Restart,
    Delete,
}

impl Action {
    fn from_path(segment: &str) -> Option<Action> {
        match segment {
            "start" => Some(Action::Start),
            "stop" => Some(Action::Stop),
            "restart" => Some(Action::Restart),
            "delete" => Some(Action::Delete),
            _ => None,
        }
    }

    /// The statuses it moves the instance through, first at once, last when done.
    fn statuses(self) -> [&'static str; 3] {
        match self {
            Action::Start => ["toStart", "starting", "running"],
            Action::Stop => ["toStop", "stopping", "exited"],
            Action::Restart => ["toRestart", "restarting", "running"],
            Action::Delete => ["toRemove", "removing", "removed"],
        }
    }

    /// The same rules the app offers the buttons by: start a stopped instance, stop or
    /// restart a running one, delete anything not already on its way out.
    fn allowed_from(self, status: &str) -> bool {
        match self {
            Action::Start => status == "exited",
            Action::Stop | Action::Restart => status == "running",
            Action::Delete => !matches!(status, "toRemove" | "removing" | "removed"),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Delete => "delete",
        })
    }
}

#[derive(Deserialize)]
struct ActionBody {
    #[serde(rename = "instanceId")]
    instance_id: Option<String>,
}

pub(crate) async fn action(
    State(state): State<AppState>,
    action: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(action) = action
        .ok()
        .and_then(|Path(segment)| Action::from_path(&segment))
    else {
        return no_such_route();
    };
    if !authorized(&headers) {
        return unauthorized();
    }
    let Ok(body) = body else {
        return invalid_parameter("request body is unreadable").into_response();
    };
    let id = match serde_json::from_slice::<ActionBody>(&body) {
        Ok(ActionBody {
            instance_id: Some(id),
        }) if !id.is_empty() => id,
        Ok(_) => return invalid_parameter("instanceId is required").into_response(),
        Err(_) => {
            return invalid_parameter("body must be JSON like {\"instanceId\": \"...\"}")
                .into_response()
        }
    };
    let real = || perform(&state, action, &id);
    if let Some(instead) = state.take_failure(Call::Action, &id) {
        return scenarios::play(&state, instead, real).await;
    }
    if state.raw_instance(&id).is_none() {
        if let Some(response) = scenarios::for_missing_instance(&state, &id).await {
            return response;
        }
    }
    respond(real())
}

fn perform(state: &AppState, action: Action, id: &str) -> Outcome {
    match state.begin_action(id, |status| action.allowed_from(status), action.statuses()) {
        ActionOutcome::Accepted => Ok(state.action_answer()),
        ActionOutcome::NotFound => Err(not_found_instance()),
        ActionOutcome::Refused(status) => {
            let status = if status.is_empty() {
                "unknown"
            } else {
                &status
            };
            Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "OPERATION_LIMIT",
                format!("cannot {action} an instance whose status is {status}"),
            ))
        }
    }
}
