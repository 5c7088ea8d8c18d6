//! Idle GPUs: a running instance whose GPU utilisation, averaged over its GPUs, stayed under
//! a threshold (5 % unless the user sets another) for a window (30 min unless set) is idle, and
//! has been since the first reading of that quiet stretch.
//!
//! The rule errs towards "cannot tell" rather than "idle", because "idle" invites the user to
//! stop an instance: readings must reach back over the whole window without a hole of more
//! than [`MAX_GAP_SECS`], and the latest must be recent ([`RECENT_SECS`]). A reading at the
//! threshold or over it ends the stretch. A missing reading counts as a hole, never as zero.
//!
//! The pacing of the checks the fleet makes (how many at once, how often each) is here too,
//! as constants, so the numbers the README quotes live in one place.

use crate::metrics::query::Query;
use crate::metrics::Point;

/// Readings further apart than this break a quiet stretch (samples are missing).
pub const MAX_GAP_SECS: i64 = 300;
/// The latest reading must be at most this old for a verdict: the data lags about a minute,
/// and a check's samples may be up to five minutes apart.
pub const RECENT_SECS: i64 = 420;

/// How often each running instance is checked, at most.
pub const CHECK_EVERY_SECS: u64 = 300;
/// How many checks may be in flight at once, whatever the fleet's size.
pub const MAX_IN_FLIGHT: usize = 3;
/// The least time between the starts of two checks: at most 60 requests a minute in all.
pub const MIN_SPACING_MS: u64 = 1_000;
/// A check reads the rule's window and this much more, sampled every [`CHECK_INTERVAL_SECS`].
pub const CHECK_MARGIN_SECS: u64 = 600;
pub const CHECK_INTERVAL_SECS: u64 = 60;
/// How far back an instance found idle is looked at, to say since when: a day, sampled every
/// five minutes (288 points). Done at most once per [`LOOK_BACK_EVERY_SECS`] per instance.
pub const LOOK_BACK_SECS: u64 = 86_400;
pub const LOOK_BACK_INTERVAL_SECS: u64 = 300;
pub const LOOK_BACK_EVERY_SECS: u64 = 3_600;

/// The user's idle rule: GPU average under `threshold_pct` for `window_mins`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleRule {
    pub threshold_pct: u8,
    pub window_mins: u16,
}

impl IdleRule {
    pub const DEFAULT: IdleRule = IdleRule {
        threshold_pct: 5,
        window_mins: 30,
    };
    /// The thresholds offered, as (option value in percent, label).
    pub const THRESHOLDS: [(&'static str, &'static str); 6] = [
        ("1", "under 1%"),
        ("2", "under 2%"),
        ("5", "under 5%"),
        ("10", "under 10%"),
        ("15", "under 15%"),
        ("20", "under 20%"),
    ];
    /// The windows offered, as (option value in minutes, label).
    pub const WINDOWS: [(&'static str, &'static str); 5] = [
        ("15", "for 15 min"),
        ("30", "for 30 min"),
        ("60", "for 1 h"),
        ("120", "for 2 h"),
        ("240", "for 4 h"),
    ];

    /// A threshold as stored or chosen; anything not offered is `None`.
    pub fn parse_threshold(text: &str) -> Option<u8> {
        offered(&IdleRule::THRESHOLDS, text).map(|n| n as u8)
    }

    /// A window as stored or chosen; anything not offered is `None`.
    pub fn parse_window(text: &str) -> Option<u16> {
        offered(&IdleRule::WINDOWS, text).map(|n| n as u16)
    }

    fn threshold_tenths(self) -> u16 {
        u16::from(self.threshold_pct) * 10
    }

    fn window_secs(self) -> i64 {
        i64::from(self.window_mins) * 60
    }

    /// The query of a routine check ending at `now_secs`: the window and a margin, so the
    /// readings cover the window despite the lag.
    pub fn check_query(self, now_secs: i64) -> Query {
        Query::last(
            self.window_secs() as u64 + CHECK_MARGIN_SECS,
            CHECK_INTERVAL_SECS,
            now_secs,
        )
    }
}

/// The number of an option `text` names, if it is one of `choices`.
fn offered(choices: &[(&str, &str)], text: &str) -> Option<u32> {
    let text = text.trim();
    choices
        .iter()
        .find(|(value, _)| *value == text)?
        .0
        .parse()
        .ok()
}

/// The query that looks back a day, to find when idle GPUs went quiet.
pub fn look_back_query(now_secs: i64) -> Query {
    Query::last(LOOK_BACK_SECS, LOOK_BACK_INTERVAL_SECS, now_secs)
}

/// What the GPU average says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Under the threshold at every reading since `since` (unix seconds), for at least the
    /// window. `at_least`: the readings seen start quiet (nothing older was seen, or a hole
    /// comes before), so it may have been idle for longer.
    Idle { since: i64, at_least: bool },
    /// A reading at or over the threshold within the window.
    Busy,
    /// Not enough to say: no recent reading, a hole within the window, or readings that do not
    /// reach back over the whole window.
    Unknown,
}

/// Applies the rule to the GPU average (oldest first) at `now_secs`.
pub fn verdict(average: &[Point], rule: IdleRule, now_secs: i64) -> Verdict {
    let mut readings = average
        .iter()
        .rev()
        .filter_map(|p| p.tenths.map(|t| (p.at, t)));
    let Some((last_at, last)) = readings.next() else {
        return Verdict::Unknown;
    };
    if now_secs - last_at > RECENT_SECS {
        return Verdict::Unknown;
    }
    let threshold = rule.threshold_tenths();
    if last >= threshold {
        return Verdict::Busy;
    }
    let mut since = last_at;
    let mut ended_by_busy = false;
    for (at, t) in readings {
        if since - at > MAX_GAP_SECS {
            break;
        }
        if t >= threshold {
            ended_by_busy = true;
            break;
        }
        since = at;
    }
    if last_at - since >= rule.window_secs() {
        Verdict::Idle {
            since,
            at_least: !ended_by_busy,
        }
    } else if ended_by_busy {
        Verdict::Busy
    } else {
        Verdict::Unknown
    }
}

/// Adds a check's readings to what is known of an instance's GPU average: they replace what
/// the check covers (from its first point on), and anything older than a day before the newest
/// is dropped.
pub fn merge(history: &mut Vec<Point>, fresh: &[Point]) {
    let Some(first) = fresh.first() else {
        return;
    };
    history.retain(|p| p.at < first.at);
    history.extend_from_slice(fresh);
    if let Some(newest) = history.last().map(|p| p.at) {
        let oldest_kept = newest - LOOK_BACK_SECS as i64 - LOOK_BACK_INTERVAL_SECS as i64;
        history.retain(|p| p.at >= oldest_kept);
    }
}

/// A duration in words: "35 min", "2 h 10 min", "3 h", "1 day 4 h".
pub fn duration_words(secs: i64) -> String {
    let mins = secs.max(0) / 60;
    let (days, hours, mins) = (mins / 1_440, mins % 1_440 / 60, mins % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".into(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

/// The flag's words: "GPUs idle for 2 h 10 min; the instance is still billed while it runs"
/// ("for over" when it may have been idle longer than the readings show). `None` unless idle.
pub fn flag_text(verdict: Verdict, now_secs: i64) -> Option<String> {
    let Verdict::Idle { since, at_least } = verdict else {
        return None;
    };
    Some(format!(
        "GPUs idle for {}{}; the instance is still billed while it runs",
        if at_least { "over " } else { "" },
        duration_words(now_secs - since)
    ))
}

/// The flag's words where room is short (a fleet row): "Idle 2 h 10 min", "Idle over 1 day".
pub fn short_text(verdict: Verdict, now_secs: i64) -> Option<String> {
    let Verdict::Idle { since, at_least } = verdict else {
        return None;
    };
    Some(format!(
        "Idle {}{}",
        if at_least { "over " } else { "" },
        duration_words(now_secs - since)
    ))
}
