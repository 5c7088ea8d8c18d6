//! Get Metrics: `GET {apiBase}/openapi/v1/metrics/gpu/instance?instanceId=&startTime=&endTime=&interval=`
//! (not under `/gpu-instance`; the URL is [`Query::url`]).

use super::call;
use crate::state::env::{Cancel, Env, Task};
use instance_model::metrics::query::Query;
use instance_model::metrics::Metrics;
use instance_model::ApiError;

/// Starts a Get Metrics call for `query`. The guard cancels it; the task gives the metrics,
/// read leniently (only a body that is not an object of metrics is an error).
pub fn get(
    env: &dyn Env,
    api_base: &str,
    api_key: &str,
    instance_id: &str,
    query: &Query,
) -> (Cancel, Task<Result<Metrics, ApiError>>) {
    let (cancel, answer) = call(env, "GET", query.url(api_base, instance_id), api_key, None);
    let task = async move {
        Metrics::from_json(&answer.await?).map_err(|detail| ApiError::BadResponse { detail })
    };
    (cancel, Box::pin(task))
}
