//! A chart in one sentence, for a glance and for screen readers: "GPU 3% now, 4.2% average,
//! 12% peak, last hour". Percentages carry one decimal under 10 % (where the idle threshold
//! lives) and are whole above; a single value read out always carries one.

use super::chart::clock;
use super::query::{Query, LAG_SECS};
use super::{Gpu, Point};

/// Latest, average and peak of the readings of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub latest: u16,
    pub latest_at: i64,
    /// The mean of the readings, in tenths, rounded half up.
    pub average: u16,
    pub peak: u16,
    pub peak_at: i64,
    pub readings: usize,
}

/// `None` when the series holds no reading.
pub fn summarize(points: &[Point]) -> Option<Summary> {
    let mut readings = points.iter().filter_map(|p| p.tenths.map(|t| (p.at, t)));
    let (first_at, first) = readings.next()?;
    let mut summary = Summary {
        latest: first,
        latest_at: first_at,
        average: 0,
        peak: first,
        peak_at: first_at,
        readings: 1,
    };
    let mut sum = u64::from(first);
    for (at, t) in readings {
        sum += u64::from(t);
        summary.readings += 1;
        summary.latest = t;
        summary.latest_at = at;
        if t > summary.peak {
            summary.peak = t;
            summary.peak_at = at;
        }
    }
    let n = summary.readings as u64;
    summary.average = ((sum + n / 2) / n) as u16;
    Some(summary)
}

/// A percentage for a sentence: one decimal under 10 % ("4.9%", so a GPU just under the 5 %
/// idle threshold never reads as "5%"), whole from 10 % up ("12%", tenths rounded half up).
pub fn percent(tenths: u16) -> String {
    if tenths < 100 {
        percent_exact(tenths)
    } else {
        format!("{}%", (tenths + 5) / 10)
    }
}

/// One decimal: "3.4%", "100%", "0%".
pub fn percent_exact(tenths: u16) -> String {
    match tenths % 10 {
        0 => format!("{}%", tenths / 10),
        d => format!("{}.{d}%", tenths / 10),
    }
}

/// "GPU 3% now, 4% average, 12% peak, last hour". The latest reading is "now" when it is as
/// recent as the data's lag and a few intervals allow; otherwise it says when it was ("3% at
/// 14:05", local time `offset_minutes` east of UTC). No reading: "GPU: no data, last hour".
pub fn sentence(
    name: &str,
    summary: Option<&Summary>,
    query: &Query,
    phrase: &str,
    offset_minutes: i32,
) -> String {
    let Some(s) = summary else {
        return format!("{name}: no data, {phrase}");
    };
    let recent = query.end - LAG_SECS - 3 * query.interval as i64;
    let when = if s.latest_at >= recent {
        "now".to_string()
    } else {
        format!("at {}", clock(s.latest_at, offset_minutes, false))
    };
    format!(
        "{name} {} {when}, {} average, {} peak, {phrase}",
        percent(s.latest),
        percent(s.average),
        percent(s.peak)
    )
}

/// For a machine with more than one GPU, the one with the highest average and that average:
/// the GPU doing the work when the average hides it. `None` with one GPU or no readings.
pub fn busiest(gpus: &[Gpu]) -> Option<(&str, u16)> {
    if gpus.len() < 2 {
        return None;
    }
    gpus.iter()
        .filter_map(|g| Some((g.id.as_str(), summarize(g.points.as_deref()?)?.average)))
        .fold(None, |best: Option<(&str, u16)>, (id, avg)| match best {
            Some((_, b)) if b >= avg => best,
            _ => Some((id, avg)),
        })
}

/// The exact reading under a pointer: "14:05:30: GPU 3.4%; GPU 0 2.1%, GPU 1 no reading" (local
/// time `offset_minutes` east of UTC), each GPU's reading at the same second when there are
/// several GPUs.
pub fn read_out(name: &str, point: &Point, gpus: &[Gpu], offset_minutes: i32) -> String {
    let value = |p: Option<&Point>| {
        p.and_then(|p| p.tenths)
            .map_or_else(|| "no reading".to_string(), percent_exact)
    };
    let mut text = format!(
        "{}: {name} {}",
        clock(point.at, offset_minutes, true),
        value(Some(point))
    );
    if gpus.len() > 1 {
        for (i, gpu) in gpus.iter().enumerate() {
            let same_time = gpu
                .points
                .as_deref()
                .and_then(|points| points.iter().find(|p| p.at == point.at));
            text.push_str(if i == 0 { "; " } else { ", " });
            text.push_str(&format!("GPU {} {}", gpu.id, value(same_time)));
        }
    }
    text
}
