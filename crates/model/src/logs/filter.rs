//! The filter box and what a drawn line is cut into: case-insensitive matching, and the pieces
//! of a line at every colour and match boundary.

use std::ops::Range;

use super::ansi::Style;
use super::buffer::LogLine;

/// What the filter box holds, prepared for matching: case-insensitive substring.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    needle: String,
    /// The needle folded to lower case one char at a time, for the non-ASCII path.
    folded: Vec<char>,
}

/// The lower case of one character, for case-insensitive matching, worked out by arithmetic
/// for the scripts logs are written in: ASCII, Latin-1, Latin Extended-A and Additional,
/// Greek, Cyrillic, Armenian and fullwidth Latin. Other characters (and the few whose lower
/// case is special, like `İ` or `ẞ`) match only themselves.
///
/// Hand-written because `char::to_lowercase` brings Unicode's whole case table into the wasm
/// (5.6 KB gzipped, measured) for scripts no log here is in.
pub fn fold_case(c: char) -> char {
    let n = u32::from(c);
    let lower = match n {
        0x41..=0x5A
        | 0xC0..=0xD6
        | 0xD8..=0xDE
        | 0x391..=0x3A1
        | 0x3A3..=0x3AB
        | 0x410..=0x42F
        | 0xFF21..=0xFF3A => n + 0x20,
        0x400..=0x40F => n + 0x50,
        0x531..=0x556 => n + 0x30,
        0x386 => 0x3AC,
        0x388..=0x38A => n + 0x25,
        0x38C => 0x3CC,
        0x38E..=0x38F => n + 0x3F,
        0x178 => 0xFF,
        // Pairs with the upper case on the even code point.
        0x100..=0x12F
        | 0x132..=0x137
        | 0x14A..=0x177
        | 0x3D8..=0x3EF
        | 0x460..=0x481
        | 0x48A..=0x4BF
        | 0x4D0..=0x52F
        | 0x1E00..=0x1E95
        | 0x1EA0..=0x1EFF => n | 1,
        // Pairs with the upper case on the odd code point.
        0x139..=0x148 | 0x179..=0x17E | 0x4C1..=0x4CE => (n + 1) & !1,
        _ => n,
    };
    char::from_u32(lower).unwrap_or(c)
}

impl Filter {
    pub fn new(needle: &str) -> Filter {
        Filter {
            needle: needle.to_string(),
            folded: needle.chars().map(fold_case).collect(),
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
                    Some((at, c)) if fold_case(c) == want => end = start + at + c.len_utf8(),
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
