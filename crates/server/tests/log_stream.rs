//! The instances' log streams through this same origin (`/log-stream/...`): what is followed,
//! what goes up and comes back, and the bounds on each stream.

mod common;

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use common::*;
use fake_novita::FakeNovita;
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

/// `/log-stream/...` for a log address on `base` (`http://127.0.0.1:PORT`).
fn via_server(server: &TestServer, base: &str, rest: &str) -> String {
    let authority = base.trim_start_matches("http://");
    server.url(&format!("/log-stream/http/{authority}{rest}"))
}

/// An open streaming answer: its status and headers, and the body as it comes.
struct Stream {
    status: StatusCode,
    headers: HeaderMap,
    body: hyper::body::Incoming,
}

impl Stream {
    async fn open(url: &str, headers: &[(&str, &str)]) -> Stream {
        let client = Client::builder(TokioExecutor::new())
            .build_http::<http_body_util::Empty<bytes::Bytes>>();
        let mut request = axum::http::Request::new(http_body_util::Empty::new());
        *request.uri_mut() = url.parse().expect("url");
        for (name, value) in headers {
            request.headers_mut().append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                axum::http::HeaderValue::from_str(value).expect("value"),
            );
        }
        let response = tokio::time::timeout(LIMIT, client.request(request))
            .await
            .expect("headers in time")
            .expect("request");
        let (parts, body) = response.into_parts();
        Stream {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// Reads until `count` SSE `data:` lines have arrived.
    async fn events(&mut self, count: usize) -> String {
        let mut text = String::new();
        while text.matches("data:").count() < count {
            let frame = tokio::time::timeout(LIMIT, self.body.frame())
                .await
                .expect("events in time")
                .expect("stream still open")
                .expect("frame");
            if let Ok(data) = frame.into_data() {
                text.push_str(&String::from_utf8_lossy(&data));
            }
        }
        text
    }

    /// Reads to the end (which the test expects within the limit); returns the bytes.
    async fn read_to_end(mut self) -> usize {
        let mut total = 0;
        loop {
            let frame = tokio::time::timeout(LIMIT, self.body.frame())
                .await
                .expect("the stream ended in time");
            match frame {
                Some(Ok(frame)) => total += frame.into_data().map_or(0, |d| d.len()),
                Some(Err(_)) | None => return total,
            }
        }
    }
}

#[tokio::test]
async fn a_log_stream_comes_through_this_origin_as_it_is_written() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let url = via_server(
        &server,
        &fake.base_url(),
        "/logs/trickle/system?follow=1&sse=1&timestamps=1&tail=5",
    );
    let mut stream = Stream::open(&url, &[("accept", "text/event-stream")]).await;
    assert_eq!(stream.status, StatusCode::OK);
    assert_eq!(
        stream.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/event-stream"[..])
    );
    // The five lines of history, then live ones as they are written (one every 200 ms).
    let text = stream.events(8).await;
    assert!(text.starts_with("data: "), "{text}");
    let seen = fake.requests();
    let log_request = seen
        .iter()
        .find(|r| r.path == "/logs/trickle/system")
        .expect("the log host was asked");
    assert_eq!(
        log_request.query.as_deref(),
        Some("follow=1&sse=1&timestamps=1&tail=5")
    );
    assert_eq!(log_request.authorization, None);
}

/// A log host that records what it got and answers with an event and headers to sort.
async fn echo_log_host() -> (String, Arc<Mutex<Vec<(String, HeaderMap)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let record = record.clone();
        async move {
            let target = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_owned())
                .unwrap_or_default();
            record
                .lock()
                .unwrap()
                .push((target.clone(), request.headers().clone()));
            (
                [
                    ("content-type", "text/event-stream"),
                    ("cache-control", "no-cache"),
                    ("set-cookie", "log=1"),
                    ("access-control-allow-origin", "*"),
                    ("link", "<https://evil.example/>; rel=preload"),
                    ("x-other", "1"),
                ],
                format!("data: {target}\n\n"),
            )
                .into_response()
        }
    });
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

#[tokio::test]
async fn only_allowed_headers_cross_and_the_target_is_exact() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let (log_host, seen) = echo_log_host().await;
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let rest = "/v1/logs/a%20b/system?follow=1&sse=1&q=%3F%23x";
    let reply = get(
        &via_server(&server, &log_host, rest),
        &[
            ("authorization", &bearer()),
            ("cookie", "session=browser"),
            ("accept", "text/event-stream"),
            ("last-event-id", "41"),
            ("accept-language", "en"),
            ("user-agent", "test-browser/1"),
            ("x-custom", "1"),
            ("referer", "http://localhost/"),
            ("accept-encoding", "gzip, br"),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.text(), format!("data: {rest}\n\n"));
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
    for dropped in [
        "set-cookie",
        "access-control-allow-origin",
        "link",
        "x-other",
    ] {
        assert!(reply.header(dropped).is_none(), "{dropped} came back");
    }
    let (target, headers) = seen.lock().unwrap()[0].clone();
    assert_eq!(target, rest);
    let mut names: Vec<&str> = headers.keys().map(|name| name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "accept-encoding",
            "accept-language",
            "host",
            "last-event-id",
            "user-agent"
        ],
        "{headers:?}"
    );
    assert_eq!(headers["accept-encoding"], "identity");
    assert_eq!(headers["last-event-id"], "41");
    assert!(fake.requests().is_empty(), "the API was not involved");
}

#[tokio::test]
async fn other_addresses_are_refused_without_being_contacted() {
    let dist = Dist::new();
    let (log_host, seen) = echo_log_host().await;
    let authority = log_host.trim_start_matches("http://").to_owned();
    // The upstream is https: plain-http log hosts are not followed, not even on loopback.
    let server = TestServer::start(config(&dist, "https://api.novita.ai")).await;
    for (path, status, reason) in [
        (
            format!("/log-stream/http/{authority}/x"),
            403,
            "LOG_HOST_NOT_ALLOWED",
        ),
        (
            "/log-stream/https/evilnovita.ai/x".to_owned(),
            403,
            "LOG_HOST_NOT_ALLOWED",
        ),
        (
            "/log-stream/https/novita.ai.evil.example/x".to_owned(),
            403,
            "LOG_HOST_NOT_ALLOWED",
        ),
        (
            "/log-stream/https/127.0.0.1/x".to_owned(),
            403,
            "LOG_HOST_NOT_ALLOWED",
        ),
        (
            "/log-stream/ftp/x.novita.ai/x".to_owned(),
            400,
            "LOG_ADDRESS_INVALID",
        ),
        ("/log-stream/https".to_owned(), 400, "LOG_ADDRESS_INVALID"),
        ("/log-stream/".to_owned(), 400, "LOG_ADDRESS_INVALID"),
    ] {
        let reply = get(&server.url(&path), &[]).await;
        let json = reply.assert_error(status);
        assert_eq!(json["reason"], reason, "{path}");
    }
    // The guard's path rules hold here too.
    let reply = get(&server.url("/log-stream/https/x.novita.ai/..;/x"), &[]).await;
    reply.assert_error(400);
    // Another site's page may not use it.
    let fake = FakeNovita::start().await.expect("fake-novita");
    let loopback = TestServer::start(config(&dist, &fake.base_url())).await;
    let url = via_server(&loopback, &log_host, "/x");
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
    ] {
        let reply = get(&url, &headers).await;
        let json = reply.assert_error(403);
        assert_eq!(json["reason"], "ORIGIN_NOT_ALLOWED", "{headers:?}");
    }
    let reply = send(Method::POST, &url, &[], "x").await;
    reply.assert_error(405);
    assert_eq!(reply.header("allow"), Some("GET"));
    assert!(
        seen.lock().unwrap().is_empty(),
        "a refused address was contacted"
    );
    // The same page from this origin, or from a named one, is fine.
    let own_origin = format!("http://{}", loopback.addr);
    let reply = get(&url, &[("origin", &own_origin)]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut named = config(&dist, &fake.base_url());
    named.allow_origins = vec!["https://ops.example.com".to_owned()];
    let named = TestServer::start(named).await;
    let reply = get(
        &via_server(&named, &log_host, "/x"),
        &[
            ("origin", "https://ops.example.com"),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://ops.example.com")
    );
}

#[tokio::test]
async fn redirects_and_compressed_streams_are_refused() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let app = axum::Router::new()
        .route(
            "/redirect",
            axum::routing::get(|| async {
                (
                    StatusCode::FOUND,
                    [("location", "https://evil.example/")],
                    "",
                )
            }),
        )
        .route(
            "/gzip",
            axum::routing::get(|| async { ([("content-encoding", "gzip")], "x") }),
        );
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let reply = get(&via_server(&server, &base, "/redirect"), &[]).await;
    let json = reply.assert_error(502);
    assert_eq!(json["reason"], "UPSTREAM_REDIRECT");
    assert!(reply.header("location").is_none());
    let reply = get(&via_server(&server, &base, "/gzip"), &[]).await;
    let json = reply.assert_error(502);
    assert_eq!(json["reason"], "UPSTREAM_BAD_RESPONSE");
}

#[tokio::test]
async fn streams_are_bounded_in_number_bytes_silence_and_first_answer() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.max_log_streams = 1;
    config.max_log_stream_bytes = 2000;
    config.log_idle_timeout = Duration::from_secs(1);
    config.upstream_timeout = Duration::from_secs(1);
    let server = TestServer::start(config).await;
    let base = fake.base_url();

    // One at a time: a second is turned away while the first is open.
    let mut first = Stream::open(
        &via_server(&server, &base, "/logs/trickle/system?follow=1&sse=1&tail=0"),
        &[],
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    first.events(1).await;
    let second = get(
        &via_server(&server, &base, "/logs/trickle/instance?follow=1&sse=1"),
        &[],
    )
    .await;
    let json = second.assert_error(503);
    assert_eq!(json["reason"], "LOG_STREAMS_BUSY");
    assert!(second.header("retry-after").is_some());

    // A stream ends once it has carried the byte cap (the trickle never ends by itself).
    let carried = first.read_to_end().await;
    assert!(carried > 0 && carried <= 2000, "{carried} bytes");

    // Its slot is free again; a log that falls silent ends after the idle timeout.
    let deadline = Instant::now() + LIMIT;
    let plain = loop {
        let stream = Stream::open(
            &via_server(&server, &base, "/logs/plain/system?follow=1&sse=1&tail=3"),
            &[],
        )
        .await;
        if stream.status == StatusCode::OK {
            break stream;
        }
        assert!(Instant::now() < deadline, "the slot stayed taken");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let carried = plain.read_to_end().await;
    assert!(carried > 0, "the history came first");

    // A log host that never answers: a JSON 504 after the header timeout.
    let reply = get(
        &via_server(&server, &base, "/logs/never/system?follow=1&sse=1"),
        &[],
    )
    .await;
    let json = reply.assert_error(504);
    assert_eq!(json["reason"], "UPSTREAM_TIMEOUT");
    assert!(
        json["message"]
            .as_str()
            .unwrap()
            .starts_with("The log host http://127.0.0.1:"),
        "{json}"
    );
}

#[tokio::test]
async fn shutdown_ends_open_streams() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.shutdown_timeout = Duration::from_secs(10);
    let mut server = TestServer::start(config).await;
    let mut stream = Stream::open(
        &via_server(
            &server,
            &fake.base_url(),
            "/logs/trickle/system?follow=1&sse=1&tail=0",
        ),
        &[],
    )
    .await;
    stream.events(1).await;
    let log = server.log.clone();
    server.begin_shutdown();
    stream.read_to_end().await;
    server.stop().await.expect("stop");
    assert!(!log.text().contains("stopping anyway"), "{}", log.text());
}
