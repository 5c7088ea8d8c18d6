//! The log streams over loopback: the query honoured (follow, sse, timestamps, tail), each
//! scenario's shape, CORS, recording, and that an open stream does not hold up a shutdown.

mod common;

use std::time::{Duration, Instant};

use common::{client, header, server, ORIGIN};
use fake_novita::logs::{
    log_address, plain_log, with_log_addresses, BURST_LINES, DROP_BATCH, LONG_LINE_CHARS,
    PLAIN_LINES, SCENARIOS, TRICKLE_HISTORY,
};
use fake_novita::{fixture, FakeNovita};
use reqwest::Response;

fn url(server: &FakeNovita, scenario: &str, kind: &str, query: &str) -> String {
    format!(
        "{}?{query}",
        log_address(&server.base_url(), scenario, kind)
    )
}

async fn open(server: &FakeNovita, scenario: &str, kind: &str, query: &str) -> Response {
    client()
        .get(url(server, scenario, kind, query))
        .header("origin", ORIGIN)
        .send()
        .await
        .expect("the log stream answers")
}

/// Reads server-sent events until `want` have arrived (or the stream ends, or 20 s pass).
/// Returns each event's data.
async fn events(response: &mut Response, want: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut text = String::new();
    let mut found = Vec::new();
    while found.len() < want && Instant::now() < deadline {
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.chunk()).await;
        match chunk {
            Ok(Ok(Some(bytes))) => text.push_str(std::str::from_utf8(&bytes).expect("UTF-8")),
            _ => break,
        }
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            assert_eq!(data.len(), 1, "one data line per event: {event:?}");
            found.push(data[0].to_owned());
        }
    }
    found
}

/// `2026-11-27T16:42:03.123456789Z rest` → (time, rest), checking the time's shape.
fn split_time(line: &str) -> (&str, &str) {
    let (time, rest) = line.split_once(' ').expect("a time and a text");
    assert_eq!(time.len(), 30, "{time}");
    assert!(time.ends_with('Z') && time.as_bytes()[10] == b'T', "{time}");
    (time, rest)
}

fn number_after<'a>(text: &'a str, marker: &str) -> u64 {
    let rest: &'a str = &text[text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"))
        + marker.len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn trickle_streams_sse_with_cors_and_no_caching() {
    let server = server().await;
    let mut response = open(&server, "trickle", "system", "follow=1&sse=1&timestamps=1").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("text/event-stream")
    );
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-cache")
    );
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some(ORIGIN)
    );
    let got = events(&mut response, TRICKLE_HISTORY as usize + 3).await;
    assert_eq!(got.len(), TRICKLE_HISTORY as usize + 3);
    let mut last_time = String::new();
    for (k, line) in got.iter().enumerate() {
        let (time, text) = split_time(line);
        assert!(
            time > last_time.as_str(),
            "times increase: {time} after {last_time}"
        );
        last_time = time.to_owned();
        assert!(text.starts_with(&format!("system trickle #{k} ")), "{text}");
    }
    assert!(got[0].contains("ERROR"), "every fifth line is an error");
}

#[tokio::test]
async fn trickle_lines_keep_coming_about_every_200_ms() {
    let server = server().await;
    let mut response = open(&server, "trickle", "instance", "follow=1&sse=1&tail=0").await;
    let started = Instant::now();
    let got = events(&mut response, 5).await;
    let took = started.elapsed();
    assert_eq!(got.len(), 5);
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(5),
        "{took:?}"
    );
    // Without timestamps=1 the text starts at once.
    assert!(got[0].starts_with("instance trickle #"), "{}", got[0]);
}

#[tokio::test]
async fn tail_limits_the_history() {
    let server = server().await;
    let mut response = open(&server, "trickle", "system", "follow=1&sse=1&tail=3").await;
    let got = events(&mut response, 4).await;
    let first = number_after(&got[0], "#");
    let fourth = number_after(&got[3], "#");
    assert!(first >= TRICKLE_HISTORY - 3, "{got:?}");
    assert_eq!(fourth, first + 3);

    for (tail, lines) in [
        ("5", 5),
        ("0", 0),
        ("all", PLAIN_LINES),
        ("junk", PLAIN_LINES),
    ] {
        let body = open(&server, "plain", "system", &format!("tail={tail}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(body.lines().count() as u64, lines, "tail={tail}");
    }
}

#[tokio::test]
async fn without_follow_the_whole_log_is_plain_text() {
    let server = server().await;
    let response = open(&server, "plain", "instance", "timestamps=1").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert!(header(&response, "access-control-allow-origin").is_some());
    let body = response.text().await.unwrap();
    assert_eq!(body, plain_log("instance", true));
    assert_eq!(body.lines().count() as u64, PLAIN_LINES);
    let first = body.lines().next().unwrap();
    assert_eq!(
        first,
        "2026-11-27T16:00:00.000000000Z instance plain #0 all is well"
    );
    assert!(body.contains("\x1b[31mERROR\x1b[0m"));

    let bare = open(&server, "plain", "instance", "")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(bare, plain_log("instance", false));
    assert!(bare.starts_with("instance plain #0 all is well\n"));

    // The trickle's whole log so far, too.
    let trickle = open(&server, "trickle", "system", "timestamps=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(trickle.lines().count() as u64 >= TRICKLE_HISTORY);
}

#[tokio::test]
async fn follow_without_sse_streams_plain_lines() {
    let server = server().await;
    let mut response = open(&server, "trickle", "system", "follow=1&tail=2").await;
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    let mut text = String::new();
    while text.lines().count() < 3 {
        let bytes = response.chunk().await.unwrap().expect("more lines");
        text.push_str(std::str::from_utf8(&bytes).unwrap());
    }
    assert!(text.starts_with("system trickle #"), "{text}");
    assert!(!text.contains("data:"));
}

#[tokio::test]
async fn burst_sends_20000_lines_fast() {
    let server = server().await;
    let started = Instant::now();
    let mut response = open(
        &server,
        "burst",
        "system",
        "follow=1&sse=1&timestamps=1&tail=500",
    )
    .await;
    let want = 10 + BURST_LINES as usize + 1;
    let got = events(&mut response, want).await;
    assert_eq!(got.len(), want);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(split_time(&got[0]).1.starts_with("system burst history #0"));
    assert!(split_time(&got[10]).1.starts_with("system burst #0 "));
    assert!(split_time(&got[want - 2])
        .1
        .starts_with("system burst #19999 "));
    assert_eq!(split_time(&got[want - 1]).1, "system after burst #0");
    // Times never go backwards, so a client can use them to skip a replay.
    let times: Vec<&str> = got.iter().map(|l| split_time(l).0).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn ansi_has_colours_other_escapes_and_a_long_line() {
    let server = server().await;
    let mut response = open(&server, "ansi", "instance", "follow=1&sse=1&timestamps=1").await;
    let got = events(&mut response, 12).await;
    assert_eq!(got.len(), 12);
    assert!(got.iter().any(|l| l.contains("\x1b[1;31mERROR")));
    assert!(got.iter().any(|l| l.contains("\x1b]0;window title\x07")));
    assert!(got.iter().any(|l| l.contains("\x1b[2K")));
    let long = got
        .iter()
        .map(|l| split_time(l).1)
        .find(|t| t.contains(" long:"))
        .expect("the long line");
    let visible = long.replace("\x1b[36m", "").replace("\x1b[0m", "");
    assert_eq!(visible.chars().count(), LONG_LINE_CHARS);
    assert!(got.iter().all(|l| !l.contains('\r') && !l.contains('\n')));
}

#[tokio::test]
async fn drop_closes_after_a_few_lines_and_the_next_connection_carries_on() {
    let server = server().await;
    let mut first = open(
        &server,
        "drop",
        "system",
        "follow=1&sse=1&timestamps=1&tail=500",
    )
    .await;
    let got = events(&mut first, 100).await;
    let texts: Vec<&str> = got.iter().map(|l| split_time(l).1).collect();
    let expected: Vec<String> = (0..3 + DROP_BATCH)
        .map(|k| format!("system drop #{k}"))
        .collect();
    assert_eq!(texts, expected, "3 history lines, 5 new, then the end");
    assert!(
        first.chunk().await.unwrap().is_none(),
        "the stream has ended"
    );

    let mut second = open(
        &server,
        "drop",
        "system",
        "follow=1&sse=1&timestamps=1&tail=500",
    )
    .await;
    let got = events(&mut second, 100).await;
    let texts: Vec<&str> = got.iter().map(|l| split_time(l).1).collect();
    let expected: Vec<String> = (0..3 + 2 * DROP_BATCH)
        .map(|k| format!("system drop #{k}"))
        .collect();
    assert_eq!(texts, expected, "the tail replayed, then 5 more");
    // Replayed lines carry the same times as the first time.
    assert_eq!(split_time(&got[4]).0, "2026-11-27T16:00:04.000004000Z");

    // The other kind has its own count.
    let mut other = open(&server, "drop", "instance", "follow=1&sse=1").await;
    assert_eq!(events(&mut other, 100).await.len() as u64, 3 + DROP_BATCH);
}

#[tokio::test]
async fn never_never_answers() {
    let server = server().await;
    let request = client()
        .get(url(&server, "never", "system", "follow=1&sse=1"))
        .send();
    assert!(
        tokio::time::timeout(Duration::from_millis(800), request)
            .await
            .is_err(),
        "no headers come"
    );
}

#[tokio::test]
async fn unavailable_is_503_and_unknown_paths_are_404() {
    let server = server().await;
    let response = open(&server, "unavailable", "system", "follow=1&sse=1").await;
    assert_eq!(response.status(), 503);
    assert!(header(&response, "access-control-allow-origin").is_some());
    for (scenario, kind) in [("nope", "system"), ("trickle", "other")] {
        let response = open(&server, scenario, kind, "").await;
        assert_eq!(response.status(), 404, "{scenario}/{kind}");
    }
    assert_eq!(SCENARIOS.len(), 7);
}

#[tokio::test]
async fn log_requests_are_recorded_with_their_headers() {
    let server = server().await;
    open(&server, "plain", "system", "timestamps=1")
        .await
        .text()
        .await
        .unwrap();
    let requests = server.requests();
    let log = requests
        .iter()
        .find(|r| r.path == "/logs/plain/system")
        .expect("recorded");
    assert_eq!(log.method, "GET");
    assert_eq!(log.query.as_deref(), Some("timestamps=1"));
    assert_eq!(log.authorization, None);
    assert_eq!(log.origin.as_deref(), Some(ORIGIN));
}

#[tokio::test]
async fn an_open_stream_ends_when_the_server_stops() {
    let server = server().await;
    let mut response = open(&server, "trickle", "system", "follow=1&sse=1").await;
    events(&mut response, 1).await;
    drop(server);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = response.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ends promptly on shutdown");
}

#[tokio::test]
async fn helpers_build_addresses_and_instances() {
    assert_eq!(
        log_address("http://127.0.0.1:9090/", "trickle", "system"),
        "http://127.0.0.1:9090/logs/trickle/system"
    );
    let full: serde_json::Value = serde_json::from_str(fixture("full").unwrap()).unwrap();
    let changed = with_log_addresses(full, "http://a/s", "http://a/i", false);
    assert_eq!(
        changed["connectComponentLog"]["systemLogAddress"],
        "http://a/s"
    );
    assert_eq!(
        changed["connectComponentLog"]["instanceLogAddress"],
        "http://a/i"
    );
    assert_eq!(changed["connectComponentLog"]["isRunning"], false);
}
