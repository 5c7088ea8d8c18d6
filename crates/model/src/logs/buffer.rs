//! The lines a stream has brought: each parsed once (time, text, colours, cut to size), the
//! newest few thousand kept with a count of what dropped off, the filter's matches kept up to
//! date, and the guard that skips a replayed tail after a reconnect.

use std::collections::VecDeque;

use super::ansi::{parse_ansi, StyledRun, StyledText};
use super::filter::Filter;
use super::timestamp::{split_timestamp, Timestamp};
use crate::format::thousands;

/// How many lines the panel keeps; older ones drop off the top.
pub const MAX_LINES: usize = 5_000;
/// How much of one line is kept, in bytes of text (escape codes removed). Bounds memory even
/// when every line is huge; the rest is counted and the download has it all.
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// The log lines one `EventSource` message carries. A server should send one line per event;
/// one that sends several `data:` lines gets them split again, a stray `\r` included.
pub fn event_lines(data: &str) -> impl Iterator<Item = &str> {
    data.split('\n').map(|line| line.trim_end_matches('\r'))
}

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
