//! ANSI colour codes (`logs/ansi.rs`): styled runs kept, every other escape removed.

use instance_model::logs::{parse_ansi, Style, StyledRun};

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
