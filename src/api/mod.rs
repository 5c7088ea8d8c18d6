//! The one client of the Novita API. Each call family has its file (`instance.rs`: Get
//! Instance; `list.rs`: List Instances, every page; `actions.rs`: start, stop, restart,
//! delete; `metrics.rs`: Get Metrics), building its URL with the model and reading its answer
//! with the model; all of them send through [`call`], which puts the key in the
//! `Authorization` header and nowhere else, and turns every failure into one
//! [`ApiError`](instance_model::ApiError), whose variants are the error kinds of CONTRACT.md.

pub mod actions;
pub mod instance;
pub mod list;
pub mod metrics;

use crate::state::env::{Cancel, Env, HttpRequest, HttpResponse, Task};
use instance_model::api::{classify_failure, TIMEOUT_SECS};
use instance_model::ApiError;

/// Sends one request with the key; the task gives the answer whatever its status (an error
/// only when none came).
pub fn send(
    env: &dyn Env,
    method: &'static str,
    url: String,
    key: &str,
    body: Option<String>,
) -> (Cancel, Task<Result<HttpResponse, ApiError>>) {
    env.http(HttpRequest {
        method,
        url,
        authorization: format!("Bearer {}", key.trim()),
        body,
        timeout_secs: TIMEOUT_SECS,
    })
}

/// Sends one request; a 2xx answer gives its body, anything else the error it means.
pub fn call(
    env: &dyn Env,
    method: &'static str,
    url: String,
    key: &str,
    body: Option<String>,
) -> (Cancel, Task<Result<String, ApiError>>) {
    let (cancel, answer) = send(env, method, url, key, body);
    let task = async move {
        let response = answer.await?;
        if (200..300).contains(&response.status) {
            Ok(response.body)
        } else {
            Err(classify_failure(
                response.status,
                &response.body,
                response.retry_after.as_deref(),
            ))
        }
    };
    (cancel, Box::pin(task))
}
