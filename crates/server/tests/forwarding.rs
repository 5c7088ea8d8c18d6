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

/// A comma-separated header value as lower-case items.
fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(|item| item.trim().to_ascii_lowercase())
        .filter(|item| !item.is_empty())
        .collect()
}

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
    // The real API may answer an action with an empty body; this one answers `{}`, so the
    // test sees the body come back unchanged.
    fake.set_action_answer(200, "{}");

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
    assert_eq!(fake.instance(&id).expect("instance")["status"], "toStop");

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
    // The stand-in's own answer for an instance it does not know comes back.
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["reason"], "RESOURCE_NOT_FOUND");
    let seen = fake.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/openapi/v1/metrics/gpu/instance");
    assert_eq!(seen[0].query.as_deref(), Some("instanceId=abc&interval=60"));
}

/// Response headers the page needs, which come back.
const KEPT_DOWN: [(&str, &str); 6] = [
    ("retry-after", "7"),
    ("cache-control", "private, max-age=5"),
    ("etag", "\"v1\""),
    ("x-request-id", "req-123"),
    ("x-ratelimit-remaining", "99"),
    ("date", "Thu, 26 Nov 2026 16:00:00 GMT"),
];

/// Response headers that never come back, whatever the upstream says.
const DROPPED_DOWN: [(&str, &str); 19] = [
    ("set-cookie", "session=upstream; Path=/"),
    ("connection", "x-hop-only"),
    ("x-hop-only", "1"),
    ("keep-alive", "timeout=5"),
    ("alt-svc", "h3=\":443\""),
    ("strict-transport-security", "max-age=1"),
    ("access-control-allow-origin", "*"),
    ("access-control-allow-credentials", "true"),
    ("nel", "{\"report_to\":\"x\",\"max_age\":1}"),
    ("report-to", "{\"group\":\"x\"}"),
    ("www-authenticate", "Basic realm=\"x\""),
    ("clear-site-data", "\"*\""),
    ("link", "<https://evil.example/>; rel=preload"),
    ("refresh", "0; url=https://evil.example/"),
    ("location", "https://evil.example/"),
    ("x-http-method-override", "DELETE"),
    ("content-security-policy", "default-src *"),
    ("x-upstream", "unknown headers stay behind"),
    ("content-disposition", "attachment; filename=x.html"),
];

/// An upstream that answers with the target it received and headers a proxy must sort.
async fn echo_upstream() -> (String, Arc<Mutex<Vec<HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(request.headers().clone());
            let uri = request.uri().to_string();
            let mut response = uri.into_response();
            for (name, value) in KEPT_DOWN.iter().chain(DROPPED_DOWN.iter()) {
                response.headers_mut().append(
                    axum::http::HeaderName::from_static(name),
                    axum::http::HeaderValue::from_static(value),
                );
            }
            response
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
async fn only_allowed_headers_cross_either_way() {
    let dist = Dist::new();
    let (upstream, seen) = echo_upstream().await;
    // A path on the upstream URL is kept as a prefix.
    let server = TestServer::start(config(&dist, &format!("{upstream}/prefix/"))).await;
    let reply = get(
        &server.url("/gpu-instance/openapi/v1/gpu/instances?pageSize=10&name=a%26b"),
        &[
            ("authorization", "Bearer sk_whatever"),
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("accept-language", "en-GB"),
            ("user-agent", "test-browser/1"),
            ("cookie", "session=browser"),
            ("origin", "https://ops.example.com"),
            ("referer", "https://ops.example.com/page"),
            ("connection", "x-client-hop"),
            ("x-client-hop", "1"),
            ("te", "trailers"),
            ("proxy-authorization", "Basic abc"),
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
            ("x-http-method-override", "DELETE"),
            ("x-method-override", "DELETE"),
            ("x-custom", "anything"),
            ("accept-encoding", "gzip, deflate, br"),
            ("if-none-match", "\"v0\""),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.text(),
        "/prefix/gpu-instance/openapi/v1/gpu/instances?pageSize=10&name=a%26b"
    );
    for (name, value) in KEPT_DOWN {
        assert_eq!(reply.header(name), Some(value), "{name} should come back");
    }
    for (name, _) in DROPPED_DOWN {
        if name == "content-security-policy" {
            // This server's own policy, never the upstream's.
            assert_ne!(reply.header(name), Some("default-src *"));
            continue;
        }
        assert!(reply.header(name).is_none(), "{name} came back");
    }

    let headers = seen.lock().unwrap()[0].clone();
    let mut names: Vec<&str> = headers.keys().map(|name| name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "accept-encoding",
            "accept-language",
            "authorization",
            "content-type",
            "host",
            "user-agent"
        ],
        "only the allow-list went upstream: {headers:?}"
    );
    assert_eq!(headers["authorization"], "Bearer sk_whatever");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["accept"], "application/json");
    assert_eq!(
        headers["accept-encoding"], "identity",
        "no compression asked for"
    );
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
    // tower-http's CorsLayer answers preflights with an empty 200.
    assert_eq!(preflight.status, StatusCode::OK);
    assert!(preflight.body.is_empty());
    assert_eq!(preflight.header("access-control-allow-origin"), Some(OPS));
    assert_eq!(
        list(preflight.header("access-control-allow-methods")),
        ["get", "post", "options"]
    );
    assert_eq!(
        list(preflight.header("access-control-allow-headers")),
        ["authorization", "content-type"]
    );
    assert_eq!(preflight.header("access-control-max-age"), Some("600"));
    assert!(fake.requests().is_empty(), "preflights are answered here");

    let reply = get(
        &server.url(&path),
        &[("authorization", &bearer()), ("origin", OPS)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("access-control-allow-origin"), Some(OPS));
    assert_eq!(
        list(reply.header("access-control-expose-headers")),
        ["retry-after"]
    );
    let vary: Vec<_> = reply.headers.get_all("vary").iter().collect();
    assert!(
        vary.iter()
            .any(|v| list(v.to_str().ok()).contains(&"origin".to_owned())),
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
        assert!(
            list(reply.header("vary")).contains(&"origin".to_owned()),
            "{other}: caches must keep the answers apart"
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

/// An upstream that answers every request with `status`, `headers` and `body`.
async fn fixed_upstream(
    status: StatusCode,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
) -> String {
    let app = axum::Router::new().fallback(move || {
        let headers = headers.clone();
        let body = body.clone();
        async move {
            let mut response = (status, body).into_response();
            for (name, value) in headers {
                response.headers_mut().insert(
                    axum::http::HeaderName::from_static(name),
                    axum::http::HeaderValue::from_static(value),
                );
            }
            response
        }
    });
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

#[tokio::test]
async fn an_upstream_redirect_is_a_json_502_never_a_location() {
    let dist = Dist::new();
    for status in [301, 302, 303, 307, 308] {
        let upstream = fixed_upstream(
            StatusCode::from_u16(status).expect("status"),
            vec![
                ("location", "https://evil.example/steal"),
                ("refresh", "0; url=https://evil.example/"),
            ],
            b"moved".to_vec(),
        )
        .await;
        let server = TestServer::start(config(&dist, &upstream)).await;
        let reply = send(
            Method::POST,
            &server.url(&format!("{INSTANCE_PATH}/stop")),
            &[("authorization", &bearer())],
            "{\"instanceId\":\"x\"}",
        )
        .await;
        let json = reply.assert_error(502);
        assert_eq!(json["reason"], "UPSTREAM_REDIRECT", "{status}");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .contains(&status.to_string()),
            "{json}"
        );
        assert!(reply.header("location").is_none(), "{status}");
        assert!(reply.header("refresh").is_none(), "{status}");
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("gzip");
    encoder.finish().expect("gzip")
}

#[tokio::test]
async fn a_compressed_answer_is_decoded_and_capped_by_what_it_expands_to() {
    let dist = Dist::new();
    let json = fake_novita::fixture("full")
        .expect("fixture")
        .as_bytes()
        .to_vec();
    let upstream = fixed_upstream(
        StatusCode::OK,
        vec![
            ("content-encoding", "gzip"),
            ("content-type", "application/json"),
        ],
        gzip(&json),
    )
    .await;
    let server = TestServer::start(config(&dist, &upstream)).await;
    let url = server.url(&format!("{INSTANCE_PATH}?instanceId=x"));
    let reply = get(&url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-encoding"), None);
    assert_eq!(&reply.body[..], &json[..]);
    assert_eq!(
        reply.header("content-length"),
        Some(json.len().to_string().as_str())
    );

    // 64 MiB of zeros is 64 KiB gzipped: under any cap on the wire, far over it expanded.
    let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 100 * 1024);
    let upstream = fixed_upstream(
        StatusCode::OK,
        vec![
            ("content-encoding", "gzip"),
            ("content-type", "application/json"),
        ],
        bomb,
    )
    .await;
    let mut config = config(&dist, &upstream);
    config.max_response_body = 1024 * 1024;
    let server = TestServer::start(config).await;
    let reply = get(
        &server.url(&format!("{INSTANCE_PATH}?instanceId=x")),
        &[("accept-encoding", "gzip")],
    )
    .await;
    let json = reply.assert_error(502);
    assert_eq!(json["reason"], "UPSTREAM_RESPONSE_TOO_LARGE");
}
