//! Get Metrics answers read leniently: every odd series shape the API (or what sits in front
//! of it) may send, and the GPU average worked out when the API does not send it.

use instance_model::metrics::{explain_failure, Gpu, GpuSeries, Metrics, Point};
use instance_model::ApiError;

fn read(json: &str) -> Metrics {
    Metrics::from_json(json).expect("an object of metrics")
}

fn p(at: i64, tenths: Option<u16>) -> Point {
    Point { at, tenths }
}

/// A series of readings at `at0`, `at0 + 60`, ... in tenths.
fn readings(at0: i64, tenths: &[u16]) -> Vec<Point> {
    tenths
        .iter()
        .enumerate()
        .map(|(i, t)| p(at0 + 60 * i as i64, Some(*t)))
        .collect()
}

#[test]
fn the_documented_shape_reads_in_full() {
    let m = read(
        r#"{"cpuUtilization":[{"timestamp":"1700000000","value":12.5},{"timestamp":"1700000060","value":13}],
            "memUtilization":[{"timestamp":"1700000000","value":60.25}],
            "rootDiskUtilization":[{"timestamp":"1700000000","value":41.5}],
            "gpuUtilization":{"avg":[{"timestamp":"1700000000","value":50}],
                              "gpuIds":[{"gpuId":"0","items":[{"timestamp":"1700000000","value":40}]},
                                        {"gpuId":"1","items":[{"timestamp":"1700000000","value":60}]}]},
            "gpuMemUtilization":{"avg":[{"timestamp":"1700000000","value":70.4}],
                                 "gpuIds":[{"gpuId":"0","items":[{"timestamp":"1700000000","value":70.4}]}]}}"#,
    );
    assert_eq!(
        m.cpu,
        Some(vec![
            p(1_700_000_000, Some(125)),
            p(1_700_000_060, Some(130))
        ])
    );
    assert_eq!(
        m.mem,
        Some(vec![p(1_700_000_000, Some(603))]),
        "rounded half up"
    );
    assert_eq!(m.disk, Some(vec![p(1_700_000_000, Some(415))]));
    assert_eq!(m.gpu.avg, Some(vec![p(1_700_000_000, Some(500))]));
    assert_eq!(
        m.gpu.gpus,
        vec![
            Gpu {
                id: "0".into(),
                points: Some(vec![p(1_700_000_000, Some(400))])
            },
            Gpu {
                id: "1".into(),
                points: Some(vec![p(1_700_000_000, Some(600))])
            },
        ]
    );
    assert_eq!(m.gpu_mem.avg, Some(vec![p(1_700_000_000, Some(704))]));
    assert!(m.has_readings());
    assert!(m.gpu.is_reported());
}

#[test]
fn values_as_strings_nulls_and_nonsense() {
    let m = read(
        r#"{"cpuUtilization":[
            {"timestamp":"100","value":"12.5"},
            {"timestamp":"200","value":" 7 "},
            {"timestamp":"300","value":null},
            {"timestamp":"400","value":"NaN"},
            {"timestamp":"500","value":250},
            {"timestamp":"600","value":-3},
            {"timestamp":"700"},
            {"timestamp":"800","value":"high"},
            {"timestamp":"900","value":true},
            {"timestamp":"1000","value":[5]},
            {"timestamp":"1100","value":100},
            {"timestamp":"1200","value":0},
            {"timestamp":"1300","value":"1e1"},
            {"timestamp":"1400","value":100.04}]}"#,
    );
    let got: Vec<Option<u16>> = m.cpu.expect("a list").iter().map(|p| p.tenths).collect();
    assert_eq!(
        got,
        vec![
            Some(125),
            Some(70),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            Some(1000),
            Some(0),
            Some(100),
            None
        ],
        "an unreadable value is a point without a reading, never a zero"
    );
}

#[test]
fn timestamps_as_numbers_milliseconds_or_garbage() {
    let m = read(
        r#"{"cpuUtilization":[
            {"timestamp":1700000000,"value":1},
            {"timestamp":"1700000060.7","value":2},
            {"timestamp":1700000120000,"value":3},
            {"timestamp":"yesterday","value":4},
            {"timestamp":null,"value":5},
            {"value":6},
            {"timestamp":"0","value":7},
            {"timestamp":-5,"value":8},
            {"timestamp":"1e30","value":9},
            {"timestamp":{"s":1},"value":10}]}"#,
    );
    assert_eq!(
        m.cpu,
        Some(vec![
            p(1_700_000_000, Some(10)),
            p(1_700_000_060, Some(20)),
            p(1_700_000_120, Some(30)),
        ]),
        "points that cannot be placed in time are dropped"
    );
}

#[test]
fn missing_null_and_misshapen_series_are_not_reported_and_empty_ones_are_empty() {
    let m = read(
        r#"{"cpuUtilization":null,"memUtilization":"n/a","rootDiskUtilization":{"timestamp":"1","value":2},
            "gpuUtilization":"n/a","gpuMemUtilization":null}"#,
    );
    assert_eq!((m.cpu, m.mem, m.disk), (None, None, None));
    assert_eq!(m.gpu, GpuSeries::default());
    assert!(!m.gpu.is_reported());
    assert_eq!(m.gpu.average(), None);

    let absent = read("{}");
    assert_eq!(absent, Metrics::default());
    assert!(!absent.has_readings());

    let empty = read(
        r#"{"cpuUtilization":[],"memUtilization":[],"rootDiskUtilization":[],
            "gpuUtilization":{"avg":[],"gpuIds":[]},"gpuMemUtilization":{"avg":[],"gpuIds":[]}}"#,
    );
    assert_eq!(empty.cpu, Some(vec![]));
    assert_eq!(empty.gpu.avg, Some(vec![]));
    assert!(empty.gpu.is_reported());
    assert!(!empty.has_readings());

    let nulls = read(
        r#"{"cpuUtilization":null,"memUtilization":null,"rootDiskUtilization":null,
            "gpuUtilization":{"avg":null,"gpuIds":null},"gpuMemUtilization":{"avg":null,"gpuIds":null}}"#,
    );
    assert_eq!(nulls, Metrics::default());
}

#[test]
fn list_entries_that_are_not_points_are_dropped_without_failing_the_rest() {
    let m = read(r#"{"cpuUtilization":[1, "x", null, [], {"timestamp":"60","value":5}, true]}"#);
    assert_eq!(m.cpu, Some(vec![p(60, Some(50))]));
}

#[test]
fn points_are_put_in_time_order_and_a_repeated_second_keeps_the_later() {
    let m = read(
        r#"{"cpuUtilization":[{"timestamp":"180","value":3},{"timestamp":"60","value":1},
            {"timestamp":"120","value":2},{"timestamp":"60","value":9}]}"#,
    );
    assert_eq!(
        m.cpu,
        Some(vec![p(60, Some(90)), p(120, Some(20)), p(180, Some(30))])
    );
}

#[test]
fn a_long_list_in_any_order_is_sorted_keeping_the_later_of_repeated_seconds() {
    // 11,000 points (the most the API gives per series), newest first, every tenth second
    // sent twice: second value wins.
    let mut entries = Vec::new();
    for k in (0..11_000).rev() {
        entries.push(format!(r#"{{"timestamp":"{}","value":1}}"#, 1_000 + k * 15));
        if k % 10 == 0 {
            entries.push(format!(r#"{{"timestamp":"{}","value":2}}"#, 1_000 + k * 15));
        }
    }
    let m = read(&format!(r#"{{"cpuUtilization":[{}]}}"#, entries.join(",")));
    let cpu = m.cpu.expect("a list");
    assert_eq!(cpu.len(), 11_000);
    assert!(cpu.windows(2).all(|w| w[1].at - w[0].at == 15));
    assert_eq!(cpu[0], p(1_000, Some(20)));
    assert_eq!(cpu[1], p(1_015, Some(10)));

    // Shuffled.
    let shuffled: Vec<String> = [5, 3, 9, 1, 7, 2, 8, 4, 6]
        .iter()
        .map(|k| format!(r#"{{"timestamp":"{}","value":{k}}}"#, k * 60))
        .collect();
    let m = read(&format!(r#"{{"cpuUtilization":[{}]}}"#, shuffled.join(",")));
    let times: Vec<i64> = m.cpu.expect("a list").iter().map(|p| p.at).collect();
    assert_eq!(times, [60, 120, 180, 240, 300, 360, 420, 480, 540]);
}

#[test]
fn gpu_lists_of_any_length_and_odd_entries() {
    let none = read(r#"{"gpuUtilization":{"avg":[],"gpuIds":[]}}"#);
    assert!(none.gpu.gpus.is_empty());

    let sixteen: Vec<String> = (0..16)
        .map(|g| format!(r#"{{"gpuId":"{g}","items":[{{"timestamp":"60","value":{g}}}]}}"#))
        .collect();
    let m = read(&format!(
        r#"{{"gpuUtilization":{{"gpuIds":[{}]}}}}"#,
        sixteen.join(",")
    ));
    assert_eq!(m.gpu.gpus.len(), 16);
    assert_eq!(m.gpu.gpus[15].id, "15");
    assert_eq!(m.gpu.gpus[15].points, Some(vec![p(60, Some(150))]));

    let odd = read(
        r#"{"gpuUtilization":{"avg":null,"gpuIds":[
            {"gpuId":0,"items":[{"timestamp":"60","value":"12.5"}]},
            {"gpuId":"1","items":null},
            {"items":[{"timestamp":"60","value":3}]},
            "GPU-3",
            {"gpuId":"  ","items":"none"}]}}"#,
    );
    let ids: Vec<&str> = odd.gpu.gpus.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        ids,
        ["0", "1", "#3", "#4"],
        "numbered by place when unnamed"
    );
    assert_eq!(odd.gpu.gpus[1].points, None);
    assert_eq!(odd.gpu.gpus[3].points, None);
    assert!(odd.gpu.is_reported());
}

#[test]
fn the_average_is_the_apis_when_it_has_a_reading() {
    let gpu = GpuSeries {
        avg: Some(readings(0, &[140, 150])),
        gpus: vec![Gpu {
            id: "0".into(),
            points: Some(readings(0, &[900, 900])),
        }],
    };
    assert_eq!(gpu.average(), Some(readings(0, &[140, 150])));
}

#[test]
fn without_an_average_it_is_worked_out_from_the_gpus_and_unknown_where_one_is_missing() {
    let gpus = vec![
        Gpu {
            id: "0".into(),
            points: Some(vec![p(0, Some(900)), p(60, Some(100)), p(120, Some(11))]),
        },
        Gpu {
            id: "1".into(),
            points: Some(vec![p(0, Some(0)), p(60, None), p(120, Some(0))]),
        },
        Gpu {
            id: "2".into(),
            points: None,
        },
    ];
    for avg in [None, Some(vec![]), Some(vec![p(0, None)])] {
        let gpu = GpuSeries {
            avg,
            gpus: gpus.clone(),
        };
        assert_eq!(
            gpu.average(),
            Some(vec![p(0, Some(450)), p(60, None), p(120, Some(6))]),
            "rounded half up; unknown where a GPU has no reading"
        );
    }
    let only_empty_avg = GpuSeries {
        avg: Some(vec![]),
        gpus: vec![],
    };
    assert_eq!(only_empty_avg.average(), Some(vec![]));
}

#[test]
fn eight_gpus_one_busy_average_about_fourteen_percent() {
    let gpus: Vec<Gpu> = (0..8)
        .map(|g| Gpu {
            id: g.to_string(),
            points: Some(readings(0, &[if g == 3 { 950 } else { 20 }; 3])),
        })
        .collect();
    let gpu = GpuSeries { avg: None, gpus };
    assert_eq!(gpu.average(), Some(readings(0, &[136, 136, 136])));
}

#[test]
fn a_body_that_is_not_an_object_of_metrics_is_an_error() {
    for body in [
        "",
        "<html>login</html>",
        "[]",
        "null",
        "42",
        "\"metrics\"",
        "{",
    ] {
        assert!(Metrics::from_json(body).is_err(), "{body:?}");
    }
}

#[test]
fn failures_are_explained_as_metrics_not_as_an_instance() {
    let bad = explain_failure(
        &ApiError::BadResponse {
            detail: "the answer was not JSON".into(),
        },
        "https://api.example.test",
    );
    assert!(
        bad.starts_with(
            "Metrics could not be loaded. The API answered with something that is not metrics."
        ),
        "{bad}"
    );
    assert!(!bad.contains("not an instance"), "{bad}");
    let server = explain_failure(
        &ApiError::Server {
            status: 503,
            detail: String::new(),
        },
        "",
    );
    assert!(
        server.starts_with("Metrics could not be loaded. The API had a problem on its side (503)."),
        "{server}"
    );
    assert!(server.contains("Try again"), "{server}");
}
