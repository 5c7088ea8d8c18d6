//! Upstream failures (504, 502), the request log, and graceful shutdown.

mod common;

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::*;
use fake_novita::{FakeNovita, INSTANCE_PATH, TEST_API_KEY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test]
async fn a_hanging_upstream_is_a_504_after_the_timeout() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.upstream_timeout = Duration::from_secs(2);
    let server = TestServer::start(config).await;

    let started = Instant::now();
    let reply = get(
        &server.url(&format!("{INSTANCE_PATH}?instanceId=hang")),
        &[("authorization", &bearer())],
    )
    .await;
    let took = started.elapsed();
    let json = reply.assert_error(504);
    assert_eq!(json["reason"], "UPSTREAM_TIMEOUT");
    let origin = fake.base_url();
    assert_eq!(
        json["message"],
        format!(
            "The Novita API at {origin} did not answer within 2 s (via this server's proxy). \
             If it keeps happening, check that this server can resolve that name (DNS) and \
             reach it through its outbound firewall or proxy"
        )
    );
    assert!(took >= Duration::from_millis(1900), "{took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502() {
    let dist = Dist::new();
    // A port that was just free and is now closed.
    let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let server = TestServer::start(config(&dist, &format!("http://{addr}"))).await;
    let reply = get(
        &server.url(&format!("{INSTANCE_PATH}?instanceId=x")),
        &[("authorization", &bearer())],
    )
    .await;
    let json = reply.assert_error(502);
    assert_eq!(json["reason"], "UPSTREAM_UNREACHABLE");
    // Says whose problem it is and what to check, so the operator looks at this server.
    assert_eq!(
        json["message"],
        format!(
            "This server could not reach the Novita API at http://{addr} (via this server's \
             proxy). The problem is between this server and the API, not in your browser: \
             check this server's DNS resolution, its outbound firewall or proxy, and its \
             --upstream setting"
        )
    );
}

/// A listener that does something rude with every connection, until the test ends.
async fn rude_upstream(answer: Option<&'static [u8]>) -> String {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            if let Some(answer) = answer {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream.write_all(answer).await;
            }
            drop(stream);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_upstream_that_resets_or_speaks_garbage_is_a_502() {
    let dist = Dist::new();
    for answer in [
        None,
        Some(&b"garbage garbage garbage\r\n\r\n"[..]),
        Some(&b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ncut short"[..]),
    ] {
        let upstream = rude_upstream(answer).await;
        let server = TestServer::start(config(&dist, &upstream)).await;
        let reply = send(
            Method::POST,
            &server.url(&format!("{INSTANCE_PATH}/start")),
            &[("authorization", &bearer())],
            "{\"instanceId\":\"x\"}",
        )
        .await;
        let json = reply.assert_error(502);
        assert_eq!(json["reason"], "UPSTREAM_BAD_RESPONSE", "{answer:?}");
    }
}

#[tokio::test]
async fn an_oversized_upstream_answer_is_a_502() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.max_response_body = 100;
    let server = TestServer::start(config).await;
    let reply = get(
        &server.url(&format!(
            "{INSTANCE_PATH}?instanceId={}",
            fixture_id("full")
        )),
        &[("authorization", &bearer())],
    )
    .await;
    let json = reply.assert_error(502);
    assert_eq!(json["reason"], "UPSTREAM_RESPONSE_TOO_LARGE");
}

#[tokio::test]
async fn the_log_has_method_path_status_but_never_the_key_query_or_body() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let server = TestServer::start(config(&dist, &fake.base_url())).await;

    let reply = get(
        &server.url(&format!("{INSTANCE_PATH}?instanceId=secret-id-123")),
        &[
            ("authorization", &bearer()),
            ("cookie", "session=cookie-value-456"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST); // not found, the API's way
    let reply = send(
        Method::POST,
        &server.url(&format!("{INSTANCE_PATH}/restart?token=query-secret-789")),
        &[("authorization", &bearer())],
        "{\"instanceId\":\"body-secret-000\"}",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let _ = get(&server.url("/?instance=page-secret-111"), &[]).await;
    let _ = raw(
        server.addr,
        "GET /gpu-instance/openapi/v1/gpu/instance?instanceId=x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    .await;

    let log = server.log.text();
    for secret in [
        TEST_API_KEY,
        "secret-id-123",
        "query-secret-789",
        "body-secret-000",
        "page-secret-111",
        "cookie-value-456",
        "instanceId",
        "evil.example",
    ] {
        assert!(!log.contains(secret), "{secret} in log:\n{log}");
    }
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 4, "{log}");
    assert!(
        lines[0].contains(&format!("GET {INSTANCE_PATH} 400 ")),
        "{log}"
    );
    assert!(
        lines[1].contains(&format!("POST {INSTANCE_PATH}/restart 400 ")),
        "{log}"
    );
    assert!(lines[2].contains("GET / 200 "), "{log}");
    assert!(
        lines[3].contains(&format!("GET {INSTANCE_PATH} 421 ")),
        "{log}"
    );
    assert!(lines[3].contains("HOST_NOT_ALLOWED"), "{log}");
    assert!(lines.iter().all(|line| line.contains("ms")), "{log}");
}

#[tokio::test]
async fn shutdown_finishes_requests_in_flight_then_stops() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut server = TestServer::start(config(&dist, &fake.base_url())).await;
    let addr = server.addr;

    let url = server.url(&format!("{INSTANCE_PATH}?instanceId=slow-1500"));
    let slow = tokio::spawn(async move { get(&url, &[("authorization", &bearer())]).await });
    // Let the request reach the stand-in before asking the server to stop.
    let deadline = Instant::now() + LIMIT;
    while fake.requests().is_empty() {
        assert!(Instant::now() < deadline, "request never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    server.begin_shutdown();

    let reply = tokio::time::timeout(LIMIT, slow)
        .await
        .expect("in time")
        .expect("request task");
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["id"], "slow-1500");

    server.stop().await.expect("clean stop");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Nothing listens any more.
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "still accepting after shutdown");
}

#[tokio::test]
async fn shutdown_is_bounded_when_a_request_never_ends() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.shutdown_timeout = Duration::from_secs(1);
    let mut server = TestServer::start(config).await;
    let url = server.url(&format!("{INSTANCE_PATH}?instanceId=hang"));
    let hanging = tokio::spawn(async move {
        let _ = tokio::time::timeout(LIMIT, get(&url, &[("authorization", &bearer())])).await;
    });
    while fake.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = server.log.clone();
    let started = Instant::now();
    server.begin_shutdown();
    server.stop().await.expect("stop");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "{took:?}"
    );
    assert!(log.text().contains("stopping anyway"), "{}", log.text());
    hanging.abort();
}

#[tokio::test]
async fn a_client_that_goes_away_is_still_logged() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    let request = format!(
        "GET {INSTANCE_PATH}?instanceId=slow-1500 HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\n\r\n",
        server.addr,
        bearer()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    while fake.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.log.text().contains(" 499 ") {
        assert!(Instant::now() < deadline, "log: {}", server.log.text());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let log = server.log.text();
    assert!(log.contains(&format!("GET {INSTANCE_PATH} 499 ")), "{log}");
    assert!(!log.contains("slow-1500"), "{log}");
}

#[tokio::test]
async fn beyond_max_concurrent_a_request_waits_briefly_then_gets_a_503() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.max_concurrent = 1;
    config.queue_wait = Duration::from_millis(300);
    config.upstream_timeout = Duration::from_secs(3);
    let server = TestServer::start(config).await;
    let url = server.url(&format!("{INSTANCE_PATH}?instanceId=hang"));
    let busy = tokio::spawn(async move { get(&url, &[("authorization", &bearer())]).await });
    while fake.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    let reply = get(
        &server.url(&format!(
            "{INSTANCE_PATH}?instanceId={}",
            fixture_id("full")
        )),
        &[("authorization", &bearer())],
    )
    .await;
    let json = reply.assert_error(503);
    assert_eq!(json["reason"], "PROXY_BUSY");
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(fake.requests().len(), 1, "the second call went upstream");
    // The first one still ends, as a timeout.
    busy.await.expect("first").assert_error(504);
}
