//! Log line times (`logs/timestamp.rs`): Docker's timestamps parsed, formatted and split off.

use instance_model::logs::{
    format_timestamp, offset_label, parse_timestamp, split_timestamp, Timestamp,
};

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
