//! What the metrics panel asks for: the windows, the interval chosen for each, and the URL.

use instance_model::metrics::query::{interval_for, Query, Window, MAX_POINTS, MIN_INTERVAL_SECS};

const NOW: i64 = 1_700_000_007;

#[test]
fn windows_have_the_contracts_values_and_read_back() {
    let values: Vec<&str> = Window::ALL.iter().map(|w| w.value()).collect();
    assert_eq!(values, ["15m", "1h", "6h", "24h"]);
    for w in Window::ALL {
        assert_eq!(Window::parse(w.value()), Some(w));
    }
    assert_eq!(Window::parse(" 6h "), Some(Window::Hours6));
    for bad in ["", "1H", "2h", "60m", "day"] {
        assert_eq!(Window::parse(bad), None, "{bad:?}");
    }
    assert_eq!(Window::DEFAULT, Window::Hour1);
    assert_eq!(Window::Hour1.phrase(), "last hour");
    assert_eq!(Window::Hours24.phrase(), "last 24 hours");
}

#[test]
fn the_interval_per_window_keeps_a_few_hundred_points_at_most() {
    let chosen: Vec<(u64, u64)> = Window::ALL
        .iter()
        .map(|w| (w.secs(), interval_for(w.secs())))
        .collect();
    assert_eq!(
        chosen,
        [(900, 15), (3_600, 15), (21_600, 120), (86_400, 300)]
    );
    for w in Window::ALL {
        let q = w.query(NOW);
        let points = (q.end - q.start) as u64 / q.interval + 1;
        assert!(points <= MAX_POINTS + 1, "{w:?}: {points} points");
        assert!(q.interval >= MIN_INTERVAL_SECS);
    }
}

#[test]
fn the_interval_is_never_under_15_s_and_always_a_round_step() {
    assert_eq!(interval_for(0), 15);
    assert_eq!(interval_for(60), 15);
    assert_eq!(interval_for(4_500), 15, "300 points of 15 s");
    assert_eq!(interval_for(4_501), 30);
    assert_eq!(interval_for(9_001), 60);
    assert_eq!(interval_for(7 * 86_400), 3_600);
    assert_eq!(interval_for(200 * 86_400), 86_400);
    assert_eq!(
        interval_for(365 * 86_400),
        105_120,
        "past the largest step: just enough"
    );
}

#[test]
fn a_query_ends_now_and_starts_on_a_multiple_of_its_interval() {
    let q = Window::Hour1.query(NOW);
    assert_eq!(q.end, NOW);
    assert_eq!(q.interval, 15);
    assert_eq!(q.start % 15, 0);
    assert!(NOW - q.start >= 3_600 && NOW - q.start < 3_600 + 15);

    let day = Window::Hours24.query(NOW);
    assert_eq!(day.start % 300, 0);
    assert!(NOW - day.start >= 86_400 && NOW - day.start < 86_400 + 300);

    // A minute later, the samples fall on the same times.
    let later = Window::Hour1.query(NOW + 60);
    assert_eq!((later.start - q.start) % 15, 0);

    assert_eq!(Query::last(900, 5, NOW).interval, 15, "never under 15 s");
}

#[test]
fn the_url_has_its_own_base_path_and_every_parameter() {
    let q = Query {
        start: 1_699_996_400,
        end: 1_700_000_000,
        interval: 15,
    };
    assert_eq!(
        q.url("https://api.novita.ai/", "abc 1/2"),
        "https://api.novita.ai/openapi/v1/metrics/gpu/instance?instanceId=abc%201%2F2&startTime=1699996400&endTime=1700000000&interval=15"
    );
    assert_eq!(
        q.url("", " 931a88075c4392b9 "),
        "/openapi/v1/metrics/gpu/instance?instanceId=931a88075c4392b9&startTime=1699996400&endTime=1700000000&interval=15",
        "an empty base is the page's own origin"
    );
    assert!(!q.url("https://api.novita.ai", "x").contains("gpu-instance"));
}
