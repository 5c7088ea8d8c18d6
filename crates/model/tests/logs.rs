//! The logs panel's pure logic, pinned to exact outputs: stream and download URLs, which
//! addresses may be opened, timestamps, ANSI colours, the filter, the bounded buffer with its
//! reconnect guard, the backoff, and the words shown.

use instance_model::logs::{
    download_file_name, download_url, dropped_notice, event_lines, format_timestamp, offset_label,
    openable_log_address, parse_ansi, parse_timestamp, segments, split_timestamp, stream_url,
    thousands, Backoff, Filter, LogBuffer, LogKind, LogLine, LogSource, Segment, StreamPhase,
    Style, StyledRun, Timestamp, DEFAULT_TAIL, MAX_LINES, MAX_LINE_BYTES,
};

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

#[test]
fn stream_url_adds_the_query_with_the_right_separator() {
    assert_eq!(
        stream_url("https://logs.example.com/s/abc", DEFAULT_TAIL),
        "https://logs.example.com/s/abc?follow=1&sse=1&timestamps=1&tail=500"
    );
    assert_eq!(
        stream_url("https://logs.example.com/s?token=x%2By", 100),
        "https://logs.example.com/s?token=x%2By&follow=1&sse=1&timestamps=1&tail=100"
    );
}

#[test]
fn stream_url_handles_trailing_separators_fragments_and_spaces() {
    assert_eq!(
        stream_url("https://h/s?", 5),
        "https://h/s?follow=1&sse=1&timestamps=1&tail=5"
    );
    assert_eq!(
        stream_url("https://h/s?a=1&", 5),
        "https://h/s?a=1&follow=1&sse=1&timestamps=1&tail=5"
    );
    assert_eq!(
        stream_url("  https://h/s#top ", 5),
        "https://h/s?follow=1&sse=1&timestamps=1&tail=5"
    );
    assert_eq!(
        stream_url("https://h/s?t=1#x?y", 5),
        "https://h/s?t=1&follow=1&sse=1&timestamps=1&tail=5"
    );
}

#[test]
fn download_url_asks_for_timestamps_only() {
    assert_eq!(
        download_url("https://h/logs/1"),
        "https://h/logs/1?timestamps=1"
    );
    assert_eq!(
        download_url("https://h/logs/1?token=abc"),
        "https://h/logs/1?token=abc&timestamps=1"
    );
}

#[test]
fn https_addresses_may_be_opened() {
    for ok in [
        "https://logs.novita.ai/x",
        "HTTPS://LOGS.EXAMPLE.COM/x?y=1",
        " https://10.0.0.1:8443/logs ",
        "https://[2001:db8::1]/logs",
    ] {
        assert_eq!(openable_log_address(ok), Some(ok.trim()), "{ok}");
    }
}

#[test]
fn plain_http_only_on_loopback() {
    for ok in [
        "http://127.0.0.1:9090/logs/trickle/system",
        "http://127.5.6.7/logs",
        "http://localhost:8080/x",
        "http://LocalHost/x",
        "http://[::1]:9090/logs",
        "http://[::1]/logs",
        "http://[0:0:0:0:0:0:0:1]:80/logs",
        "http://[0::1]/logs",
        "http://[::0001]/logs",
        "http://127.255.255.254/logs",
        "http://user@127.0.0.1/logs",
    ] {
        assert_eq!(openable_log_address(ok), Some(ok), "{ok}");
    }
    for refused in [
        "http://logs.example.com/x",
        "http://10.0.0.1/logs",
        "http://192.168.1.2:9090/logs",
        "http://127.0.0.1.evil.com/logs",
        "http://localhost.evil.com/logs",
        "http://127.0.0.1@evil.com/logs",
        "http://evil.com\\@127.0.0.1/logs",
        "http://[::2]/logs",
        "http://[::ffff:10.0.0.1]/logs",
        "http://127.0.0.1:99999999/logs",
        "http://2130706433/logs",
        "http://127.0.0.256/logs",
        "http://127.0.0/logs",
        "http://127.0.0.1./logs",
        "http://0127.0.0.1/logs",
        "http://127.0.0.0x1/logs",
        "http://[::]/logs",
        "http://[1::1]/logs",
        "http://[0:0:0:0:0:0:0:0:1]/logs",
        "http://[::1/logs",
        "http://[::1]x/logs",
        "http://[:::1]/logs",
        "http://[00000::1]/logs",
    ] {
        assert_eq!(openable_log_address(refused), None, "{refused}");
    }
}

#[test]
fn other_schemes_and_garbage_are_refused() {
    for refused in [
        "",
        "   ",
        "javascript:alert(1)",
        "data:text/plain,hi",
        "ws://127.0.0.1/logs",
        "wss://logs.example.com/x",
        "//logs.example.com/x",
        "logs.example.com/x",
        "https://logs.example.com/a b",
        "https://",
        "ftp://127.0.0.1/x",
    ] {
        assert_eq!(openable_log_address(refused), None, "{refused:?}");
    }
}

#[test]
fn log_source_says_why_there_is_no_stream() {
    assert_eq!(
        LogSource::new(" https://h/logs ", true),
        LogSource::Ready("https://h/logs".into())
    );
    assert_eq!(LogSource::new("", true), LogSource::Missing);
    assert_eq!(LogSource::new("  ", false), LogSource::Missing);
    assert_eq!(
        LogSource::new("https://h/logs", false),
        LogSource::NotRunning
    );
    assert_eq!(LogSource::new("http://h/logs", true), LogSource::Refused);
    assert_eq!(LogSource::new("javascript:x", true), LogSource::Refused);

    assert_eq!(LogSource::Ready("x".into()).message(LogKind::System), None);
    assert_eq!(
        LogSource::Missing.message(LogKind::System).unwrap(),
        "No system log address: the API did not provide one."
    );
    assert_eq!(
        LogSource::NotRunning.message(LogKind::Instance).unwrap(),
        "isRunning is false: logs are not being collected."
    );
    assert!(LogSource::Refused
        .message(LogKind::Instance)
        .unwrap()
        .starts_with("The instance log address is not an https: link"));
}

#[test]
fn download_file_names_are_safe() {
    assert_eq!(
        download_file_name("7f3e2a9c1b4d5e60", LogKind::System),
        "instance-7f3e2a9c1b4d5e60-system-log.txt"
    );
    assert_eq!(
        download_file_name("../a b/c", LogKind::Instance),
        "instance-___a_b_c-instance-log.txt"
    );
    assert_eq!(
        download_file_name("", LogKind::Instance),
        "instance-unknown-instance-log.txt"
    );
    assert_eq!(LogKind::System.label(), "System");
    assert_eq!(LogKind::Instance.slug(), "instance");
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

#[test]
fn docker_timestamps_parse_to_the_nanosecond() {
    let t = parse_timestamp("2026-11-27T16:42:03.123456789Z").unwrap();
    assert_eq!(t.secs, 1_795_797_723);
    assert_eq!(t.nanos, 123_456_789);
    assert_eq!(t.epoch_ms(), 1_795_797_723_123.0);
    assert_eq!(
        parse_timestamp("1970-01-01T00:00:00Z"),
        Some(Timestamp { secs: 0, nanos: 0 })
    );
    // Docker trims trailing zeros of the fraction.
    assert_eq!(
        parse_timestamp("1970-01-01T00:00:01.5Z"),
        Some(Timestamp {
            secs: 1,
            nanos: 500_000_000
        })
    );
    // More than nine digits: the rest is ignored.
    assert_eq!(
        parse_timestamp("1970-01-01T00:00:01.1234567891Z")
            .unwrap()
            .nanos,
        123_456_789
    );
}

#[test]
fn offsets_and_lower_case_are_accepted() {
    let z = parse_timestamp("2026-11-27T16:42:03Z").unwrap();
    assert_eq!(parse_timestamp("2026-11-27t16:42:03z"), Some(z));
    assert_eq!(parse_timestamp("2026-11-27T17:42:03+01:00"), Some(z));
    assert_eq!(parse_timestamp("2026-11-27T11:12:03-05:30"), Some(z));
    assert_eq!(
        parse_timestamp("2024-02-29T00:00:00Z").unwrap().secs,
        1_709_164_800
    );
    // A leap second shows as :59.
    assert_eq!(
        parse_timestamp("2016-12-31T23:59:60Z").unwrap().secs,
        parse_timestamp("2016-12-31T23:59:59Z").unwrap().secs
    );
}

#[test]
fn not_timestamps() {
    for bad in [
        "",
        "hello",
        "2026-11-27",
        "2026-11-27 16:42:03Z",
        "2026-11-27T16:42:03",
        "2026-11-27T16:42:03.Z",
        "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-11-27T24:00:00Z",
        "2026-11-27T16:60:00Z",
        "2026-11-27T16:42:03+1:00",
        "2026-11-27T16:42:03+25:00",
        "2026-11-27T16:42:03Zjunk",
        "२०२६-11-27T16:42:03Z",
    ] {
        assert_eq!(parse_timestamp(bad), None, "{bad:?}");
    }
}

#[test]
fn lines_split_into_time_and_text() {
    let (t, text) = split_timestamp("2026-11-27T16:42:03.123456789Z Starting server on :8080");
    assert_eq!(t, parse_timestamp("2026-11-27T16:42:03.123456789Z"));
    assert_eq!(text, "Starting server on :8080");
    // Only the one separating space goes.
    assert_eq!(
        split_timestamp("2026-11-27T16:42:03Z   indented").1,
        "  indented"
    );
    // An empty log line.
    let (t, text) = split_timestamp("2026-11-27T16:42:03Z ");
    assert!(t.is_some());
    assert_eq!(text, "");
    let (t, text) = split_timestamp("2026-11-27T16:42:03Z");
    assert!(t.is_some());
    assert_eq!(text, "");
    // No timestamp: the whole line is text.
    assert_eq!(split_timestamp("plain line"), (None, "plain line"));
    assert_eq!(split_timestamp(""), (None, ""));
    assert_eq!(
        split_timestamp("2026-99-27T16:42:03Z oops"),
        (None, "2026-99-27T16:42:03Z oops")
    );
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

#[test]
fn timestamps_format_in_utc_and_with_an_offset() {
    let t = parse_timestamp("2026-11-27T16:42:03.123456789Z").unwrap();
    assert_eq!(format_timestamp(t, 0), "2026-11-27 16:42:03.123");
    assert_eq!(format_timestamp(t, 60), "2026-11-27 17:42:03.123");
    assert_eq!(format_timestamp(t, 8 * 60), "2026-11-28 00:42:03.123");
    assert_eq!(format_timestamp(t, -(17 * 60)), "2026-11-26 23:42:03.123");
    assert_eq!(format_timestamp(t, 330), "2026-11-27 22:12:03.123");
    let old = parse_timestamp("1969-12-31T23:59:59.999Z").unwrap();
    assert_eq!(format_timestamp(old, 0), "1969-12-31 23:59:59.999");
    assert_eq!(offset_label(0), "UTC");
    assert_eq!(offset_label(60), "UTC+01:00");
    assert_eq!(offset_label(-330), "UTC-05:30");
}

// ---------------------------------------------------------------------------------------------
// ANSI
// ---------------------------------------------------------------------------------------------

fn run(range: std::ops::Range<usize>, fg: Option<u8>, bg: Option<u8>, bold: bool) -> StyledRun {
    StyledRun {
        range,
        style: Style { fg, bg, bold },
    }
}

#[test]
fn plain_text_has_no_runs() {
    let s = parse_ansi("just text\twith a tab");
    assert_eq!(s.text, "just text\twith a tab");
    assert!(s.runs.is_empty());
    assert_eq!(s.runs.capacity(), 0);
}

#[test]
fn colours_bold_and_resets() {
    let s =
        parse_ansi("\x1b[31mred\x1b[0m plain \x1b[1;92mbold bright green\x1b[22m not bold\x1b[m.");
    assert_eq!(s.text, "red plain bold bright green not bold.");
    assert_eq!(
        s.runs,
        vec![
            run(0..3, Some(1), None, false),
            run(10..27, Some(10), None, true),
            run(27..36, Some(10), None, false),
        ]
    );
}

#[test]
fn backgrounds_and_default_colour_codes() {
    let s = parse_ansi("\x1b[37;41mALERT\x1b[39m x\x1b[49m y\x1b[104mz");
    assert_eq!(s.text, "ALERT x yz");
    assert_eq!(
        s.runs,
        vec![
            run(0..5, Some(7), Some(1), false),
            run(5..7, None, Some(1), false),
            run(9..10, None, Some(12), false),
        ]
    );
}

#[test]
fn indexed_colours_below_16_are_kept_and_others_ignored() {
    let s =
        parse_ansi("\x1b[38;5;9ma\x1b[0m\x1b[38;5;196mb\x1b[0m\x1b[38;2;1;2;3;1mc\x1b[48:5:4md");
    assert_eq!(s.text, "abcd");
    assert_eq!(
        s.runs,
        vec![
            run(0..1, Some(9), None, false),
            // 38;2;r;g;b consumes its three values; the 1 after them is bold.
            run(2..3, None, None, true),
            run(3..4, None, Some(4), true),
        ]
    );
}

#[test]
fn other_escape_sequences_are_stripped() {
    let cases = [
        ("\x1b[2K\x1b[1Gcleared", "cleared"),
        ("\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"),
        ("\x1b]0;window title\x07after", "after"),
        (
            "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
            "link",
        ),
        ("\x1b(Bcharset", "charset"),
        ("\x1b7saved\x1b8", "saved"),
        ("\x1bPdcs stuff\x1b\\text", "text"),
        ("unterminated osc \x1b]0;title", "unterminated osc "),
        ("lone escape at end \x1b", "lone escape at end "),
        ("\x1b[", ""),
        ("\x1b[31", ""),
        (
            "bell\x07 and backspace\x08 and nul\0",
            "bell and backspace and nul",
        ),
        ("\u{9b}31mC1 csi", "C1 csi"),
        ("a\x1b\x1b[31mb", "ab"),
        ("\x1b[>4;1mmodify keys", "modify keys"),
    ];
    for (input, want) in cases {
        let s = parse_ansi(input);
        assert_eq!(s.text, want, "{input:?}");
        assert!(!s.text.contains('\x1b'), "{input:?}");
    }
    // The C1 CSI did set red.
    assert_eq!(
        parse_ansi("\u{9b}31mC1").runs,
        vec![run(0..2, Some(1), None, false)]
    );
    // A private-marker "m" is not SGR.
    assert!(parse_ansi("\x1b[>4;1mx").runs.is_empty());
}

#[test]
fn malformed_sequences_give_their_text_back() {
    // A CSI broken by a non-final character ends there; the rest is text.
    let s = parse_ansi("\x1b[31;é is text");
    assert_eq!(s.text, "é is text");
}

#[test]
fn carriage_return_starts_the_line_over() {
    let s = parse_ansi("Downloading  10%\rDownloading \x1b[32m100%\x1b[0m\r\n");
    assert_eq!(s.text, "Downloading 100%");
    assert_eq!(s.runs, vec![run(12..16, Some(2), None, false)]);
    assert_eq!(parse_ansi("line\r").text, "line");
}

#[test]
fn style_classes() {
    assert_eq!(Style::default().classes(), "");
    assert_eq!(
        Style {
            fg: Some(9),
            bg: Some(0),
            bold: true
        }
        .classes(),
        "fg9 bg0 b"
    );
}

#[test]
fn no_input_leaves_control_characters_behind() {
    // A crude fuzz: every prefix of a nasty string.
    let nasty = "a\x1b[1;3\x1b]x\x07\x1b[38;5\x1b\\\u{9d}osc\u{9c}b\x1bPq\x1b[0mc\r\x1b(0d\x1b[99999999999999999999me";
    for end in (0..=nasty.len()).filter(|&i| nasty.is_char_boundary(i)) {
        let s = parse_ansi(&nasty[..end]);
        assert!(
            !s.text.chars().any(|c| c.is_control() && c != '\t'),
            "{:?} -> {:?}",
            &nasty[..end],
            s.text
        );
        for r in &s.runs {
            assert!(r.range.start < r.range.end && r.range.end <= s.text.len());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lines and the filter
// ---------------------------------------------------------------------------------------------

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

#[test]
fn filter_is_a_case_insensitive_substring() {
    let f = Filter::new("error");
    assert!(f.matches("An ERROR occurred"));
    assert!(!f.matches("all fine"));
    assert_eq!(f.ranges("Error: error, ERROR!"), vec![0..5, 7..12, 14..19]);
    assert!(!Filter::new("").matches("anything"));
    assert!(Filter::new("").ranges("anything").is_empty());
    assert!(Filter::new("").is_empty());
    // Not overlapping.
    assert_eq!(Filter::new("aa").ranges("aaaaa"), vec![0..2, 2..4]);
    // ASCII needle among multi-byte characters: ranges on boundaries.
    assert_eq!(Filter::new("ok").ranges("é OK é ok"), vec![3..5, 9..11]);
    assert_eq!(
        Filter::new("x").ranges(""),
        Vec::<std::ops::Range<usize>>::new()
    );
    assert_eq!(Filter::new("longer").ranges("short"), vec![]);
}

#[test]
fn filter_folds_non_ascii_case() {
    let f = Filter::new("ÉCHEC");
    let hay = "1 échec, 2 Échec";
    let ranges = f.ranges(hay);
    assert_eq!(ranges.len(), 2);
    assert_eq!(&hay[ranges[0].clone()], "échec");
    assert_eq!(&hay[ranges[1].clone()], "Échec");
    assert!(Filter::new("ΣΟΦΙΑ").matches("σοφια"));
    assert!(!Filter::new("日本").matches("日 本"));
    assert_eq!(Filter::new("日本").ranges("x日本語"), vec![1..7]);
    assert_eq!(Filter::new("é").as_str(), "é");
}

#[test]
fn segments_cut_at_styles_and_matches() {
    let line = LogLine::parse("\x1b[31mred error\x1b[0m then error");
    // "red error then error": red 0..9
    let matches = Filter::new("error").ranges(&line.text);
    assert_eq!(matches, vec![4..9, 15..20]);
    let red = Style {
        fg: Some(1),
        ..Style::default()
    };
    assert_eq!(
        segments(&line, &matches),
        vec![
            Segment {
                range: 0..4,
                style: red,
                matched: false
            },
            Segment {
                range: 4..9,
                style: red,
                matched: true
            },
            Segment {
                range: 9..15,
                style: Style::default(),
                matched: false
            },
            Segment {
                range: 15..20,
                style: Style::default(),
                matched: true
            },
        ]
    );
    // A plain, unmatched line is one segment; an empty one is none.
    let plain = LogLine::parse("plain");
    assert_eq!(
        segments(&plain, &[]),
        vec![Segment {
            range: 0..5,
            style: Style::default(),
            matched: false
        }]
    );
    assert!(segments(&LogLine::parse(""), &[]).is_empty());
}

#[test]
fn segments_of_a_long_line_with_many_matches_stay_linear() {
    let text = "ab".repeat(4_000);
    let line = LogLine::parse(&text);
    let matches = Filter::new("a").ranges(&line.text);
    assert_eq!(matches.len(), 4_000);
    let segs = segments(&line, &matches);
    assert_eq!(segs.len(), 8_000);
    assert!(segs.iter().step_by(2).all(|s| s.matched));
}

// ---------------------------------------------------------------------------------------------
// The buffer
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

#[test]
fn backoff_doubles_to_30_seconds_and_resets() {
    let mut b = Backoff::default();
    let delays: Vec<(u32, u32)> = (0..8).map(|_| b.fail()).collect();
    assert_eq!(
        delays,
        [
            (1_000, 1),
            (2_000, 2),
            (4_000, 3),
            (8_000, 4),
            (16_000, 5),
            (30_000, 6),
            (30_000, 7),
            (30_000, 8)
        ]
    );
    assert_eq!(b.failures(), 8);
    b.reset();
    assert_eq!(b.failures(), 0);
    assert_eq!(b.fail(), (1_000, 1));
}

#[test]
fn backoff_never_overflows() {
    let mut b = Backoff::default();
    for _ in 0..100_000 {
        let (delay, _) = b.fail();
        assert!(delay <= Backoff::MAX_MS);
    }
}

#[test]
fn phases_in_words() {
    assert_eq!(StreamPhase::Connecting { attempt: 0 }.text(), "Connecting…");
    assert_eq!(
        StreamPhase::Connecting { attempt: 2 }.text(),
        "Connecting… (attempt 2)"
    );
    assert_eq!(StreamPhase::Live.text(), "Live");
    assert_eq!(
        StreamPhase::Reconnecting {
            delay_ms: 4_000,
            attempt: 3
        }
        .text(),
        "Stream dropped; reconnecting in 4 s (attempt 3)"
    );
    assert_eq!(
        StreamPhase::Reconnecting {
            delay_ms: 1_500,
            attempt: 1
        }
        .text(),
        "Stream dropped; reconnecting in 2 s (attempt 1)"
    );
    assert_eq!(StreamPhase::Stopped.text(), "Stopped");
    assert_eq!(StreamPhase::Live.slug(), "live");
    assert_eq!(
        StreamPhase::Reconnecting {
            delay_ms: 1,
            attempt: 1
        }
        .slug(),
        "reconnecting"
    );
}

#[test]
fn tail_choices_offer_the_default_and_never_more_than_is_kept() {
    use instance_model::logs::{DEFAULT_TAIL, MAX_LINES, TAIL_CHOICES};
    assert!(TAIL_CHOICES.contains(&DEFAULT_TAIL));
    assert!(TAIL_CHOICES.iter().all(|n| *n as usize <= MAX_LINES));
    assert!(
        TAIL_CHOICES.windows(2).all(|w| w[0] < w[1]),
        "offered in order"
    );
}
