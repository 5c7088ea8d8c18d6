//! Log line times: Docker's RFC 3339 timestamps parsed to the nanosecond, formatted in UTC or
//! a given offset, and split off the front of a streamed line.

use crate::format::{civil_from_days, days_from_civil};
use std::ops::Range;

/// A moment, to the nanosecond the log gave (ordering lines within one millisecond needs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    /// Milliseconds since the epoch, as JavaScript's `Date` wants them.
    pub fn epoch_ms(self) -> f64 {
        self.secs as f64 * 1000.0 + f64::from(self.nanos / 1_000_000)
    }
}

/// An RFC 3339 time as Docker writes it with `timestamps=1`: `2026-11-27T16:42:03.123456789Z`.
/// Also takes 0 to 9 fraction digits, a lower-case `t`/`z`, and a `+hh:mm`/`-hh:mm` offset.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |range: Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        if part.iter().all(u8::is_ascii_digit) {
            Some(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        } else {
            None
        }
    };
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let minute = num(14..16)?;
    let second = num(17..19)?;
    let separators_ok = b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b't')
        && b[13] == b':'
        && b[16] == b':';
    if !separators_ok
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos: u32 = 0;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        for _ in digits..9 {
            nanos *= 10;
        }
    }
    let offset_secs = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let d = |x: u8| i64::from(x - b'0');
            let hours = d(digits[0]) * 10 + d(digits[1]);
            let minutes = d(digits[2]) * 10 + d(digits[3]);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let secs = hours * 3_600 + minutes * 60;
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    // A leap second is shown as the last second of its minute.
    let second = second.min(59);
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_secs;
    Some(Timestamp { secs, nanos })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// `2026-11-27 16:42:03.123`, shifted by `offset_minutes` (local time minus UTC; 0 for UTC).
/// The browser knows the offset in force at that moment; this only does the arithmetic.
pub fn format_timestamp(t: Timestamp, offset_minutes: i32) -> String {
    let secs = t.secs + i64::from(offset_minutes) * 60;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let day_secs = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:03}",
        day_secs / 3_600,
        day_secs % 3_600 / 60,
        day_secs % 60,
        t.nanos / 1_000_000
    )
}

/// `UTC`, `UTC+01:00`, `UTC-05:30`: what the time column is in.
pub fn offset_label(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".into();
    }
    let sign = if offset_minutes > 0 { '+' } else { '-' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// One log line as streamed with `timestamps=1`: the time in front (when there is one that
/// parses) and the text after the single space that follows it.
pub fn split_timestamp(line: &str) -> (Option<Timestamp>, &str) {
    let (head, rest) = match line.split_once(' ') {
        Some((head, rest)) => (head, rest),
        None => (line, ""),
    };
    match parse_timestamp(head) {
        Some(t) => (Some(t), rest),
        None => (None, line),
    }
}
