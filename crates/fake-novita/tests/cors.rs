//! CORS: present on every answer but `no-cors`, and preflights answered without a key.

mod common;

use common::{get_instance, header, instance_url, preflight, server, ORIGIN};

const CORS_HEADERS: [&str; 5] = [
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
];

#[tokio::test]
async fn preflight_is_204_with_allow_headers_and_needs_no_key() {
    let server = server().await;
    let response = preflight(&instance_url(&server, "7f3e2a9c1b4d5e60"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some(ORIGIN)
    );
    assert_eq!(
        header(&response, "access-control-allow-methods").as_deref(),
        Some("GET, POST, OPTIONS")
    );
    let allowed = header(&response, "access-control-allow-headers").unwrap();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    assert_eq!(
        header(&response, "access-control-max-age").as_deref(),
        Some("600")
    );
    assert_eq!(header(&response, "vary").as_deref(), Some("Origin"));

    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].method, "OPTIONS");
    assert_eq!(recorded[0].authorization, None);
    assert_eq!(recorded[0].origin.as_deref(), Some(ORIGIN));
}

#[tokio::test]
async fn preflight_for_actions_and_unknown_ids_is_answered_too() {
    let server = server().await;
    for url in [
        format!(
            "{}/gpu-instance/openapi/v1/gpu/instance/stop",
            server.base_url()
        ),
        instance_url(&server, "fail-500-html"),
        instance_url(&server, "hang"),
    ] {
        let response = preflight(&url).send().await.unwrap();
        assert_eq!(response.status(), 204, "{url}");
        assert_eq!(
            header(&response, "access-control-allow-origin").as_deref(),
            Some(ORIGIN)
        );
    }
}

#[tokio::test]
async fn answers_echo_origin_and_expose_retry_after() {
    let server = server().await;
    let response = get_instance(&server, "fail-429")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some(ORIGIN)
    );
    assert_eq!(
        header(&response, "access-control-expose-headers").as_deref(),
        Some("Retry-After")
    );
    assert_eq!(header(&response, "vary").as_deref(), Some("Origin"));
}

#[tokio::test]
async fn errors_and_unknown_paths_carry_cors_too() {
    let server = server().await;
    // A browser shows the app nothing of an answer without these, not even its status.
    let unauthenticated = common::client()
        .get(instance_url(&server, "7f3e2a9c1b4d5e60"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_eq!(
        header(&unauthenticated, "access-control-allow-origin").as_deref(),
        Some(ORIGIN)
    );

    let unknown_path = common::client()
        .get(format!("{}/nowhere", server.base_url()))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_path.status(), 404);
    assert_eq!(
        header(&unknown_path, "access-control-allow-origin").as_deref(),
        Some(ORIGIN)
    );
}

#[tokio::test]
async fn no_origin_gets_a_wildcard() {
    let server = server().await;
    let response = get_instance(&server, "min-0001").send().await.unwrap();
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some("*")
    );
}

#[tokio::test]
async fn no_cors_has_no_cors_headers_anywhere() {
    let server = server().await;
    let url = instance_url(&server, "no-cors");

    let response = preflight(&url).send().await.unwrap();
    for name in CORS_HEADERS {
        assert_eq!(header(&response, name), None, "preflight {name}");
    }

    let response = get_instance(&server, "no-cors")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for name in CORS_HEADERS {
        assert_eq!(header(&response, name), None, "GET {name}");
    }
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["id"], "no-cors");
    assert_eq!(body["status"], "running");

    // Still an API: the key is checked as usual.
    let response = common::client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(header(&response, "access-control-allow-origin"), None);
}
