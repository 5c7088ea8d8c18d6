//! Human numbers and times (`format.rs`), pinned to exact outputs.

use instance_model::format::{self, Expiry};

/// 2027-01-01 00:00:00 UTC: 57 years after 1970 with 14 leap days, 20819 days.
const NEW_YEAR_2027: i64 = 1_798_761_600;

#[test]
fn expiry_reads_end_time() {
    assert_eq!(format::expiry("-1"), Expiry::Never);
    assert_eq!(format::expiry("-5"), Expiry::Never);
    assert_eq!(format::expiry(""), Expiry::NotReported);
    assert_eq!(format::expiry("   "), Expiry::NotReported);
    assert_eq!(format::expiry("0"), Expiry::NotReported);
    assert_eq!(format::expiry("soon"), Expiry::Unreadable("soon".into()));
    assert_eq!(format::expiry(" soon "), Expiry::Unreadable("soon".into()));
    assert_eq!(format::expiry("NaN"), Expiry::Unreadable("NaN".into()));
    assert_eq!(format::expiry("inf"), Expiry::Unreadable("inf".into()));
    assert_eq!(format::expiry("1798761600"), Expiry::At(NEW_YEAR_2027));
    assert_eq!(format::expiry(" 1798761600 "), Expiry::At(NEW_YEAR_2027));
    assert_eq!(format::expiry("1798761600.9"), Expiry::At(NEW_YEAR_2027));
    // Milliseconds are recognised because seconds that large would be after the year 5000.
    assert_eq!(format::expiry("1798761600000"), Expiry::At(NEW_YEAR_2027));
    assert_eq!(format::expiry("95617584000"), Expiry::At(95_617_584_000));
    assert_eq!(format::expiry("1e20"), Expiry::Unreadable("1e20".into()));
}

#[test]
fn describe_expiry_in_words() {
    assert_eq!(format::describe_expiry("-1", NEW_YEAR_2027), "no expiry");
    assert_eq!(format::describe_expiry("", NEW_YEAR_2027), "not reported");
    assert_eq!(format::describe_expiry("0", NEW_YEAR_2027), "not reported");
    assert_eq!(
        format::describe_expiry("soon", NEW_YEAR_2027),
        "unreadable (soon)"
    );
    // now = 1_795_000_000: 3_761_600 s before, 43 whole days (43 × 86_400 = 3_715_200).
    assert_eq!(
        format::describe_expiry("1798761600", 1_795_000_000),
        "2027-01-01 00:00 UTC (in 43 days)"
    );
    assert_eq!(
        format::describe_expiry("1798761600000", 1_795_000_000),
        "2027-01-01 00:00 UTC (in 43 days)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 35 * 86_400),
        "2027-01-01 00:00 UTC (in 35 days)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 7 * 86_400 + 5_000),
        "2027-01-01 00:00 UTC (expired 7 days ago)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 86_400),
        "2027-01-01 00:00 UTC (in 1 day)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 86_400),
        "2027-01-01 00:00 UTC (expired 1 day ago)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 3 * 3_600 - 59),
        "2027-01-01 00:00 UTC (in 3 hours)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 3_600),
        "2027-01-01 00:00 UTC (in 1 hour)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 2 * 3_600),
        "2027-01-01 00:00 UTC (expired 2 hours ago)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 59 * 60),
        "2027-01-01 00:00 UTC (in less than an hour)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 1),
        "2027-01-01 00:00 UTC (expired less than an hour ago)"
    );
}

#[test]
fn utc_date_time_is_the_proleptic_gregorian_calendar() {
    assert_eq!(format::utc_date_time(0), "1970-01-01 00:00 UTC");
    assert_eq!(format::utc_date_time(59), "1970-01-01 00:00 UTC");
    assert_eq!(format::utc_date_time(1_709_164_800), "2024-02-29 00:00 UTC");
    assert_eq!(format::utc_date_time(1_709_210_040), "2024-02-29 12:34 UTC");
    assert_eq!(format::utc_date_time(1_709_251_200), "2024-03-01 00:00 UTC");
    assert_eq!(format::utc_date_time(951_782_400), "2000-02-29 00:00 UTC");
    assert_eq!(format::utc_date_time(NEW_YEAR_2027), "2027-01-01 00:00 UTC");
    assert_eq!(
        format::utc_date_time(NEW_YEAR_2027 - 1),
        "2026-12-31 23:59 UTC"
    );
    assert_eq!(format::utc_date_time(-1), "1969-12-31 23:59 UTC");
    assert_eq!(format::utc_date_time(-86_400), "1969-12-31 00:00 UTC");
    assert_eq!(format::utc_date_time(-31_536_000), "1969-01-01 00:00 UTC");
    // 1900 is not a leap year: 28 February is followed by 1 March.
    assert_eq!(
        format::utc_date_time(-2_208_988_800),
        "1900-01-01 00:00 UTC"
    );
    assert_eq!(
        format::utc_date_time(-2_208_988_800 + 59 * 86_400),
        "1900-03-01 00:00 UTC"
    );
    assert_eq!(
        format::utc_date_time(95_617_584_000),
        "5000-01-01 00:00 UTC"
    );
}

#[test]
fn number_drops_pointless_zeros_and_keeps_two_decimals() {
    assert_eq!(format::number(12.5), "12.5");
    assert_eq!(format::number(12.0), "12");
    assert_eq!(format::number(0.333), "0.33");
    assert_eq!(format::number(0.0), "0");
    assert_eq!(format::number(-3.0), "-3");
    assert_eq!(format::number(2.999), "3");
    assert_eq!(format::number(0.1 + 0.2), "0.3");
    assert_eq!(format::number(99.999), "100");
    assert_eq!(format::number(1_234_567.891), "1234567.89");
    assert_eq!(format::number(1e15), "1000000000000000");
}

#[test]
fn gigabytes_memory_and_or_dash() {
    assert_eq!(format::gigabytes(None), "—");
    assert_eq!(format::gigabytes(Some(500.0)), "500 GB");
    assert_eq!(format::gigabytes(Some(12.5)), "12.5 GB");
    assert_eq!(format::gigabytes(Some(0.333)), "0.33 GB");
    assert_eq!(format::gigabytes(Some(0.0)), "0 GB");

    assert_eq!(format::memory("64"), "64 GB");
    assert_eq!(format::memory(" 32.5 "), "32.5 GB");
    assert_eq!(format::memory("64.0"), "64 GB");
    assert_eq!(format::memory(""), "—");
    assert_eq!(format::memory("  "), "—");
    assert_eq!(format::memory("64Gi"), "64Gi");
    assert_eq!(format::memory(" lots "), "lots");
    assert_eq!(format::memory("NaN"), "NaN");

    assert_eq!(format::or_dash(""), "—");
    assert_eq!(format::or_dash(" \t"), "—");
    assert_eq!(format::or_dash("us-ca-1"), "us-ca-1");
    assert_eq!(format::or_dash(" x "), " x ", "kept as sent, not trimmed");
}

#[test]
fn ago_in_words() {
    let now = 1_700_000_000_000.0;
    let cases = [
        (0.0, "just now"),
        (1_500.0, "just now"),
        (1_999.0, "just now"),
        (2_000.0, "2 s ago"),
        (12_000.0, "12 s ago"),
        (59_999.0, "59 s ago"),
        (60_000.0, "1 min ago"),
        (61_000.0, "1 min ago"),
        (3_599_000.0, "59 min ago"),
        (3_600_000.0, "1 h ago"),
        (7_200_000.0, "2 h ago"),
        (86_399_000.0, "23 h ago"),
        (86_400_000.0, "1 day ago"),
        (172_799_000.0, "1 day ago"),
        (172_800_000.0, "2 days ago"),
        (3.0 * 86_400_000.0, "3 days ago"),
    ];
    for (elapsed_ms, want) in cases {
        assert_eq!(format::ago(now - elapsed_ms, now), want, "{elapsed_ms} ms");
    }
    // A `then` in the future (a clock that moved back) is not a negative age.
    assert_eq!(format::ago(now + 5_000.0, now), "just now");
    assert_eq!(format::ago(now + 3_600_000.0, now), "just now");
    assert_eq!(format::ago(f64::NAN, now), "just now");
}

#[test]
fn keep_data_days_and_job_kind() {
    assert_eq!(format::keep_data_days(None), "—");
    assert_eq!(format::keep_data_days(Some(1.0)), "1 day after stop");
    assert_eq!(format::keep_data_days(Some(7.0)), "7 days after stop");
    assert_eq!(format::keep_data_days(Some(0.0)), "not kept after stop");
    assert_eq!(format::keep_data_days(Some(1.5)), "1.5 days after stop");

    assert_eq!(format::job_kind("saveImage"), "Saving image");
    assert_eq!(format::job_kind(""), "Job");
    assert_eq!(format::job_kind("migrate"), "migrate");
    assert_eq!(
        format::job_kind("SaveImage"),
        "SaveImage",
        "exact match only"
    );
}

#[test]
fn file_stems_keep_only_safe_characters() {
    use instance_model::format::file_stem;
    assert_eq!(file_stem("7f3e2a9c1b4d5e60"), "7f3e2a9c1b4d5e60");
    assert_eq!(file_stem(" a/b\\c..d e "), "a_b_c__d_e");
    assert_eq!(file_stem("big-500_x"), "big-500_x");
    assert_eq!(file_stem("é<>"), "___");
    assert_eq!(file_stem("   "), "unknown");
}
