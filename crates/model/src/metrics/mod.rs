//! An instance's metrics (Get Metrics, NOTES.md "Metrics"): CPU, memory and root disk
//! utilisation, and per-GPU utilisation and memory with their average, all in percent.
//!
//! The answer is read leniently, like the instance: a series that is missing, `null` or not a
//! list is [`None`] ("not reported"), never a line at zero; a point whose value is `null`, not
//! a number or outside 0-100 % stays as a point with no reading (a gap); a point whose
//! timestamp cannot be read is dropped (it cannot be placed). Values are kept as integer
//! tenths of a percent, so nothing downstream needs floats to print them.
//!
//! - [`query`]: the time windows, the interval for each, the request URL;
//! - [`summary`]: latest, average and peak, in words;
//! - [`chart`]: what the SVG charts need (gaps, paths, time ticks, the nearest point).
//!
//! The idle rule that reads the GPU average is [`crate::idle`].

pub mod chart;
pub mod query;
pub mod summary;

use crate::lenient::{self, Object};
use crate::ApiError;
use serde_json::Value;

/// One sample: when (unix seconds) and the value in tenths of a percent (0-1000), or `None`
/// when the API sent one that cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub at: i64,
    pub tenths: Option<u16>,
}

/// The samples of one series, oldest first, one per timestamp.
pub type Series = Vec<Point>;

/// One GPU's series.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gpu {
    /// As the API names it ("0", "1", ...), or `#n` (its place in the list) when it does not.
    pub id: String,
    pub points: Option<Series>,
}

/// A per-GPU metric: the API's average over the GPUs, and each GPU.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GpuSeries {
    pub avg: Option<Series>,
    pub gpus: Vec<Gpu>,
}

/// The five charts' data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    pub gpu: GpuSeries,
    pub gpu_mem: GpuSeries,
    pub cpu: Option<Series>,
    pub mem: Option<Series>,
    pub disk: Option<Series>,
}

impl Metrics {
    /// Reads a Get Metrics answer. Only a body that is not a JSON object is an error; inside
    /// one, whatever cannot be read is left out (see the module docs).
    pub fn from_json(text: &str) -> Result<Metrics, String> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => Ok(Metrics::read(&o)),
            Ok(_) => Err("the answer was JSON, but not an object of metrics".into()),
            Err(_) => Err("the answer was not JSON".into()),
        }
    }

    fn read(o: &Object) -> Metrics {
        Metrics {
            gpu: GpuSeries::read(o.get("gpuUtilization")),
            gpu_mem: GpuSeries::read(o.get("gpuMemUtilization")),
            cpu: series(o.get("cpuUtilization")),
            mem: series(o.get("memUtilization")),
            disk: series(o.get("rootDiskUtilization")),
        }
    }

    /// Whether any series holds at least one reading.
    pub fn has_readings(&self) -> bool {
        let any = |s: &Option<Series>| s.as_deref().is_some_and(has_readings);
        any(&self.cpu)
            || any(&self.mem)
            || any(&self.disk)
            || self.gpu.has_readings()
            || self.gpu_mem.has_readings()
    }
}

/// Whether a series holds at least one reading.
pub fn has_readings(points: &[Point]) -> bool {
    points.iter().any(|p| p.tenths.is_some())
}

impl GpuSeries {
    fn read(v: Option<&Value>) -> GpuSeries {
        let Some(Value::Object(o)) = v else {
            return GpuSeries::default();
        };
        let gpus = match o.get("gpuIds") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(g) => Some(g),
                    _ => None,
                })
                .enumerate()
                .map(|(i, g)| Gpu {
                    id: match lenient::string(g.get("gpuId")).trim() {
                        "" => format!("#{}", i + 1),
                        id => id.to_string(),
                    },
                    points: series(g.get("items")),
                })
                .collect(),
            _ => Vec::new(),
        };
        GpuSeries {
            avg: series(o.get("avg")),
            gpus,
        }
    }

    /// Whether the API sent anything for this metric at all.
    pub fn is_reported(&self) -> bool {
        self.avg.is_some() || self.gpus.iter().any(|g| g.points.is_some())
    }

    fn has_readings(&self) -> bool {
        self.avg.as_deref().is_some_and(has_readings)
            || self
                .gpus
                .iter()
                .any(|g| g.points.as_deref().is_some_and(has_readings))
    }

    /// The average over the GPUs: the API's `avg` when it holds a reading; otherwise the mean
    /// of the GPUs' series at the first GPU's times, where every GPU has a reading (a time
    /// some GPU has no reading for is a gap: its average is unknown). `None` when neither was
    /// sent.
    pub fn average(&self) -> Option<Series> {
        if self.avg.as_deref().is_some_and(has_readings) {
            return self.avg.clone();
        }
        let reported: Vec<&Series> = self.gpus.iter().filter_map(|g| g.points.as_ref()).collect();
        let Some(first) = reported.first() else {
            return self.avg.clone();
        };
        let n = reported.len() as u32;
        Some(
            first
                .iter()
                .map(|p| {
                    let sum = reported.iter().try_fold(0, |sum, points| {
                        let i = points.binary_search_by_key(&p.at, |q| q.at).ok()?;
                        Some(sum + u32::from(points[i].tenths?))
                    });
                    Point {
                        at: p.at,
                        tenths: sum.map(|sum| ((sum + n / 2) / n) as u16),
                    }
                })
                .collect(),
        )
    }
}

/// A series: `None` unless the value is a list; entries that are not objects, and points whose
/// timestamp cannot be read, are dropped. Sorted by time; of two points at the same second the
/// later in the list wins.
fn series(v: Option<&Value>) -> Option<Series> {
    let Some(Value::Array(items)) = v else {
        return None;
    };
    let mut points: Series = items
        .iter()
        .filter_map(|item| match item {
            Value::Object(p) => Some(Point {
                at: timestamp(p.get("timestamp"))?,
                tenths: percent_tenths(p.get("value")),
            }),
            _ => None,
        })
        .collect();
    sort_by_time(&mut points);
    let mut unique: Series = Vec::with_capacity(points.len());
    for p in points {
        match unique.last_mut() {
            Some(last) if last.at == p.at => *last = p,
            _ => unique.push(p),
        }
    }
    Some(unique)
}

/// Sorts points by time, keeping the order of equal times: a bottom-up merge sort, after a
/// check that finds them in order (as the API sends them). Far smaller in the wasm than the
/// standard library's sort, and never quadratic whatever an answer holds.
fn sort_by_time(points: &mut Vec<Point>) {
    if points.windows(2).all(|w| w[0].at <= w[1].at) {
        return;
    }
    let n = points.len();
    let mut from = std::mem::take(points);
    let mut to = from.clone();
    let mut width = 1;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right) = (start, mid);
            for slot in &mut to[start..end] {
                if left < mid && (right >= end || from[left].at <= from[right].at) {
                    *slot = from[left];
                    left += 1;
                } else {
                    *slot = from[right];
                    right += 1;
                }
            }
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *points = from;
}

/// Unix seconds, sent as a string (documented) or a number; milliseconds are recognised by
/// their size (anything past the year 5000 in seconds). Zero, negative or unreadable: `None`.
fn timestamp(v: Option<&Value>) -> Option<i64> {
    const YEAR_5000_IN_SECONDS: f64 = 95_617_584_000.0;
    let n = lenient::number(v).filter(|n| *n > 0.0)?;
    let seconds = if n > YEAR_5000_IN_SECONDS {
        n / 1000.0
    } else {
        n
    };
    (seconds <= YEAR_5000_IN_SECONDS).then_some(seconds as i64)
}

/// A percentage, as a number or a string, in tenths (rounded half up); `None` when it is
/// missing, unreadable, negative or over 100.
fn percent_tenths(v: Option<&Value>) -> Option<u16> {
    let n = lenient::number(v).filter(|n| *n <= 100.0)?;
    Some((n * 10.0 + 0.5) as u16)
}

/// Why the panel has no charts, in words: what went wrong and what to do. The error's own
/// title speaks of an instance where the body was unreadable; here it is metrics.
pub fn explain_failure(error: &ApiError, api_base: &str) -> String {
    let what = match error {
        ApiError::BadResponse { .. } => {
            "The API answered with something that is not metrics.".to_string()
        }
        other => format!("{}.", other.title()),
    };
    format!(
        "Metrics could not be loaded. {what} {}",
        error.advice(api_base)
    )
}
