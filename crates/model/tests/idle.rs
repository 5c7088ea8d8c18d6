//! The idle rule at its edges: 29 against 30 minutes, exactly the threshold, holes in the
//! data, one GPU busy among eight idle, stale data; and the history a fleet check keeps.

use instance_model::idle::{
    duration_words, flag_text, look_back_query, merge, short_text, verdict, IdleRule, Verdict,
    CHECK_EVERY_SECS, MAX_IN_FLIGHT, MIN_SPACING_MS,
};
use instance_model::metrics::{Gpu, GpuSeries, Point};

const NOW: i64 = 1_700_000_000;
const RULE: IdleRule = IdleRule::DEFAULT;

fn p(at: i64, tenths: Option<u16>) -> Point {
    Point { at, tenths }
}

/// Readings every `step` seconds from `from` (seconds before NOW) to `to` (seconds before NOW),
/// all at `tenths`.
fn flat(from: i64, to: i64, step: i64, tenths: u16) -> Vec<Point> {
    (0..)
        .map(|k| NOW - from + k * step)
        .take_while(|at| *at <= NOW - to)
        .map(|at| p(at, Some(tenths)))
        .collect()
}

fn idle_since(ago: i64, at_least: bool) -> Verdict {
    Verdict::Idle {
        since: NOW - ago,
        at_least,
    }
}

#[test]
fn the_defaults_are_five_percent_for_thirty_minutes() {
    assert_eq!(
        RULE,
        IdleRule {
            threshold_pct: 5,
            window_mins: 30
        }
    );
}

#[test]
fn thirty_minutes_under_five_percent_is_idle_and_twenty_nine_is_not() {
    // Busy until 31 min before the latest reading, idle after (the data lags a minute).
    let mut thirty = flat(32 * 60, 31 * 60 + 1, 60, 900);
    thirty.extend(flat(31 * 60, 60, 60, 20));
    assert_eq!(verdict(&thirty, RULE, NOW), idle_since(31 * 60, false));

    let mut twenty_nine = flat(32 * 60, 30 * 60 + 1, 60, 900);
    twenty_nine.extend(flat(30 * 60, 60, 60, 20));
    assert_eq!(
        verdict(&twenty_nine, RULE, NOW),
        Verdict::Busy,
        "29 minutes of quiet after a busy reading"
    );

    // Without the busy reading before, 29 minutes is too little to tell.
    assert_eq!(
        verdict(&flat(30 * 60, 60, 60, 20), RULE, NOW),
        Verdict::Unknown
    );
    assert_eq!(
        verdict(&flat(31 * 60, 60, 60, 20), RULE, NOW),
        idle_since(31 * 60, true),
        "nothing older was seen: idle for at least that"
    );
}

#[test]
fn exactly_the_threshold_is_not_under_it() {
    let at_five = flat(40 * 60, 60, 60, 50);
    assert_eq!(verdict(&at_five, RULE, NOW), Verdict::Busy);
    let just_under = flat(40 * 60, 60, 60, 49);
    assert_eq!(verdict(&just_under, RULE, NOW), idle_since(40 * 60, true));

    let mut one_spike = flat(40 * 60, 60, 60, 49);
    one_spike[20].tenths = Some(50);
    assert_eq!(
        verdict(&one_spike, RULE, NOW),
        Verdict::Busy,
        "one reading at 5% within the window"
    );

    let latest_busy = {
        let mut v = flat(40 * 60, 60, 60, 0);
        v.last_mut().expect("readings").tenths = Some(50);
        v
    };
    assert_eq!(verdict(&latest_busy, RULE, NOW), Verdict::Busy);
}

#[test]
fn a_hole_in_the_data_is_not_quiet() {
    // 40 minutes of idle readings with a 6-minute hole 10 minutes ago.
    let mut holed = flat(40 * 60, 16 * 60, 60, 10);
    holed.extend(flat(10 * 60, 60, 60, 10));
    assert_eq!(verdict(&holed, RULE, NOW), Verdict::Unknown);

    // A 5-minute hole is tolerated (samples five minutes apart are normal in a look back).
    let mut small = flat(40 * 60, 15 * 60, 60, 10);
    small.extend(flat(10 * 60, 60, 60, 10));
    assert_eq!(verdict(&small, RULE, NOW), idle_since(40 * 60, true));

    // Readings that are missing count as a hole, not as zero.
    let mut nulls = flat(40 * 60, 60, 60, 10);
    for point in &mut nulls[20..27] {
        point.tenths = None;
    }
    assert_eq!(verdict(&nulls, RULE, NOW), Verdict::Unknown);

    // After a hole, quiet for the whole window is idle again, for at least that long.
    let mut long_after = flat(90 * 60, 50 * 60, 60, 10);
    long_after.extend(flat(40 * 60, 60, 60, 10));
    assert_eq!(verdict(&long_after, RULE, NOW), idle_since(40 * 60, true));
}

#[test]
fn the_stand_ins_gaps_case_is_never_idle() {
    let points: Vec<Point> = (0..60)
        .map(|k| NOW - 3_600 + k * 60)
        .filter(|t| (t / 300) % 4 != 2)
        .map(|t| p(t, Some(20)))
        .collect();
    assert_eq!(verdict(&points, RULE, NOW), Verdict::Unknown);
}

#[test]
fn one_busy_gpu_among_eight_idle_is_not_idle() {
    let gpus: Vec<Gpu> = (0..8)
        .map(|g| Gpu {
            id: g.to_string(),
            points: Some(flat(40 * 60, 60, 60, if g == 3 { 920 } else { 20 })),
        })
        .collect();
    let average = GpuSeries { avg: None, gpus }
        .average()
        .expect("worked out from the GPUs");
    assert_eq!(average[0].tenths, Some(133));
    assert_eq!(verdict(&average, RULE, NOW), Verdict::Busy);
    // The same instance is idle by a rule of 15 %.
    let lenient = IdleRule {
        threshold_pct: 15,
        window_mins: 30,
    };
    assert_eq!(verdict(&average, lenient, NOW), idle_since(40 * 60, true));
}

#[test]
fn no_recent_reading_means_no_verdict() {
    assert_eq!(verdict(&[], RULE, NOW), Verdict::Unknown);
    assert_eq!(verdict(&[p(NOW - 60, None)], RULE, NOW), Verdict::Unknown);
    // Idle readings that stopped eight minutes ago.
    assert_eq!(
        verdict(&flat(60 * 60, 8 * 60, 60, 10), RULE, NOW),
        Verdict::Unknown
    );
    assert_eq!(
        verdict(&flat(60 * 60, 7 * 60, 60, 10), RULE, NOW),
        idle_since(60 * 60, true)
    );
}

#[test]
fn the_window_setting_is_honoured() {
    let hour = IdleRule {
        threshold_pct: 5,
        window_mins: 60,
    };
    let forty = flat(41 * 60, 60, 60, 10);
    assert_eq!(verdict(&forty, hour, NOW), Verdict::Unknown);
    let mut after_busy = flat(70 * 60, 41 * 60 + 1, 60, 600);
    after_busy.extend(forty);
    assert_eq!(verdict(&after_busy, hour, NOW), Verdict::Busy);
    assert_eq!(verdict(&after_busy, RULE, NOW), idle_since(41 * 60, false));
}

#[test]
fn settings_read_back_only_offered_values() {
    assert_eq!(IdleRule::parse_threshold("5"), Some(5));
    assert_eq!(IdleRule::parse_threshold(" 10 "), Some(10));
    for bad in ["", "0", "3", "101", "5%", "x"] {
        assert_eq!(IdleRule::parse_threshold(bad), None, "{bad:?}");
    }
    assert_eq!(IdleRule::parse_window("30"), Some(30));
    assert_eq!(IdleRule::parse_window("240"), Some(240));
    for bad in ["", "29", "1h", "-30"] {
        assert_eq!(IdleRule::parse_window(bad), None, "{bad:?}");
    }
    for (value, label) in IdleRule::THRESHOLDS {
        let pct = IdleRule::parse_threshold(value).expect("an offered threshold reads back");
        assert_eq!(label, format!("under {pct}%"));
    }
    for (value, label) in IdleRule::WINDOWS {
        let mins = IdleRule::parse_window(value).expect("an offered window reads back");
        assert_eq!(
            label,
            format!("for {}", duration_words(i64::from(mins) * 60))
        );
    }
    assert!(
        IdleRule::THRESHOLDS.contains(&("5", "under 5%")),
        "the default is offered"
    );
    assert!(IdleRule::WINDOWS.contains(&("30", "for 30 min")));
}

#[test]
fn a_check_covers_the_window_with_a_margin_and_a_look_back_covers_a_day() {
    let q = RULE.check_query(NOW);
    assert_eq!(q.end, NOW);
    assert_eq!(q.interval, 60);
    assert!(NOW - q.start >= 40 * 60 && NOW - q.start < 41 * 60);
    let back = look_back_query(NOW);
    assert_eq!(back.interval, 300);
    assert!(NOW - back.start >= 86_400 && NOW - back.start < 86_400 + 300);
}

#[test]
fn the_pacing_bounds_the_requests_a_fleet_sends() {
    // The README's figures: at most 60 requests a minute, 3 at a time, each instance every
    // 5 minutes at most.
    assert_eq!(60_000 / MIN_SPACING_MS, 60);
    assert_eq!(MAX_IN_FLIGHT, 3);
    assert_eq!(CHECK_EVERY_SECS, 300);
}

#[test]
fn merging_keeps_the_older_history_and_replaces_what_a_check_covers() {
    let mut history = flat(3_600, 0, 300, 10);
    let fresh = vec![p(NOW - 600, Some(20)), p(NOW - 540, Some(30))];
    merge(&mut history, &fresh);
    let tail: Vec<Point> = history[history.len() - 2..].to_vec();
    assert_eq!(tail, fresh);
    assert!(history
        .iter()
        .all(|x| x.at < NOW - 600 || fresh.contains(x)));
    assert_eq!(
        history.len(),
        12,
        "10 older look-back points kept, and the check's 2"
    );

    merge(&mut history, &[]);
    assert_eq!(history.len(), 12, "an empty check changes nothing");

    // More than a day before the newest reading is dropped.
    let mut long = flat(2 * 86_400, 0, 300, 10);
    merge(&mut long, &[p(NOW + 60, Some(10))]);
    assert!(long[0].at >= NOW + 60 - 86_400 - 300);
}

#[test]
fn a_look_back_finds_since_when() {
    // A day of five-minute samples, busy until 2 h 15 min ago and idle from 2 h 10 min ago;
    // then a check's minutes.
    let mut history = flat(86_400, 2 * 3_600 + 10 * 60 + 1, 300, 900);
    history.extend(flat(2 * 3_600 + 10 * 60, 40 * 60 + 1, 300, 10));
    merge(&mut history, &flat(40 * 60, 60, 60, 10));
    let v = verdict(&history, RULE, NOW);
    assert_eq!(v, idle_since(2 * 3_600 + 10 * 60, false));
    assert_eq!(
        flag_text(v, NOW).as_deref(),
        Some("GPUs idle for 2 h 10 min; the instance is still billed while it runs")
    );
}

#[test]
fn the_flag_says_for_how_long_in_words() {
    assert_eq!(flag_text(Verdict::Busy, NOW), None);
    assert_eq!(flag_text(Verdict::Unknown, NOW), None);
    assert_eq!(
        flag_text(idle_since(2 * 3_600 + 10 * 60, false), NOW).as_deref(),
        Some("GPUs idle for 2 h 10 min; the instance is still billed while it runs")
    );
    assert_eq!(
        flag_text(idle_since(86_400 + 300, true), NOW).as_deref(),
        Some("GPUs idle for over 1 day; the instance is still billed while it runs")
    );
    assert_eq!(
        short_text(idle_since(2 * 3_600 + 10 * 60, false), NOW).as_deref(),
        Some("Idle 2 h 10 min")
    );
    assert_eq!(
        short_text(idle_since(45 * 60, true), NOW).as_deref(),
        Some("Idle over 45 min")
    );
    assert_eq!(short_text(Verdict::Busy, NOW), None);
    let cases = [
        (0, "0 min"),
        (59, "0 min"),
        (60, "1 min"),
        (35 * 60, "35 min"),
        (3_600, "1 h"),
        (2 * 3_600 + 10 * 60, "2 h 10 min"),
        (86_400, "1 day"),
        (86_400 + 4 * 3_600 + 59, "1 day 4 h"),
        (3 * 86_400, "3 days"),
        (3 * 86_400 + 3_600, "3 days 1 h"),
        (-5, "0 min"),
    ];
    for (secs, want) in cases {
        assert_eq!(duration_words(secs), want, "{secs} s");
    }
}
