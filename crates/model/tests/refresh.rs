//! The auto-refresh rule: status, last outcome, visibility and setting → next delay.

use instance_model::refresh::{
    is_stale, next_delay_ms, period_secs, LastOutcome, RefreshSetting, IN_PROGRESS_SECS,
};
use RefreshSetting::{EverySecs, Off};

const OK: LastOutcome = LastOutcome::Success;

fn failed(failures: u32, retry_after_secs: Option<u64>) -> LastOutcome {
    LastOutcome::Failed {
        failures,
        retry_after_secs,
    }
}

#[test]
fn steady_instances_follow_the_setting() {
    assert_eq!(
        next_delay_ms(RefreshSetting::DEFAULT, false, OK, true),
        Some(10_000)
    );
    for s in [5, 10, 30, 60] {
        assert_eq!(
            next_delay_ms(EverySecs(s), false, OK, true),
            Some(u64::from(s) * 1000)
        );
    }
}

#[test]
fn instances_in_progress_refresh_every_three_seconds() {
    assert_eq!(IN_PROGRESS_SECS, 3);
    for s in [5, 10, 30, 60] {
        assert_eq!(next_delay_ms(EverySecs(s), true, OK, true), Some(3_000));
    }
}

#[test]
fn off_and_hidden_schedule_nothing() {
    assert_eq!(next_delay_ms(Off, false, OK, true), None);
    assert_eq!(next_delay_ms(Off, true, failed(3, Some(5)), true), None);
    assert_eq!(next_delay_ms(EverySecs(10), false, OK, false), None);
    assert_eq!(
        next_delay_ms(EverySecs(10), true, failed(1, None), false),
        None
    );
}

#[test]
fn failures_back_off_doubling_up_to_two_minutes() {
    let delays: Vec<_> = (1..=6)
        .map(|n| next_delay_ms(EverySecs(10), false, failed(n, None), true))
        .collect();
    assert_eq!(
        delays,
        [20_000, 40_000, 80_000, 120_000, 120_000, 120_000].map(Some)
    );
    // In progress, the base is 3 s: 6, 12, 24, 48, 96, 120.
    let delays: Vec<_> = (1..=7)
        .map(|n| next_delay_ms(EverySecs(10), true, failed(n, None), true))
        .collect();
    assert_eq!(
        delays,
        [6_000, 12_000, 24_000, 48_000, 96_000, 120_000, 120_000].map(Some)
    );
    // Huge failure counts do not overflow.
    assert_eq!(
        next_delay_ms(EverySecs(60), false, failed(u32::MAX, None), true),
        Some(120_000)
    );
}

#[test]
fn a_period_longer_than_the_cap_is_not_shortened_by_a_failure() {
    // 60 s steady doubled is 120 s; the cap never makes a failure retry sooner than success.
    assert_eq!(
        next_delay_ms(EverySecs(60), false, failed(1, None), true),
        Some(120_000)
    );
}

#[test]
fn retry_after_is_a_floor() {
    assert_eq!(
        next_delay_ms(EverySecs(10), false, failed(1, Some(30)), true),
        Some(30_000)
    );
    assert_eq!(
        next_delay_ms(EverySecs(5), true, failed(1, Some(1)), true),
        Some(6_000)
    );
    // Longer than the cap still wins: the API said so.
    assert_eq!(
        next_delay_ms(EverySecs(10), false, failed(1, Some(300)), true),
        Some(300_000)
    );
}

#[test]
fn settings_round_trip_through_option_values() {
    for (value, _) in RefreshSetting::CHOICES {
        let parsed = RefreshSetting::parse(value).expect(value);
        assert_eq!(parsed.value(), value);
    }
    assert_eq!(RefreshSetting::parse(" 30 "), Some(EverySecs(30)));
    assert_eq!(RefreshSetting::parse("7"), None);
    assert_eq!(RefreshSetting::parse(""), None);
    assert_eq!(RefreshSetting::DEFAULT.value(), "10");
}

#[test]
fn staleness_is_two_periods() {
    assert_eq!(period_secs(EverySecs(10), false), Some(10));
    assert!(!is_stale(20_000.0, EverySecs(10), false));
    assert!(is_stale(20_001.0, EverySecs(10), false));
    assert!(is_stale(6_001.0, EverySecs(10), true));
    assert!(!is_stale(1e9, Off, false));
}
