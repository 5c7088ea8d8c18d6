//! Slow and greedy clients: headers dribbled, connections held idle, too many connections, a
//! body sent slowly, an answer not read. None of them may hold the server, or its memory, for
//! longer than the limits say.

mod common;

use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use common::*;
use fake_novita::{FakeNovita, INSTANCE_PATH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

/// Reads until the peer closes (Ok(bytes)) or `limit` passes (Err(bytes so far)).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, Vec<u8>> {
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(received),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => return Err(received),
        }
    }
}

/// A request's worth of headers on a kept-alive connection.
fn keep_alive_request(server: &TestServer, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr)
}

/// Reads one whole answer with a Content-Length from a kept-alive connection.
async fn read_one_answer(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .expect("a Content-Length");
            if body.len() >= length {
                return head.to_owned();
            }
        }
        let n = tokio::time::timeout(LIMIT, stream.read(&mut buf))
            .await
            .expect("answer in time")
            .expect("read");
        assert!(n > 0, "closed before the answer: {text}");
        received.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn a_client_dribbling_its_headers_is_cut_off() {
    let dist = Dist::new();
    let mut config = config(&dist, "http://127.0.0.1:9");
    config.header_timeout = Duration::from_secs(1);
    let server = TestServer::start(config).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(format!("GET / HTTP/1.1\r\nHost: {}\r\n", server.addr).as_bytes())
        .await
        .expect("write");
    // One header line every 200 ms, never the blank line: 75 lines would take 15 s.
    let started = Instant::now();
    let mut cut_off = false;
    for i in 0..75 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if stream
            .write_all(format!("X-Dribble-{i}: x\r\n").as_bytes())
            .await
            .is_err()
        {
            cut_off = true;
            break;
        }
        let mut buf = [0u8; 1024];
        if let Ok(read) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await
        {
            let text = String::from_utf8_lossy(&buf[..read.unwrap_or(0)]).into_owned();
            assert!(
                !text.contains(" 200 "),
                "answered a request never finished: {text}"
            );
            cut_off = true;
            break;
        }
    }
    assert!(
        cut_off,
        "still connected after {:?} of dribbled headers",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let dist = Dist::new();
    let mut config = config(&dist, "http://127.0.0.1:9");
    config.header_timeout = Duration::from_secs(1);
    let server = TestServer::start(config).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    for _ in 0..2 {
        stream
            .write_all(keep_alive_request(&server, "/config.json").as_bytes())
            .await
            .expect("write");
        let head = read_one_answer(&mut stream).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    }
    // Then nothing: the server closes the connection (the test allows 15 s; the limit is 1 s).
    let rest = read_until_closed(&mut stream, LIMIT).await;
    assert_eq!(rest, Ok(Vec::new()), "the idle connection stayed open");
}

#[tokio::test]
async fn open_connections_are_capped() {
    let dist = Dist::new();
    let mut config = config(&dist, "http://127.0.0.1:9");
    config.max_connections = 2;
    config.header_timeout = Duration::from_secs(60);
    let server = TestServer::start(config).await;
    let mut first = TcpStream::connect(server.addr).await.expect("first");
    let mut second = TcpStream::connect(server.addr).await.expect("second");
    // Both are served (so both hold a place): one request each, kept alive.
    for stream in [&mut first, &mut second] {
        stream
            .write_all(keep_alive_request(&server, "/config.json").as_bytes())
            .await
            .expect("write");
        read_one_answer(stream).await;
    }
    // A third connection is not served while those two are open...
    let closed_one = Arc::new(AtomicBool::new(false));
    let closed = closed_one.clone();
    let url = server.url("/config.json");
    let third = tokio::spawn(async move {
        let reply = get(&url, &[]).await;
        (reply.status, closed.load(Ordering::SeqCst))
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!third.is_finished(), "a third connection was served");
    // ...and is as soon as one of them closes.
    closed_one.store(true, Ordering::SeqCst);
    drop(first);
    let (status, after_close) = tokio::time::timeout(LIMIT, third)
        .await
        .expect("served in time")
        .expect("task");
    assert_eq!(status, StatusCode::OK);
    assert!(after_close, "served before a place was free");
    drop(second);
}

#[tokio::test]
async fn the_concurrency_slot_is_taken_before_the_body_is_read() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.max_concurrent = 1;
    config.queue_wait = Duration::from_millis(200);
    let server = TestServer::start(config).await;
    let id = fixture_id("full");
    let body = format!("{{\"instanceId\":\"{id}\"}}");

    // A POST whose body comes slowly: its headers now, its body later.
    let mut slow = TcpStream::connect(server.addr).await.expect("connect");
    let head = format!(
        "POST {INSTANCE_PATH}/stop HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr,
        bearer(),
        body.len()
    );
    slow.write_all(head.as_bytes()).await.expect("head");
    slow.write_all(&body.as_bytes()[..5])
        .await
        .expect("start of body");

    // Meanwhile every other API call is turned away: the slow one holds the only slot.
    let url = server.url(&format!("{INSTANCE_PATH}?instanceId={id}"));
    let deadline = Instant::now() + LIMIT;
    loop {
        let reply = get(&url, &[("authorization", &bearer())]).await;
        if reply.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(reply.json()["reason"], "PROXY_BUSY");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "calls went through while a body was still being read"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        fake.requests().iter().all(|r| r.method != "POST"),
        "the unfinished POST went upstream"
    );

    // The rest of the body: the POST goes through, and the slot is free again.
    slow.write_all(&body.as_bytes()[5..]).await.expect("rest");
    let answer = read_until_closed(&mut slow, LIMIT).await.expect("answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let reply = get(&url, &[("authorization", &bearer())]).await;
    assert_eq!(reply.status, StatusCode::OK);
}

/// An upstream that answers `/big` with `BIG` bytes and anything else with a short JSON body.
const BIG: usize = 16 * 1024 * 1024;

async fn big_upstream() -> String {
    let app = axum::Router::new().fallback(|request: axum::extract::Request| async move {
        if request.uri().path().ends_with("/big") {
            vec![b'x'; BIG].into_response()
        } else {
            "{}".into_response()
        }
    });
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// A connection with a small receive buffer that asks for the big answer and reads nothing.
async fn unread_big_answer(server: &TestServer) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("small buffer");
    let mut stream = socket.connect(server.addr).await.expect("connect");
    let request = format!(
        "GET /gpu-instance/openapi/v1/big HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    stream
}

async fn first_status_until(url: &str, wanted: StatusCode, what: &str) {
    let deadline = Instant::now() + LIMIT;
    loop {
        let status = get(url, &[]).await.status;
        if status == wanted {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: still {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_slot_is_held_until_the_answer_has_been_sent() {
    let dist = Dist::new();
    let upstream = big_upstream().await;
    let mut config = config(&dist, &upstream);
    config.max_concurrent = 1;
    config.queue_wait = Duration::from_millis(200);
    config.max_response_body = 2 * BIG;
    let server = TestServer::start(config).await;
    let small = server.url("/gpu-instance/openapi/v1/small");

    let mut reader = unread_big_answer(&server).await;
    first_status_until(
        &small,
        StatusCode::SERVICE_UNAVAILABLE,
        "the unread answer gave its slot back",
    )
    .await;
    // Long after the upstream has answered (in milliseconds, on loopback), the slot is still
    // taken: the answer has not been sent, since nobody reads it.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let reply = get(&small, &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "the slot came free before the answer was sent"
        );
    }
    // The reader takes its answer: all of it arrives, and the slot is free again.
    let answer = read_until_closed(&mut reader, LIMIT).await.expect("answer");
    assert!(answer.len() > BIG, "{} bytes", answer.len());
    first_status_until(&small, StatusCode::OK, "the slot stayed taken").await;
}

#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off_and_its_slot_freed() {
    let dist = Dist::new();
    let upstream = big_upstream().await;
    let mut config = config(&dist, &upstream);
    config.max_concurrent = 1;
    config.queue_wait = Duration::from_millis(200);
    config.max_response_body = 2 * BIG;
    config.send_timeout = Duration::from_secs(1);
    let server = TestServer::start(config).await;
    let small = server.url("/gpu-instance/openapi/v1/small");

    let mut reader = unread_big_answer(&server).await;
    first_status_until(
        &small,
        StatusCode::SERVICE_UNAVAILABLE,
        "the unread answer gave its slot back",
    )
    .await;
    // Without reading a byte, the slot comes free: the server gave up on the reader.
    first_status_until(&small, StatusCode::OK, "the stalled reader kept its slot").await;
    let answer = read_until_closed(&mut reader, LIMIT).await.expect("closed");
    assert!(answer.len() < BIG, "the whole answer arrived after all");
}
