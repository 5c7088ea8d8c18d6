//! Start, Stop, Restart, Delete: `POST {apiBase}/gpu-instance/openapi/v1/gpu/instance/{action}`
//! with `{"instanceId": "<id>"}`. Any 2xx is accepted whatever its body (the API sends an empty
//! one, `{}` or JSON); anything else keeps Novita's `reason` beside the error kind. Sent once:
//! nothing here retries.

use super::send;
use crate::state::env::{Cancel, Env, Task};
use instance_model::actions::{request_body, Action, ActionFailure};

/// Starts one action call. Dropping the guard would abort it: the caller keeps it until the
/// answer comes (an aborted POST is an outcome no one knows).
pub fn post(
    env: &dyn Env,
    api_base: &str,
    api_key: &str,
    action: Action,
    instance_id: &str,
) -> (Cancel, Task<Result<(), ActionFailure>>) {
    let (cancel, answer) = send(
        env,
        "POST",
        action.url(api_base),
        api_key,
        Some(request_body(instance_id)),
    );
    let task = async move {
        match answer.await {
            Ok(r) if (200..300).contains(&r.status) => Ok(()),
            Ok(r) => Err(ActionFailure::read(
                r.status,
                &r.body,
                r.retry_after.as_deref(),
            )),
            Err(error) => Err(ActionFailure::without_answer(error)),
        }
    };
    (cancel, Box::pin(task))
}
