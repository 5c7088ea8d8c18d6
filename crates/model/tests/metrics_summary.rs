//! A chart in one sentence: latest, average and peak, whole percentages, and when the latest
//! reading is not recent, when it was.

use instance_model::metrics::query::{Query, Window};
use instance_model::metrics::summary::{
    busiest, percent, percent_exact, read_out, sentence, summarize, Summary,
};
use instance_model::metrics::{Gpu, Point};

fn p(at: i64, tenths: Option<u16>) -> Point {
    Point { at, tenths }
}

const END: i64 = 1_700_003_600;

fn hour() -> Query {
    Query {
        start: END - 3_600,
        end: END,
        interval: 15,
    }
}

#[test]
fn latest_average_and_peak_over_the_readings_only() {
    let points = [
        p(100, Some(30)),
        p(115, None),
        p(130, Some(120)),
        p(145, Some(10)),
        p(160, None),
    ];
    assert_eq!(
        summarize(&points),
        Some(Summary {
            latest: 10,
            latest_at: 145,
            average: 53,
            peak: 120,
            peak_at: 130,
            readings: 3,
        })
    );
    assert_eq!(summarize(&[]), None);
    assert_eq!(summarize(&[p(1, None), p(2, None)]), None);
    // The first of equal peaks is the peak.
    let flat = summarize(&[p(1, Some(5)), p(2, Some(5))]).expect("readings");
    assert_eq!((flat.peak_at, flat.average), (1, 5));
}

#[test]
fn the_average_rounds_half_up_in_tenths() {
    let s = summarize(&[p(1, Some(0)), p(2, Some(1))]).expect("readings");
    assert_eq!(s.average, 1, "0.05 % is 0.1 %");
}

#[test]
fn percentages_in_sentences_keep_a_decimal_under_ten_and_read_outs_always() {
    assert_eq!(percent(0), "0%");
    assert_eq!(percent(30), "3%");
    assert_eq!(percent(34), "3.4%");
    assert_eq!(
        percent(49),
        "4.9%",
        "never rounded up to the idle threshold"
    );
    assert_eq!(percent(99), "9.9%");
    assert_eq!(percent(100), "10%");
    assert_eq!(percent(124), "12%");
    assert_eq!(percent(125), "13%", "half up");
    assert_eq!(percent(995), "100%");
    assert_eq!(percent(1000), "100%");
    assert_eq!(percent_exact(34), "3.4%");
    assert_eq!(percent_exact(50), "5%");
    assert_eq!(percent_exact(0), "0%");
    assert_eq!(percent_exact(1000), "100%");
    assert_eq!(percent_exact(7), "0.7%");
}

#[test]
fn the_sentence_says_now_when_the_latest_reading_is_recent() {
    let s = Summary {
        latest: 30,
        latest_at: END - 61,
        average: 42,
        peak: 120,
        peak_at: END - 600,
        readings: 200,
    };
    assert_eq!(
        sentence("GPU", Some(&s), &hour(), Window::Hour1.phrase(), 0),
        "GPU 3% now, 4.2% average, 12% peak, last hour"
    );
    // The lag (60 s) and three intervals are still "now".
    let edge = Summary {
        latest_at: END - 60 - 45,
        ..s
    };
    assert!(sentence("CPU", Some(&edge), &hour(), "last hour", 0).contains("3% now"));
}

#[test]
fn an_old_latest_reading_says_when_in_local_time() {
    let s = Summary {
        latest: 31,
        latest_at: END - 60 - 46,
        average: 42,
        peak: 120,
        peak_at: END - 600,
        readings: 200,
    };
    // END is 23:13:20 UTC; the reading 23:11:34 UTC, 00:11 in UTC+1.
    assert_eq!(
        sentence("Memory", Some(&s), &hour(), "last hour", 60),
        "Memory 3.1% at 00:11, 4.2% average, 12% peak, last hour"
    );
}

#[test]
fn no_readings_is_said_so() {
    assert_eq!(
        sentence("Root disk", None, &hour(), "last 6 hours", 0),
        "Root disk: no data, last 6 hours"
    );
}

#[test]
fn the_busiest_of_several_gpus_is_named() {
    let gpu = |id: &str, t: u16| Gpu {
        id: id.into(),
        points: Some(vec![p(1, Some(t)), p(2, Some(t))]),
    };
    let eight: Vec<Gpu> = (0..8)
        .map(|g| gpu(&g.to_string(), if g == 3 { 920 } else { 20 }))
        .collect();
    assert_eq!(busiest(&eight), Some(("3", 920)));
    assert_eq!(busiest(&[gpu("0", 900)]), None, "one GPU: nothing to add");
    assert_eq!(busiest(&[]), None);
    let unread = vec![
        Gpu {
            id: "0".into(),
            points: None,
        },
        gpu("1", 10),
    ];
    assert_eq!(busiest(&unread), Some(("1", 10)));
    assert_eq!(
        busiest(&[gpu("a", 10), gpu("b", 10)]),
        Some(("a", 10)),
        "ties go to the first"
    );
}

#[test]
fn a_read_out_gives_the_exact_value_and_time_and_every_gpu_then() {
    let point = p(END - 100, Some(34));
    assert_eq!(read_out("CPU", &point, &[], 0), "23:11:40: CPU 3.4%");
    assert_eq!(
        read_out("CPU", &p(END, None), &[], 60),
        "00:13:20: CPU no reading"
    );
    let gpus = vec![
        Gpu {
            id: "0".into(),
            points: Some(vec![p(END - 115, Some(999)), p(END - 100, Some(21))]),
        },
        Gpu {
            id: "1".into(),
            points: Some(vec![p(END - 100, None)]),
        },
        Gpu {
            id: "2".into(),
            points: None,
        },
    ];
    assert_eq!(
        read_out("GPU", &point, &gpus, 0),
        "23:11:40: GPU 3.4%; GPU 0 2.1%, GPU 1 no reading, GPU 2 no reading"
    );
    assert_eq!(
        read_out("GPU", &point, &gpus[..1], 0),
        "23:11:40: GPU 3.4%",
        "one GPU is the average itself"
    );
}
