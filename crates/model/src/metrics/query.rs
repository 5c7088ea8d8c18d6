//! What to ask Get Metrics for: the panel's time windows (the `metrics-range` values of
//! CONTRACT.md), the interval for each, and the URL.
//!
//! The API samples every `interval` seconds (at least 15) from `startTime` to `endTime`, and
//! its `startTime` defaults to the last 60 s, so it is always sent. The interval is the
//! smallest round step that keeps a window at [`MAX_POINTS`] points or fewer: enough for a
//! chart a few hundred pixels wide, and a few tens of KB per answer.

use crate::api::encode_component;

/// The smallest interval the API accepts.
pub const MIN_INTERVAL_SECS: u64 = 15;
/// The most points a window is fetched with.
pub const MAX_POINTS: u64 = 300;
/// How far the data lags behind the clock (about a minute, NOTES.md).
pub const LAG_SECS: i64 = 60;

/// Round steps an interval is chosen from, in seconds.
const STEPS: [u64; 13] = [
    15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 21_600, 43_200, 86_400,
];

/// The panel's time windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Minutes15,
    Hour1,
    Hours6,
    Hours24,
}

impl Window {
    pub const ALL: [Window; 4] = [
        Window::Minutes15,
        Window::Hour1,
        Window::Hours6,
        Window::Hours24,
    ];
    pub const DEFAULT: Window = Window::Hour1;

    /// The `metrics-range` value (and what is kept on the device).
    pub fn value(self) -> &'static str {
        match self {
            Window::Minutes15 => "15m",
            Window::Hour1 => "1h",
            Window::Hours6 => "6h",
            Window::Hours24 => "24h",
        }
    }

    pub fn parse(value: &str) -> Option<Window> {
        Window::ALL.into_iter().find(|w| w.value() == value.trim())
    }

    /// The option's words.
    pub fn label(self) -> &'static str {
        match self {
            Window::Minutes15 => "15 minutes",
            Window::Hour1 => "1 hour",
            Window::Hours6 => "6 hours",
            Window::Hours24 => "24 hours",
        }
    }

    /// How a summary ends: "GPU 3% now, ..., last hour".
    pub fn phrase(self) -> &'static str {
        match self {
            Window::Minutes15 => "last 15 minutes",
            Window::Hour1 => "last hour",
            Window::Hours6 => "last 6 hours",
            Window::Hours24 => "last 24 hours",
        }
    }

    pub fn secs(self) -> u64 {
        match self {
            Window::Minutes15 => 900,
            Window::Hour1 => 3_600,
            Window::Hours6 => 21_600,
            Window::Hours24 => 86_400,
        }
    }

    /// The query for this window ending at `now_secs`.
    pub fn query(self, now_secs: i64) -> Query {
        Query::last(self.secs(), interval_for(self.secs()), now_secs)
    }
}

/// The interval for a span: the smallest round step of at least [`MIN_INTERVAL_SECS`] that
/// gives at most [`MAX_POINTS`] points (15 s for 15 min and 1 h, 2 min for 6 h, 5 min for 24 h).
pub fn interval_for(span_secs: u64) -> u64 {
    let needed = span_secs.div_ceil(MAX_POINTS).max(MIN_INTERVAL_SECS);
    STEPS
        .into_iter()
        .find(|step| *step >= needed)
        .unwrap_or(needed)
}

/// One Get Metrics request: unix seconds and the interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    pub start: i64,
    pub end: i64,
    pub interval: u64,
}

impl Query {
    /// The `span_secs` up to `now_secs`, sampled every `interval` seconds (at least 15). The
    /// start is rounded down to a multiple of the interval, so the samples fall on the same
    /// times from one refresh to the next and the lines do not shimmer.
    pub fn last(span_secs: u64, interval: u64, now_secs: i64) -> Query {
        let interval = interval.max(MIN_INTERVAL_SECS);
        let step = interval as i64;
        let start = (now_secs - span_secs as i64).div_euclid(step) * step;
        Query {
            start,
            end: now_secs,
            interval,
        }
    }

    /// `{apiBase}/openapi/v1/metrics/gpu/instance?instanceId=&startTime=&endTime=&interval=`
    /// (not under `/gpu-instance`). A trailing `/` on the base is ignored.
    pub fn url(&self, api_base: &str, instance_id: &str) -> String {
        format!(
            "{}/openapi/v1/metrics/gpu/instance?instanceId={}&startTime={}&endTime={}&interval={}",
            api_base.trim().trim_end_matches('/'),
            encode_component(instance_id.trim()),
            self.start,
            self.end,
            self.interval
        )
    }
}
