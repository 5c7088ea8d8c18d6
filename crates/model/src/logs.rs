//! Live logs, minus the browser: which log addresses may be opened and with what query, how one
//! streamed line splits into its timestamp and text, ANSI colour codes turned into styled runs
//! (everything else a terminal would act on stripped), the bounded line buffer with its filter,
//! the reconnect backoff, and the words the panel shows.
//!
//! The app only adds what needs a browser: the `EventSource`, the clock, the local time zone,
//! and the DOM.

use crate::format::{civil_from_days, days_from_civil};
use std::collections::VecDeque;
use std::ops::Range;

use crate::links::{safe_http_url, with_query};

/// How many past lines a new stream asks for (`tail=N`).
pub const DEFAULT_TAIL: u32 = 500;
/// The tail lengths offered; none above [`MAX_LINES`], which is all the panel keeps.
pub const TAIL_CHOICES: [u32; 4] = [100, 500, 1_000, 5_000];
/// How many lines the panel keeps; older ones drop off the top.
pub const MAX_LINES: usize = 5_000;
/// How much of one line is kept, in bytes of text (escape codes removed). Bounds memory even
/// when every line is huge; the rest is counted and the download has it all.
pub const MAX_LINE_BYTES: usize = 8 * 1024;
/// A stream that has not opened after this long is treated as failed. `EventSource` itself
/// waits forever on a server that accepts the connection but never answers.
pub const OPEN_TIMEOUT_MS: u32 = 10_000;

/// The two streams an instance has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogKind {
    System,
    Instance,
}

impl LogKind {
    pub fn label(self) -> &'static str {
        match self {
            LogKind::System => "System",
            LogKind::Instance => "Instance",
        }
    }

    /// Lower case, for file names and `data-` attributes.
    pub fn slug(self) -> &'static str {
        match self {
            LogKind::System => "system",
            LogKind::Instance => "instance",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

/// Adds `query` to `address`: `?` or `&` as the address needs, before any fragment (which a
/// browser would not send anyway), without doubling a trailing `?` or `&`.
fn append_query(address: &str, query: &str) -> String {
    let address = address.trim();
    let address = address.split('#').next().unwrap_or("");
    if address.ends_with('?') || address.ends_with('&') {
        format!("{address}{query}")
    } else {
        with_query(address, query)
    }
}

/// The live stream: `address?follow=1&sse=1&timestamps=1&tail=N`.
pub fn stream_url(address: &str, tail: u32) -> String {
    append_query(address, &format!("follow=1&sse=1&timestamps=1&tail={tail}"))
}

/// The whole log as text: `address?timestamps=1`.
pub fn download_url(address: &str) -> String {
    append_query(address, "timestamps=1")
}

/// The address, trimmed, when the page may open it: `https:` anywhere, `http:` only on this
/// computer (127.0.0.0/8, `localhost`, `[::1]`), which is where tests run their stand-in.
/// Everything else, including plain `http:` across the network and any other scheme, is `None`.
pub fn openable_log_address(raw: &str) -> Option<&str> {
    let url = safe_http_url(raw)?;
    if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        return Some(url);
    }
    // Browsers end the authority at a backslash too, so `http://evil\@127.0.0.1` is evil's.
    let authority = url[7..].split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    is_loopback_host(host).then_some(url)
}

/// `host` or `host:port` as it appears in a URL. Hand-written rather than `std::net` parsing,
/// which costs the browser app kilobytes; only the exact loopback forms matter here.
fn is_loopback_host(host: &str) -> bool {
    if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok && is_ipv6_loopback(inside);
    }
    let (name, port_ok) = match host.split_once(':') {
        Some((name, port)) => (name, is_port(port)),
        None => (host, true),
    };
    port_ok && (name.eq_ignore_ascii_case("localhost") || is_ipv4_loopback(name))
}

/// Dotted-quad 127.x.y.z, each part 0–255 in plain decimal.
fn is_ipv4_loopback(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `::1` in any of its spellings (`0:0:0:0:0:0:0:1`, `0::1`, `::0001`).
fn is_ipv6_loopback(inside: &str) -> bool {
    let group = |g: &str| -> Option<u16> {
        if g.is_empty() || g.len() > 4 {
            return None;
        }
        u16::from_str_radix(g, 16).ok()
    };
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        part.split(':').map(group).collect()
    };
    let all: Vec<u16> = match inside.split_once("::") {
        Some((head, tail)) => {
            let (Some(head), Some(tail)) = (groups(head), groups(tail)) else {
                return false;
            };
            if head.len() + tail.len() > 7 {
                return false;
            }
            let zeros = 8 - head.len() - tail.len();
            head.into_iter()
                .chain(std::iter::repeat_n(0, zeros))
                .chain(tail)
                .collect()
        }
        None => match groups(inside) {
            Some(all) => all,
            None => return false,
        },
    };
    all == [0, 0, 0, 0, 0, 0, 0, 1]
}

fn is_port(s: &str) -> bool {
    s.is_empty() || (s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether (and where) one of an instance's log streams can be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogSource {
    /// The address to open, trimmed.
    Ready(String),
    /// The API sent no address.
    Missing,
    /// `connectComponentLog.isRunning` is false.
    NotRunning,
    /// An address the page will not open (not https, or plain http off this computer).
    Refused,
}

impl LogSource {
    pub fn new(address: &str, is_running: bool) -> LogSource {
        if address.trim().is_empty() {
            return LogSource::Missing;
        }
        if !is_running {
            return LogSource::NotRunning;
        }
        match openable_log_address(address) {
            Some(url) => LogSource::Ready(url.to_string()),
            None => LogSource::Refused,
        }
    }

    /// Why there is no stream, in words; `None` when there is one.
    pub fn message(&self, kind: LogKind) -> Option<String> {
        let what = kind.slug();
        match self {
            LogSource::Ready(_) => None,
            LogSource::Missing => Some(format!(
                "No {what} log address: the API did not provide one."
            )),
            LogSource::NotRunning => {
                Some("isRunning is false: logs are not being collected.".to_string())
            }
            LogSource::Refused => Some(format!(
                "The {what} log address is not an https: link (plain http: is opened only on this computer), so it is not opened."
            )),
        }
    }
}

/// `instance-<id>-system-log.txt`, with anything unusual in the id replaced.
pub fn download_file_name(instance_id: &str, kind: LogKind) -> String {
    format!(
        "instance-{}-{}-log.txt",
        crate::format::file_stem(instance_id),
        kind.slug()
    )
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

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

/// The log lines one `EventSource` message carries. A server should send one line per event;
/// one that sends several `data:` lines gets them split again, a stray `\r` included.
pub fn event_lines(data: &str) -> impl Iterator<Item = &str> {
    data.split('\n').map(|line| line.trim_end_matches('\r'))
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

// ---------------------------------------------------------------------------------------------
// ANSI colours
// ---------------------------------------------------------------------------------------------

/// What SGR codes can say that the panel shows: one of the 16 colours (0–7 normal, 8–15
/// bright) for text and background, and bold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub fg: Option<u8>,
    pub bg: Option<u8>,
    pub bold: bool,
}

impl Style {
    pub fn is_plain(&self) -> bool {
        *self == Style::default()
    }

    /// CSS classes: `fg3`, `bg12`, `b`, space-separated; empty when plain.
    pub fn classes(&self) -> String {
        let mut parts = Vec::new();
        if let Some(fg) = self.fg {
            parts.push(format!("fg{fg}"));
        }
        if let Some(bg) = self.bg {
            parts.push(format!("bg{bg}"));
        }
        if self.bold {
            parts.push("b".into());
        }
        parts.join(" ")
    }
}

/// A stretch of text (byte range) in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StyledRun {
    pub range: Range<usize>,
    pub style: Style,
}

/// A line with its escape codes removed, and where its styled stretches are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StyledText {
    pub text: String,
    /// Only the non-plain stretches, in order, not overlapping. Empty for a plain line (no
    /// allocation, which is most lines).
    pub runs: Vec<StyledRun>,
}

/// Parses ANSI escape sequences the way a terminal would show the line. SGR colours (30–37,
/// 90–97, 40–47, 100–107, 38/48;5;n for n < 16), bold (1, 22) and resets (0, 39, 49) become
/// styles; every other escape sequence (cursor moves, erases, OSC titles and links, DCS,
/// character-set switches, 256-colour and true-colour codes) is removed. A carriage return starts
/// the line over, as a progress bar does; other control characters except tab are dropped.
/// The result never contains ESC or any other control character but tab.
pub fn parse_ansi(input: &str) -> StyledText {
    let input = input.trim_end_matches(['\r', '\n']);
    let mut out = StyledText::default();
    let mut style = Style::default();
    let mut run_start = 0;
    let mut chars = input.chars().peekable();

    // Closes the current run (if styled and non-empty) before the style changes.
    fn flush(out: &mut StyledText, style: Style, run_start: usize) {
        if !style.is_plain() && out.text.len() > run_start {
            out.runs.push(StyledRun {
                range: run_start..out.text.len(),
                style,
            });
        }
    }

    while let Some(c) = chars.next() {
        let csi = match c {
            '\x1b' => match chars.peek() {
                Some('[') => {
                    chars.next();
                    true
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    skip_string(&mut chars);
                    continue;
                }
                Some(&n) if ('\x20'..='\x2f').contains(&n) => {
                    // nF: intermediates, then one final byte (e.g. ESC ( B).
                    while chars.peek().is_some_and(|n| ('\x20'..='\x2f').contains(n)) {
                        chars.next();
                    }
                    if chars.peek().is_some_and(|n| ('\x30'..='\x7e').contains(n)) {
                        chars.next();
                    }
                    continue;
                }
                Some(&n) if ('\x30'..='\x7e').contains(&n) => {
                    // Two-character escapes (ESC 7, ESC M, ESC c, ...).
                    chars.next();
                    continue;
                }
                _ => continue,
            },
            '\u{9b}' => true,
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => {
                skip_string(&mut chars);
                continue;
            }
            '\r' => {
                out.text.clear();
                out.runs.clear();
                run_start = 0;
                continue;
            }
            '\t' => false,
            c if c.is_control() => continue,
            _ => false,
        };
        if csi {
            let mut params = String::new();
            while let Some(&p) = chars.peek() {
                if !('\x30'..='\x3f').contains(&p) {
                    break;
                }
                params.push(p);
                chars.next();
            }
            let mut intermediates = false;
            while chars.peek().is_some_and(|n| ('\x20'..='\x2f').contains(n)) {
                intermediates = true;
                chars.next();
            }
            // A malformed sequence ends here; whatever broke it is read as text again.
            if let Some(&fin) = chars.peek() {
                if ('\x40'..='\x7e').contains(&fin) {
                    chars.next();
                    let private = params.starts_with(['<', '=', '>', '?']);
                    if fin == 'm' && !intermediates && !private {
                        let next = apply_sgr(style, &params);
                        if next != style {
                            flush(&mut out, style, run_start);
                            style = next;
                            run_start = out.text.len();
                        }
                    }
                }
            }
            continue;
        }
        out.text.push(c);
    }
    flush(&mut out, style, run_start);
    out
}

/// Skips an OSC/DCS/SOS/PM/APC body up to its terminator (BEL, ESC \, or ST), or to the end.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\x07' | '\u{9c}' => return,
            '\x1b' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

fn apply_sgr(mut style: Style, params: &str) -> Style {
    let params: Vec<&str> = params.split(';').collect();
    let mut i = 0;
    while i < params.len() {
        let p = params[i];
        i += 1;
        if p.contains(':') {
            // ISO 8613-6 sub-parameters: 38:5:n, 48:5:n; anything else (4:3, 38:2:...) ignored.
            let mut sub = p.split(':');
            let target = sub.next();
            if sub.next() == Some("5") {
                if let Some(n) = sub.next().and_then(|n| n.parse::<u8>().ok()) {
                    set_indexed(&mut style, target, n);
                }
            }
            continue;
        }
        let n: u32 = if p.is_empty() {
            0
        } else {
            match p.parse() {
                Ok(n) => n,
                Err(_) => continue,
            }
        };
        match n {
            0 => style = Style::default(),
            1 => style.bold = true,
            22 => style.bold = false,
            30..=37 => style.fg = Some((n - 30) as u8),
            39 => style.fg = None,
            40..=47 => style.bg = Some((n - 40) as u8),
            49 => style.bg = None,
            90..=97 => style.fg = Some((n - 90 + 8) as u8),
            100..=107 => style.bg = Some((n - 100 + 8) as u8),
            38 | 48 => match params.get(i).copied() {
                Some("5") => {
                    if let Some(index) = params.get(i + 1).and_then(|v| v.parse::<u8>().ok()) {
                        set_indexed(&mut style, Some(p), index);
                    }
                    i += 2;
                }
                Some("2") => i += 4,
                _ => {}
            },
            _ => {}
        }
    }
    style
}

/// 256-colour index: the first 16 are the classic colours; the rest are not shown.
fn set_indexed(style: &mut Style, target: Option<&str>, index: u8) {
    if index >= 16 {
        return;
    }
    match target {
        Some("38") => style.fg = Some(index),
        Some("48") => style.bg = Some(index),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Lines, filter, buffer
// ---------------------------------------------------------------------------------------------

/// One line as the panel keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogLine {
    pub time: Option<Timestamp>,
    /// The text with escape codes removed, at most [`MAX_LINE_BYTES`] long.
    pub text: String,
    pub runs: Vec<StyledRun>,
    /// Characters cut off the end to keep the line within [`MAX_LINE_BYTES`].
    pub cut_chars: usize,
}

impl LogLine {
    /// One streamed line: timestamp, then text with ANSI codes.
    pub fn parse(raw: &str) -> LogLine {
        let (time, rest) = split_timestamp(raw);
        let StyledText { mut text, mut runs } = parse_ansi(rest);
        let mut cut_chars = 0;
        if text.len() > MAX_LINE_BYTES {
            let mut end = MAX_LINE_BYTES;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            cut_chars = text[end..].chars().count();
            text.truncate(end);
            runs.retain(|r| r.range.start < end);
            if let Some(last) = runs.last_mut() {
                last.range.end = last.range.end.min(end);
            }
        }
        LogLine {
            time,
            text,
            runs,
            cut_chars,
        }
    }
}

/// What the filter box holds, prepared for matching: case-insensitive substring.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    needle: String,
    /// The needle folded to lower case one char at a time, for the non-ASCII path.
    folded: Vec<char>,
}

fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

impl Filter {
    pub fn new(needle: &str) -> Filter {
        Filter {
            needle: needle.to_string(),
            folded: needle.chars().map(fold).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.needle
    }

    pub fn matches(&self, haystack: &str) -> bool {
        !self.is_empty() && self.find_from(haystack, 0).is_some()
    }

    /// Every match, left to right, not overlapping, as byte ranges of `haystack`. Empty when
    /// the filter is.
    pub fn ranges(&self, haystack: &str) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        if self.is_empty() {
            return found;
        }
        let mut from = 0;
        while let Some(r) = self.find_from(haystack, from) {
            from = r.end;
            found.push(r);
        }
        found
    }

    fn find_from(&self, haystack: &str, from: usize) -> Option<Range<usize>> {
        if self.needle.is_ascii() {
            // ASCII bytes never occur inside a multi-byte UTF-8 character, so byte-wise
            // matching is exact and its ranges fall on character boundaries.
            let (h, n) = (haystack.as_bytes(), self.needle.as_bytes());
            if h.len() < n.len() {
                return None;
            }
            return (from..=h.len() - n.len())
                .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
                .map(|i| i..i + n.len());
        }
        let rest = haystack.get(from..)?;
        for (start, _) in rest.char_indices() {
            let mut hay = rest[start..].char_indices();
            let mut end = start;
            let mut all = true;
            for &want in &self.folded {
                match hay.next() {
                    Some((at, c)) if fold(c) == want => end = start + at + c.len_utf8(),
                    _ => {
                        all = false;
                        break;
                    }
                }
            }
            if all {
                return Some(from + start..from + end);
            }
        }
        None
    }
}

/// A piece of a rendered line: its text range, colours, and whether it is a filter match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub range: Range<usize>,
    pub style: Style,
    pub matched: bool,
}

/// Cuts a line at every style and match boundary, so each piece is one `<span>` (or a text
/// node when plain and unmatched). `matches` as from [`Filter::ranges`].
pub fn segments(line: &LogLine, matches: &[Range<usize>]) -> Vec<Segment> {
    let len = line.text.len();
    // Both lists are in order, so their boundaries merge without a sort.
    let run_cuts = line.runs.iter().flat_map(|r| [r.range.start, r.range.end]);
    let match_cuts = matches
        .iter()
        .flat_map(|m| [m.start.min(len), m.end.min(len)]);
    let mut cuts = Vec::with_capacity(2 + 2 * (line.runs.len() + matches.len()));
    cuts.push(0);
    let (mut a, mut b) = (run_cuts.peekable(), match_cuts.peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(&x), Some(&y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        if let Some(cut) = next {
            if cuts.last() != Some(&cut) {
                cuts.push(cut);
            }
        }
    }
    if cuts.last() != Some(&len) {
        cuts.push(len);
    }
    let mut pieces: Vec<Segment> = Vec::new();
    // Runs and matches are each in order and not overlapping, so one pass over both will do.
    let (mut run, mut hit) = (0, 0);
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        while line.runs.get(run).is_some_and(|r| r.range.end <= a) {
            run += 1;
        }
        while matches.get(hit).is_some_and(|m| m.end <= a) {
            hit += 1;
        }
        let style = line
            .runs
            .get(run)
            .filter(|r| r.range.start <= a)
            .map_or_else(Style::default, |r| r.style);
        let matched = matches.get(hit).is_some_and(|m| m.start <= a);
        match pieces.last_mut() {
            Some(last) if last.style == style && last.matched == matched => last.range.end = b,
            _ => pieces.push(Segment {
                range: a..b,
                style,
                matched,
            }),
        }
    }
    pieces
}

/// The newest [`MAX_LINES`] (or `cap`) lines of a stream, with a running count of what
/// dropped off, the filter's matches kept up to date as lines come and go, and the duplicate
/// guard for a reconnect.
///
/// Every line ever pushed has a sequence number (0, 1, 2, ...); the oldest kept is number
/// [`LogBuffer::dropped`]. The *shown* list is every kept line, or only the matching ones
/// when a filter is set.
#[derive(Clone, Debug)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    cap: usize,
    first_seq: u64,
    filter: Filter,
    /// Sequence numbers of the kept lines that match, oldest first (only with a filter).
    matches: VecDeque<u64>,
    /// Shown lines that have dropped off the top since the filter last changed.
    shown_dropped: u64,
    /// After a reconnect: lines stamped at or before this were already received.
    resume_after: Option<Timestamp>,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::new(MAX_LINES)
    }
}

impl LogBuffer {
    pub fn new(cap: usize) -> LogBuffer {
        LogBuffer {
            lines: VecDeque::new(),
            cap: cap.max(1),
            first_seq: 0,
            filter: Filter::default(),
            matches: VecDeque::new(),
            shown_dropped: 0,
            resume_after: None,
        }
    }

    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Lines kept.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Lines that dropped off the top to keep within the cap.
    pub fn dropped(&self) -> u64 {
        self.first_seq
    }

    /// Lines ever accepted; also the sequence number the next line will get.
    pub fn total(&self) -> u64 {
        self.first_seq + self.lines.len() as u64
    }

    /// One raw streamed line (timestamp, ANSI and all). Returns false when it was skipped as
    /// a repeat of what came before a reconnect.
    pub fn push_raw(&mut self, raw: &str) -> bool {
        self.push(LogLine::parse(raw))
    }

    /// Returns false when the line was skipped as a repeat of what came before a reconnect.
    pub fn push(&mut self, line: LogLine) -> bool {
        if let Some(mark) = self.resume_after {
            match line.time {
                Some(t) if t <= mark => return false,
                // Past the mark, or a line with no time to compare: the repeats are over.
                _ => self.resume_after = None,
            }
        }
        if self.lines.len() == self.cap {
            self.lines.pop_front();
            if self.filter.is_empty() {
                self.shown_dropped += 1;
            } else if self.matches.front() == Some(&self.first_seq) {
                self.matches.pop_front();
                self.shown_dropped += 1;
            }
            self.first_seq += 1;
        }
        if self.filter.matches(&line.text) {
            self.matches.push_back(self.total());
        }
        self.lines.push_back(line);
        true
    }

    /// Call when the stream is opened again: a server that replays its tail would otherwise
    /// repeat lines already here. Lines stamped at or before the newest one held are skipped
    /// until a later one arrives. Lines without timestamps cannot be told apart and are kept.
    pub fn expect_replay(&mut self) {
        self.resume_after = self.lines.back().and_then(|l| l.time);
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Sets the filter and finds its matches among the kept lines.
    pub fn set_filter(&mut self, needle: &str) {
        if needle == self.filter.as_str() {
            return;
        }
        self.filter = Filter::new(needle);
        self.shown_dropped = 0;
        self.matches.clear();
        if !self.filter.is_empty() {
            let first = self.first_seq;
            let filter = &self.filter;
            self.matches.extend(
                self.lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| filter.matches(&l.text))
                    .map(|(i, _)| first + i as u64),
            );
        }
    }

    /// How many shown lines have dropped off the top since the filter last changed; a view
    /// that is not following the end moves up by the difference to stay on the same lines.
    pub fn shown_dropped(&self) -> u64 {
        self.shown_dropped
    }

    /// How many lines are shown, counting only those numbered below `end` (the newest line
    /// when rendering was paused) or all of them when `end` is `None`.
    pub fn shown_len(&self, end: Option<u64>) -> usize {
        let end = end.unwrap_or(u64::MAX);
        if self.filter.is_empty() {
            let upto = end.min(self.total());
            upto.saturating_sub(self.first_seq) as usize
        } else {
            self.matches.partition_point(|&s| s < end)
        }
    }

    /// The `index`th shown line and its sequence number.
    pub fn shown(&self, index: usize) -> Option<(u64, &LogLine)> {
        let seq = if self.filter.is_empty() {
            self.first_seq + index as u64
        } else {
            *self.matches.get(index)?
        };
        let line = self
            .lines
            .get(usize::try_from(seq - self.first_seq).ok()?)?;
        Some((seq, line))
    }
}

/// "1,234 older lines dropped (keeping the newest 5,000)", or `None` before any has.
pub fn dropped_notice(dropped: u64, cap: usize) -> Option<String> {
    (dropped > 0).then(|| {
        let noun = if dropped == 1 { "line" } else { "lines" };
        format!(
            "{} older {noun} dropped (keeping the newest {}).",
            thousands(dropped),
            thousands(cap as u64)
        )
    })
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

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

/// Waits between reconnects: 1 s, doubling, at most 30 s; back to 1 s once a stream opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub const FIRST_MS: u32 = 1_000;
    pub const MAX_MS: u32 = 30_000;

    /// Records a failure; returns how long to wait before the next try and which try that
    /// will be (1 for the first retry).
    pub fn fail(&mut self) -> (u32, u32) {
        let delay = Self::FIRST_MS
            .saturating_mul(1 << self.failures.min(5))
            .min(Self::MAX_MS);
        self.failures = self.failures.saturating_add(1);
        (delay, self.failures)
    }

    /// Failures since the last successful open.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Call when a stream opens.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// Where a stream stands, for the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamPhase {
    /// Opening (first try or a retry).
    Connecting { attempt: u32 },
    /// Open and receiving.
    Live,
    /// Dropped or failed; trying again in `delay_ms`.
    Reconnecting { delay_ms: u32, attempt: u32 },
    /// Closed on purpose (panel closed, tab switched).
    Stopped,
}

impl StreamPhase {
    /// A short word for `data-state`.
    pub fn slug(&self) -> &'static str {
        match self {
            StreamPhase::Connecting { .. } => "connecting",
            StreamPhase::Live => "live",
            StreamPhase::Reconnecting { .. } => "reconnecting",
            StreamPhase::Stopped => "stopped",
        }
    }

    pub fn text(&self) -> String {
        match self {
            StreamPhase::Connecting { attempt: 0 } => "Connecting…".into(),
            StreamPhase::Connecting { attempt } => format!("Connecting… (attempt {attempt})"),
            StreamPhase::Live => "Live".into(),
            StreamPhase::Reconnecting { delay_ms, attempt } => format!(
                "Stream dropped; reconnecting in {} s (attempt {attempt})",
                delay_ms.div_ceil(1000)
            ),
            StreamPhase::Stopped => "Stopped".into(),
        }
    }
}
