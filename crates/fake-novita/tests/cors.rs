//! CORS: present on every answer but `no-cors`, and preflights answered without a key.

mod common;

use common::{
    action_body, get_instance, get_path, header, instance_url, post_action, preflight, server,
    ORIGIN,
};
use fake_novita::{ACTION_PATH_PREFIX, LIST_PATH, METRICS_PATH};

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

#[tokio::test]
async fn preflights_for_the_list_metrics_and_a_json_post_are_answered() {
    let server = server().await;
    let base = server.base_url();
    let cases = [
        (format!("{base}{LIST_PATH}?pageSize=100&pageNum=1"), "GET"),
        (
            format!("{base}{METRICS_PATH}?instanceId=7f3e2a9c1b4d5e60&startTime=1&interval=60"),
            "GET",
        ),
        (format!("{base}{ACTION_PATH_PREFIX}start"), "POST"),
        (format!("{base}{ACTION_PATH_PREFIX}delete"), "POST"),
    ];
    for (url, method) in cases {
        let response = common::client()
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", ORIGIN)
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{url}");
        assert_eq!(
            header(&response, "access-control-allow-origin").as_deref(),
            Some(ORIGIN)
        );
        let methods = header(&response, "access-control-allow-methods").unwrap();
        assert!(methods.contains(method), "{url}: {methods}");
        let allowed = header(&response, "access-control-allow-headers").unwrap();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    }
    assert!(server.actions().is_empty(), "a preflight is not an action");
}

#[tokio::test]
async fn answers_of_the_new_calls_carry_cors_and_expose_retry_after() {
    let server = server().await;
    server.fail_list_next("fail-429", 1);
    let list = get_path(&server, &format!("{LIST_PATH}?pageSize=10"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 429);
    let metrics = get_path(&server, &format!("{METRICS_PATH}?instanceId=min-0001"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let action = post_action(&server, "stop", &action_body("min-0001"))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(action.status(), 200);
    for response in [list, metrics, action] {
        assert_eq!(
            header(&response, "access-control-allow-origin").as_deref(),
            Some(ORIGIN)
        );
        assert_eq!(
            header(&response, "access-control-expose-headers").as_deref(),
            Some("Retry-After")
        );
    }
}
