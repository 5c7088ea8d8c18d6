//! Get Metrics: the window and interval read as documented, the data lag, exact values for
//! each case, the odd shapes, and failures.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{assert_error, client, get_path, header, json, server};
use fake_novita::{FakeNovita, Metrics, MAX_POINTS, METRICS_LAG_SECS, METRICS_PATH, TEST_API_KEY};
use serde_json::{json, Value};

/// A time well in the past, so the lag never cuts a window that starts here.
const T0: u64 = 1_700_000_000;
/// `full.json`: running, `gpuNum` "2", no metrics case (busy).
const FULL_ID: &str = "7f3e2a9c1b4d5e60";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

async fn metrics(server: &FakeNovita, id: &str, window: &str) -> Value {
    let response = get_path(server, &format!("{METRICS_PATH}?instanceId={id}{window}"))
        .send()
        .await
        .expect("metrics answer");
    assert_eq!(response.status(), 200, "{id} {window}");
    json(response).await
}

fn times(series: &Value) -> Vec<u64> {
    series
        .as_array()
        .expect("a list of points")
        .iter()
        .map(|point| {
            point["timestamp"]
                .as_str()
                .expect("string timestamps")
                .parse()
                .expect("unix seconds")
        })
        .collect()
}

fn values(series: &Value) -> Vec<f64> {
    series
        .as_array()
        .expect("a list of points")
        .iter()
        .map(|point| point["value"].as_f64().expect("a number"))
        .collect()
}

fn gpu(body: &Value, series: &str, gpu_id: &str) -> Value {
    body[series]["gpuIds"]
        .as_array()
        .expect("gpuIds")
        .iter()
        .find(|entry| entry["gpuId"] == gpu_id)
        .map(|entry| entry["items"].clone())
        .unwrap_or_else(|| panic!("no GPU {gpu_id} in {series}"))
}

fn every(start: u64, end: u64, step: u64) -> Vec<u64> {
    (start..=end).step_by(step as usize).collect()
}

#[tokio::test]
async fn the_window_and_interval_are_honoured_exactly() {
    let server = server().await;
    let window = format!("&startTime={T0}&endTime={}&interval=60", T0 + 600);
    let body = metrics(&server, FULL_ID, &window).await;
    let expected = every(T0, T0 + 600, 60);
    assert_eq!(expected.len(), 11);
    for series in ["cpuUtilization", "memUtilization", "rootDiskUtilization"] {
        assert_eq!(times(&body[series]), expected, "{series}");
    }
    for series in ["gpuUtilization", "gpuMemUtilization"] {
        assert_eq!(times(&body[series]["avg"]), expected, "{series}");
        let ids: Vec<&Value> = body[series]["gpuIds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| &g["gpuId"])
            .collect();
        assert_eq!(ids, [&json!("0"), &json!("1")], "full.json has two GPUs");
        assert_eq!(times(&gpu(&body, series, "1")), expected);
    }
    // The documented formulas at T0 (k = 113333333) and T0 + 60.
    assert_eq!(
        body["gpuUtilization"]["gpuIds"][0]["items"][0],
        json!({ "timestamp": "1700000000", "value": 98.1 })
    );
    assert_eq!(values(&gpu(&body, "gpuUtilization", "0"))[1], 85.9);
    assert_eq!(values(&gpu(&body, "gpuUtilization", "1"))[0], 86.2);
    assert_eq!(values(&body["gpuUtilization"]["avg"])[0], 92.2);
    assert_eq!(values(&gpu(&body, "gpuMemUtilization", "0"))[0], 72.9);
    assert_eq!(values(&gpu(&body, "gpuMemUtilization", "0"))[1], 78.1);
    assert_eq!(values(&body["cpuUtilization"])[..2], [66.3, 70.7]);
    assert_eq!(values(&body["memUtilization"])[..2], [66.5, 68.5]);
    assert_eq!(values(&body["rootDiskUtilization"])[0], 41.7);
}

#[tokio::test]
async fn the_same_window_gives_the_same_bytes() {
    let server = server().await;
    let url = format!(
        "{METRICS_PATH}?instanceId={FULL_ID}&startTime={T0}&endTime={}&interval=15",
        T0 + 3600
    );
    let first = get_path(&server, &url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let second = get_path(&server, &url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(first, second);
    let other = server_text(&url).await;
    assert_eq!(first, other, "another server says the same");
}

async fn server_text(url: &str) -> String {
    let server = server().await;
    get_path(&server, url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_interval_missing_unreadable_or_under_15_is_15() {
    let server = server().await;
    let end = T0 + 600;
    let fifteen = every(T0, end, 15);
    for interval in [
        "",
        "&interval=5",
        "&interval=0",
        "&interval=-30",
        "&interval=abc",
        "&interval=15.5",
        "&interval=15",
    ] {
        let body = metrics(
            &server,
            FULL_ID,
            &format!("&startTime={T0}&endTime={end}{interval}"),
        )
        .await;
        assert_eq!(times(&body["cpuUtilization"]), fifteen, "{interval:?}");
    }
    let body = metrics(
        &server,
        FULL_ID,
        &format!("&startTime={T0}&endTime={end}&interval=16"),
    )
    .await;
    assert_eq!(times(&body["cpuUtilization"]), every(T0, end, 16));
    assert_eq!(times(&body["cpuUtilization"]).len(), 38);
}

#[tokio::test]
async fn a_start_too_close_to_the_end_or_invalid_is_end_minus_60() {
    let server = server().await;
    let end = T0 + 600;
    for start in [
        format!("{}", end - 30),
        format!("{end}"),
        format!("{}", end + 100),
        "0".to_owned(),
        "-5".to_owned(),
        "yesterday".to_owned(),
        String::new(),
    ] {
        let body = metrics(
            &server,
            FULL_ID,
            &format!("&startTime={start}&endTime={end}&interval=15"),
        )
        .await;
        assert_eq!(
            times(&body["cpuUtilization"]),
            every(end - 60, end, 15),
            "{start:?}"
        );
    }
    // Exactly 60 s before the end is allowed.
    let body = metrics(
        &server,
        FULL_ID,
        &format!("&startTime={}&endTime={end}&interval=30", end - 60),
    )
    .await;
    assert_eq!(times(&body["cpuUtilization"]), [end - 60, end - 30, end]);
}

#[tokio::test]
async fn an_end_in_the_future_or_invalid_is_now_and_nothing_is_newer_than_the_lag() {
    let server = server().await;
    for end in [
        format!("&endTime={}", now() + 3600),
        "&endTime=0".to_owned(),
        "&endTime=soon".to_owned(),
        String::new(),
    ] {
        let before = now();
        let start = before - 600;
        let body = metrics(
            &server,
            FULL_ID,
            &format!("&startTime={start}{end}&interval=15"),
        )
        .await;
        let after = now();
        let got = times(&body["cpuUtilization"]);
        let last = *got.last().expect("points older than the lag");
        // Strictly older than the lag, and the newest such point on the 15 s grid.
        assert!(last + METRICS_LAG_SECS < after, "{end:?}: {last} too new");
        assert!(
            last + METRICS_LAG_SECS + 15 >= before,
            "{end:?}: {last} too old"
        );
        assert_eq!(got, every(start, last, 15), "{end:?}");
    }
}

#[tokio::test]
async fn the_default_window_is_the_last_minute_so_it_is_empty() {
    let server = server().await;
    let body = metrics(&server, FULL_ID, "").await;
    for series in ["cpuUtilization", "memUtilization", "rootDiskUtilization"] {
        assert_eq!(body[series], json!([]), "{series}");
    }
    assert_eq!(body["gpuUtilization"]["avg"], json!([]));
    assert_eq!(gpu(&body, "gpuUtilization", "0"), json!([]));
}

#[tokio::test]
async fn more_points_than_the_limit_is_refused() {
    let server = server().await;
    let end = T0 + 60 * MAX_POINTS;
    let response = get_path(
        &server,
        &format!("{METRICS_PATH}?instanceId={FULL_ID}&startTime={T0}&endTime={end}&interval=60"),
    )
    .send()
    .await
    .unwrap();
    let body = assert_error(response, 400, "INVALID_PARAMETER").await;
    assert!(
        body["message"].as_str().unwrap().contains("11000"),
        "{body}"
    );

    server.set_metrics(FULL_ID, Metrics::Empty);
    let end = T0 + 60 * (MAX_POINTS - 1);
    let body = metrics(
        &server,
        FULL_ID,
        &format!("&startTime={T0}&endTime={end}&interval=60"),
    )
    .await;
    assert_eq!(
        body["cpuUtilization"],
        json!([]),
        "exactly the limit is allowed"
    );
}

#[tokio::test]
async fn busy_and_idle_stay_in_their_bands() {
    let server = server().await;
    let window = format!("&startTime={T0}&endTime={}&interval=15", T0 + 6 * 3600);
    let body = metrics(&server, FULL_ID, &window).await;
    for gpu_id in ["0", "1"] {
        assert!(values(&gpu(&body, "gpuUtilization", gpu_id))
            .iter()
            .all(|v| (85.0..100.0).contains(v)));
    }
    server.set_metrics(FULL_ID, Metrics::Idle);
    let body = metrics(&server, FULL_ID, &window).await;
    for series in [
        body["gpuUtilization"]["avg"].clone(),
        gpu(&body, "gpuUtilization", "0"),
        gpu(&body, "gpuUtilization", "1"),
    ] {
        let values = values(&series);
        assert_eq!(values.len(), 1441);
        assert!(
            values.iter().all(|v| (0.0..5.0).contains(v)),
            "under 5 % everywhere"
        );
    }
    // Each GPU covers its whole band, up to 4.9 and down to 0.0.
    for gpu_id in ["0", "1"] {
        let values = values(&gpu(&body, "gpuUtilization", gpu_id));
        assert!(
            values.contains(&4.9) && values.contains(&0.0),
            "GPU {gpu_id}"
        );
    }
    assert_eq!(values(&gpu(&body, "gpuUtilization", "0"))[0], 4.9);
    assert_eq!(values(&gpu(&body, "gpuUtilization", "1"))[0], 0.6);
    assert_eq!(values(&body["gpuUtilization"]["avg"])[0], 2.8);
    assert_eq!(values(&body["cpuUtilization"])[0], 2.9);
    assert_eq!(values(&body["memUtilization"])[0], 20.3);
    assert_eq!(values(&gpu(&body, "gpuMemUtilization", "0"))[0], 30.3);
}

#[tokio::test]
async fn idle_since_a_time_is_busy_before_it_and_idle_from_it() {
    let server = server().await;
    let since = T0 + 1800;
    server.set_metrics(FULL_ID, Metrics::IdleSince(since));
    let body = metrics(
        &server,
        FULL_ID,
        &format!("&startTime={T0}&endTime={}&interval=15", T0 + 3600),
    )
    .await;
    let avg = &body["gpuUtilization"]["avg"];
    for (at, value) in times(avg).into_iter().zip(values(avg)) {
        if at < since {
            assert!(value >= 85.0, "{at}: {value}");
        } else {
            assert!(value < 5.0, "{at}: {value}");
        }
    }
    let idle = times(avg)
        .into_iter()
        .zip(values(avg))
        .filter(|(_, v)| *v < 5.0)
        .count();
    assert_eq!(idle, 121, "T0+1800 through T0+3600");
    // CPU follows the GPUs: index 120 is T0 + 1800.
    assert!(values(&body["cpuUtilization"])[119] >= 40.0);
    assert!(values(&body["cpuUtilization"])[120] < 5.0);
}

#[tokio::test]
async fn idle_for_counts_back_from_now() {
    let server = server().await;
    let set_at = now();
    server.set_metrics(FULL_ID, Metrics::idle_for(Duration::from_secs(29 * 60)));
    let start = set_at - 3600;
    let body = metrics(&server, FULL_ID, &format!("&startTime={start}&interval=60")).await;
    let avg = &body["gpuUtilization"]["avg"];
    let first_idle = times(avg)
        .into_iter()
        .zip(values(avg))
        .find(|(_, v)| *v < 5.0)
        .map(|(at, _)| at)
        .expect("idle at the end");
    // The first idle point is the first on the grid at or after the moment 29 min ago.
    let boundary = set_at - 29 * 60;
    assert!(
        first_idle >= boundary.saturating_sub(1) && first_idle < boundary + 60 + 1,
        "{first_idle} vs {boundary}"
    );
}

#[tokio::test]
async fn eight_gpus_with_one_busy() {
    let server = server().await;
    // The mixed fleet's 8-GPU instance has this case.
    let body = metrics(
        &server,
        "c3e6a9b2d5f8417a",
        &format!("&startTime={T0}&endTime={}&interval=60", T0 + 3600),
    )
    .await;
    let ids: Vec<&str> = body["gpuUtilization"]["gpuIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["gpuId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["0", "1", "2", "3", "4", "5", "6", "7"]);
    let at_t0: Vec<f64> = ids
        .iter()
        .map(|id| values(&gpu(&body, "gpuUtilization", id))[0])
        .collect();
    assert_eq!(at_t0, [4.9, 0.6, 1.3, 92.4, 2.7, 3.4, 4.1, 4.8]);
    assert_eq!(values(&body["gpuUtilization"]["avg"])[0], 14.3);
    for id in ids {
        let busy = id == "3";
        assert!(
            values(&gpu(&body, "gpuUtilization", id))
                .iter()
                .all(|v| (*v >= 85.0) == busy),
            "GPU {id}"
        );
    }
}

#[tokio::test]
async fn gaps_leave_out_every_series_in_the_holes() {
    let server = server().await;
    server.set_metrics(FULL_ID, Metrics::Gaps);
    let body = metrics(
        &server,
        FULL_ID,
        &format!("&startTime={T0}&endTime={}&interval=15", T0 + 3600),
    )
    .await;
    let kept = times(&body["cpuUtilization"]);
    assert_eq!(kept.len(), 180, "three 5-minute holes out of 241 points");
    // T0 is 200 s into a hole, which ends at T0 + 100.
    assert_eq!(kept[0], T0 + 105);
    for series in [
        &body["memUtilization"],
        &body["gpuUtilization"]["avg"],
        &gpu(&body, "gpuMemUtilization", "1"),
    ] {
        assert_eq!(times(series), kept);
    }
    let missing: Vec<u64> = every(T0, T0 + 3600, 15)
        .into_iter()
        .filter(|at| !kept.contains(at))
        .collect();
    assert!(missing.iter().all(|at| (at / 300) % 4 == 2));
    assert!(
        values(&body["gpuUtilization"]["avg"])
            .iter()
            .all(|v| *v < 5.0),
        "idle"
    );
}

#[tokio::test]
async fn empty_and_null_lists() {
    let server = server().await;
    let window = format!("&startTime={T0}&endTime={}&interval=60", T0 + 600);
    server.set_metrics(FULL_ID, Metrics::Empty);
    assert_eq!(
        metrics(&server, FULL_ID, &window).await,
        json!({
            "cpuUtilization": [], "memUtilization": [], "rootDiskUtilization": [],
            "gpuUtilization": { "avg": [], "gpuIds": [] },
            "gpuMemUtilization": { "avg": [], "gpuIds": [] },
        })
    );
    server.set_metrics(FULL_ID, Metrics::Nulls);
    assert_eq!(
        metrics(&server, FULL_ID, &window).await,
        json!({
            "cpuUtilization": null, "memUtilization": null, "rootDiskUtilization": null,
            "gpuUtilization": { "avg": null, "gpuIds": null },
            "gpuMemUtilization": { "avg": null, "gpuIds": null },
        })
    );
}

#[tokio::test]
async fn garbage_is_every_odd_shape_at_once() {
    let server = server().await;
    // The mixed fleet's hostile instance has this case.
    let id = "6d2049fc1f38eb14";
    let body = metrics(
        &server,
        id,
        &format!("&startTime={T0}&endTime={}&interval=60", T0 + 540),
    )
    .await;
    let t = |offset: u64| (T0 + offset).to_string();
    let expected = json!([
        { "timestamp": t(0), "value": "12.5" },
        { "timestamp": t(60), "value": null },
        { "timestamp": t(120), "value": "NaN" },
        { "timestamp": T0 + 180, "value": 20.5 },
        { "timestamp": "yesterday", "value": 30 },
        { "timestamp": t(300), "value": 40.25 },
        { "timestamp": t(360) },
        { "timestamp": t(420), "value": 250 },
        { "timestamp": t(480), "value": "12.5" },
        { "timestamp": t(540), "value": null },
    ]);
    assert_eq!(body["cpuUtilization"], expected);
    assert_eq!(body["memUtilization"], Value::Null);
    assert!(body.get("rootDiskUtilization").is_none());
    assert_eq!(body["gpuMemUtilization"], "n/a");
    assert_eq!(body["gpuUtilization"]["avg"], expected);
    assert_eq!(
        body["gpuUtilization"]["gpuIds"],
        json!([
            { "gpuId": 0, "items": expected },
            { "gpuId": "1", "items": null },
            { "items": expected },
        ])
    );
}

#[tokio::test]
async fn the_gpu_count_comes_from_the_instance() {
    let server = server().await;
    server.put_instance(json!({ "id": "four", "status": "running", "gpuNum": "4" }));
    server.put_instance(json!({ "id": "many", "status": "running", "gpuNum": "12" }));
    server.put_instance(json!({ "id": "zero", "status": "running", "gpuNum": "0" }));
    let window = format!("&startTime={T0}&endTime={}&interval=60", T0 + 60);
    for (id, count) in [
        ("four", 4),
        ("many", 8),
        ("zero", 1),
        ("min-0001", 1),   // no gpuNum
        ("nulls-0001", 1), // null
        ("4242", 1),       // the number 1
        ("empty-0001", 1), // ""
        (FULL_ID, 2),
    ] {
        let body = metrics(&server, id, &window).await;
        assert_eq!(
            body["gpuUtilization"]["gpuIds"].as_array().unwrap().len(),
            count,
            "{id}"
        );
        assert_eq!(
            body["gpuMemUtilization"]["gpuIds"]
                .as_array()
                .unwrap()
                .len(),
            count,
            "{id}"
        );
    }
}

#[tokio::test]
async fn the_mixed_fleet_has_an_idle_instance_and_busy_ones() {
    let server = server().await;
    let window = format!("&startTime={T0}&endTime={}&interval=60", T0 + 3600);
    let idle = metrics(&server, "b2d5f8a1c4e73069", &window).await;
    assert!(values(&idle["gpuUtilization"]["avg"])
        .iter()
        .all(|v| *v < 5.0));
    let busy = metrics(&server, "a1c4e7f0b3d62958", &window).await;
    assert!(values(&busy["gpuUtilization"]["avg"])
        .iter()
        .all(|v| *v >= 85.0));
    let gaps = metrics(&server, "4b0e27dafd16c9f2", &window).await;
    assert_eq!(times(&gaps["cpuUtilization"]).len(), 45);
}

#[tokio::test]
async fn failures_on_demand_then_metrics_return() {
    let server = server().await;
    let url = format!(
        "{METRICS_PATH}?instanceId={FULL_ID}&startTime={T0}&endTime={}",
        T0 + 600
    );
    for (scenario, status, reason) in [
        ("fail-401", 401, "INVALID_API_KEY"),
        ("fail-500", 500, "INTERNAL_SERVER_ERROR"),
        ("fail-429-11", 429, "RATE_LIMITED"),
    ] {
        server.fail_metrics_next(FULL_ID, scenario, 1);
        let response = get_path(&server, &url).send().await.unwrap();
        if status == 429 {
            assert_eq!(header(&response, "retry-after").as_deref(), Some("11"));
        }
        assert_error(response, status, reason).await;
        assert_eq!(
            get_path(&server, &url).send().await.unwrap().status(),
            200,
            "{scenario}"
        );
    }
    server.fail_metrics_next(FULL_ID, "hang", 1);
    let err = get_path(&server, &url)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("hang does not answer");
    assert!(err.is_timeout(), "{err}");

    server.fail_metrics_next(FULL_ID, "ok-truncated", 1);
    let text = get_path(&server, &url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.starts_with("{\"cpuUtilization\":[{"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());

    // Only that instance's metrics fail, and Get of it is untouched.
    server.fail_metrics_next(FULL_ID, "fail-503-empty", u32::MAX);
    let other = format!("{METRICS_PATH}?instanceId=min-0001");
    assert_eq!(
        get_path(&server, &other).send().await.unwrap().status(),
        200
    );
    assert_eq!(common::status_of(&server, FULL_ID).await, "running");
    assert_eq!(get_path(&server, &url).send().await.unwrap().status(), 503);
    server.fail_metrics_next(FULL_ID, "", 0);
    assert_eq!(get_path(&server, &url).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn keys_parameters_unknown_instances_and_scenario_ids() {
    let server = server().await;
    let url = |query: &str| format!("{}{METRICS_PATH}{query}", server.base_url());
    let response = client()
        .get(url(&format!("?instanceId={FULL_ID}")))
        .send()
        .await
        .unwrap();
    assert_error(response, 401, "INVALID_API_KEY").await;
    for query in ["", "?instanceId=", "?startTime=1"] {
        let response = client()
            .get(url(query))
            .bearer_auth(TEST_API_KEY)
            .send()
            .await
            .unwrap();
        assert_error(response, 400, "INVALID_PARAMETER").await;
    }
    let response = client()
        .get(url("?instanceId=nobody"))
        .bearer_auth(TEST_API_KEY)
        .send()
        .await
        .unwrap();
    assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    let response = client()
        .get(url("?instanceId=fail-429"))
        .bearer_auth(TEST_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "retry-after").as_deref(), Some("30"));
    assert_error(response, 429, "RATE_LIMITED").await;
    let response = client()
        .get(url("?instanceId=fail-500-html"))
        .bearer_auth(TEST_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    // The instance API's prefix is not the metrics one.
    let response = client()
        .get(
            url("").replace(METRICS_PATH, &format!("/gpu-instance{METRICS_PATH}"))
                + "?instanceId=min-0001",
        )
        .bearer_auth(TEST_API_KEY)
        .send()
        .await
        .unwrap();
    assert_error(response, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn metrics_requests_are_recorded() {
    let server = server().await;
    metrics(
        &server,
        FULL_ID,
        &format!("&startTime={T0}&endTime={}&interval=60", T0 + 600),
    )
    .await;
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].method, "GET");
    assert_eq!(recorded[0].path, METRICS_PATH);
    assert_eq!(
        recorded[0].query.as_deref(),
        Some(
            format!(
                "instanceId={FULL_ID}&startTime={T0}&endTime={}&interval=60",
                T0 + 600
            )
            .as_str()
        )
    );
}
