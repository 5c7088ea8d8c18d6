//! ANSI escape codes turned into styled runs of text: the 16 colours and bold kept, everything
//! else a terminal would act on removed.

use std::ops::Range;

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
