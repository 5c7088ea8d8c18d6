//! Get Instance over loopback: the key check, the fixtures served verbatim, and every scenario.

mod common;

use std::time::{Duration, Instant};

use common::{assert_error, client, get_instance, header, instance_url, json, server};
use fake_novita::{fixture, FIXTURES, INSTANCE_PATH, TEST_API_KEY};
use serde_json::Value;

#[tokio::test]
async fn missing_key_is_401() {
    let server = server().await;
    let response = client()
        .get(instance_url(&server, "7f3e2a9c1b4d5e60"))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 401, "INVALID_API_KEY").await;
    assert_eq!(body["message"], "Invalid or missing API key");
}

#[tokio::test]
async fn wrong_or_malformed_keys_are_401() {
    let server = server().await;
    let url = instance_url(&server, "7f3e2a9c1b4d5e60");
    for value in [
        "Bearer sk_wrong".to_owned(),
        TEST_API_KEY.to_owned(),
        format!("Bearer  {TEST_API_KEY}"),
        format!("Bearer {TEST_API_KEY}x"),
        format!("Basic {TEST_API_KEY}"),
        "Bearer".to_owned(),
    ] {
        let response = client()
            .get(&url)
            .header("authorization", &value)
            .send()
            .await
            .unwrap();
        assert_error(response, 401, "INVALID_API_KEY").await;
    }
}

#[tokio::test]
async fn auth_comes_before_scenarios() {
    let server = server().await;
    for id in ["fail-500-html", "hang", "no-cors", "nonexistent"] {
        let response = client()
            .get(instance_url(&server, id))
            .send()
            .await
            .unwrap();
        assert_error(response, 401, "INVALID_API_KEY").await;
    }
}

#[tokio::test]
async fn bearer_scheme_is_case_insensitive() {
    let server = server().await;
    let response = client()
        .get(instance_url(&server, "min-0001"))
        .header("authorization", format!("bearer {TEST_API_KEY}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn every_fixture_is_served_verbatim_under_its_id() {
    let server = server().await;
    for (name, text) in FIXTURES {
        let value: Value = serde_json::from_str(text).unwrap();
        let id = match &value["id"] {
            Value::String(id) => id.clone(),
            other => other.to_string(),
        };
        let response = get_instance(&server, &id).send().await.unwrap();
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            header(&response, "content-type").as_deref(),
            Some("application/json")
        );
        assert_eq!(response.text().await.unwrap(), *text, "{name}");
    }
}

#[tokio::test]
async fn numeric_id_is_served_as_text() {
    let server = server().await;
    let response = get_instance(&server, "4242").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["id"], 4242);
}

#[tokio::test]
async fn instance_id_is_percent_decoded() {
    let server = server().await;
    server.put_instance(serde_json::json!({ "id": "a b/c&d", "status": "running" }));
    let response = get_instance(&server, "a%20b%2Fc%26d").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["id"], "a b/c&d");
}

#[tokio::test]
async fn unknown_id_is_400_resource_not_found() {
    let server = server().await;
    let response = get_instance(&server, "does-not-exist")
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    assert_eq!(body["message"], "instance not found");
}

#[tokio::test]
async fn missing_or_empty_instance_id_is_invalid_parameter() {
    let server = server().await;
    for url in [
        format!("{}{INSTANCE_PATH}", server.base_url()),
        format!("{}{INSTANCE_PATH}?instanceId=", server.base_url()),
        format!("{}{INSTANCE_PATH}?id=7f3e2a9c1b4d5e60", server.base_url()),
        format!(
            "{}{INSTANCE_PATH}?instanceId=a&instanceId=b",
            server.base_url()
        ),
    ] {
        let response = client()
            .get(&url)
            .bearer_auth(TEST_API_KEY)
            .send()
            .await
            .unwrap();
        assert_error(response, 400, "INVALID_PARAMETER").await;
    }
}

#[tokio::test]
async fn other_paths_are_404_json() {
    let server = server().await;
    for path in [
        "/",
        "/gpu-instance/openapi/v1/gpu/instances/all",
        "/gpu-instance/openapi/v1/metrics/gpu/instance",
        "/gpu-instance/openapi/v1/gpu/instance/",
        "/gpu-instance/openapi/v1/gpu/instance/delete",
    ] {
        let response = client()
            .get(format!("{}{path}", server.base_url()))
            .bearer_auth(TEST_API_KEY)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        // The action path exists for POST only.
        let expected = if path.ends_with("/delete") { 405 } else { 404 };
        assert_eq!(status, expected, "{path}");
        let body = json(response).await;
        assert_eq!(body["code"], expected, "{path}");
    }
}

#[tokio::test]
async fn json_error_scenarios() {
    let server = server().await;
    let cases = [
        ("http-404", 404, "NOT_FOUND"),
        ("fail-403", 403, "PERMISSION_DENIED"),
        ("fail-429", 429, "RATE_LIMITED"),
        ("fail-400", 400, "INVALID_PARAMETER"),
        ("fail-504-json", 504, "GATEWAY_TIMEOUT"),
    ];
    for (id, status, reason) in cases {
        let response = get_instance(&server, id).send().await.unwrap();
        let retry_after = header(&response, "retry-after");
        let body = assert_error(response, status, reason).await;
        match id {
            "fail-429" => assert_eq!(retry_after.as_deref(), Some("30")),
            _ => assert_eq!(retry_after, None, "{id}"),
        }
        match id {
            "fail-400" => assert_eq!(body["message"], "instanceId is invalid"),
            "fail-504-json" => assert_eq!(body["message"], "backend timeout"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn non_json_error_scenarios() {
    let server = server().await;

    let response = get_instance(&server, "fail-500-html").send().await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("text/html")
    );
    let body = response.text().await.unwrap();
    assert!(body.contains("<html>") && body.contains("500 Internal Server Error"));

    let response = get_instance(&server, "fail-502-text").send().await.unwrap();
    assert_eq!(response.status(), 502);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(response.text().await.unwrap(), "Bad Gateway");

    let response = get_instance(&server, "fail-503-empty")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn odd_success_scenarios() {
    let server = server().await;

    let response = get_instance(&server, "ok-html").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("<form"));

    let response = get_instance(&server, "ok-truncated").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("application/json")
    );
    let body = response.text().await.unwrap();
    let full = fixture("full").unwrap();
    assert!(full.starts_with(&body));
    assert!(body.len() > full.len() / 2 && body.len() < full.len() * 2 / 3);
    assert!(serde_json::from_str::<Value>(&body).is_err());

    let response = get_instance(&server, "ok-array").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "[]");

    let response = get_instance(&server, "ok-empty").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn slow_waits_then_serves_full_under_its_own_id() {
    let server = server().await;
    let started = Instant::now();
    let response = get_instance(&server, "slow-300").send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["id"], "slow-300");
    assert_eq!(body["name"], "llama-finetune-a100");
}

#[tokio::test]
async fn slow_with_bad_number_is_unknown() {
    let server = server().await;
    for id in ["slow-", "slow-abc", "slow--5"] {
        let response = get_instance(&server, id).send().await.unwrap();
        assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    }
}

#[tokio::test]
async fn big_has_that_many_rows() {
    let server = server().await;
    let response = get_instance(&server, "big-500").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["id"], "big-500");
    assert_eq!(body["status"], "running");
    let ports = body["portMappings"].as_array().unwrap();
    assert_eq!(ports.len(), 500);
    assert_eq!(body["volumeMounts"].as_array().unwrap().len(), 500);
    let envs = body["envs"].as_array().unwrap();
    assert_eq!(envs.len(), 500);
    assert!(envs.iter().any(|env| env["key"] == "TOKEN_12"));

    let http = ports.iter().filter(|p| p["type"] == "http").count();
    let tcp = ports.iter().filter(|p| p["type"] == "tcp").count();
    assert!(http > 0 && tcp > 0 && http + tcp == 500);
    for port in ports {
        let endpoint = port["endpoint"].as_str().unwrap();
        let number = port["port"].as_u64().unwrap();
        if port["type"] == "http" {
            let host = endpoint
                .strip_prefix("https://")
                .and_then(|rest| rest.strip_suffix(".us-ca-1.gpu-instance.novita.ai"))
                .unwrap();
            let (hex, suffix) = host.split_once('-').unwrap();
            assert_eq!(hex.len(), 16);
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_eq!(suffix, number.to_string());
        } else {
            assert!(endpoint.starts_with("proxy.us-ca-6.gpu-instance.novita.ai:"));
        }
    }
    let mut numbers: Vec<u64> = ports.iter().map(|p| p["port"].as_u64().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 500, "ports are distinct");
}

#[tokio::test]
async fn big_limits() {
    let server = server().await;
    let response = get_instance(&server, "big-5000").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        json(response).await["portMappings"]
            .as_array()
            .unwrap()
            .len(),
        5000
    );

    let response = get_instance(&server, "big-0").send().await.unwrap();
    assert_eq!(json(response).await["portMappings"], serde_json::json!([]));

    for id in ["big-5001", "big-007", "big-+7", "big-", "big-x"] {
        let response = get_instance(&server, id).send().await.unwrap();
        assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    }
}

#[tokio::test]
async fn new_failure_scenarios_by_id() {
    let server = server().await;
    let response = get_instance(&server, "fail-401").send().await.unwrap();
    assert_error(response, 401, "INVALID_API_KEY").await;
    let response = get_instance(&server, "fail-500").send().await.unwrap();
    assert_error(response, 500, "INTERNAL_SERVER_ERROR").await;
    for (id, seconds) in [
        ("fail-429-0", "0"),
        ("fail-429-5", "5"),
        ("fail-429-86400", "86400"),
    ] {
        let response = get_instance(&server, id).send().await.unwrap();
        assert_eq!(header(&response, "retry-after").as_deref(), Some(seconds));
        assert_error(response, 429, "RATE_LIMITED").await;
    }
    for id in ["fail-429-86401", "fail-429-05", "fail-429-", "fail-429-x"] {
        let response = get_instance(&server, id).send().await.unwrap();
        assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    }
    let err = get_instance(&server, "drop")
        .send()
        .await
        .expect_err("no answer at all");
    assert!(!err.is_timeout() && err.status().is_none(), "{err}");
    // The server is still there after a dropped connection.
    assert_eq!(
        get_instance(&server, "min-0001")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
