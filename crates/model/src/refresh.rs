//! When to fetch an instance again. One pure rule, so the page's timers only carry it out:
//! steady instances every period (10 s unless the user picks another), instances on their way
//! somewhere every 3 s, nothing while the tab is hidden or refresh is off, and after a failure
//! a doubling back-off capped at two minutes that never undercuts the API's `Retry-After`.

use crate::backoff::doubling_backoff;

/// The user's auto-refresh choice: the `auto-refresh` select of CONTRACT.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshSetting {
    Off,
    EverySecs(u32),
}

impl RefreshSetting {
    pub const DEFAULT: RefreshSetting = RefreshSetting::EverySecs(10);
    /// The choices offered, as (option value, label).
    pub const CHOICES: [(&'static str, &'static str); 5] = [
        ("5", "every 5 s"),
        ("10", "every 10 s"),
        ("30", "every 30 s"),
        ("60", "every 60 s"),
        ("off", "off"),
    ];

    /// Reads an option value; anything else is `None`.
    pub fn parse(value: &str) -> Option<RefreshSetting> {
        match value.trim() {
            "off" => Some(RefreshSetting::Off),
            "5" => Some(RefreshSetting::EverySecs(5)),
            "10" => Some(RefreshSetting::EverySecs(10)),
            "30" => Some(RefreshSetting::EverySecs(30)),
            "60" => Some(RefreshSetting::EverySecs(60)),
            _ => None,
        }
    }

    /// The option value.
    pub fn value(self) -> String {
        match self {
            RefreshSetting::Off => "off".into(),
            RefreshSetting::EverySecs(s) => s.to_string(),
        }
    }
}

/// How often an instance in progress (creating, pulling, starting, ...) is fetched.
pub const IN_PROGRESS_SECS: u32 = 3;
/// The longest wait after failures (before any `Retry-After`).
pub const MAX_BACKOFF_SECS: u64 = 120;

/// What the last fetch of this instance gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastOutcome {
    /// Nothing fetched yet, or the last fetch succeeded.
    Success,
    /// `failures` fetches in a row failed (at least 1); the last one may have said when to
    /// come back.
    Failed {
        failures: u32,
        retry_after_secs: Option<u64>,
    },
}

/// The period between refreshes of a healthy fetch, in seconds; `None` when refresh is off.
pub fn period_secs(setting: RefreshSetting, in_progress: bool) -> Option<u32> {
    match setting {
        RefreshSetting::Off => None,
        RefreshSetting::EverySecs(s) if in_progress => Some(s.min(IN_PROGRESS_SECS)),
        RefreshSetting::EverySecs(s) => Some(s),
    }
}

/// Milliseconds until the next fetch, or `None` for "do not schedule one" (refresh off, or
/// the tab hidden: the page fetches at once when it is shown again).
pub fn next_delay_ms(
    setting: RefreshSetting,
    in_progress: bool,
    last: LastOutcome,
    visible: bool,
) -> Option<u64> {
    if !visible {
        return None;
    }
    let period = u64::from(period_secs(setting, in_progress)?);
    let secs = match last {
        LastOutcome::Success => period,
        LastOutcome::Failed {
            failures,
            retry_after_secs,
        } => {
            // A period longer than the cap is never shortened by a failure.
            let backoff = doubling_backoff(period, failures.max(1), MAX_BACKOFF_SECS).max(period);
            backoff.max(retry_after_secs.unwrap_or(0))
        }
    };
    Some(secs * 1000)
}

/// Whether data fetched `age_ms` ago is older than two refresh periods, and so worth a
/// warning. Never when refresh is off: then the user knows the data is as old as it says.
pub fn is_stale(age_ms: f64, setting: RefreshSetting, in_progress: bool) -> bool {
    match period_secs(setting, in_progress) {
        Some(p) => age_ms > f64::from(p) * 2000.0,
        None => false,
    }
}
