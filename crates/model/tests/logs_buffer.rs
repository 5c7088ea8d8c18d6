//! The bounded line buffer (`logs/buffer.rs`): parsing, the cap, the filter's matches, pausing
//! and the reconnect guard.

use instance_model::format::thousands;
use instance_model::logs::{
    dropped_notice, event_lines, LogBuffer, LogLine, Style, StyledRun, MAX_LINES, MAX_LINE_BYTES,
};

fn run(range: std::ops::Range<usize>, fg: Option<u8>, bg: Option<u8>, bold: bool) -> StyledRun {
    StyledRun {
        range,
        style: Style { fg, bg, bold },
    }
}

#[test]
fn a_streamed_line_parses_whole() {
    let line = LogLine::parse("2026-11-27T16:42:03.5Z \x1b[33mWARN\x1b[0m disk 91% full");
    assert_eq!(line.time.unwrap().nanos, 500_000_000);
    assert_eq!(line.text, "WARN disk 91% full");
    assert_eq!(line.runs, vec![run(0..4, Some(3), None, false)]);
    assert_eq!(line.cut_chars, 0);
}

#[test]
fn very_long_lines_are_cut_on_a_character_boundary() {
    let long = format!("\x1b[31m{}\x1b[0m{}", "é".repeat(5_000), "x".repeat(15_000));
    let line = LogLine::parse(&long);
    assert!(line.text.len() <= MAX_LINE_BYTES);
    assert_eq!(line.text.len(), MAX_LINE_BYTES);
    assert_eq!(line.cut_chars, 5_000 + 15_000 - MAX_LINE_BYTES / 2);
    assert_eq!(
        line.runs,
        vec![run(0..MAX_LINE_BYTES, Some(1), None, false)]
    );
    // Odd cut inside a 2-byte char.
    let odd = format!("a{}", "é".repeat(MAX_LINE_BYTES));
    let line = LogLine::parse(&odd);
    assert_eq!(line.text.len(), MAX_LINE_BYTES - 1);
    assert_eq!(line.cut_chars, MAX_LINE_BYTES + 1 - (MAX_LINE_BYTES / 2));
}

fn texts(buffer: &LogBuffer, end: Option<u64>) -> Vec<String> {
    (0..buffer.shown_len(end))
        .map(|i| buffer.shown(i).unwrap().1.text.clone())
        .collect()
}

#[test]
fn the_buffer_keeps_the_newest_lines_and_counts_the_rest() {
    let mut b = LogBuffer::new(3);
    assert!(b.is_empty());
    for i in 0..5 {
        assert!(b.push_raw(&format!("line {i}")));
    }
    assert_eq!(b.len(), 3);
    assert_eq!(b.dropped(), 2);
    assert_eq!(b.total(), 5);
    assert_eq!(texts(&b, None), ["line 2", "line 3", "line 4"]);
    assert_eq!(b.shown(0).unwrap().0, 2);
    assert_eq!(b.shown(3), None);
    assert_eq!(b.shown_dropped(), 2);
}

#[test]
fn the_default_cap_is_5000() {
    let mut b = LogBuffer::default();
    assert_eq!(b.cap(), MAX_LINES);
    assert_eq!(MAX_LINES, 5_000);
    for i in 0..20_000 {
        b.push_raw(&format!("2026-11-27T16:42:03.{i:09}Z burst {i}"));
    }
    assert_eq!(b.len(), 5_000);
    assert_eq!(b.dropped(), 15_000);
    assert_eq!(b.shown(0).unwrap().1.text, "burst 15000");
    assert_eq!(b.shown(4_999).unwrap().1.text, "burst 19999");
}

#[test]
fn a_paused_view_shows_only_lines_before_the_pause() {
    let mut b = LogBuffer::new(4);
    for i in 0..3 {
        b.push_raw(&format!("l{i}"));
    }
    let paused_at = b.total();
    for i in 3..5 {
        b.push_raw(&format!("l{i}"));
    }
    assert_eq!(texts(&b, Some(paused_at)), ["l1", "l2"]);
    assert_eq!(texts(&b, None), ["l1", "l2", "l3", "l4"]);
    for i in 5..9 {
        b.push_raw(&format!("l{i}"));
    }
    // Everything seen before the pause has dropped off.
    assert_eq!(b.shown_len(Some(paused_at)), 0);
}

#[test]
fn the_filter_tracks_lines_coming_and_going() {
    let mut b = LogBuffer::new(4);
    for t in ["ok 1", "ERROR a", "ok 2", "error b"] {
        b.push_raw(t);
    }
    b.set_filter("error");
    assert_eq!(b.filter().as_str(), "error");
    assert_eq!(texts(&b, None), ["ERROR a", "error b"]);
    assert_eq!(b.shown(1).unwrap().0, 3);
    let before = b.total();
    b.push_raw("ok 3"); // drops "ok 1": not shown, so shown_dropped stays
    assert_eq!(b.shown_dropped(), 0);
    b.push_raw("Error c"); // drops "ERROR a"
    assert_eq!(b.shown_dropped(), 1);
    assert_eq!(texts(&b, None), ["error b", "Error c"]);
    assert_eq!(texts(&b, Some(before)), ["error b"]);
    b.set_filter("");
    assert_eq!(texts(&b, None), ["ok 2", "error b", "ok 3", "Error c"]);
    assert_eq!(b.shown_dropped(), 0);
    b.set_filter("nothing");
    assert_eq!(b.shown_len(None), 0);
    assert_eq!(b.shown(0), None);
}

#[test]
fn a_reconnect_does_not_repeat_the_replayed_tail() {
    let mut b = LogBuffer::new(100);
    let at = |s: u32| format!("2026-11-27T16:00:{s:02}Z");
    for s in 0..5 {
        b.push_raw(&format!("{} line {s}", at(s)));
    }
    b.expect_replay();
    // The server replays its tail (lines 2..5), then goes on with 5 and 6.
    for s in 2..7 {
        let kept = b.push_raw(&format!("{} line {s}", at(s)));
        assert_eq!(kept, s >= 5, "line {s}");
    }
    let all = texts(&b, None);
    assert_eq!(all.len(), 7);
    assert_eq!(all[6], "line 6");
    // Once past the mark, older stamps are kept again (clock skew is the server's business).
    assert!(b.push_raw(&format!("{} late", at(1))));
}

#[test]
fn a_reconnect_without_timestamps_keeps_everything() {
    let mut b = LogBuffer::new(100);
    b.push_raw("no time");
    b.expect_replay();
    assert!(b.push_raw("no time"));
    // And a line without a time ends a replay that had a mark.
    b.push_raw("2026-11-27T16:00:00Z stamped");
    b.expect_replay();
    assert!(!b.push_raw("2026-11-27T16:00:00Z stamped"));
    assert!(b.push_raw("no time again"));
    assert!(b.push_raw("2026-11-27T16:00:00Z stamped"));
}

#[test]
fn dropped_notice_and_thousands() {
    assert_eq!(dropped_notice(0, MAX_LINES), None);
    assert_eq!(
        dropped_notice(1, MAX_LINES).unwrap(),
        "1 older line dropped (keeping the newest 5,000)."
    );
    assert_eq!(
        dropped_notice(15_000, MAX_LINES).unwrap(),
        "15,000 older lines dropped (keeping the newest 5,000)."
    );
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1_000), "1,000");
    assert_eq!(thousands(1_234_567), "1,234,567");
}

#[test]
fn event_data_splits_into_lines() {
    assert_eq!(event_lines("one").collect::<Vec<_>>(), ["one"]);
    assert_eq!(
        event_lines("a\r\nb\nc").collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    assert_eq!(event_lines("").collect::<Vec<_>>(), [""]);
}
