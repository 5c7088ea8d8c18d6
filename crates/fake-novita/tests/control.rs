//! What tests drive from outside: recording, changing instances at run time, and that `hang`
//! neither blocks other requests nor shutdown.

mod common;

use std::time::Duration;

use common::{client, get_instance, instance_url, json, server, ORIGIN};
use fake_novita::{FakeNovita, TEST_API_KEY};
use serde_json::json;
use tokio::net::TcpStream;

fn action_url(server: &FakeNovita, action: &str) -> String {
    format!(
        "{}/gpu-instance/openapi/v1/gpu/instance/{action}",
        server.base_url()
    )
}

#[tokio::test]
async fn records_method_path_query_key_origin_and_body() {
    let server = server().await;
    get_instance(&server, "min-0001")
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    client()
        .post(action_url(&server, "stop"))
        .bearer_auth(TEST_API_KEY)
        .body(r#"{"instanceId":"min-0001"}"#)
        .send()
        .await
        .unwrap();
    client()
        .get(format!("{}/elsewhere?x=%20y", server.base_url()))
        .send()
        .await
        .unwrap();

    let recorded = server.requests();
    assert_eq!(recorded.len(), 3);

    let get = &recorded[0];
    assert_eq!(get.method, "GET");
    assert_eq!(get.path, "/gpu-instance/openapi/v1/gpu/instance");
    assert_eq!(get.query.as_deref(), Some("instanceId=min-0001"));
    let bearer = format!("Bearer {TEST_API_KEY}");
    assert_eq!(get.authorization.as_deref(), Some(bearer.as_str()));
    assert_eq!(get.origin.as_deref(), Some(ORIGIN));
    assert_eq!(get.body, "");
    assert_eq!(get.header("Content-Type"), Some("application/json"));
    assert_eq!(get.header("origin"), Some(ORIGIN));
    assert!(get.headers.iter().any(|(name, _)| name == "host"));

    let post = &recorded[1];
    assert_eq!(post.method, "POST");
    assert_eq!(post.path, "/gpu-instance/openapi/v1/gpu/instance/stop");
    assert_eq!(post.query, None);
    assert_eq!(post.body, r#"{"instanceId":"min-0001"}"#);
    assert_eq!(post.origin, None);

    let other = &recorded[2];
    assert_eq!(other.path, "/elsewhere");
    assert_eq!(other.query.as_deref(), Some("x=%20y"));
    assert_eq!(other.authorization, None);

    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn put_instance_adds_and_replaces() {
    let server = server().await;
    server.put_instance(json!({ "id": "new-1", "name": "fresh", "status": "creating" }));
    let body = json(get_instance(&server, "new-1").send().await.unwrap()).await;
    assert_eq!(body["name"], "fresh");

    server.put_instance(json!({ "id": "7f3e2a9c1b4d5e60", "status": "exited" }));
    let body = json(
        get_instance(&server, "7f3e2a9c1b4d5e60")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        body,
        json!({ "id": "7f3e2a9c1b4d5e60", "status": "exited" })
    );

    // Stored instances win over scenario ids, so any of them can be made ordinary.
    server.put_instance(json!({ "id": "fail-403", "status": "running" }));
    let response = get_instance(&server, "fail-403").send().await.unwrap();
    assert_eq!(response.status(), 200);

    server.put_instance(json!({ "id": 77, "status": "running" }));
    assert_eq!(server.instance("77").unwrap()["id"], 77);
}

#[tokio::test]
#[should_panic(expected = "needs a string or number \"id\"")]
async fn put_instance_without_id_panics() {
    let server = server().await;
    server.put_instance(json!({ "status": "running" }));
}

#[tokio::test]
async fn set_status_changes_what_is_served() {
    let server = server().await;
    assert!(server.set_status("5a6b7c8d9e0f1a2b", "running"));
    let body = json(
        get_instance(&server, "5a6b7c8d9e0f1a2b")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["status"], "running");
    assert_eq!(body["name"], "vllm-serve-h100");
    assert_eq!(
        server.instance("5a6b7c8d9e0f1a2b").unwrap()["status"],
        "running"
    );

    assert!(!server.set_status("no-such-instance", "running"));
    assert!(!server.set_status("big-5", "running"));
    assert_eq!(server.instance("no-such-instance"), None);
}

#[tokio::test]
async fn hang_never_answers_but_others_still_do() {
    let server = server().await;
    let hung = client()
        .get(instance_url(&server, "hang"))
        .bearer_auth(TEST_API_KEY)
        .timeout(Duration::from_millis(500))
        .send()
        .await;
    let err = hung.expect_err("hang must not answer");
    assert!(err.is_timeout(), "{err}");

    // Left hanging in the background while another request goes through.
    let background = tokio::spawn(get_instance(&server, "hang").send());
    let response = get_instance(&server, "min-0001").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(!background.is_finished());
    assert!(server
        .requests()
        .iter()
        .any(|r| r.query.as_deref() == Some("instanceId=hang")));
}

#[tokio::test]
async fn drop_stops_the_server_even_with_requests_hanging() {
    let server = server().await;
    let addr = server.addr();
    let hanging = tokio::spawn(get_instance(&server, "hang").send());
    let slow = tokio::spawn(get_instance(&server, "slow-60000").send());
    // Give both requests time to reach their handlers before the shutdown.
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(server);

    for request in [hanging, slow] {
        let answer = tokio::time::timeout(Duration::from_secs(5), request)
            .await
            .expect("shutdown wakes waiting requests")
            .unwrap();
        // Either the 503 sent on shutdown or a closed connection: both mean it ended.
        if let Ok(response) = answer {
            assert_eq!(response.status(), 503);
        }
    }

    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(closed.is_ok(), "the port stops accepting after drop");
}
