//! Start, Stop, Restart and Delete: statuses that move on the stand-in's clock, refusals,
//! the configurable answer, failures on demand, and the record of every POST.

mod common;

use std::time::{Duration, Instant};

use common::{action_body, assert_error, client, header, json, post_action, server, status_of};
use fake_novita::{ACTION_PATH_PREFIX, LIST_PATH, TEST_API_KEY};
use serde_json::{json, Value};

/// `full.json`: running.
const RUNNING_ID: &str = "7f3e2a9c1b4d5e60";
/// `stopped-with-error.json`: exited.
const EXITED_ID: &str = "3c9d0e1f2a3b4c5d";

#[tokio::test]
async fn each_action_moves_the_instance_through_its_three_statuses() {
    let server = server().await;
    // The clock never gets there: the test moves each step itself.
    server.set_action_step(Duration::from_secs(3600));
    server.put_instance(json!({ "id": "to-start", "status": "exited" }));
    server.put_instance(json!({ "id": "to-restart", "status": "running" }));
    server.put_instance(json!({ "id": "to-delete", "status": "exited" }));
    let cases = [
        ("start", "to-start", ["toStart", "starting", "running"]),
        ("stop", RUNNING_ID, ["toStop", "stopping", "exited"]),
        (
            "restart",
            "to-restart",
            ["toRestart", "restarting", "running"],
        ),
        ("delete", "to-delete", ["toRemove", "removing", "removed"]),
    ];
    for (action, id, statuses) in cases {
        let response = post_action(&server, action, &action_body(id))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "{action}");
        assert_eq!(response.text().await.expect("a body"), "", "{action}");
        // The first status is there as soon as the answer is, and stays.
        assert_eq!(status_of(&server, id).await, statuses[0], "{action}");
        assert_eq!(status_of(&server, id).await, statuses[0], "{action}");
        for next in &statuses[1..] {
            assert_eq!(
                server.advance_status(id).as_deref(),
                Some(*next),
                "{action}"
            );
            assert_eq!(status_of(&server, id).await, *next, "{action}");
        }
        assert_eq!(server.advance_status(id), None, "{action} is over");
        assert_eq!(status_of(&server, id).await, statuses[2], "{action}");
    }
}

#[tokio::test]
async fn on_a_short_step_the_clock_brings_the_last_status() {
    let server = server().await;
    server.set_action_step(Duration::from_millis(100));
    let response = post_action(&server, "stop", &action_body(RUNNING_ID))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let give_up = Instant::now() + Duration::from_secs(30);
    let mut seen = vec![status_of(&server, RUNNING_ID).await];
    while seen.last().map(String::as_str) != Some("exited") && Instant::now() < give_up {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let status = status_of(&server, RUNNING_ID).await;
        if seen.last() != Some(&status) {
            seen.push(status);
        }
    }
    // Whether a poll landed on `stopping` depends on the machine; the order does not.
    assert!(
        seen == ["toStop", "stopping", "exited"] || seen == ["toStop", "exited"],
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_zero_step_goes_straight_to_the_last_status_in_get_and_the_list() {
    let server = server().await;
    server.set_action_step(Duration::ZERO);
    let id = "a1c4e7f0b3d62958";
    let response = post_action(&server, "stop", &action_body(id))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&server, id).await, "exited");
    let page = json(
        common::get_path(&server, &format!("{LIST_PATH}?pageSize=1&pageNum=1"))
            .send()
            .await
            .expect("the list answers"),
    )
    .await;
    assert_eq!(page["instances"][0]["id"], id);
    assert_eq!(page["instances"][0]["status"], "exited");
}

#[tokio::test]
async fn a_long_step_holds_the_first_status_in_the_list_too() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));
    let id = "d4f7b0c3e6a9528b"; // exited
    let response = post_action(&server, "start", &action_body(id))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let page = json(
        common::get_path(&server, &format!("{LIST_PATH}?pageSize=100&status=toStart"))
            .send()
            .await
            .expect("the list answers"),
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["instances"][0]["id"], id);
}

#[tokio::test]
async fn actions_the_status_does_not_allow_are_operation_limit() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));
    server.put_instance(json!({ "id": "gone", "status": "removing" }));
    server.put_instance(json!({ "id": "no-status", "name": "x" }));
    let refusals = [
        ("start", RUNNING_ID, "running"),
        ("stop", EXITED_ID, "exited"),
        ("restart", EXITED_ID, "exited"),
        ("delete", "gone", "removing"),
        ("start", "no-status", "unknown"),
        ("start", "unk-0001", "pending"),
    ];
    for (action, id, status) in refusals {
        let before = server.instance(id).expect("stored");
        let response = post_action(&server, action, &action_body(id))
            .send()
            .await
            .expect("answers");
        let body = assert_error(response, 400, "OPERATION_LIMIT").await;
        assert_eq!(
            body["message"],
            format!("cannot {action} an instance whose status is {status}")
        );
        assert_eq!(
            server.instance(id).expect("stored"),
            before,
            "{action} {id}"
        );
    }

    // A second action while the first is under way is refused too.
    let response = post_action(&server, "stop", &action_body(RUNNING_ID))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    for action in ["stop", "restart", "start"] {
        let response = post_action(&server, action, &action_body(RUNNING_ID))
            .send()
            .await
            .expect("answers");
        assert_error(response, 400, "OPERATION_LIMIT").await;
    }
    assert_eq!(status_of(&server, RUNNING_ID).await, "toStop");
    // Delete is still allowed while stopping.
    let response = post_action(&server, "delete", &action_body(RUNNING_ID))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&server, RUNNING_ID).await, "toRemove");
}

#[tokio::test]
async fn two_actions_at_once_are_accepted_once() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));
    let sends: Vec<_> = (0..8)
        .map(|_| tokio::spawn(post_action(&server, "stop", &action_body(RUNNING_ID)).send()))
        .collect();
    let mut accepted = 0;
    for send in sends {
        let response = send.await.expect("joins").expect("answers");
        match response.status().as_u16() {
            200 => accepted += 1,
            400 => {
                assert_error(response, 400, "OPERATION_LIMIT").await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(server.actions().len(), 8);
}

#[tokio::test]
async fn the_answer_to_an_accepted_action_is_configurable() {
    let server = server().await;
    server.set_action_step(Duration::ZERO);
    let cases = [
        (200, ""),
        (200, "{}"),
        (202, r#"{"code":0,"message":"success","data":{}}"#),
        (204, ""),
    ];
    for (status, body) in cases {
        server.set_action_answer(status, body);
        assert!(server.set_status(RUNNING_ID, "running"));
        let response = post_action(&server, "restart", &action_body(RUNNING_ID))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status().as_u16(), status);
        if status != 204 {
            assert_eq!(
                header(&response, "content-type").as_deref(),
                Some("application/json")
            );
        }
        assert_eq!(response.text().await.expect("a body"), body);
    }
}

#[tokio::test]
#[should_panic(expected = "is not a 2xx status")]
async fn an_action_answer_that_is_not_2xx_is_a_test_mistake() {
    let server = server().await;
    server.set_action_answer(500, "");
}

#[tokio::test]
async fn failures_on_demand_leave_the_instance_alone_then_actions_work_again() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));
    let body = action_body(RUNNING_ID);
    let cases = [
        ("fail-401", 401, Some("INVALID_API_KEY")),
        ("fail-403", 403, Some("PERMISSION_DENIED")),
        ("fail-500", 500, Some("INTERNAL_SERVER_ERROR")),
        ("fail-500-html", 500, None),
        ("fail-503-empty", 503, None),
    ];
    for (scenario, status, reason) in cases {
        server.fail_action_next(RUNNING_ID, scenario, 1);
        let response = post_action(&server, "stop", &body)
            .send()
            .await
            .expect("answers");
        match reason {
            Some(reason) => {
                assert_error(response, status, reason).await;
            }
            None => assert_eq!(response.status().as_u16(), status, "{scenario}"),
        }
        assert_eq!(
            status_of(&server, RUNNING_ID).await,
            "running",
            "{scenario}"
        );
    }

    server.fail_action_next(RUNNING_ID, "fail-429-3", 2);
    for _ in 0..2 {
        let response = post_action(&server, "stop", &body)
            .send()
            .await
            .expect("answers");
        assert_eq!(header(&response, "retry-after").as_deref(), Some("3"));
        assert_error(response, 429, "RATE_LIMITED").await;
    }
    // Another instance is not affected by this one's failures.
    server.fail_action_next(RUNNING_ID, "fail-500", 1);
    let response = post_action(&server, "start", &action_body(EXITED_ID))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    server.fail_action_next(RUNNING_ID, "", 0);

    let response = post_action(&server, "stop", &body)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&server, RUNNING_ID).await, "toStop");
}

#[tokio::test]
async fn hang_and_drop_give_no_answer_and_take_no_effect() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));
    let body = action_body(RUNNING_ID);

    server.fail_action_next(RUNNING_ID, "hang", 1);
    let err = post_action(&server, "stop", &body)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("hang does not answer");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(status_of(&server, RUNNING_ID).await, "running");

    server.fail_action_next(RUNNING_ID, "drop", 1);
    let err = post_action(&server, "stop", &body)
        .send()
        .await
        .expect_err("drop does not answer");
    assert!(!err.is_timeout() && err.status().is_none(), "{err}");
    assert_eq!(status_of(&server, RUNNING_ID).await, "running");
}

#[tokio::test]
async fn accept_hang_and_accept_drop_take_effect_without_an_answer() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));

    server.fail_action_next(RUNNING_ID, "accept-hang", 1);
    let err = post_action(&server, "stop", &action_body(RUNNING_ID))
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("accept-hang does not answer");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(status_of(&server, RUNNING_ID).await, "toStop");

    server.fail_action_next(EXITED_ID, "accept-drop", 1);
    let err = post_action(&server, "start", &action_body(EXITED_ID))
        .send()
        .await
        .expect_err("accept-drop does not answer");
    assert!(!err.is_timeout() && err.status().is_none(), "{err}");
    assert_eq!(status_of(&server, EXITED_ID).await, "toStart");
    // A resend now finds the action under way.
    let response = post_action(&server, "start", &action_body(EXITED_ID))
        .send()
        .await
        .expect("answers");
    assert_error(response, 400, "OPERATION_LIMIT").await;
}

#[tokio::test]
async fn every_action_received_is_recorded_exactly_once() {
    let server = server().await;
    server.set_action_step(Duration::from_secs(3600));
    server.fail_action_next(EXITED_ID, "fail-429", 1);
    let sent = [
        ("stop", RUNNING_ID), // accepted
        ("stop", RUNNING_ID), // refused
        ("start", EXITED_ID), // 429
        ("delete", "nobody"), // not found
    ];
    for (action, id) in sent {
        post_action(&server, action, &action_body(id))
            .send()
            .await
            .expect("answers");
    }
    // Neither a preflight nor a GET is an action.
    common::preflight(&format!("{}{ACTION_PATH_PREFIX}stop", server.base_url()))
        .send()
        .await
        .expect("answers");
    client()
        .get(format!("{}{ACTION_PATH_PREFIX}stop", server.base_url()))
        .send()
        .await
        .expect("answers");
    // Nor is a POST without a key, which still counts as received.
    client()
        .post(format!("{}{ACTION_PATH_PREFIX}restart", server.base_url()))
        .body("not json")
        .send()
        .await
        .expect("answers");

    let actions = server.actions();
    let summary: Vec<(&str, Option<&str>)> = actions
        .iter()
        .map(|a| (a.action.as_str(), a.instance_id.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            ("stop", Some(RUNNING_ID)),
            ("stop", Some(RUNNING_ID)),
            ("start", Some(EXITED_ID)),
            ("delete", Some("nobody")),
            ("restart", None),
        ]
    );
    let first = &actions[0].request;
    assert_eq!(first.body, action_body(RUNNING_ID));
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(
        first.authorization.as_deref(),
        Some(format!("Bearer {TEST_API_KEY}").as_str())
    );
    assert_eq!(actions[4].request.authorization, None);
    let stops = actions
        .iter()
        .filter(|a| a.action == "stop" && a.instance_id.as_deref() == Some(RUNNING_ID))
        .count();
    assert_eq!(stops, 2);
}

#[tokio::test]
async fn bad_requests_and_unknown_instances() {
    let server = server().await;
    let post = |action: &str, key: Option<&str>, body: &str| {
        let mut request = client()
            .post(format!("{}{ACTION_PATH_PREFIX}{action}", server.base_url()))
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    let good = action_body(EXITED_ID);

    let response = post("start", None, &good).await.expect("answers");
    assert_error(response, 401, "INVALID_API_KEY").await;
    let response = post("start", Some("sk_nope"), &good)
        .await
        .expect("answers");
    assert_error(response, 401, "INVALID_API_KEY").await;
    assert_eq!(status_of(&server, EXITED_ID).await, "exited");

    let key = Some(TEST_API_KEY);
    for body in [
        "",
        "not json",
        "{}",
        r#"{"instanceId":""}"#,
        r#"{"instanceId":5}"#,
        r#"{"instanceId":null}"#,
        "[]",
    ] {
        let response = post("start", key, body).await.expect("answers");
        assert_error(response, 400, "INVALID_PARAMETER").await;
    }
    let response = post("start", key, &action_body("nobody"))
        .await
        .expect("answers");
    assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    // Scenario ids answer actions as they answer Get.
    let response = post("stop", key, &action_body("fail-403"))
        .await
        .expect("answers");
    assert_error(response, 403, "PERMISSION_DENIED").await;
    let response = post("stop", key, &action_body("http-404"))
        .await
        .expect("answers");
    assert_error(response, 404, "NOT_FOUND").await;
    for action in ["pause", "Start", "start/", "upgrade"] {
        let response = post(action, key, &good).await.expect("answers");
        assert_error(response, 404, "NOT_FOUND").await;
    }
    let response = client()
        .get(format!("{}{ACTION_PATH_PREFIX}delete", server.base_url()))
        .bearer_auth(TEST_API_KEY)
        .send()
        .await
        .expect("answers");
    assert_error(response, 405, "METHOD_NOT_ALLOWED").await;
    assert_eq!(status_of(&server, EXITED_ID).await, "exited");
}

#[tokio::test]
#[should_panic(expected = "is not a scenario id")]
async fn an_unknown_scenario_for_actions_panics() {
    let server = server().await;
    server.fail_action_next(RUNNING_ID, "explode", 1);
}

#[tokio::test]
async fn the_instance_body_is_read_whatever_else_it_holds() {
    let server = server().await;
    server.set_action_step(Duration::ZERO);
    let body = json!({ "instanceId": EXITED_ID, "extra": [1, 2] }).to_string();
    let response = post_action(&server, "start", &body)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&server, EXITED_ID).await, "running");
    let stored: Value = server.instance(EXITED_ID).expect("stored");
    assert_eq!(stored["name"], "sd-xl-render", "only the status changed");
}
