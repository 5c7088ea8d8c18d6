//! `--read-only`: every POST to the API paths is refused here, nothing reaches the API, and
//! `config.json` tells the page so.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use fake_novita::{FakeNovita, INSTANCE_PATH};

#[tokio::test]
async fn posts_are_refused_without_reaching_the_api() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let mut config = config(&dist, &fake.base_url());
    config.read_only = true;
    let server = TestServer::start(config).await;
    let id = fixture_id("full");
    let body = format!("{{\"instanceId\":\"{id}\"}}");
    for path in [
        format!("{INSTANCE_PATH}/start"),
        format!("{INSTANCE_PATH}/stop"),
        format!("{INSTANCE_PATH}/restart"),
        format!("{INSTANCE_PATH}/delete"),
        format!("{INSTANCE_PATH}/edit"),
        "/gpu-instance/openapi/v1/gpu/instance/create".to_owned(),
        "/openapi/v1/metrics/gpu/instance".to_owned(),
    ] {
        let reply = send(
            Method::POST,
            &server.url(&path),
            &[
                ("authorization", &bearer()),
                ("content-type", "application/json"),
            ],
            &body,
        )
        .await;
        let json = reply.assert_error(403);
        assert_eq!(json["reason"], "READ_ONLY", "{path}");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .starts_with("This deployment is read-only: "),
            "{json}"
        );
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    assert_eq!(fake.instance(&id).expect("instance")["status"], "running");

    // Looking still works.
    let reply = get(
        &server.url(&format!("{INSTANCE_PATH}?instanceId={id}")),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(fake.requests().len(), 1);

    // The page is told, and the log streams still go through here.
    let config_json = get(&server.url("/config.json"), &[]).await;
    assert_eq!(
        config_json.text(),
        r#"{"apiBase":"","proxyLogs":true,"readOnly":true}"#
    );
    let log = server.log.text();
    assert!(
        log.contains(&format!("POST {INSTANCE_PATH}/stop 403 ")),
        "{log}"
    );
    assert!(log.contains("READ_ONLY"), "{log}");
}

#[tokio::test]
async fn without_read_only_the_same_post_goes_through() {
    let dist = Dist::new();
    let fake = FakeNovita::start().await.expect("fake-novita");
    let server = TestServer::start(config(&dist, &fake.base_url())).await;
    let id = fixture_id("full");
    let reply = send(
        Method::POST,
        &server.url(&format!("{INSTANCE_PATH}/stop")),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
        ],
        &format!("{{\"instanceId\":\"{id}\"}}"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(fake.requests().len(), 1);
    let config_json = get(&server.url("/config.json"), &[]).await;
    assert!(
        !config_json.text().contains("readOnly"),
        "{}",
        config_json.text()
    );
}

#[tokio::test]
async fn a_dist_config_json_gets_read_only_added() {
    let dist = Dist::new();
    dist.write(
        "/config.json",
        br#"{"apiBase":"https://proxy.example.com","readOnly":false}"#,
    );
    let mut config = config(&dist, "http://127.0.0.1:9");
    config.read_only = true;
    let server = TestServer::start(config).await;
    let reply = get(&server.url("/config.json"), &[]).await;
    let json = reply.json();
    assert_eq!(json["readOnly"], true, "{json}");
    assert_eq!(json["apiBase"], "https://proxy.example.com", "{json}");

    // One that cannot carry it is refused at start-up, rather than served without it.
    for bad in [&b"[1,2]"[..], b"not json"] {
        dist.write("/config.json", bad);
        let mut config = common::config(&dist, "http://127.0.0.1:9");
        config.read_only = true;
        let err = novita_viewer_server::Server::new(config)
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("--read-only") && err.contains("config.json"),
            "{err}"
        );
    }
}
