//! Bulk Start / Stop from the fleet, natively: one confirmation sends one POST per selected
//! instance the action applies to, at most three at a time, never again; the rows it leaves
//! out are named with why; the fleet's list (not a tracker per instance) follows them at the
//! in-progress rate; the selection is kept by ID across refreshes and loses rows that leave
//! the list; a read-only deployment has no selection and sends nothing; and the idle filter
//! is in the address as `tone=idle`.

use crate::fake_env::FakeEnv;
use crate::fleet::{answer_list, entry, fleet_page, list_requests, open_pages};
use crate::{instance_url, BASE};
use instance_model::actions::{Action, Progress, MAX_IN_FLIGHT};
use instance_model::settings::parse_config;
use instance_model::{ApiError, Tone};
use leptos::prelude::*;
use novita_instance_viewer::state::env::Env;
use novita_instance_viewer::state::AppState;

fn stop_url() -> String {
    format!("{BASE}/gpu-instance/openapi/v1/gpu/instance/stop")
}

/// The POSTs sent so far, as (index, body).
fn posts(env: &FakeEnv) -> Vec<(usize, String)> {
    (0..env.sent_count())
        .map(|i| (i, env.request(i)))
        .filter(|(_, r)| r.method == "POST")
        .map(|(i, r)| {
            assert_eq!(r.url, stop_url(), "only stops are sent");
            (i, r.body.unwrap_or_default())
        })
        .collect()
}

fn open_posts(env: &FakeEnv) -> Vec<usize> {
    env.open_requests()
        .into_iter()
        .filter(|(_, url)| *url == stop_url())
        .map(|(i, _)| i)
        .collect()
}

fn state_of(state: &AppState, id: &str) -> &'static str {
    untrack(|| state.action_run(id)).map_or("none", |r| r.state_str())
}

fn selected(state: &AppState, ids: &[&str]) -> Vec<bool> {
    ids.iter()
        .map(|id| untrack(|| state.fleet().is_selected(id)))
        .collect()
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const RUNNING: [&str; 5] = ["r1", "r2", "r3", "r4", "r5"];

/// The fleet on screen: five running instances and one stopped.
fn fleet_of_six(env: &FakeEnv) -> (Owner, AppState) {
    let (owner, state) = fleet_page(env);
    let mut entries: Vec<_> = RUNNING.iter().map(|id| entry(id, "running")).collect();
    entries.push(entry("off", "exited"));
    answer_list(env, &entries);
    (owner, state)
}

fn list_with(statuses: &[(&str, &str)]) -> Vec<serde_json::Value> {
    statuses.iter().map(|(id, s)| entry(id, s)).collect()
}

#[test]
fn one_confirmation_sends_one_stop_per_running_selected_instance_three_at_a_time_and_never_again() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_of_six(&env);
    let mut all = ids(&RUNNING);
    all.push("off".into());
    state.select_fleet_rows(all, true);
    assert_eq!(untrack(|| state.fleet().selected_count()), 6);

    assert!(state.ask_for_selection(Action::Stop));
    let asked = untrack(|| state.confirmation()).expect("one confirmation");
    let targets: Vec<&str> = asked.targets.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        targets, RUNNING,
        "every running selected instance, in one dialog"
    );
    assert_eq!(asked.skipped.len(), 1);
    assert_eq!(asked.skipped[0].0.id, "off");
    assert_eq!(
        asked.skipped[0].1,
        "Only a running instance can be stopped; this one is stopped."
    );
    assert!(posts(&env).is_empty(), "asking sends nothing");

    assert!(state.confirm(""));
    assert!(!state.confirm(""), "a double confirm finds nothing");
    assert!(
        !state.ask_for_selection(Action::Stop),
        "what was sent is no longer selected"
    );
    assert_eq!(open_posts(&env).len(), MAX_IN_FLIGHT);
    assert_eq!(
        selected(&state, &["r1", "r5", "off"]),
        [false, false, true],
        "the confirmed rows leave the selection, the skipped one stays"
    );
    let mut answered = 0;
    while let Some(&first) = open_posts(&env).first() {
        assert!(open_posts(&env).len() <= MAX_IN_FLIGHT);
        env.answer(first, 200, "");
        answered += 1;
    }
    assert_eq!(answered, RUNNING.len());
    env.advance(600_000.0);
    let sent = posts(&env);
    assert_eq!(sent.len(), RUNNING.len(), "each sent once, never resent");
    for id in RUNNING {
        let body = format!(r#"{{"instanceId":"{id}"}}"#);
        assert_eq!(sent.iter().filter(|(_, b)| *b == body).count(), 1, "{id}");
        assert_eq!(state_of(&state, id), "accepted", "{id}");
    }
    assert_eq!(
        state_of(&state, "off"),
        "none",
        "the skipped one is left alone"
    );
}

#[test]
fn the_fleet_list_follows_the_stopped_instances_at_the_in_progress_rate_without_a_get_each() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_of_six(&env);
    state.select_fleet_rows(ids(&["r1", "r2"]), true);
    state.ask_for_selection(Action::Stop);
    state.confirm("");
    let lists_before = list_requests(&env);
    for i in open_posts(&env) {
        env.answer(i, 200, "");
    }
    // Steady instances alone would wait 10 s; followed ones make it 3 s.
    env.advance(3_000.0);
    assert_eq!(
        list_requests(&env),
        lists_before + 1,
        "the list at the in-progress rate"
    );
    let mut statuses: Vec<(&str, &str)> = RUNNING.iter().map(|id| (*id, "running")).collect();
    statuses[0].1 = "stopping";
    statuses[1].1 = "stopping";
    answer_list(&env, &list_with(&statuses));
    let progress = |id| untrack(|| state.action_run(id)).map(|r| r.progress());
    assert_eq!(progress("r1"), Some(Progress::Moving));
    env.advance(3_000.0);
    statuses[0].1 = "exited";
    statuses[1].1 = "exited";
    answer_list(&env, &list_with(&statuses));
    assert_eq!(progress("r1"), Some(Progress::Reached));
    assert_eq!(progress("r2"), Some(Progress::Reached));
    let lists = list_requests(&env);
    env.advance(9_999.0);
    assert_eq!(list_requests(&env), lists, "all there: back to 10 s");
    env.advance(1.0);
    assert_eq!(list_requests(&env), lists + 1);
    assert!(
        state.tracker("r1", false).is_none(),
        "no tracker per instance"
    );
    let gets = (0..env.sent_count())
        .filter(|i| env.request(*i).url == instance_url("r1"))
        .count();
    assert_eq!(gets, 0, "no Get Instance per instance: the list tells");
}

#[test]
fn an_unknown_outcome_looks_at_the_list_at_once_and_is_not_resent() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_of_six(&env);
    state.select_fleet_rows(ids(&["r1"]), true);
    state.ask_for_selection(Action::Stop);
    state.confirm("");
    let lists_before = list_requests(&env);
    env.answer_with(
        open_posts(&env)[0],
        Err(ApiError::Timeout { after_secs: 20 }),
    );
    assert_eq!(state_of(&state, "r1"), "unknown");
    assert_eq!(
        list_requests(&env),
        lists_before + 1,
        "the list is fetched at once"
    );
    assert_eq!(open_pages(&env).len(), 1);
    env.advance(600_000.0);
    assert_eq!(posts(&env).len(), 1, "not sent again");
}

#[test]
fn the_selection_is_kept_by_id_across_refreshes_and_rows_that_leave_the_list_leave_it() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_of_six(&env);
    state.select_fleet_rows(ids(&["r1", "r2", "off"]), true);
    state.toggle_fleet_selected("r2");
    assert_eq!(selected(&state, &["r1", "r2", "off"]), [true, false, true]);
    state.toggle_fleet_selected("r2");
    // A refresh in another order, with another status for r1, and without "off".
    env.advance(10_000.0);
    answer_list(
        &env,
        &list_with(&[("r5", "running"), ("r2", "running"), ("r1", "exited")]),
    );
    assert_eq!(selected(&state, &["r1", "r2", "off"]), [true, true, false]);
    assert_eq!(untrack(|| state.fleet().selected_count()), 2);
    // The selection is asked about as the list now says: r1 stopped, so Stop skips it.
    assert!(state.ask_for_selection(Action::Stop));
    let asked = untrack(|| state.confirmation()).expect("a confirmation");
    assert_eq!(asked.targets.len(), 1);
    assert_eq!(asked.targets[0].id, "r2");
    assert_eq!(asked.skipped[0].0.id, "r1");
    state.cancel_confirmation();
    assert_eq!(
        untrack(|| state.fleet().selected_count()),
        2,
        "cancel keeps it"
    );
    assert!(posts(&env).is_empty());
}

#[test]
fn a_selection_whose_rows_cannot_take_the_action_asks_nothing() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_of_six(&env);
    assert!(!state.ask_for_selection(Action::Stop), "nothing selected");
    state.select_fleet_rows(ids(&["off"]), true);
    assert!(!state.ask_for_selection(Action::Stop));
    assert!(untrack(|| state.confirmation()).is_none());
    assert!(state.ask_for_selection(Action::Start));
}

#[test]
fn a_read_only_deployment_selects_nothing_and_sends_nothing() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_of_six(&env);
    state.apply_config(Ok(
        parse_config(r#"{"readOnly": true}"#).expect("a read-only config")
    ));
    state.select_fleet_rows(ids(&RUNNING), true);
    state.toggle_fleet_selected("r1");
    assert_eq!(untrack(|| state.fleet().selected_count()), 0);
    assert!(!state.ask_for_selection(Action::Stop));
    assert!(!state.confirm(""));
    env.advance(60_000.0);
    assert!(posts(&env).is_empty());
}

#[test]
fn the_idle_filter_is_read_from_and_kept_in_the_address_and_never_with_a_tone() {
    let env = FakeEnv::new().with_search("?fleet&tone=idle");
    let (_owner, state) = fleet_page(&env);
    let fleet = state.fleet();
    assert!(untrack(|| fleet.idle_only()));
    assert_eq!(untrack(|| fleet.tone()), None);
    state.toggle_fleet_tone(Tone::Ok);
    assert!(!untrack(|| fleet.idle_only()), "a tone replaces it");
    assert_eq!(env.search(), "?fleet&tone=ok");
    state.toggle_fleet_idle();
    assert_eq!(untrack(|| fleet.tone()), None, "and it replaces a tone");
    assert_eq!(env.search(), "?fleet&tone=idle");
    state.toggle_fleet_idle();
    assert_eq!(env.search(), "?fleet", "pressed again: everything");
    state.toggle_fleet_idle();
    state.clear_fleet_filter();
    assert!(!untrack(|| fleet.idle_only()), "Show all clears it");
}
