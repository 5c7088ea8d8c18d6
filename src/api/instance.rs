//! Get Instance: `GET {apiBase}/gpu-instance/openapi/v1/gpu/instance?instanceId=ID`.

use super::call;
use crate::state::env::{Cancel, Env, Task};
use instance_model::api::instance_url;
use instance_model::{ApiError, Instance};

/// An instance as fetched: the parsed model, and the body exactly as received (for the raw
/// JSON view).
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    pub instance: Instance,
    pub raw: String,
}

impl Fetched {
    /// Reads a body the API (or a demo sample) gave; one that is not an instance is
    /// [`ApiError::BadResponse`].
    pub fn read(raw: String) -> Result<Fetched, ApiError> {
        match Instance::from_json(&raw) {
            Ok(instance) => Ok(Fetched { instance, raw }),
            Err(e) => Err(ApiError::BadResponse {
                detail: e.to_string(),
            }),
        }
    }
}

/// Starts a Get Instance call. The guard cancels it; the task gives the outcome.
pub fn get(
    env: &dyn Env,
    api_base: &str,
    api_key: &str,
    instance_id: &str,
) -> (Cancel, Task<Result<Fetched, ApiError>>) {
    let (cancel, answer) = call(
        env,
        "GET",
        instance_url(api_base, instance_id),
        api_key,
        None,
    );
    (
        cancel,
        Box::pin(async move { Fetched::read(answer.await?) }),
    )
}
