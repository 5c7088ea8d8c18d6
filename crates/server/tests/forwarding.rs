//! What goes up to the API and what comes back, and CORS for named origins.

mod common;

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use common::*;
use fake_novita::{FakeNovita, INSTANCE_PATH};
use tokio::net::TcpListener;

const OPS: &str = "https://ops.example.com";

async fn fake() -> FakeNovita {
    FakeNovita::start().await.expect("fake-novita")
}

#[tokio::test]
async fn get_keeps_method_path_query_and_key_and_returns_the_answer_unchanged() {
    let dist = Dist::new();
    let fake = fake().await;
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let id = fixture_id("full");
    let query = format!("instanceId={id}&x=a%20b%2Fc");
    let path = format!("{INSTANCE_PATH}?{query}");

    let direct = get(
        &format!("{}{path}", fake.base_url()),
        &[("authorization", &bearer())],
    )
    .await;
    fake.clear_requests();
    let origin = format!("http://{}", server.addr);
    let reply = get(
        &server.url(&path),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
            ("origin", &origin),
            ("referer", &format!("{origin}/?instance={id}")),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, direct.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));

    let seen = fake.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, INSTANCE_PATH);
    assert_eq!(seen[0].query.as_deref(), Some(query.as_str()));
    assert_eq!(seen[0].authorization.as_deref(), Some(bearer().as_str()));
    assert_eq!(seen[0].origin, None, "Origin must not be forwarded");
}

#[tokio::test]
async fn post_keeps_the_body() {
    let dist = Dist::new();
    let fake = fake().await;
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let id = fixture_id("full");
    let body = format!("{{\"instanceId\":\"{id}\"}}");

    let reply = send(
        Method::POST,
        &server.url(&format!("{INSTANCE_PATH}/stop")),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
        ],
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.text(), "{}");
    assert_eq!(fake.instance(&id).expect("instance")["status"], "stopping");

    let seen = fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, format!("{INSTANCE_PATH}/stop"));
    assert_eq!(seen[0].body, body);
    assert_eq!(seen[0].authorization.as_deref(), Some(bearer().as_str()));
}

#[tokio::test]
async fn upstream_errors_pass_through_with_retry_after() {
    let dist = Dist::new();
    let fake = fake().await;
    let server = TestServer::start(config(&dist, &fake.base_url())).await;

    for (id, status) in [
        ("fail-429", 429),
        ("fail-403", 403),
        ("fail-500-html", 500),
        ("fail-503-empty", 503),
        ("nobody-has-this-id", 400),
    ] {
        let path = format!("{INSTANCE_PATH}?instanceId={id}");
        let direct = get(
            &format!("{}{path}", fake.base_url()),
            &[("authorization", &bearer())],
        )
        .await;
        let reply = get(&server.url(&path), &[("authorization", &bearer())]).await;
        assert_eq!(reply.status.as_u16(), status, "{id}");
        assert_eq!(reply.body, direct.body, "{id}");
        assert_eq!(
            reply.header("content-type"),
            direct.header("content-type"),
            "{id}"
        );
        assert_eq!(
            reply.header("retry-after"),
            direct.header("retry-after"),
            "{id}"
        );
    }
    let limited = get(
        &server.url(&format!("{INSTANCE_PATH}?instanceId=fail-429")),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(limited.header("retry-after"), Some("30"));

    // No key: the API's own 401 comes back as it is.
    let reply = get(&server.url(&format!("{INSTANCE_PATH}?instanceId=x")), &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["reason"], "INVALID_API_KEY");
}

#[tokio::test]
async fn the_metrics_prefix_is_forwarded_too() {
    let dist = Dist::new();
    let fake = fake().await;
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let path = "/openapi/v1/metrics/gpu/instance?instanceId=abc&interval=60";
    let reply = get(&server.url(path), &[("authorization", &bearer())]).await;
    // The stand-in has no metrics route: its own 404 comes back.
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.json()["message"], "no such API path");
    let seen = fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/openapi/v1/metrics/gpu/instance");
    assert_eq!(seen[0].query.as_deref(), Some("instanceId=abc&interval=60"));
}

/// An upstream that answers with everything it received and a few headers a proxy must drop.
async fn echo_upstream() -> (String, Arc<Mutex<Vec<HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(request.headers().clone());
            let uri = request.uri().to_string();
            (
                [
                    ("set-cookie", "session=upstream; Path=/"),
                    ("connection", "x-hop-only"),
                    ("x-hop-only", "1"),
                    ("keep-alive", "timeout=5"),
                    ("alt-svc", "h3=\":443\""),
                    ("access-control-allow-origin", "*"),
                    ("x-upstream", "kept"),
                    ("retry-after", "7"),
                ],
                uri,
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
async fn cookies_hop_by_hop_and_browser_headers_stay_behind() {
    let dist = Dist::new();
    let (upstream, seen) = echo_upstream().await;
    // A path on the upstream URL is kept as a prefix.
    let server = TestServer::start(config(&dist, &format!("{upstream}/prefix/"))).await;
    let reply = get(
        &server.url("/gpu-instance/openapi/v1/gpu/instances?pageSize=10&name=a%26b"),
        &[
            ("authorization", "Bearer sk_whatever"),
            ("content-type", "application/json"),
            ("cookie", "session=browser"),
            ("origin", "https://ops.example.com"),
            ("referer", "https://ops.example.com/page"),
            ("connection", "x-client-hop"),
            ("x-client-hop", "1"),
            ("te", "trailers"),
            ("proxy-authorization", "Basic abc"),
            ("x-forwarded-for", "203.0.113.9"),
            ("accept", "application/json"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text(),
        "/prefix/gpu-instance/openapi/v1/gpu/instances?pageSize=10&name=a%26b"
    );
    for dropped in [
        "set-cookie",
        "x-hop-only",
        "keep-alive",
        "alt-svc",
        "access-control-allow-origin",
    ] {
        assert!(reply.header(dropped).is_none(), "{dropped} came back");
    }
    assert_eq!(reply.header("x-upstream"), Some("kept"));
    assert_eq!(reply.header("retry-after"), Some("7"));

    let headers = seen.lock().unwrap()[0].clone();
    for dropped in [
        "cookie",
        "origin",
        "referer",
        "x-client-hop",
        "te",
        "proxy-authorization",
        "x-forwarded-for",
    ] {
        assert!(headers.get(dropped).is_none(), "{dropped} went upstream");
    }
    assert_eq!(headers["authorization"], "Bearer sk_whatever");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["accept"], "application/json");
    assert_eq!(
        headers["host"],
        upstream.trim_start_matches("http://"),
        "Host is the upstream's"
    );
}

#[tokio::test]
async fn no_cors_headers_without_allow_origin() {
    let dist = Dist::new();
    let fake = fake().await;
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let path = format!("{INSTANCE_PATH}?instanceId={}", fixture_id("full"));
    let reply = get(
        &server.url(&path),
        &[("authorization", &bearer()), ("origin", OPS)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    // The stand-in itself answers with Access-Control-Allow-Origin: *; it must not leak through.
    assert!(reply.cors_headers().is_empty(), "{:?}", reply.headers);

    let preflight = send(
        Method::OPTIONS,
        &server.url(&path),
        &[("origin", OPS), ("access-control-request-method", "GET")],
        "",
    )
    .await;
    preflight.assert_error(405);
    assert!(preflight.cors_headers().is_empty());
    assert!(fake.requests().len() == 1, "the preflight went upstream");
}

#[tokio::test]
async fn cors_for_named_origins_only() {
    let dist = Dist::new();
    let fake = fake().await;
    let mut config = config(&dist, &fake.base_url());
    config.allow_origins = vec![OPS.to_owned(), "http://localhost:3000".to_owned()];
    let server = TestServer::start(config).await;
    let path = format!("{INSTANCE_PATH}?instanceId=fail-429");

    let preflight = send(
        Method::OPTIONS,
        &server.url(&path),
        &[
            ("origin", OPS),
            ("access-control-request-method", "GET"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
        "",
    )
    .await;
    assert_eq!(preflight.status, StatusCode::NO_CONTENT);
    assert_eq!(preflight.header("access-control-allow-origin"), Some(OPS));
    assert_eq!(
        preflight.header("access-control-allow-methods"),
        Some("GET, POST, OPTIONS")
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("authorization, content-type")
    );
    assert!(preflight.header("access-control-max-age").is_some());
    assert!(fake.requests().is_empty(), "preflights are answered here");

    let reply = get(
        &server.url(&path),
        &[("authorization", &bearer()), ("origin", OPS)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("access-control-allow-origin"), Some(OPS));
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("Retry-After")
    );
    let vary: Vec<_> = reply.headers.get_all("vary").iter().collect();
    assert!(
        vary.iter().any(|v| v.to_str().unwrap().contains("Origin")),
        "{vary:?}"
    );

    for other in [
        "https://evil.example",
        "https://ops.example.com.evil.example",
        "null",
    ] {
        let reply = get(
            &server.url(&path),
            &[("authorization", &bearer()), ("origin", other)],
        )
        .await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            reply.cors_headers().is_empty(),
            "{other}: {:?}",
            reply.headers
        );
        let preflight = send(
            Method::OPTIONS,
            &server.url(&path),
            &[("origin", other), ("access-control-request-method", "GET")],
            "",
        )
        .await;
        preflight.assert_error(405);
        assert!(preflight.cors_headers().is_empty(), "{other}");
    }

    // Refusals carry the headers too, so the allowed page can read why.
    let refused = send(Method::PUT, &server.url(&path), &[("origin", OPS)], "").await;
    refused.assert_error(405);
    assert_eq!(refused.header("access-control-allow-origin"), Some(OPS));
}
