//! Numbers read and written without Rust's float parser and formatter (which would cost the
//! wasm about 10 KB gzipped): `decimal.rs` reads what the API sends as text and writes what
//! the page shows with integers. The results must be the ones a person expects, edge cases
//! included, through the functions the page calls.

use instance_model::format::{expiry, memory, number, Expiry};
use instance_model::Instance;

#[test]
fn numbers_are_written_with_at_most_two_decimals_and_no_float_formatting() {
    for (n, text) in [
        (12.5, "12.5"),
        (12.0, "12"),
        (0.333, "0.33"),
        (0.05, "0.05"),
        (1.1, "1.1"),
        (2.999, "3"),
        (99.999, "100"),
        (0.1 + 0.2, "0.3"),
        (-3.0, "-3"),
        (-3.25, "-3.25"),
        (-0.5, "-0.5"),
        (-0.001, "0"),
        (1_234_567.891, "1234567.89"),
        (1e15, "1000000000000000"),
        (1e17, "100000000000000000"),
        // Nothing a person can read: the dash the page shows for a missing value.
        (f64::NAN, "—"),
        (f64::INFINITY, "—"),
        (f64::NEG_INFINITY, "—"),
    ] {
        assert_eq!(number(n), text, "{n}");
    }
}

#[test]
fn numbers_sent_as_text_are_read_as_rust_would_read_them() {
    let read = |text: &str| {
        Instance::from_json(&format!(r#"{{"id":"x","keepDataDay":"{text}"}}"#))
            .expect("an instance")
            .keep_data_day
    };
    for (text, days) in [
        ("7", Some(7.0)),
        (" 8 ", Some(8.0)),
        ("12.5", Some(12.5)),
        ("+5", Some(5.0)),
        (".5", Some(0.5)),
        ("5.", Some(5.0)),
        ("007", Some(7.0)),
        ("0", Some(0.0)),
        ("0.25", Some(0.25)),
        ("1e3", Some(1000.0)),
        ("1E+2", Some(100.0)),
        ("-1", None),
        ("", None),
        ("-", None),
        (".", None),
        ("seven", None),
        ("7 days", None),
        ("NaN", None),
        ("inf", None),
        ("1e400", None),
        ("0x10", None),
        ("--5", None),
    ] {
        assert_eq!(read(text), days, "{text:?}");
    }
    assert_eq!(memory(" +32.5 "), "32.5 GB");
    assert_eq!(memory("064"), "64 GB");
    assert_eq!(memory("64Gi"), "64Gi");
    assert_eq!(expiry("+1798761600"), Expiry::At(1_798_761_600));
    assert_eq!(expiry("1798761600.9"), Expiry::At(1_798_761_600));
    assert_eq!(expiry("-1"), Expiry::Never);
}
