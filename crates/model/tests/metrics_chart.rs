//! The charts' geometry: gaps, paths, time ticks per window, and the reading under a pointer.

use instance_model::metrics::chart::{
    clock, nearest, path, segments, step, time_at, time_ticks, x_of, x_percent, Tick, HEIGHT, WIDTH,
};
use instance_model::metrics::query::Window;
use instance_model::metrics::Point;

fn p(at: i64, tenths: Option<u16>) -> Point {
    Point { at, tenths }
}

/// 2023-11-14 22:13:20 UTC.
const NOW: i64 = 1_700_000_000;

fn labels(ticks: &[Tick]) -> Vec<&str> {
    ticks.iter().map(|t| t.label.as_str()).collect()
}

#[test]
fn clock_in_local_time() {
    assert_eq!(clock(NOW, 0, false), "22:13");
    assert_eq!(clock(NOW, 0, true), "22:13:20");
    assert_eq!(clock(NOW, 120, false), "00:13", "past midnight east of UTC");
    assert_eq!(clock(NOW, -330, true), "16:43:20");
    assert_eq!(clock(0, 0, true), "00:00:00");
    assert_eq!(clock(-1, 0, true), "23:59:59");
}

#[test]
fn each_window_gets_a_round_tick_step_and_at_most_six_ticks() {
    let steps: Vec<(&str, Vec<String>)> = Window::ALL
        .iter()
        .map(|w| {
            let q = w.query(NOW);
            let ticks = time_ticks(q.start, q.end, 6, 0);
            assert!(ticks.len() <= 6 && ticks.len() >= 3, "{w:?}: {ticks:?}");
            for t in &ticks {
                assert!(t.at >= q.start && t.at <= q.end, "{w:?}: {t:?} outside");
            }
            (w.value(), ticks.iter().map(|t| t.label.clone()).collect())
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("15m", vec!["22:00".into(), "22:05".into(), "22:10".into()]),
            (
                "1h",
                vec![
                    "21:15".into(),
                    "21:30".into(),
                    "21:45".into(),
                    "22:00".into()
                ]
            ),
            ("6h", vec!["18:00".into(), "20:00".into(), "22:00".into()]),
            (
                "24h",
                vec![
                    "00:00".into(),
                    "06:00".into(),
                    "12:00".into(),
                    "18:00".into()
                ]
            ),
        ]
    );
}

#[test]
fn ticks_fall_on_round_local_times() {
    // UTC+5:30: the quarter hours of local time are not those of UTC's hours... they are, but
    // the hours are not: 6-hourly ticks at local 00:00, 06:00, ...
    let q = Window::Hours24.query(NOW);
    let ticks = time_ticks(q.start, q.end, 6, 330);
    assert_eq!(labels(&ticks), ["06:00", "12:00", "18:00", "00:00"]);
    for t in &ticks {
        assert_eq!((t.at + 330 * 60) % 21_600, 0);
    }
    let hour = Window::Hour1.query(NOW);
    assert_eq!(
        labels(&time_ticks(hour.start, hour.end, 6, -45)),
        ["20:30", "20:45", "21:00", "21:15"]
    );
}

#[test]
fn fewer_ticks_allowed_means_a_longer_step() {
    let q = Window::Hour1.query(NOW);
    assert_eq!(
        labels(&time_ticks(q.start, q.end, 3, 0)),
        ["21:30", "22:00"]
    );
    assert_eq!(
        time_ticks(q.start, q.end, 0, 0),
        time_ticks(q.start, q.end, 2, 0),
        "never fewer than two allowed"
    );
    // A span longer than a day steps in whole days.
    let week = time_ticks(NOW - 7 * 86_400, NOW, 4, 0);
    assert!(week.len() >= 2 && week.len() <= 4, "{week:?}");
    assert_eq!(week[1].at - week[0].at, 3 * 86_400);
}

#[test]
fn gaps_break_the_line_at_missing_readings_and_missing_samples() {
    let points = [
        p(0, Some(10)),
        p(15, Some(20)),
        p(30, None),
        p(45, Some(30)),
        p(60, Some(40)),
        // A sample missing: 24 s is more than 1.5 intervals (22.5 s).
        p(84, Some(50)),
        p(98, Some(60)),
        p(120, Some(70)), // 22 s apart: within 1.5 intervals (22.5)
    ];
    assert_eq!(
        segments(&points, 15),
        vec![
            vec![(0, 10), (15, 20)],
            vec![(45, 30), (60, 40)],
            vec![(84, 50), (98, 60), (120, 70)],
        ]
    );
    assert!(segments(&[], 15).is_empty());
    assert!(segments(&[p(0, None)], 15).is_empty());
}

#[test]
fn the_fake_apis_five_minute_holes_are_gaps_at_every_interval() {
    // The stand-in's `Gaps` case: no samples where (t / 300) % 4 == 2.
    for interval in [15, 120, 300] {
        let points: Vec<Point> = (0..96)
            .map(|k| 1_699_999_200 + k * interval)
            .filter(|t| (t / 300) % 4 != 2)
            .map(|t| p(t, Some(20)))
            .collect();
        let runs = segments(&points, interval as u64);
        assert!(runs.len() > 1, "interval {interval}: {} runs", runs.len());
        for pair in runs.windows(2) {
            let (end, next) = (pair[0].last().expect("a run").0, pair[1][0].0);
            assert!(
                next - end >= 300,
                "interval {interval}: a break of {}",
                next - end
            );
        }
    }
}

#[test]
fn paths_span_the_box_and_draw_lone_readings_as_dots() {
    let runs = vec![vec![(100, 0), (150, 1000)], vec![(200, 500)]];
    assert_eq!(path(&runs, 100, 200), "M0 1000L5000 0M10000 500h0");
    assert_eq!(path(&[], 0, 10), "");
    assert_eq!(x_of(50, 100, 200), 0, "clamped left");
    assert_eq!(x_of(250, 100, 200), WIDTH, "clamped right");
    assert_eq!(x_of(5, 5, 5), 0, "an empty span does not divide by zero");
    assert_eq!(HEIGHT, 1000);
    assert_eq!(x_percent(175, 100, 200), "75.0%");
    assert_eq!(x_percent(133, 100, 200), "33.0%");
    assert_eq!(x_percent(100_333, 0, 1_000_000), "10.0%");
    assert_eq!(x_percent(3, 0, 8), "37.5%");
}

#[test]
fn the_pointer_finds_the_nearest_reading_and_keys_step_through_readings() {
    let points = [
        p(0, Some(1)),
        p(15, None),
        p(30, Some(3)),
        p(45, Some(4)),
        p(60, None),
    ];
    assert_eq!(nearest(&points, -100), Some(0));
    assert_eq!(nearest(&points, 14), Some(0), "the gap is skipped");
    assert_eq!(nearest(&points, 15), Some(0), "equally near: the earlier");
    assert_eq!(nearest(&points, 16), Some(2));
    assert_eq!(nearest(&points, 1_000), Some(3));
    assert_eq!(nearest(&[p(0, None)], 0), None);

    assert_eq!(time_at(0, 100, 200), 100);
    assert_eq!(time_at(500, 100, 200), 150);
    assert_eq!(time_at(2_000, 100, 200), 200, "clamped");

    assert_eq!(step(&points, None, false), Some(3), "starts at the latest");
    assert_eq!(step(&points, Some(3), false), Some(2));
    assert_eq!(step(&points, Some(2), false), Some(0), "over the gap");
    assert_eq!(step(&points, Some(0), false), Some(0), "stays at the start");
    assert_eq!(step(&points, Some(0), true), Some(2));
    assert_eq!(step(&points, Some(3), true), Some(3), "stays at the end");
    assert_eq!(step(&[], None, true), None);
}
