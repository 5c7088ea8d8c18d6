//! The filter and a line's pieces (`logs/filter.rs`).

use instance_model::logs::{segments, Filter, LogLine, Segment, Style};

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

/// What the standard library says, when it is one character.
fn std_lower(c: char) -> Option<char> {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => None,
    }
}

#[test]
fn case_folding_agrees_with_unicode_on_every_script_it_covers_and_is_never_wrong() {
    use instance_model::logs::fold_case;
    let covered = [
        0x0000..=0x024F, // ASCII, Latin-1, Latin Extended-A (and B, partly)
        0x0370..=0x03FF, // Greek
        0x0400..=0x052F, // Cyrillic
        0x0530..=0x058F, // Armenian
        0x1E00..=0x1EFF, // Latin Extended Additional
        0xFF00..=0xFFEF, // fullwidth forms
    ];
    // Where Unicode has a lower case this does not give: Latin Extended-B and Greek's odd
    // corners, and a few special letters.
    let not_folded = |n: u32| {
        (0x180..=0x24F).contains(&n)
            || matches!(
                n,
                0x130 | 0x1E9E | 0x4C0 | 0x37F | 0x3CF | 0x3F4 | 0x3F7 | 0x3F9 | 0x3FA | 0x3FD
                    ..=0x3FF | 0x370 | 0x372 | 0x376
            )
    };
    let mut folded = 0;
    for n in 0..=0x10FFFF_u32 {
        let Some(c) = char::from_u32(n) else { continue };
        let got = fold_case(c);
        // Never wrong: either the character itself or Unicode's lower case.
        assert!(
            got == c || Some(got) == std_lower(c),
            "U+{n:04X} {c:?} folded to {got:?}"
        );
        if covered.iter().any(|r| r.contains(&n)) && !not_folded(n) {
            assert_eq!(Some(got), std_lower(c).or(Some(c)), "U+{n:04X} {c:?}");
        }
        folded += usize::from(got != c);
    }
    // ASCII 26, Latin-1 30, Latin Extended-A 62 (with Ÿ), Greek 45, Cyrillic 147,
    // Armenian 38, Latin Extended Additional 123, fullwidth 26.
    assert_eq!(folded, 497);
}
