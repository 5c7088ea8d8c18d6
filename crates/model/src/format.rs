//! Numbers and times as a person reads them. Times are computed against a `now` passed in, so
//! these stay pure and testable; the page supplies the browser's clock.

/// What `endTime` means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// "-1": pay-as-you-go, no end.
    Never,
    /// A Unix time in seconds.
    At(i64),
    /// Nothing sent.
    NotReported,
    /// Something we cannot read; kept so the page can show it as sent.
    Unreadable(String),
}

/// Reads `endTime`: "-1" (or any negative number) is no expiry; a number is Unix seconds,
/// or milliseconds when it is too large to be seconds (after the year 5000).
pub fn expiry(end_time: &str) -> Expiry {
    let raw = end_time.trim();
    if raw.is_empty() {
        return Expiry::NotReported;
    }
    let Some(n) = crate::decimal::parse(raw) else {
        return Expiry::Unreadable(raw.to_string());
    };
    if !n.is_finite() {
        return Expiry::Unreadable(raw.to_string());
    }
    if n < 0.0 {
        return Expiry::Never;
    }
    if n == 0.0 {
        return Expiry::NotReported;
    }
    const YEAR_5000_IN_SECONDS: f64 = 95_617_584_000.0;
    let seconds = if n > YEAR_5000_IN_SECONDS {
        n / 1000.0
    } else {
        n
    };
    if seconds > YEAR_5000_IN_SECONDS {
        return Expiry::Unreadable(raw.to_string());
    }
    Expiry::At(seconds as i64)
}

/// `endTime` in words: "no expiry", "2027-01-01 00:00 UTC (in 35 days)",
/// "2026-11-20 00:00 UTC (expired 7 days ago)".
pub fn describe_expiry(end_time: &str, now_unix: i64) -> String {
    match expiry(end_time) {
        Expiry::Never => "no expiry".into(),
        Expiry::NotReported => "not reported".into(),
        Expiry::Unreadable(raw) => format!("unreadable ({raw})"),
        Expiry::At(at) => format!("{} ({})", utc_date_time(at), relative_days(at, now_unix)),
    }
}

fn relative_days(at: i64, now: i64) -> String {
    let diff = at - now;
    let days = diff.abs() / 86_400;
    let hours = diff.abs() / 3_600;
    let span = match (days, hours) {
        (0, 0) => "less than an hour".to_string(),
        (0, 1) => "1 hour".to_string(),
        (0, h) => format!("{h} hours"),
        (1, _) => "1 day".to_string(),
        (d, _) => format!("{d} days"),
    };
    if diff >= 0 {
        format!("in {span}")
    } else {
        format!("expired {span} ago")
    }
}

/// Unix seconds as "YYYY-MM-DD HH:MM UTC".
pub fn utc_date_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3_600,
        (secs % 3_600) / 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day) of a day count since 1970-01-01.
/// Public so the native tools (stand-in, server log, benchmark) print dates the same way
/// without a date crate.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// An instance ID made safe for a file name: anything but letters, digits, `-` and `_`
/// becomes `_`; an empty ID becomes "unknown".
pub fn file_stem(instance_id: &str) -> String {
    let stem: String = instance_id
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "unknown".into()
    } else {
        stem
    }
}

/// A size in GB: "500 GB", "12.5 GB", or "—" when not reported.
pub fn gigabytes(size: Option<f64>) -> String {
    match size {
        Some(n) => format!("{} GB", number(n)),
        None => "—".into(),
    }
}

/// A number without a pointless ".0", at most two decimals (see [`crate::decimal::format`]).
pub fn number(n: f64) -> String {
    crate::decimal::format(n)
}

/// A text field, or "—" when the API sent nothing.
pub fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "—"
    } else {
        s
    }
}

/// Memory as sent ("64") with its unit: "64 GB"; "—" when absent.
pub fn memory(raw: &str) -> String {
    match raw.trim() {
        "" => "—".into(),
        m => match crate::decimal::parse(m) {
            Some(n) => format!("{} GB", number(n)),
            None => m.to_string(),
        },
    }
}

/// How long ago, for the "as of" line: "just now", "12 s ago", "3 min ago", "2 h ago".
pub fn ago(then_ms: f64, now_ms: f64) -> String {
    let s = ((now_ms - then_ms) / 1000.0).floor().max(0.0) as i64;
    match s {
        0..=1 => "just now".into(),
        2..=59 => format!("{s} s ago"),
        60..=3_599 => format!("{} min ago", s / 60),
        3_600..=86_399 => format!("{} h ago", s / 3_600),
        86_400..=172_799 => "1 day ago".into(),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// `12345` as `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "Data kept 7 days after stop" style text for `keepDataDay`.
pub fn keep_data_days(days: Option<f64>) -> String {
    match days {
        None => "—".into(),
        Some(0.0) => "not kept after stop".into(),
        Some(1.0) => "1 day after stop".into(),
        Some(d) => format!("{} days after stop", number(d)),
    }
}

/// A job's type in words.
pub fn job_kind(kind: &str) -> String {
    match kind {
        "saveImage" => "Saving image".into(),
        "" => "Job".into(),
        other => other.to_string(),
    }
}
