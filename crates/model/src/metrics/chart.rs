//! The geometry of the metrics charts, pure so it is tested natively: where the lines break
//! (gaps), the SVG path of a series, the time ticks and their labels, and the reading nearest
//! to a pointer.
//!
//! A chart's lines are drawn in a [`WIDTH`] × [`HEIGHT`] box stretched to the chart's size, so
//! no pixel width is needed to draw them: x is time from the query's start to its end, y is
//! 100 % at the top and 0 % at the bottom (one unit per tenth of a percent).

use super::Point;

/// The width of the box the lines are drawn in.
pub const WIDTH: i64 = 10_000;
/// Its height: one unit per tenth of a percent.
pub const HEIGHT: i64 = 1_000;

/// Round steps for time ticks, in seconds.
const TICK_STEPS: [i64; 13] = [
    60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 14_400, 21_600, 43_200, 86_400,
];

/// A time of day, local time `offset_minutes` east of UTC: "14:05", or with `seconds`
/// "14:05:30".
pub fn clock(at: i64, offset_minutes: i32, seconds: bool) -> String {
    let of_day = (at + i64::from(offset_minutes) * 60).rem_euclid(86_400);
    let (h, m, s) = (of_day / 3_600, of_day % 3_600 / 60, of_day % 60);
    if seconds {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}")
    }
}

/// A tick on the time axis: where (unix seconds) and its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tick {
    pub at: i64,
    pub label: String,
}

/// Time ticks for `start..=end`: the smallest round step that can never give more than
/// `max_ticks` ticks over that span, placed on round local times (every 15 min on the quarter
/// hour, every 6 h at 00:00, 06:00, ...). The step depends on the span only, so ticks do not
/// change step from one refresh to the next.
pub fn time_ticks(start: i64, end: i64, max_ticks: usize, offset_minutes: i32) -> Vec<Tick> {
    let span = (end - start).max(1);
    let max_ticks = max_ticks.max(2) as i64;
    let step = TICK_STEPS
        .into_iter()
        .find(|step| span / step < max_ticks)
        .unwrap_or(86_400 * (span / 86_400 / (max_ticks - 1) + 1));
    let offset = i64::from(offset_minutes) * 60;
    let first = (start + offset + step - 1).div_euclid(step) * step - offset;
    (0..)
        .map(|k| first + k * step)
        .take_while(|at| *at <= end)
        .map(|at| Tick {
            at,
            label: clock(at, offset_minutes, false),
        })
        .collect()
}

/// The readings of a series in runs without gaps: a run ends at a point with no reading, and
/// where two readings are more than one and a half intervals apart (samples are missing).
pub fn segments(points: &[Point], interval: u64) -> Vec<Vec<(i64, u16)>> {
    let max_step = (interval as i64 * 3 + 1) / 2;
    let mut runs: Vec<Vec<(i64, u16)>> = Vec::new();
    let mut open = false;
    for p in points {
        let Some(t) = p.tenths else {
            open = false;
            continue;
        };
        match runs.last_mut() {
            Some(run) if open && run.last().is_some_and(|(at, _)| p.at - at <= max_step) => {
                run.push((p.at, t));
            }
            _ => runs.push(vec![(p.at, t)]),
        }
        open = true;
    }
    runs
}

/// x in the drawing box of a time in `start..=end` (clamped to the box).
pub fn x_of(at: i64, start: i64, end: i64) -> i64 {
    ((at - start) * WIDTH / (end - start).max(1)).clamp(0, WIDTH)
}

/// A time's place across the chart as a CSS percentage with one decimal ("37.5%"), for the
/// ticks and the pointer line drawn outside the stretched box.
pub fn x_percent(at: i64, start: i64, end: i64) -> String {
    let permille = x_of(at, start, end) / 10;
    format!("{}.{}%", permille / 10, permille % 10)
}

/// The SVG path of a series' runs: one `M ... L ...` per run, and a single reading between two
/// gaps as a dot (a zero-length line, drawn with round caps).
pub fn path(runs: &[Vec<(i64, u16)>], start: i64, end: i64) -> String {
    let mut d = String::new();
    for run in runs {
        for (i, (at, tenths)) in run.iter().enumerate() {
            let x = x_of(*at, start, end);
            let y = HEIGHT - i64::from((*tenths).min(1000));
            let command = if i == 0 { 'M' } else { 'L' };
            d.push_str(&format!("{command}{x} {y}"));
        }
        if run.len() == 1 {
            d.push_str("h0");
        }
    }
    d
}

/// The index in `points` of the reading nearest in time to `at` (the earlier of two equally
/// near); `None` when there is no reading.
pub fn nearest(points: &[Point], at: i64) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.tenths.is_some())
        .min_by_key(|(_, p)| (p.at - at).abs())
        .map(|(i, _)| i)
}

/// The time under a pointer `fraction_permille` (0-1000) of the way across the chart.
pub fn time_at(fraction_permille: i64, start: i64, end: i64) -> i64 {
    start + (end - start) * fraction_permille.clamp(0, 1000) / 1000
}

/// The reading before (`forward` false) or after `from` in `points`, for the arrow keys; the
/// last reading when there is no `from`. Stays put at either end.
pub fn step(points: &[Point], from: Option<usize>, forward: bool) -> Option<usize> {
    let readable = |i: &usize| points[*i].tenths.is_some();
    let Some(from) = from else {
        return (0..points.len()).rev().find(readable);
    };
    let next = if forward {
        (from + 1..points.len()).find(readable)
    } else {
        (0..from.min(points.len())).rev().find(readable)
    };
    next.or(Some(from).filter(|i| *i < points.len()))
}
