//! What the server refuses, and proof that none of it reached the API: it is not an open proxy.

mod common;

use axum::http::Method;
use common::*;
use fake_novita::{FakeNovita, INSTANCE_PATH};

async fn setup() -> (Dist, FakeNovita, TestServer) {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    (dist, fake, server)
}

fn request(method: &str, target: &str, host: &str) -> String {
    format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
        bearer()
    )
}

#[tokio::test]
async fn odd_paths_are_refused() {
    let (_dist, fake, server) = setup().await;
    let host = server.addr.to_string();
    for target in [
        "/etc/passwd",
        "/gpu-instance/../x",
        "/gpu-instance/openapi/../../etc/passwd",
        "/gpu-instance/openapi/%2e%2e/%2e%2e/x",
        "/gpu-instance/openapi/%2E%2E/v1/gpu/instance",
        "/gpu-instance/openapi/..%2fx",
        "/gpu-instance/openapi/v1/gpu/instance%2f..%2f..%2fx",
        "/gpu-instance/openapi/v1%5c..%5cx",
        "/gpu-instance/openapi/v1\\..\\x",
        "/gpu-instance/openapi/./v1/gpu/instance",
        "//evil.example/gpu-instance/openapi/v1/gpu/instance",
        "/gpu-instance/openapi//v1/gpu/instance",
        "/gpu-instance/openapi/v1/gpu/instance%00",
        "/gpu-instance/openapi/v1/%252e%252e/x",
        "/openapi/v1/metrics/../../../x",
        "*",
    ] {
        let (status, body) = raw(server.addr, &request("GET", target, &host)).await;
        assert!((400..500).contains(&status), "{target}: {status} {body}");
        if !body.is_empty() {
            let json: serde_json::Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("{target}: not JSON: {body}"));
            assert_eq!(json["code"], status, "{target}");
        }
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn absolute_form_targets_are_refused() {
    let (_dist, fake, server) = setup().await;
    for (target, host) in [
        (
            "http://evil.example/gpu-instance/openapi/v1/gpu/instance",
            "evil.example",
        ),
        (
            "http://evil.example/gpu-instance/openapi/v1/gpu/instance?instanceId=x",
            "localhost",
        ),
        (
            &*format!(
                "http://{}/gpu-instance/openapi/v1/gpu/instance",
                server.addr
            ),
            &*server.addr.to_string(),
        ),
        (
            "https://api.novita.ai/gpu-instance/openapi/v1/gpu/instance",
            "api.novita.ai",
        ),
    ] {
        let (status, body) = raw(server.addr, &request("GET", target, host)).await;
        assert_eq!(status, 400, "{target}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["reason"], "ABSOLUTE_TARGET_REFUSED");
    }
    let (status, _) = raw(
        server.addr,
        &request("CONNECT", "evil.example:443", "evil.example:443"),
    )
    .await;
    assert!((400..500).contains(&status), "CONNECT: {status}");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn foreign_host_headers_are_refused() {
    let (_dist, fake, server) = setup().await;
    let path = format!("{INSTANCE_PATH}?instanceId={}", fixture_id("full"));
    for host in [
        "evil.example",
        &*format!("evil.example:{}", server.addr.port()),
        "localhost.evil.example",
        "127.0.0.1.nip.io",
    ] {
        for target in [path.as_str(), "/", "/config.json"] {
            let (status, body) = raw(server.addr, &request("GET", target, host)).await;
            assert_eq!(status, 421, "{host} {target}: {body}");
            let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
            assert_eq!(json["reason"], "HOST_NOT_ALLOWED");
        }
    }
    let (status, _) = raw(
        server.addr,
        &format!("GET {path} HTTP/1.0\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 400, "no Host at all");
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    // The forms of this server's own address are fine.
    let port = server.addr.port();
    for host in [
        server.addr.to_string(),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "LocalHost".to_owned(),
    ] {
        let (status, _) = raw(server.addr, &request("GET", &path, &host)).await;
        assert_eq!(status, 200, "{host}");
    }
}

#[tokio::test]
async fn allow_host_names_more_hosts() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.allow_hosts = vec!["viewer.example.com".to_owned()];
    let server = TestServer::start(config).await;
    let (status, _) = raw(server.addr, &request("GET", "/", "viewer.example.com")).await;
    assert_eq!(status, 200);
    let (status, _) = raw(server.addr, &request("GET", "/", "other.example.com")).await;
    assert_eq!(status, 421);
}

#[tokio::test]
async fn other_methods_are_refused() {
    let (_dist, fake, server) = setup().await;
    let url = server.url(&format!(
        "{INSTANCE_PATH}?instanceId={}",
        fixture_id("full")
    ));
    for method in [
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
    ] {
        let reply = send(method.clone(), &url, &[("authorization", &bearer())], "{}").await;
        assert_eq!(reply.status.as_u16(), 405, "{method}");
        assert_eq!(reply.header("allow"), Some("GET, POST"), "{method}");
        if method != Method::HEAD {
            reply.assert_error(405);
        }
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.max_request_body = 1024;
    let server = TestServer::start(config).await;
    let reply = send(
        Method::POST,
        &server.url(&format!("{INSTANCE_PATH}/stop")),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
        ],
        &"x".repeat(2048),
    )
    .await;
    reply.assert_error(413);
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn path_parameters_high_escapes_and_non_ascii_are_refused() {
    let (_dist, fake, server) = setup().await;
    let host = server.addr.to_string();
    for target in [
        // `..;/` is `../` to servers that drop path parameters (Tomcat, Jetty behind proxies).
        "/gpu-instance/openapi/..;/..;/x",
        "/gpu-instance/openapi/v1/gpu/instance;jsessionid=1",
        "/gpu-instance/openapi/v1/gpu/instance%3Bx",
        "/gpu-instance/openapi/v1/gpu/instance%3bx",
        // Overlong UTF-8 for `.`, and the fullwidth full stop, both escaped: some decoders
        // turn them into dots.
        "/gpu-instance/openapi/%C0%AE%C0%AE/x",
        "/gpu-instance/openapi/%c0%ae/v1/gpu/instance",
        "/gpu-instance/openapi/%EF%BC%8E%EF%BC%8E/x",
        "/gpu-instance/openapi/v1/gpu/instance%80",
        "/gpu-instance/openapi/v1/gpu/instance%FF",
        // The same, raw.
        "/gpu-instance/openapi/\u{ff0e}\u{ff0e}/x",
        "/gpu-instance/openapi/v1/gpu/instanc\u{e9}",
    ] {
        let (status, body) = raw(server.addr, &request("GET", target, &host)).await;
        assert_eq!(status, 400, "{target}: {body}");
        if !body.is_empty() {
            let json: serde_json::Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("{target}: not JSON: {body}"));
            assert_eq!(json["reason"], "INVALID_PATH", "{target}");
        }
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_duplicate_host_header_is_refused() {
    let (_dist, fake, server) = setup().await;
    let path = format!("{INSTANCE_PATH}?instanceId={}", fixture_id("full"));
    for (first, second) in [
        (server.addr.to_string(), "evil.example".to_owned()),
        ("evil.example".to_owned(), server.addr.to_string()),
        (server.addr.to_string(), server.addr.to_string()),
    ] {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {first}\r\nHost: {second}\r\nAuthorization: {}\r\n\
             Connection: close\r\n\r\n",
            bearer()
        );
        let (status, body) = raw(server.addr, &request).await;
        assert_eq!(status, 400, "{first} / {second}: {body}");
        if !body.is_empty() {
            let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
            assert_eq!(json["reason"], "DUPLICATE_HOST");
        }
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn encoded_question_marks_and_hashes_stay_in_the_path() {
    let (_dist, fake, server) = setup().await;
    let host = server.addr.to_string();
    for (target, path, query) in [
        (
            "/gpu-instance/openapi/v1/gpu/instance%3FinstanceId=x",
            "/gpu-instance/openapi/v1/gpu/instance%3FinstanceId=x",
            None,
        ),
        (
            "/gpu-instance/openapi/v1/gpu/instance%23frag?instanceId=y",
            "/gpu-instance/openapi/v1/gpu/instance%23frag",
            Some("instanceId=y"),
        ),
        (
            "/gpu-instance/openapi/v1/gpu/instance?instanceId=a%3Fb%23c%3Bd&x=%C0%AE",
            "/gpu-instance/openapi/v1/gpu/instance",
            Some("instanceId=a%3Fb%23c%3Bd&x=%C0%AE"),
        ),
    ] {
        fake.clear_requests();
        let (status, body) = raw(server.addr, &request("GET", target, &host)).await;
        assert!(status < 500, "{target}: {status} {body}");
        let seen = fake.requests();
        assert_eq!(seen.len(), 1, "{target}: {seen:?}");
        // Exactly the target that came in, not decoded, not split anew.
        assert_eq!(seen[0].path, path, "{target}");
        assert_eq!(seen[0].query.as_deref(), query, "{target}");
    }
}

#[tokio::test]
async fn an_oversized_chunked_body_is_refused_as_it_arrives() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.max_request_body = 1024;
    let server = TestServer::start(config).await;
    // No Content-Length to check up front: the limit has to catch the body itself.
    let chunk = "x".repeat(600);
    let request = format!(
        "POST {INSTANCE_PATH}/stop HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         258\r\n{chunk}\r\n258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n",
        server.addr,
        bearer()
    );
    let (status, body) = raw(server.addr, &request).await;
    assert_eq!(status, 413, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(json["reason"], "REQUEST_TOO_LARGE");
    assert!(fake.requests().is_empty());
}
