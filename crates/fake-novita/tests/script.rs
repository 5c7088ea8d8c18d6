//! Scripted statuses and failures on demand: what the live-refresh browser tests lean on.

mod common;

use std::time::Duration;

use common::{get_instance, json, server};

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

async fn status(server: &fake_novita::FakeNovita) -> String {
    let response = get_instance(server, FULL_ID).send().await.expect("answers");
    assert_eq!(response.status(), 200);
    json(response).await["status"]
        .as_str()
        .expect("status is a string")
        .to_owned()
}

#[tokio::test]
async fn a_status_script_plays_on_its_clock() {
    let server = server().await;
    server.play_statuses(
        FULL_ID,
        &[
            ("creating", Duration::ZERO),
            ("pulling", Duration::from_millis(300)),
            ("running", Duration::from_millis(600)),
        ],
    );
    assert_eq!(status(&server).await, "creating");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(status(&server).await, "pulling");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status(&server).await, "running");
    // It stays at the last step.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(status(&server).await, "running");
}

#[tokio::test]
async fn a_script_that_has_not_begun_leaves_the_instance_as_it_is() {
    let server = server().await;
    server.play_statuses(FULL_ID, &[("stopping", Duration::from_secs(60))]);
    assert_eq!(status(&server).await, "running");
}

#[tokio::test]
async fn failures_on_demand_count_down_then_the_instance_returns() {
    let server = server().await;
    server.fail_next(FULL_ID, "fail-503-empty", 2);
    for _ in 0..2 {
        let response = get_instance(&server, FULL_ID)
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 503);
        assert_eq!(response.text().await.expect("body"), "");
    }
    assert_eq!(status(&server).await, "running");

    server.fail_next(FULL_ID, "fail-429", 1);
    let response = get_instance(&server, FULL_ID)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 429);
    assert_eq!(
        common::header(&response, "retry-after").as_deref(),
        Some("30")
    );
    assert_eq!(status(&server).await, "running");
}

#[tokio::test]
async fn clearing_failures_on_demand_restores_answers_at_once() {
    let server = server().await;
    server.fail_next(FULL_ID, "fail-500-html", u32::MAX);
    let response = get_instance(&server, FULL_ID)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 500);
    server.fail_next(FULL_ID, "", 0);
    assert_eq!(status(&server).await, "running");
}

#[tokio::test]
async fn a_status_set_by_hand_after_a_script_has_played_sticks() {
    let server = server().await;
    server.play_statuses(FULL_ID, &[("starting", Duration::ZERO)]);
    assert_eq!(status(&server).await, "starting");
    // The script has nothing left to play, so it must not win over a later change.
    assert!(server.set_status(FULL_ID, "exited"));
    assert_eq!(status(&server).await, "exited");
}

#[tokio::test]
async fn put_instance_replaces_a_script_in_progress() {
    let server = server().await;
    server.play_statuses(
        FULL_ID,
        &[
            ("creating", Duration::ZERO),
            ("running", Duration::from_millis(200)),
        ],
    );
    assert_eq!(status(&server).await, "creating");
    let mut changed = server.instance(FULL_ID).expect("the full fixture");
    changed["status"] = serde_json::json!("exited");
    server.put_instance(changed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(status(&server).await, "exited");
}

#[tokio::test]
async fn slow_and_truncated_on_demand_use_the_instance_itself() {
    let server = server().await;
    server.fail_next(FULL_ID, "ok-truncated", 1);
    let response = get_instance(&server, FULL_ID)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    let full = fake_novita::fixture("full").expect("the full fixture");
    assert!(full.starts_with(&body) && body.len() < full.len(), "{body}");

    server.fail_next(FULL_ID, "slow-100", 1);
    assert!(server.set_status(FULL_ID, "exited"));
    let body = json(
        get_instance(&server, FULL_ID)
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(body["id"], FULL_ID);
    assert_eq!(body["status"], "exited");
}

#[tokio::test]
#[should_panic(expected = "is not a scenario id")]
async fn an_unknown_scenario_on_demand_panics() {
    let server = server().await;
    server.fail_next(FULL_ID, "fail-503", 1);
}

#[tokio::test]
async fn advance_status_plays_a_script_step_by_step_whatever_the_clock() {
    let server = server().await;
    let hour = Duration::from_secs(3600);
    server.play_statuses(FULL_ID, &[("stopping", hour), ("exited", hour * 2)]);
    assert_eq!(status(&server).await, "running");
    assert_eq!(server.advance_status(FULL_ID).as_deref(), Some("stopping"));
    assert_eq!(status(&server).await, "stopping");
    assert_eq!(server.advance_status(FULL_ID).as_deref(), Some("exited"));
    assert_eq!(server.advance_status(FULL_ID), None);
    assert_eq!(status(&server).await, "exited");
    assert_eq!(server.advance_status("min-0001"), None, "nothing scripted");
}
