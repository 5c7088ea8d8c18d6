//! Get Metrics: `GET /openapi/v1/metrics/gpu/instance` (no `/gpu-instance` prefix), CPU,
//! memory, root disk and per-GPU utilisation and memory, as documented (see NOTES.md,
//! "Metrics").
//!
//! The query is read the way the docs describe: `endTime` unix seconds in `(0, now]`, else
//! now; `startTime` in `(0, endTime - 60]`, else `endTime - 60`; `interval` seconds, 15 when
//! missing, unreadable or smaller. Invalid values fall back silently, as on the real service.
//! Points are at `startTime + k * interval` up to `endTime`, and only those strictly older
//! than [`METRICS_LAG_SECS`] before now (the data lags), so the default window (the last
//! 60 s) is always empty. A window of more than [`MAX_POINTS`] points is refused with 400, as the
//! Prometheus behind such APIs does.
//!
//! Every value is a function of the timestamp alone (and the GPU index), so the same window
//! gives the same answer byte for byte; see the crate docs for the formulas.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{authorized, unauthorized};
use crate::errors::{invalid_parameter, not_found_instance, ApiError};
use crate::scenarios::{self, ok, respond, Outcome};
use crate::script::Call;
use crate::state::AppState;

/// The Metrics path, the same as on `https://api.novita.ai`.
pub const METRICS_PATH: &str = "/openapi/v1/metrics/gpu/instance";
/// Every point is more than this many seconds before now.
pub const METRICS_LAG_SECS: u64 = 60;
/// The smallest interval; smaller ones are read as this.
pub const MIN_INTERVAL_SECS: u64 = 15;
/// The most points one series may have: `(endTime - startTime) / interval + 1`.
pub const MAX_POINTS: u64 = 11_000;
/// `startTime` must be at least this long before `endTime`; it is also the default window.
const MIN_WINDOW_SECS: u64 = 60;

/// What an instance's metrics look like. Instances without a case are [`Metrics::Busy`].
#[derive(Clone, Debug, PartialEq)]
pub enum Metrics {
    /// Every GPU at 85.0-99.9 %, CPU 40.0-79.9 %, memory 60.0-69.9 %.
    Busy,
    /// Every GPU at 0.0-4.9 % (always under 5 %), CPU 1.0-2.9 %, memory 20.0-20.9 %.
    Idle,
    /// Busy before this unix second, idle from it on (a point at exactly this time is idle).
    IdleSince(u64),
    /// Eight GPUs: GPU `"3"` busy, the seven others idle. The average is about 14 %.
    EightGpusOneBusy,
    /// Idle, with no points at all (in any series) where `(timestamp / 300) % 4 == 2`:
    /// a 5-minute hole every 20 minutes of clock time.
    Gaps,
    /// Every list `[]`, `gpuIds` `[]`.
    Empty,
    /// Every list `null`, `gpuIds` `null`.
    Nulls,
    /// Values as strings, `null`, `"NaN"` and out of range; timestamps as numbers and
    /// nonsense; `memUtilization` null; `rootDiskUtilization` missing; `gpuMemUtilization`
    /// a string. See the crate docs.
    Garbage,
}

impl Metrics {
    /// Idle for exactly `idle` up to now, busy before: [`Metrics::IdleSince`] now - `idle`.
    pub fn idle_for(idle: Duration) -> Metrics {
        Metrics::IdleSince(unix_now().saturating_sub(idle.as_secs()))
    }
}

#[derive(Deserialize)]
pub(crate) struct MetricsQuery {
    #[serde(rename = "instanceId")]
    instance_id: Option<String>,
    #[serde(rename = "startTime")]
    start_time: Option<String>,
    #[serde(rename = "endTime")]
    end_time: Option<String>,
    interval: Option<String>,
}

pub(crate) async fn metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<MetricsQuery>, QueryRejection>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let query = match query {
        Ok(Query(query)) => query,
        Err(_) => return invalid_parameter("the query is invalid").into_response(),
    };
    let id = match query.instance_id.as_deref() {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => return invalid_parameter("instanceId is required").into_response(),
    };
    let now = unix_now();
    let window = Window::read(&query, now);
    let real = || answer(&state, &id, &window, now);
    if let Some(instead) = state.take_failure(Call::Metrics, &id) {
        return scenarios::play(&state, instead, real).await;
    }
    if state.raw_instance(&id).is_none() {
        if let Some(response) = scenarios::for_missing_instance(&state, &id).await {
            return response;
        }
    }
    respond(real())
}

fn answer(state: &AppState, id: &str, window: &Window, now: u64) -> Outcome {
    let instance = state.instance(id).ok_or_else(not_found_instance)?;
    let times = window.timestamps(now)?;
    let case = state.metrics_case(id);
    ok(body(&case, gpu_count(&instance), &times).to_string())
}

/// The window asked for, with the docs' fallbacks applied.
struct Window {
    start: u64,
    end: u64,
    interval: u64,
}

impl Window {
    fn read(query: &MetricsQuery, now: u64) -> Window {
        let number = |text: &Option<String>| text.as_deref().and_then(|t| t.parse::<u64>().ok());
        let end = number(&query.end_time)
            .filter(|end| (1..=now).contains(end))
            .unwrap_or(now);
        let latest_start = end.saturating_sub(MIN_WINDOW_SECS);
        let start = number(&query.start_time)
            .filter(|start| (1..=latest_start).contains(start))
            .unwrap_or(latest_start);
        let interval = number(&query.interval)
            .unwrap_or(MIN_INTERVAL_SECS)
            .max(MIN_INTERVAL_SECS);
        Window {
            start,
            end,
            interval,
        }
    }

    fn timestamps(&self, now: u64) -> Result<Vec<u64>, ApiError> {
        let asked = (self.end - self.start) / self.interval + 1;
        if asked > MAX_POINTS {
            return Err(invalid_parameter(format!(
                "exceeded maximum resolution of {MAX_POINTS} points per series: \
                 shorten the range or raise the interval"
            )));
        }
        // Strictly older than the lag, so the default window (the last 60 s) is empty.
        let last = self.end.min(now.saturating_sub(METRICS_LAG_SECS + 1));
        Ok((self.start..=last)
            .step_by(self.interval as usize)
            .collect())
    }
}

/// GPUs the instance has, from its `gpuNum` (a string or a number), between 1 and 8.
fn gpu_count(instance: &Value) -> usize {
    let count = match instance.get("gpuNum") {
        Some(Value::String(text)) => text.trim().parse().ok(),
        Some(Value::Number(number)) => number.as_u64(),
        _ => None,
    };
    count.unwrap_or(1).clamp(1, 8) as usize
}

fn body(case: &Metrics, gpus: usize, times: &[u64]) -> Value {
    let busy: &dyn Fn(u64, usize) -> bool = match case {
        Metrics::Busy => &|_, _| true,
        Metrics::Idle | Metrics::Gaps => &|_, _| false,
        Metrics::IdleSince(since) => &move |at, _| at < *since,
        Metrics::EightGpusOneBusy => &|_, gpu| gpu == 3,
        Metrics::Empty => return shaped(json!([]), json!([])),
        Metrics::Nulls => return shaped(Value::Null, Value::Null),
        Metrics::Garbage => return garbage(times),
    };
    let gpus = if *case == Metrics::EightGpusOneBusy {
        8
    } else {
        gpus
    };
    let times: Vec<u64> = match case {
        Metrics::Gaps => times.iter().copied().filter(|at| !in_gap(*at)).collect(),
        _ => times.to_vec(),
    };
    let any_busy = |at: u64| (0..gpus).any(|gpu| busy(at, gpu));
    let series = |value: &dyn Fn(u64) -> u32| -> Value {
        times.iter().map(|at| point(*at, value(*at))).collect()
    };
    let per_gpu = |value: &dyn Fn(u64, usize, bool) -> u32| -> Value {
        let avg = series(&|at| {
            let sum: u32 = (0..gpus).map(|gpu| value(at, gpu, busy(at, gpu))).sum();
            (sum + gpus as u32 / 2) / gpus as u32
        });
        let ids: Vec<Value> = (0..gpus)
            .map(|gpu| {
                json!({
                    "gpuId": gpu.to_string(),
                    "items": series(&|at| value(at, gpu, busy(at, gpu))),
                })
            })
            .collect();
        json!({ "avg": avg, "gpuIds": ids })
    };
    json!({
        "cpuUtilization": series(&|at| cpu_tenths(at, any_busy(at))),
        "memUtilization": series(&|at| mem_tenths(at, any_busy(at))),
        "rootDiskUtilization": series(&disk_tenths),
        "gpuUtilization": per_gpu(&gpu_tenths),
        "gpuMemUtilization": per_gpu(&gpu_mem_tenths),
    })
}

fn in_gap(at: u64) -> bool {
    (at / 300) % 4 == 2
}

/// Every series in the documented shape, holding `list` (`[]` or `null`).
fn shaped(list: Value, gpu_ids: Value) -> Value {
    json!({
        "cpuUtilization": list,
        "memUtilization": list,
        "rootDiskUtilization": list,
        "gpuUtilization": { "avg": list, "gpuIds": gpu_ids },
        "gpuMemUtilization": { "avg": list, "gpuIds": gpu_ids },
    })
}

fn point(at: u64, tenths: u32) -> Value {
    json!({ "timestamp": at.to_string(), "value": f64::from(tenths) / 10.0 })
}

/// The step index the value formulas use: one per 15 s of clock time.
fn step(at: u64) -> u64 {
    at / MIN_INTERVAL_SECS
}

fn gpu_tenths(at: u64, gpu: usize, busy: bool) -> u32 {
    let (k, g) = (step(at), gpu as u64);
    if busy {
        850 + ((7 * k + 31 * g) % 150) as u32
    } else {
        ((3 * k + 7 * g) % 50) as u32
    }
}

fn gpu_mem_tenths(at: u64, gpu: usize, busy: bool) -> u32 {
    let (k, g) = (step(at), gpu as u64);
    if busy {
        700 + ((13 * k + 17 * g) % 100) as u32
    } else {
        300 + ((k + g) % 10) as u32
    }
}

fn cpu_tenths(at: u64, busy: bool) -> u32 {
    let k = step(at);
    if busy {
        400 + (11 * k % 400) as u32
    } else {
        10 + (3 * k % 20) as u32
    }
}

fn mem_tenths(at: u64, busy: bool) -> u32 {
    let k = step(at);
    if busy {
        600 + (5 * k % 100) as u32
    } else {
        200 + (k % 10) as u32
    }
}

fn disk_tenths(at: u64) -> u32 {
    415 + (step(at) / 240 % 5) as u32
}

/// Everything a lenient reader must survive, cycling through eight kinds of point.
fn garbage(times: &[u64]) -> Value {
    let points: Value = times
        .iter()
        .enumerate()
        .map(|(index, at)| {
            let at_text = at.to_string();
            match index % 8 {
                0 => json!({ "timestamp": at_text, "value": "12.5" }),
                1 => json!({ "timestamp": at_text, "value": null }),
                2 => json!({ "timestamp": at_text, "value": "NaN" }),
                3 => json!({ "timestamp": at, "value": 20.5 }),
                4 => json!({ "timestamp": "yesterday", "value": 30 }),
                5 => json!({ "timestamp": at_text, "value": 40.25 }),
                6 => json!({ "timestamp": at_text }),
                _ => json!({ "timestamp": at_text, "value": 250 }),
            }
        })
        .collect();
    json!({
        "cpuUtilization": points,
        "memUtilization": null,
        "gpuUtilization": {
            "avg": points,
            "gpuIds": [
                { "gpuId": 0, "items": points },
                { "gpuId": "1", "items": null },
                { "items": points },
            ],
        },
        "gpuMemUtilization": "n/a",
    })
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
