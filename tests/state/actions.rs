//! The action rules, natively: one POST per confirmation whatever is clicked twice, never a
//! resend (a timeout is an unknown outcome, followed by a look at the instance), the tracker's
//! faster rate until the target status, two minutes without movement reported, one action per
//! instance, bulk sends a few at a time, and no action at all before config.json or in
//! read-only mode.

use super::{answer, bare_page, config_with_base, open_for, page, requests_for, BASE, KEY};
use crate::fake_env::FakeEnv;
use instance_model::actions::{Action, Progress, Run, Target, MAX_IN_FLIGHT, STUCK_AFTER_MS};
use instance_model::settings::Config;
use instance_model::{ApiError, Status};
use leptos::prelude::*;
use novita_instance_viewer::state::AppState;
use std::rc::Rc;

fn action_url(action: &str) -> String {
    format!("{BASE}/gpu-instance/openapi/v1/gpu/instance/{action}")
}

/// The indexes of the POSTs sent so far.
fn posts(env: &FakeEnv) -> Vec<usize> {
    (0..env.sent_count())
        .filter(|i| env.request(*i).method == "POST")
        .collect()
}

fn run_of(state: &AppState, id: &str) -> Run {
    untrack(|| state.action_run(id)).expect("a run for the instance")
}

/// The instance on screen, loaded with `status`, as the target of an action.
fn shown(env: &FakeEnv, state: &AppState, id: &str, status: &str) -> Target {
    state.load(id);
    answer(env, id, status);
    Target {
        id: id.into(),
        name: format!("box-{id}"),
        status: Status::from_api(status),
        keep_data_day: None,
    }
}

fn target(id: &str, status: Status) -> Target {
    Target {
        id: id.into(),
        name: format!("box-{id}"),
        status,
        keep_data_day: None,
    }
}

#[test]
fn a_confirmed_action_sends_one_post_with_the_id_and_the_key_only_in_the_header() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "running");
    assert!(state.ask(Action::Stop, vec![abc]));
    assert!(untrack(|| state.confirmation()).is_some());
    assert!(posts(&env).is_empty(), "asking sends nothing");

    assert!(state.confirm(""));
    assert!(
        !state.confirm(""),
        "a second confirm finds nothing to confirm"
    );
    assert!(!state.confirm(""));
    let sent = posts(&env);
    assert_eq!(sent.len(), 1, "one POST for one confirmation");
    let request = env.request(sent[0]);
    assert_eq!(request.url, action_url("stop"));
    assert_eq!(request.body.as_deref(), Some(r#"{"instanceId":"abc"}"#));
    assert_eq!(request.authorization, format!("Bearer {KEY}"));
    assert_eq!(run_of(&state, "abc").state_str(), "sending");
    assert!(untrack(|| state.confirmation()).is_none());

    env.answer(sent[0], 200, "");
    assert_eq!(run_of(&state, "abc").state_str(), "accepted");
    // Asking again while it is followed is refused: one action per instance at a time.
    assert!(!state.ask(Action::Restart, vec![target("abc", Status::Running)]));
    env.advance(600_000.0);
    assert_eq!(posts(&env).len(), 1, "never sent again");
}

#[test]
fn cancel_sends_nothing_and_leaves_nothing_to_confirm() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "running");
    assert!(state.ask(Action::Restart, vec![abc]));
    state.cancel_confirmation();
    assert!(!state.confirm(""));
    env.advance(60_000.0);
    assert!(posts(&env).is_empty());
    assert!(untrack(|| state.action_run("abc")).is_none());
}

#[test]
fn a_timeout_is_an_unknown_outcome_the_instance_is_checked_and_nothing_is_resent() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "running");
    state.ask(Action::Stop, vec![abc]);
    state.confirm("");
    let gets_before = requests_for(&env, "abc");
    env.answer_with(posts(&env)[0], Err(ApiError::Timeout { after_secs: 20 }));
    let run = run_of(&state, "abc");
    assert_eq!(run.state_str(), "unknown");
    assert!(run
        .words(&|_| "12:00:00".into())
        .contains("may or may not have been applied. It was not sent again."));
    assert_eq!(
        requests_for(&env, "abc"),
        gets_before + 1,
        "the instance is fetched at once to find out"
    );
    // It had been applied after all: the status tells.
    answer(&env, "abc", "stopping");
    assert_eq!(run_of(&state, "abc").progress(), Progress::Moving);
    env.advance(10_000.0);
    answer(&env, "abc", "exited");
    assert_eq!(run_of(&state, "abc").progress(), Progress::Reached);
    env.advance(600_000.0);
    assert_eq!(posts(&env).len(), 1, "never resent");
}

#[test]
fn a_dropped_connection_is_unknown_too() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "exited");
    state.ask(Action::Start, vec![abc]);
    state.confirm("");
    env.answer_with(posts(&env)[0], Err(ApiError::Network));
    assert_eq!(run_of(&state, "abc").state_str(), "unknown");
    env.advance(600_000.0);
    assert_eq!(posts(&env).len(), 1);
}

#[test]
fn after_acceptance_the_tracker_refreshes_at_the_in_progress_rate_until_the_target() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "running");
    // Steady: the next refresh is 10 s after the load.
    env.advance(4_000.0);
    state.ask(Action::Stop, vec![abc]);
    state.confirm("");
    env.answer(posts(&env)[0], 200, "");
    assert_eq!(requests_for(&env, "abc"), 1);
    // 3 s from the last fetch, not 10: already due.
    env.advance(0.0);
    assert_eq!(
        requests_for(&env, "abc"),
        2,
        "due at once: 4 s since the last fetch"
    );
    // Still "running" (not moved yet): the rate stays fast.
    answer(&env, "abc", "running");
    env.advance(3_000.0);
    assert_eq!(requests_for(&env, "abc"), 3);
    answer(&env, "abc", "exited");
    assert_eq!(run_of(&state, "abc").progress(), Progress::Reached);
    // Reached: back to the steady 10 s.
    env.advance(9_999.0);
    assert_eq!(requests_for(&env, "abc"), 3);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), 4);
}

#[test]
fn two_minutes_without_movement_are_reported_and_the_rate_slows_again() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "exited");
    state.ask(Action::Start, vec![abc]);
    state.confirm("");
    env.answer(posts(&env)[0], 200, "{}");
    // Fetched every 3 s, never moving: 39 fetches up to 117 s after acceptance.
    for _ in 0..39 {
        env.advance(3_000.0);
        answer(&env, "abc", "exited");
        assert_eq!(run_of(&state, "abc").progress(), Progress::Waiting);
    }
    env.advance(2_999.0);
    assert_eq!(run_of(&state, "abc").progress(), Progress::Waiting);
    env.advance(1.0);
    assert_eq!(STUCK_AFTER_MS, 120_000);
    assert_eq!(run_of(&state, "abc").progress(), Progress::Stuck);
    assert!(run_of(&state, "abc")
        .words(&|_| "t".into())
        .contains("has not moved in two minutes (still Stopped)"));
    // Stuck: back to the steady 10 s from the last fetch (at 117 s), and the operator may act
    // again.
    let before = requests_for(&env, "abc");
    env.advance(6_999.0);
    assert_eq!(requests_for(&env, "abc"), before);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), before + 1);
    assert!(state.ask(Action::Start, vec![target("abc", Status::Exited)]));
    assert_eq!(posts(&env).len(), 1);
}

#[test]
fn a_refusal_frees_the_instance_and_checks_it_at_once() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "running");
    state.ask(Action::Stop, vec![abc]);
    state.confirm("");
    env.answer(
        posts(&env)[0],
        400,
        r#"{"code":400,"reason":"OPERATION_LIMIT","message":"cannot stop an instance whose status is exited"}"#,
    );
    let run = run_of(&state, "abc");
    assert_eq!(run.state_str(), "failed");
    assert!(run.words(&|_| "t".into()).contains("(OPERATION_LIMIT)"));
    assert_eq!(open_for(&env, "abc").len(), 1, "fetched at once");
    answer(&env, "abc", "exited");
    assert!(state.ask(Action::Start, vec![target("abc", Status::Exited)]));
}

#[test]
fn delete_needs_the_name_and_the_instance_gone_is_its_end() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "exited");
    assert!(!state.ask(
        Action::Delete,
        vec![abc.clone(), target("other", Status::Exited)]
    ));
    assert!(state.ask(Action::Delete, vec![abc]));
    assert!(!state.confirm(""));
    assert!(!state.confirm("box-ab"));
    assert!(!state.confirm("BOX-ABC"));
    assert!(posts(&env).is_empty());
    assert!(untrack(|| state.confirmation()).is_some(), "still asking");
    assert!(state.confirm("box-abc"));
    assert_eq!(env.request(posts(&env)[0]).url, action_url("delete"));
    env.answer(posts(&env)[0], 200, r#"{"ok":true}"#);
    env.advance(3_000.0);
    env.answer(
        open_for(&env, "abc")[0],
        400,
        r#"{"code":400,"reason":"RESOURCE_NOT_FOUND","message":"instance not found"}"#,
    );
    assert_eq!(run_of(&state, "abc").progress(), Progress::Reached);
}

#[test]
fn a_bulk_confirmation_is_sent_a_few_at_a_time_each_with_its_own_outcome() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let ids = ["a", "b", "c", "d", "e"];
    let mut targets: Vec<Target> = ids.iter().map(|id| target(id, Status::Running)).collect();
    targets.push(target("stopped", Status::Exited));
    assert!(state.ask(Action::Stop, targets));
    let asked = untrack(|| state.confirmation()).expect("a confirmation");
    assert_eq!(asked.targets.len(), 5, "the stopped one cannot be stopped");
    assert!(state.confirm(""));
    assert!(!state.confirm(""));
    let sent = posts(&env);
    assert_eq!(sent.len(), MAX_IN_FLIGHT);
    assert_eq!(run_of(&state, "d").state_str(), "queued");
    env.answer(sent[0], 200, "");
    assert_eq!(
        posts(&env).len(),
        MAX_IN_FLIGHT + 1,
        "one done, the next goes"
    );
    env.answer(
        sent[1],
        429,
        r#"{"code":429,"reason":"RATE_LIMITED","message":"slow down"}"#,
    );
    env.answer(sent[2], 200, "");
    let all = posts(&env);
    assert_eq!(all.len(), ids.len(), "each sent exactly once");
    for i in &all[3..] {
        env.answer(*i, 200, "");
    }
    let states: Vec<&str> = ids
        .iter()
        .map(|id| match run_of(&state, id).state_str() {
            "accepted" => "accepted",
            "failed" => "failed",
            other => panic!("{id} is {other}"),
        })
        .collect();
    assert_eq!(
        states,
        ["accepted", "failed", "accepted", "accepted", "accepted"]
    );
    let bodies: Vec<String> = all
        .iter()
        .map(|i| env.request(*i).body.unwrap_or_default())
        .collect();
    for id in ids {
        assert_eq!(
            bodies
                .iter()
                .filter(|b| **b == format!(r#"{{"instanceId":"{id}"}}"#))
                .count(),
            1,
            "{id}"
        );
    }
    env.advance(600_000.0);
    assert_eq!(posts(&env).len(), ids.len());
}

#[test]
fn a_followed_instance_stays_fresh_off_screen_until_its_action_is_done() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let abc = shown(&env, &state, "abc", "running");
    state.ask(Action::Stop, vec![abc]);
    state.confirm("");
    env.answer(posts(&env)[0], 200, "");
    state.load("other");
    answer(&env, "other", "running");
    env.advance(3_000.0);
    assert!(state.tracker("abc", false).is_some(), "kept while followed");
    answer(&env, "abc", "exited");
    assert_eq!(run_of(&state, "abc").progress(), Progress::Reached);
    env.advance(0.0);
    assert!(state.tracker("abc", false).is_none(), "disposed once done");
}

#[test]
fn nothing_is_offered_before_config_json_or_when_it_says_read_only() {
    let env = FakeEnv::new();
    let (_owner, state) = bare_page(&env);
    state.set_api_key(KEY.to_string());
    let abc = target("abc", Status::Running);
    assert!(
        !untrack(|| state.actions_allowed()),
        "config.json not read yet"
    );
    assert!(!state.ask(Action::Stop, vec![abc.clone()]));

    let read_only = instance_model::settings::parse_config(r#"{"readOnly": true}"#)
        .expect("a read-only config");
    state.apply_config(Ok(read_only));
    assert!(!untrack(|| state.actions_allowed()));
    assert!(!state.ask(Action::Stop, vec![abc.clone()]));
    assert!(!state.confirm(""));
    assert_eq!(env.sent_count(), 0);

    let unreadable = AppState::new(Rc::new(env.clone()));
    unreadable.apply_config(Err("config.json is not valid JSON".into()));
    assert!(
        !untrack(|| unreadable.actions_allowed()),
        "an unreadable config.json may have meant read-only"
    );

    let open = AppState::new(Rc::new(env.clone()));
    open.apply_config(Ok(config_with_base(BASE)));
    assert!(untrack(|| open.actions_allowed()));
    open.apply_config(Ok(Config::default()));
    assert!(untrack(|| open.actions_allowed()));
}

#[test]
fn an_action_without_a_key_fails_in_words_and_sends_nothing() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.ask(Action::Stop, vec![target("abc", Status::Running)]);
    state.forget_key();
    assert!(state.confirm(""));
    assert!(posts(&env).is_empty());
    let run = run_of(&state, "abc");
    assert_eq!(run.state_str(), "failed");
    assert!(run.words(&|_| "t".into()).contains("no API key"));
}
