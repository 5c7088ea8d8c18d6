//! The page's state rules, natively: an `AppState` under a Leptos `Owner` (the way leptos-use
//! tests its hooks), on a fake environment whose clock, timers and network the test drives.
//! What is checked: loading, one request in flight per instance, the refresh periods, back-off
//! and `Retry-After`, hidden and shown tabs, the watch list (pinned and linked), trackers
//! disposed when no longer shown or watched, the address bar, and announcements.

mod actions;
mod bulk;
mod fake_env;
mod fleet;
mod metrics;

use fake_env::FakeEnv;
use instance_model::settings::Config;
use leptos::prelude::*;
use novita_instance_viewer::state::env::{HttpResponse, Store};
use novita_instance_viewer::state::live::Phase;
use novita_instance_viewer::state::AppState;
use std::rc::Rc;

const KEY: &str = "sk_state_test_key";
const BASE: &str = "https://api.example.test";

fn instance_body(id: &str, status: &str) -> String {
    format!(r#"{{"id":"{id}","name":"box-{id}","status":"{status}"}}"#)
}

fn instance_url(id: &str) -> String {
    format!("{BASE}/gpu-instance/openapi/v1/gpu/instance?instanceId={id}")
}

fn config_with_base(base: &str) -> Config {
    let text = format!(r#"{{"apiBase": "{base}"}}"#);
    instance_model::settings::parse_config(&text).expect("a config.json naming an API base")
}

/// A page as it is before config.json has been read: no API base applied, no key given (and
/// whatever `env` has stored).
fn bare_page(env: &FakeEnv) -> (Owner, AppState) {
    let owner = Owner::new();
    owner.set();
    (owner, AppState::new(Rc::new(env.clone())))
}

/// A page with a key held and config.json read (API base [`BASE`]), as after start-up.
fn page(env: &FakeEnv) -> (Owner, AppState) {
    let (owner, state) = bare_page(env);
    state.apply_config(Ok(config_with_base(BASE)));
    state.set_api_key(KEY.to_string());
    (owner, state)
}

fn phase(state: &AppState, id: &str) -> Option<Phase> {
    state
        .tracker(id, false)
        .map(|t| t.live.phase().get_untracked())
}

fn status_of(state: &AppState, id: &str) -> Option<String> {
    state
        .tracker(id, false)?
        .live
        .with_data_untracked(|d| d.map(|f| f.instance.status.as_api_str().to_string()))
}

/// Answers the one open request for `id` with that instance in `status`.
fn answer(env: &FakeEnv, id: &str, status: &str) {
    let open = open_for(env, id);
    assert_eq!(open.len(), 1, "one open request for {id}: {open:?}");
    env.answer(open[0], 200, &instance_body(id, status));
}

fn open_for(env: &FakeEnv, id: &str) -> Vec<usize> {
    env.open_requests()
        .into_iter()
        .filter(|(_, url)| *url == instance_url(id))
        .map(|(i, _)| i)
        .collect()
}

fn requests_for(env: &FakeEnv, id: &str) -> usize {
    (0..env.sent_count())
        .filter(|i| env.request(*i).url == instance_url(id))
        .count()
}

#[test]
fn load_sends_one_get_with_the_key_only_in_the_header_and_shows_the_instance() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc123");
    assert_eq!(env.sent_count(), 1);
    let request = env.request(0);
    assert_eq!(request.method, "GET");
    assert_eq!(request.url, instance_url("abc123"));
    assert_eq!(request.authorization, format!("Bearer {KEY}"));
    assert!(!request.url.contains(KEY));
    assert_eq!(phase(&state, "abc123"), Some(Phase::Loading));
    assert_eq!(env.pushed(), vec!["?instance=abc123".to_string()]);

    answer(&env, "abc123", "running");
    assert_eq!(phase(&state, "abc123"), Some(Phase::Ready));
    assert_eq!(status_of(&state, "abc123").as_deref(), Some("running"));
    let current = untrack(|| state.current()).expect("an instance on screen");
    assert_eq!((current.id.as_str(), current.demo), ("abc123", false));
}

#[test]
fn loads_and_refreshes_of_one_instance_never_overlap() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    state.load("abc");
    state.refresh();
    state.set_visible(false);
    state.set_visible(true);
    assert_eq!(requests_for(&env, "abc"), 1, "one request in flight");
    answer(&env, "abc", "running");
    state.refresh();
    assert_eq!(requests_for(&env, "abc"), 2, "a refresh after the answer");
}

#[test]
fn a_steady_instance_refreshes_every_10_s_and_one_in_progress_every_3_s() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    answer(&env, "abc", "running");
    env.advance(9_999.0);
    assert_eq!(requests_for(&env, "abc"), 1);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), 2);
    answer(&env, "abc", "starting");
    env.advance(2_999.0);
    assert_eq!(requests_for(&env, "abc"), 2);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), 3);
}

#[test]
fn a_failed_refresh_keeps_the_data_backs_off_and_recovers() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    answer(&env, "abc", "running");
    env.advance(10_000.0);
    env.answer(open_for(&env, "abc")[0], 503, "");
    assert_eq!(phase(&state, "abc"), Some(Phase::Stale));
    assert_eq!(status_of(&state, "abc").as_deref(), Some("running"));
    // Doubled: 20 s after the failure, then 40 s.
    env.advance(19_999.0);
    assert_eq!(requests_for(&env, "abc"), 2);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), 3);
    env.answer(open_for(&env, "abc")[0], 500, "");
    env.advance(39_999.0);
    assert_eq!(requests_for(&env, "abc"), 3);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), 4);
    answer(&env, "abc", "running");
    assert_eq!(phase(&state, "abc"), Some(Phase::Ready));
    env.advance(10_000.0);
    assert_eq!(requests_for(&env, "abc"), 5, "back to the normal period");
}

#[test]
fn a_first_load_that_fails_is_a_failure_with_no_data() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("gone");
    env.answer(
        0,
        404,
        r#"{"code":404,"reason":"NOT_FOUND","message":"no such instance"}"#,
    );
    assert_eq!(phase(&state, "gone"), Some(Phase::Failed));
    let failure = state
        .tracker("gone", false)
        .and_then(|t| untrack(|| t.live.failure()))
        .expect("a failure");
    assert_eq!(failure.error.kind().as_str(), "not-found");
    assert_eq!(failure.api_base, BASE);
    // Loading it again starts clean: loading, not the old failure.
    state.load("gone");
    assert_eq!(phase(&state, "gone"), Some(Phase::Loading));
}

#[test]
fn an_abandoned_load_ending_late_does_not_take_the_place_of_the_next_one() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    state.load("xyz");
    // Back to abc before its tracker is swept: its first request was abandoned, and ends
    // (aborted) only after the new one has started.
    state.load("abc");
    env.run();
    answer(&env, "abc", "running");
    assert_eq!(phase(&state, "abc"), Some(Phase::Ready));
    assert_eq!(status_of(&state, "abc").as_deref(), Some("running"));
}

#[test]
fn retry_after_is_never_undercut() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    answer(&env, "abc", "running");
    env.advance(10_000.0);
    env.answer_with(
        open_for(&env, "abc")[0],
        Ok(HttpResponse {
            status: 429,
            body: String::new(),
            retry_after: Some("90".into()),
        }),
    );
    env.advance(89_999.0);
    assert_eq!(requests_for(&env, "abc"), 2);
    env.advance(1.0);
    assert_eq!(requests_for(&env, "abc"), 3);
}

#[test]
fn a_hidden_tab_fetches_nothing_and_fetches_at_once_when_shown() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    answer(&env, "abc", "running");
    state.set_visible(false);
    env.advance(600_000.0);
    assert_eq!(requests_for(&env, "abc"), 1, "nothing while hidden");
    state.set_visible(true);
    assert_eq!(requests_for(&env, "abc"), 2, "at once when shown");
}

#[test]
fn refresh_off_schedules_nothing_and_is_remembered() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    answer(&env, "abc", "running");
    state.set_refresh_setting(instance_model::refresh::RefreshSetting::Off);
    env.advance(600_000.0);
    assert_eq!(requests_for(&env, "abc"), 1);
    assert_eq!(env.timer_count(), 0);
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.refresh").as_deref(),
        Some("off")
    );
}

#[test]
fn pinning_watches_an_instance_and_unpinning_disposes_its_tracker() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("shown");
    state.toggle_pin("other");
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.watch").as_deref(),
        Some("other")
    );
    assert_eq!(requests_for(&env, "other"), 1, "a watched instance fetches");
    assert!(state.is_watched("other"));
    let other = state
        .tracker("other", false)
        .expect("a tracker for the pinned");

    state.toggle_pin("other");
    assert!(env.was_aborted(1), "its request in flight is abandoned");
    assert_eq!(env.stored(Store::Local, "novita-viewer.watch"), None);
    env.advance(0.0);
    assert!(state.tracker("other", false).is_none(), "disposed");
    assert_eq!(state.tracker_count(), 1);
    // A handle kept past disposal (a view that has not gone yet) reads nothing and does
    // not panic.
    assert!(!other.live.end(1));
    env.advance(600_000.0);
    assert_eq!(requests_for(&env, "other"), 1, "no more requests for it");
}

#[test]
fn showing_another_instance_disposes_the_one_before_unless_it_is_watched() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("a");
    state.load("b");
    assert!(env.was_aborted(0), "the first load is abandoned");
    env.advance(0.0);
    assert!(state.tracker("a", false).is_none());
    answer(&env, "b", "running");
    state.toggle_pin("b");
    state.load("c");
    env.advance(0.0);
    assert!(state.tracker("b", false).is_some(), "b is watched: kept");
    assert_eq!(state.tracker_count(), 2);
}

#[test]
fn a_late_answer_for_a_disposed_tracker_changes_nothing() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("a");
    state.load("b");
    env.advance(0.0);
    // The answer the browser had already received for "a" arrives after all.
    env.run();
    assert!(state.tracker("a", false).is_none());
    assert_eq!(phase(&state, "b"), Some(Phase::Loading));
}

#[test]
fn linked_watch_cards_show_at_once_but_are_kept_only_when_asked() {
    let env = FakeEnv::new().with_search("?watch=x1,x2");
    let (_owner, state) = page(&env);
    state.open_address();
    assert_eq!(untrack(|| state.linked()), vec!["x1", "x2"]);
    assert_eq!(requests_for(&env, "x1") + requests_for(&env, "x2"), 2);
    assert_eq!(env.stored(Store::Local, "novita-viewer.watch"), None);
    state.keep_linked();
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.watch").as_deref(),
        Some("x1,x2")
    );
    assert!(untrack(|| state.linked()).is_empty());
    assert_eq!(untrack(|| state.pinned()), vec!["x1", "x2"]);
}

#[test]
fn unpinning_a_linked_card_disposes_it_and_drops_it_from_the_address() {
    let env = FakeEnv::new().with_search("?watch=x1,x2");
    let (_owner, state) = page(&env);
    state.open_address();
    answer(&env, "x1", "running");
    answer(&env, "x2", "running");
    state.toggle_pin("x1");
    assert_eq!(untrack(|| state.linked()), vec!["x2"]);
    assert_eq!(env.pushed().last().map(String::as_str), Some("?watch=x2"));
    env.advance(0.0);
    assert!(state.tracker("x1", false).is_none());
    // The page goes on: hide, show, load another; the disposed tracker is never touched.
    state.set_visible(false);
    state.set_visible(true);
    state.load("y");
    env.advance(30_000.0);
    assert_eq!(requests_for(&env, "x1"), 1);
    assert!(requests_for(&env, "x2") >= 2, "x2 is still watched");
}

#[test]
fn a_deep_link_without_a_key_waits_for_the_key() {
    let env = FakeEnv::new().with_search("?instance=abc");
    let (_owner, state) = bare_page(&env);
    state.apply_config(Ok(Config::default()));
    state.open_address();
    assert_eq!(env.sent_count(), 0);
    assert_eq!(phase(&state, "abc"), Some(Phase::Idle));
    assert!(untrack(|| state.form_hint())
        .is_some_and(|h| h.contains("Paste your Novita API key to load abc")));
    state.set_api_key(KEY.to_string());
    assert_eq!(env.sent_count(), 1);
    assert_eq!(
        env.request(0).url,
        "https://api.novita.ai/gpu-instance/openapi/v1/gpu/instance?instanceId=abc"
    );
    assert_eq!(untrack(|| state.form_hint()), None);
    assert!(env.pushed().is_empty(), "the address already said so");
}

#[test]
fn a_bare_demo_parameter_opens_the_demo_with_no_key_and_no_network() {
    let env = FakeEnv::new().with_search("?demo");
    let (_owner, state) = bare_page(&env);
    state.apply_config(Ok(Config::default()));
    state.open_address();
    let current = untrack(|| state.current()).expect("the demo on screen");
    assert!(current.demo);
    assert_eq!(current.id, novita_instance_viewer::demo::first_id());
    let tracker = state.tracker(&current.id, true).expect("a demo tracker");
    assert_eq!(tracker.live.phase().get_untracked(), Phase::Ready);
    assert_eq!(env.sent_count(), 0);
}

#[test]
fn a_status_change_is_announced_once_and_notified_when_asked() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("abc");
    answer(&env, "abc", "running");
    assert_eq!(untrack(|| state.announcement()), "");
    env.advance(10_000.0);
    answer(&env, "abc", "running");
    assert_eq!(untrack(|| state.announcement()), "");
    state.set_notifications(true);
    env.advance(10_000.0);
    answer(&env, "abc", "stopping");
    assert_eq!(
        untrack(|| state.announcement()),
        "box-abc: running → stopping"
    );
    assert_eq!(
        env.notified(),
        vec![("box-abc".to_string(), "running → stopping".to_string())]
    );
    let timeline = state
        .tracker("abc", false)
        .map(|t| t.timeline.get_untracked())
        .unwrap_or_default();
    let seen: Vec<&str> = timeline.iter().map(|s| s.status.as_api_str()).collect();
    assert_eq!(seen, vec!["running", "stopping"]);
}

#[test]
fn the_key_is_kept_per_tab_unless_remembered_and_forgotten_everywhere() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    assert_eq!(
        env.stored(Store::Session, "novita-viewer.apiKey")
            .as_deref(),
        Some(KEY)
    );
    assert_eq!(env.stored(Store::Local, "novita-viewer.apiKey"), None);
    state.set_remember_key(true);
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.apiKey").as_deref(),
        Some(KEY)
    );
    state.forget_key();
    assert_eq!(env.stored(Store::Session, "novita-viewer.apiKey"), None);
    assert_eq!(env.stored(Store::Local, "novita-viewer.apiKey"), None);
    assert_eq!(untrack(|| state.api_key()), "");
}

/// Nothing goes to the API before config.json has been applied: it may name another base (the
/// bundled server's own, a CORS proxy), and the key must not go to the default meanwhile.
/// What was asked for meanwhile (a Load, a key typed, a watched card) is fetched once it is.
#[test]
fn nothing_is_requested_before_config_json_has_been_applied() {
    let env = FakeEnv::new()
        .with_stored(Store::Session, "novita-viewer.apiKey", KEY)
        .with_stored(Store::Local, "novita-viewer.watch", "watched");
    let (_owner, state) = bare_page(&env);
    state.forget_key();
    state.load("early");
    assert!(
        untrack(|| state.form_hint()).is_some_and(|h| h.contains("Paste your Novita API key")),
        "without a key, the form asks for one"
    );
    state.set_api_key(format!("{KEY} "));
    state.toggle_pin("pinned");
    env.advance(60_000.0);
    assert_eq!(env.sent_count(), 0, "nothing before config.json");
    assert_eq!(
        untrack(|| state.form_hint()),
        None,
        "the key is there: the form does not ask for it"
    );

    // It could not be fetched (it is tried again): still nothing, and the page says why.
    state.config_not_reached();
    env.advance(60_000.0);
    assert_eq!(
        env.sent_count(),
        0,
        "nothing while config.json is unreached"
    );
    let warnings = untrack(|| state.config_warnings());
    assert!(
        warnings.len() == 1 && warnings[0].contains("trying again"),
        "{warnings:?}"
    );

    state.apply_config(Ok(config_with_base(BASE)));
    state.open_address();
    assert!(
        untrack(|| state.config_warnings()).is_empty(),
        "read: no warning"
    );
    let urls: Vec<String> = (0..env.sent_count())
        .map(|i| env.request(i).url.clone())
        .collect();
    assert!(
        urls.iter().all(|u| u.starts_with(BASE)),
        "every request goes to config.json's base: {urls:?}"
    );
    for id in ["early", "pinned", "watched"] {
        assert_eq!(requests_for(&env, id), 1, "{id} is fetched once: {urls:?}");
    }
}

#[test]
fn a_fleet_opened_before_config_json_is_fetched_once_it_is_applied() {
    let env = FakeEnv::new();
    let (_owner, state) = bare_page(&env);
    state.set_api_key(KEY.to_string());
    state.show_fleet();
    env.advance(60_000.0);
    assert_eq!(env.sent_count(), 0, "nothing before config.json");
    state.apply_config(Ok(config_with_base(BASE)));
    let urls: Vec<String> = (0..env.sent_count())
        .map(|i| env.request(i).url.clone())
        .collect();
    assert_eq!(
        urls,
        vec![fleet::list_url(0)],
        "the list, from config.json's base"
    );
    env.advance(1_000.0);
    assert_eq!(
        env.sent_count(),
        1,
        "and only once (the key's settle timer is gone)"
    );
}

#[test]
fn config_sets_the_api_base_unless_the_user_chose_one() {
    let env =
        FakeEnv::new().with_stored(Store::Local, "novita-viewer.apiBase", "https://mine.test");
    let (_owner, state) = bare_page(&env);
    state.apply_config(Ok(config_with_base("https://proxy.test")));
    assert_eq!(untrack(|| state.api_base()), "https://mine.test");
    state.set_user_api_base(None);
    assert_eq!(untrack(|| state.api_base()), "https://proxy.test");
    assert_eq!(env.stored(Store::Local, "novita-viewer.apiBase"), None);
}

#[test]
fn actions_stay_off_until_config_json_has_said_otherwise() {
    let env = FakeEnv::new();
    let (_owner, state) = bare_page(&env);
    assert!(
        untrack(|| state.read_only()),
        "read-only before config.json is read"
    );
    state.apply_config(Ok(
        instance_model::settings::parse_config("{}").expect("an empty config")
    ));
    assert!(!untrack(|| state.read_only()));
    state.apply_config(Ok(instance_model::settings::parse_config(
        r#"{"readOnly": "yes"}"#,
    )
    .expect("a config")));
    assert!(
        untrack(|| state.read_only()),
        "a readOnly that is not a boolean still means read-only"
    );
    assert_eq!(untrack(|| state.config_warnings()).len(), 1, "and says so");
}

#[test]
fn log_streams_go_through_the_api_base_only_when_config_json_says_so() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    assert_eq!(untrack(|| state.log_proxy_base()), None);
    state.apply_config(Ok(instance_model::settings::parse_config(
        r#"{"apiBase": "", "proxyLogs": true}"#,
    )
    .expect("the bundled server's config.json")));
    assert_eq!(untrack(|| state.log_proxy_base()).as_deref(), Some(""));
}

#[test]
fn a_saved_api_base_with_credentials_in_it_is_not_used() {
    let env = FakeEnv::new().with_stored(
        Store::Local,
        "novita-viewer.apiBase",
        "https://api.novita.ai@evil.example",
    );
    let (_owner, state) = bare_page(&env);
    assert_eq!(untrack(|| state.api_base()), "https://api.novita.ai");
}
