//! The fleet's rules, natively: it opens when a key is held and nothing else is asked for,
//! reads every page once per period (never one request per instance), keeps to the refresh
//! rules (10 s steady, 3 s while anything is in progress, nothing while hidden, back-off,
//! `Retry-After`, the last good list kept through failures), announces each status change
//! once, keeps unchanged items, and carries its search and filter in the address.

use crate::fake_env::FakeEnv;
use crate::{bare_page, instance_url, page, BASE, KEY};
use instance_model::fleet::Column;
use instance_model::settings::Config;
use instance_model::Tone;
use leptos::prelude::*;
use novita_instance_viewer::state::env::{Env, HttpResponse};
use novita_instance_viewer::state::fleet::KEY_SETTLE_MS;
use novita_instance_viewer::state::live::Phase;
use novita_instance_viewer::state::{AppState, Screen};
use serde_json::json;
use std::sync::Arc;

pub(crate) fn list_url(page: u64) -> String {
    format!("{BASE}/gpu-instance/openapi/v1/gpu/instances?pageSize=100&pageNum={page}")
}

pub(crate) fn entry(id: &str, status: &str) -> serde_json::Value {
    json!({ "id": id, "name": format!("box-{id}"), "status": status })
}

/// A page body of `entries`, with `total` when given.
pub(crate) fn body(entries: &[serde_json::Value], total: Option<usize>) -> String {
    match total {
        Some(total) => json!({ "instances": entries, "total": total }).to_string(),
        None => json!({ "instances": entries }).to_string(),
    }
}

/// The open list requests, as (index, pageNum).
pub(crate) fn open_pages(env: &FakeEnv) -> Vec<(usize, u64)> {
    env.open_requests()
        .into_iter()
        .filter_map(|(i, url)| {
            let page = url.strip_prefix(&list_url(0)[..list_url(0).len() - 1])?;
            Some((i, page.parse().ok()?))
        })
        .collect()
}

pub(crate) fn list_requests(env: &FakeEnv) -> usize {
    (0..env.sent_count())
        .filter(|i| env.request(*i).url.contains("/gpu/instances?"))
        .count()
}

/// Answers the one open list request, which must be for `page`.
pub(crate) fn answer_page(env: &FakeEnv, page: u64, body: &str) {
    let open = open_pages(env);
    assert_eq!(
        open.len(),
        1,
        "one open list request: {:?}",
        env.open_requests()
    );
    assert_eq!(open[0].1, page, "the page asked for");
    env.answer(open[0].0, 200, body);
}

/// Answers a whole one-page listing of `entries` (honest total: one request).
pub(crate) fn answer_list(env: &FakeEnv, entries: &[serde_json::Value]) {
    answer_page(env, 0, &body(entries, Some(entries.len())));
}

fn fleet_phase(state: &AppState) -> Phase {
    state.fleet().live(false).phase().get_untracked()
}

fn fleet_ids(state: &AppState) -> Vec<String> {
    state.fleet().live(false).with_data_untracked(|d| {
        d.map(|l| l.items.iter().map(|i| i.id().to_string()).collect())
            .unwrap_or_default()
    })
}

/// A page opened with no address, once the key given has settled: the fleet.
pub(crate) fn fleet_page(env: &FakeEnv) -> (Owner, AppState) {
    let (owner, state) = page(env);
    state.open_address();
    env.advance(KEY_SETTLE_MS as f64);
    (owner, state)
}

#[test]
fn with_a_key_and_no_address_the_page_opens_on_the_fleet_with_one_list_request() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    assert_eq!(untrack(|| state.screen()), Screen::Fleet { demo: false });
    assert_eq!(env.sent_count(), 1);
    let request = env.request(0);
    assert_eq!(request.method, "GET");
    assert_eq!(request.url, list_url(0));
    assert_eq!(request.authorization, format!("Bearer {KEY}"));
    assert!(!request.url.contains(KEY));
    assert_eq!(fleet_phase(&state), Phase::Loading);
    answer_list(&env, &[entry("a", "running"), entry("b", "exited")]);
    assert_eq!(fleet_phase(&state), Phase::Ready);
    assert_eq!(fleet_ids(&state), ["a", "b"]);
    assert!(env.pushed().is_empty(), "the address is left as it was");
    env.run();
    assert_eq!(
        list_requests(&env),
        1,
        "total reached on page 0: nothing more"
    );
}

#[test]
fn without_a_key_the_start_shows_and_a_typed_key_opens_the_fleet_once_it_settles() {
    let env = FakeEnv::new();
    let (_owner, state) = bare_page(&env);
    state.apply_config(Ok(instance_model::settings::parse_config(&format!(
        r#"{{"apiBase": "{BASE}"}}"#
    ))
    .expect("config")));
    state.open_address();
    assert_eq!(untrack(|| state.screen()), Screen::Start);
    let mut typed = String::new();
    for c in KEY.chars() {
        typed.push(c);
        state.set_api_key(typed.clone());
        env.advance(50.0);
    }
    assert_eq!(untrack(|| state.screen()), Screen::Fleet { demo: false });
    assert_eq!(
        env.sent_count(),
        0,
        "nothing sent while the key is being typed"
    );
    env.advance(KEY_SETTLE_MS as f64);
    assert_eq!(env.sent_count(), 1, "one request, once the key settled");
    assert_eq!(env.request(0).authorization, format!("Bearer {KEY}"));
}

#[test]
fn another_key_refetches_the_fleet_and_drops_the_answer_for_the_old_one() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    state.set_api_key("sk_other_key".into());
    assert!(
        env.was_aborted(0),
        "the fetch with the old key is abandoned"
    );
    env.advance(KEY_SETTLE_MS as f64);
    assert_eq!(env.request(1).authorization, "Bearer sk_other_key");
}

#[test]
fn every_page_is_read_once_whichever_page_is_first() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    // A one-based server with a page size of 2 and no total: 0 and 1 are the same page.
    let first = body(&[entry("a", "running"), entry("b", "running")], None);
    answer_page(&env, 0, &first);
    answer_page(&env, 1, &first);
    answer_page(&env, 2, &body(&[entry("c", "running")], None));
    answer_page(&env, 3, &body(&[], None));
    assert_eq!(fleet_ids(&state), ["a", "b", "c"]);
    assert_eq!(fleet_phase(&state), Phase::Ready);
    assert_eq!(list_requests(&env), 4);
    assert_eq!(open_pages(&env), vec![], "paging stopped");
}

#[test]
fn one_list_fetch_per_period_and_never_a_request_per_instance() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    let many: Vec<_> = (0..40)
        .map(|i| entry(&format!("i{i}"), "running"))
        .collect();
    answer_list(&env, &many);
    for _ in 0..6 {
        env.advance(10_000.0);
        answer_list(&env, &many);
    }
    assert_eq!(
        list_requests(&env),
        7,
        "the first, then one every 10 s for 60 s"
    );
    let gets = (0..env.sent_count())
        .filter(|i| {
            env.request(*i)
                .url
                .contains("/gpu-instance/openapi/v1/gpu/instance?")
        })
        .count();
    // The idle watch checks running instances' metrics at its own pace; that is its rule.
    assert_eq!(gets, 0, "and no Get Instance per row");
    assert_eq!(fleet_ids(&state).len(), 40);
}

#[test]
fn anything_in_progress_makes_the_list_refresh_every_3_s() {
    let env = FakeEnv::new();
    let (_owner, _state) = fleet_page(&env);
    answer_list(&env, &[entry("a", "running"), entry("b", "pulling")]);
    env.advance(2_999.0);
    assert_eq!(list_requests(&env), 1);
    env.advance(1.0);
    assert_eq!(list_requests(&env), 2);
    answer_list(&env, &[entry("a", "running"), entry("b", "running")]);
    env.advance(9_999.0);
    assert_eq!(list_requests(&env), 2, "all steady: back to 10 s");
    env.advance(1.0);
    assert_eq!(list_requests(&env), 3);
}

#[test]
fn a_hidden_tab_fetches_no_list_and_fetches_at_once_when_shown() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    answer_list(&env, &[entry("a", "running")]);
    state.set_visible(false);
    env.advance(600_000.0);
    assert_eq!(list_requests(&env), 1);
    state.set_visible(true);
    assert_eq!(list_requests(&env), 2);
}

#[test]
fn a_failed_refresh_keeps_the_list_backs_off_and_honours_retry_after() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    answer_list(&env, &[entry("a", "running")]);
    env.advance(10_000.0);
    let open = open_pages(&env);
    env.answer(open[0].0, 503, "");
    assert_eq!(fleet_phase(&state), Phase::Stale);
    assert_eq!(fleet_ids(&state), ["a"], "the last good list stays");
    env.advance(19_999.0);
    assert_eq!(list_requests(&env), 2, "backed off: 20 s");
    env.advance(1.0);
    assert_eq!(list_requests(&env), 3);
    let open = open_pages(&env);
    env.answer_with(
        open[0].0,
        Ok(HttpResponse {
            status: 429,
            body: String::new(),
            retry_after: Some("100".into()),
        }),
    );
    env.advance(99_999.0);
    assert_eq!(list_requests(&env), 3, "not before Retry-After");
    env.advance(1.0);
    assert_eq!(list_requests(&env), 4);
    answer_list(&env, &[entry("a", "running")]);
    assert_eq!(fleet_phase(&state), Phase::Ready);
}

#[test]
fn a_page_that_fails_midway_fails_the_whole_refresh() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    answer_list(&env, &[entry("a", "running")]);
    env.advance(10_000.0);
    answer_page(
        &env,
        0,
        &body(&[entry("a", "running"), entry("b", "running")], None),
    );
    let open = open_pages(&env);
    env.answer(open[0].0, 200, "<html>gateway</html>");
    assert_eq!(fleet_phase(&state), Phase::Stale);
    assert_eq!(fleet_ids(&state), ["a"], "no half list");
    let failure = untrack(|| state.fleet().live(false).failure()).expect("a failure");
    assert_eq!(failure.error.kind().as_str(), "bad-response");
}

#[test]
fn status_changes_in_the_list_are_announced_once_each_and_together() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    state.set_notifications(true);
    answer_list(
        &env,
        &[
            entry("a", "running"),
            entry("b", "running"),
            entry("c", "running"),
        ],
    );
    assert_eq!(
        untrack(|| state.announcement()),
        "",
        "a first sighting is no change"
    );
    env.advance(10_000.0);
    answer_list(
        &env,
        &[
            entry("a", "stopping"),
            entry("b", "running"),
            entry("c", "running"),
        ],
    );
    assert_eq!(
        untrack(|| state.announcement()),
        "box-a: running → stopping"
    );
    env.advance(3_000.0);
    answer_list(
        &env,
        &[
            entry("a", "stopping"),
            entry("b", "exited"),
            entry("c", "pulling"),
        ],
    );
    assert_eq!(
        untrack(|| state.announcement()),
        "2 status changes: box-b: running → exited; box-c: running → pulling"
    );
    env.advance(3_000.0);
    answer_list(
        &env,
        &[
            entry("a", "stopping"),
            entry("b", "exited"),
            entry("c", "pulling"),
        ],
    );
    assert_eq!(
        env.notified(),
        vec![
            ("box-a".to_string(), "running → stopping".to_string()),
            (
                "2 status changes".to_string(),
                "box-b: running → exited; box-c: running → pulling".to_string()
            ),
        ],
        "each change once, nothing for an unchanged list"
    );
}

#[test]
fn a_watched_instance_that_changes_is_announced_once_though_two_places_see_it() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    state.set_notifications(true);
    answer_list(&env, &[entry("a", "running")]);
    state.toggle_pin("a");
    let get = env
        .open_requests()
        .into_iter()
        .find(|(_, url)| *url == instance_url("a"))
        .expect("a Get for the card");
    env.answer(get.0, 200, &entry("a", "running").to_string());
    env.advance(10_000.0);
    // Both come due together; the list sees the change first, then the card.
    answer_list(&env, &[entry("a", "stopping")]);
    let get = env
        .open_requests()
        .into_iter()
        .find(|(_, url)| *url == instance_url("a"))
        .expect("the card's refresh");
    env.answer(get.0, 200, &entry("a", "stopping").to_string());
    assert_eq!(
        env.notified(),
        vec![("box-a".to_string(), "running → stopping".to_string())]
    );
}

#[test]
fn an_unchanged_refresh_keeps_every_item_and_a_change_replaces_only_its_own() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    let live = state.fleet().live(false);
    answer_list(&env, &[entry("a", "running"), entry("b", "running")]);
    let before = live.with_data_untracked(|d| d.cloned()).expect("a list");
    let at = untrack(|| live.fetched_at());
    env.advance(10_000.0);
    answer_list(&env, &[entry("a", "running"), entry("b", "running")]);
    let same = live.with_data_untracked(|d| d.cloned()).expect("a list");
    assert!(before
        .items
        .iter()
        .zip(&same.items)
        .all(|(x, y)| Arc::ptr_eq(x, y)));
    assert!(untrack(|| live.fetched_at()) > at, "only the time moved");
    env.advance(10_000.0);
    answer_list(&env, &[entry("a", "running"), entry("b", "exited")]);
    let after = live.with_data_untracked(|d| d.cloned()).expect("a list");
    assert!(
        Arc::ptr_eq(&before.items[0], &after.items[0]),
        "a is as it was"
    );
    assert!(!Arc::ptr_eq(&before.items[1], &after.items[1]), "b changed");
}

#[test]
fn search_and_tone_are_read_from_and_kept_in_the_address_without_new_history() {
    let env = FakeEnv::new().with_search("?fleet&q=gpu+box&tone=error&watch=w1");
    let (_owner, state) = fleet_page(&env);
    let fleet = state.fleet();
    assert_eq!(untrack(|| fleet.query()), "gpu box");
    assert_eq!(untrack(|| fleet.tone()), Some(Tone::Error));
    state.set_fleet_query("llama".into());
    assert_eq!(env.search(), "?fleet&q=llama&tone=error&watch=w1");
    state.toggle_fleet_tone(Tone::Error);
    assert_eq!(
        env.search(),
        "?fleet&q=llama&watch=w1",
        "pressed again: all tones"
    );
    state.toggle_fleet_tone(Tone::Ok);
    assert_eq!(env.search(), "?fleet&q=llama&tone=ok&watch=w1");
    assert!(
        env.pushed().is_empty(),
        "typing and filtering make no history entries"
    );
    state.sort_fleet_by(Column::Name);
    state.sort_fleet_by(Column::Name);
    assert_eq!(untrack(|| fleet.sort()).aria(Column::Name), "descending");

    let odd = FakeEnv::new().with_search("?fleet&tone=purple");
    let (_owner, state) = page(&odd);
    state.open_address();
    assert_eq!(
        untrack(|| state.fleet().tone()),
        None,
        "an unknown tone filters nothing"
    );
}

#[test]
fn opening_an_instance_pauses_the_list_and_coming_back_shows_it_at_once() {
    let env = FakeEnv::new().with_search("?fleet");
    let (_owner, state) = fleet_page(&env);
    answer_list(&env, &[entry("a", "running"), entry("b", "running")]);
    state.open_from_fleet("b", false);
    assert_eq!(env.pushed().last().map(String::as_str), Some("?instance=b"));
    assert_eq!(state.fleet().opened().as_deref(), Some("b"));
    let get = env.open_requests();
    assert_eq!(get.len(), 1);
    assert_eq!(get[0].1, instance_url("b"));
    env.answer(get[0].0, 200, &entry("b", "running").to_string());
    env.advance(60_000.0);
    assert_eq!(
        list_requests(&env),
        1,
        "no list while an instance is on screen"
    );

    // Back: the address says ?fleet again.
    env.push_search("?fleet");
    state.open_address();
    assert_eq!(
        fleet_phase(&state),
        Phase::Ready,
        "the list is there at once"
    );
    assert_eq!(fleet_ids(&state), ["a", "b"]);
    env.advance(0.0);
    assert_eq!(
        list_requests(&env),
        2,
        "and refreshed, being older than a period"
    );
}

#[test]
fn leaving_the_fleet_mid_listing_aborts_the_page_and_asks_for_no_more() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    answer_page(&env, 0, &body(&[entry("a", "running")], None));
    let page_one = open_pages(&env)[0].0;
    state.load("x");
    assert!(env.was_aborted(page_one));
    env.run();
    assert_eq!(list_requests(&env), 2, "no page 2");
    assert_eq!(fleet_phase(&state), Phase::Idle, "nothing half-read kept");
}

#[test]
fn refresh_on_the_fleet_fetches_the_list_and_off_schedules_nothing() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    answer_list(&env, &[entry("a", "running")]);
    state.refresh();
    assert_eq!(list_requests(&env), 2);
    answer_list(&env, &[entry("a", "running")]);
    state.set_refresh_setting(instance_model::refresh::RefreshSetting::Off);
    env.advance(600_000.0);
    assert_eq!(list_requests(&env), 2);
    assert_eq!(env.timer_count(), 0);
}

#[test]
fn the_demo_fleet_needs_no_key_and_no_network_and_every_row_opens() {
    let env = FakeEnv::new().with_search("?demo=fleet");
    let (_owner, state) = bare_page(&env);
    state.apply_config(Ok(Config::default()));
    state.open_address();
    assert_eq!(untrack(|| state.screen()), Screen::Fleet { demo: true });
    let ids: Vec<String> = state.fleet().live(true).with_data_untracked(|d| {
        d.map(|l| l.items.iter().map(|i| i.id().to_string()).collect())
            .unwrap_or_default()
    });
    assert_eq!(ids.len(), 12);
    for id in &ids {
        state.open_from_fleet(id, true);
        let tracker = state.tracker(id, true).expect("a demo tracker");
        assert_eq!(
            tracker.live.phase().get_untracked(),
            Phase::Ready,
            "{id} opens"
        );
    }
    assert_eq!(env.sent_count(), 0);
}

#[test]
fn a_server_that_refuses_page_zero_is_read_from_page_one() {
    let env = FakeEnv::new();
    let (_owner, state) = fleet_page(&env);
    let open = open_pages(&env);
    env.answer(
        open[0].0,
        400,
        r#"{"code":400,"reason":"INVALID_PARAMETER","message":"pageNum must be at least 1"}"#,
    );
    answer_page(&env, 1, &body(&[entry("a", "running")], None));
    answer_page(&env, 2, &body(&[], None));
    assert_eq!(fleet_ids(&state), ["a"]);
    assert_eq!(fleet_phase(&state), Phase::Ready);
}
