//! The metrics panel's fetching rules and the idle watch's pacing, on the fake environment:
//! open and running only, once a minute, nothing while hidden, the window remembered; and for
//! the idle flags, each instance at most every 5 minutes, at most 3 at once and 60 a minute
//! for a fleet of 1,000, a look back to say since when, nothing while hidden or for stopped
//! instances, a 429 pausing everything.

use super::fake_env::FakeEnv;
use super::{answer, bare_page, page, KEY};
use instance_model::idle::{IdleRule, Verdict};
use instance_model::metrics::query::Window;
use leptos::prelude::*;
use novita_instance_viewer::state::env::{HttpResponse, Store};
use novita_instance_viewer::state::live::Phase;
use novita_instance_viewer::state::AppState;
use std::collections::HashMap;

const METRICS_PATH: &str = "/openapi/v1/metrics/gpu/instance?";

/// A metrics request as sent: instance, start, end, interval.
#[derive(Clone, Debug, PartialEq)]
struct Asked {
    index: usize,
    id: String,
    start: i64,
    end: i64,
    interval: i64,
}

impl Asked {
    fn span(&self) -> i64 {
        self.end - self.start
    }

    /// An idle check: the rule's window and a margin, every minute.
    fn is_check(&self) -> bool {
        self.interval == 60
    }
}

fn parse_asked(index: usize, url: &str) -> Option<Asked> {
    let query = url.split_once(METRICS_PATH)?.1;
    let params: HashMap<&str, &str> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    let number = |name: &str| -> i64 {
        params
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {url}"))
    };
    Some(Asked {
        index,
        id: params.get("instanceId")?.to_string(),
        start: number("startTime"),
        end: number("endTime"),
        interval: number("interval"),
    })
}

/// Every metrics request sent so far.
fn metrics_sent(env: &FakeEnv) -> Vec<Asked> {
    (0..env.sent_count())
        .filter_map(|i| parse_asked(i, &env.request(i).url))
        .collect()
}

/// The metrics requests still waiting for an answer.
fn metrics_open(env: &FakeEnv) -> Vec<Asked> {
    env.open_requests()
        .into_iter()
        .filter_map(|(i, url)| parse_asked(i, &url))
        .collect()
}

/// An answer the way the API gives it: a point every interval from the start, up to a minute
/// before the end (the lag); the GPU average (and one GPU) at `gpu(t)` percent, CPU at 50.
fn body(asked: &Asked, gpu: &dyn Fn(i64) -> f64) -> String {
    let times: Vec<i64> = (0..)
        .map(|k| asked.start + k * asked.interval)
        .take_while(|t| *t <= asked.end - 61)
        .collect();
    let series = |f: &dyn Fn(i64) -> f64| {
        let points: Vec<String> = times
            .iter()
            .map(|t| format!(r#"{{"timestamp":"{t}","value":{}}}"#, f(*t)))
            .collect();
        format!("[{}]", points.join(","))
    };
    format!(
        r#"{{"cpuUtilization":{cpu},"memUtilization":{cpu},"rootDiskUtilization":{cpu},
            "gpuUtilization":{{"avg":{gpu},"gpuIds":[{{"gpuId":"0","items":{gpu}}}]}},
            "gpuMemUtilization":{{"avg":{cpu},"gpuIds":[]}}}}"#,
        cpu = series(&|_| 50.0),
        gpu = series(gpu),
    )
}

fn reply(env: &FakeEnv, asked: &Asked, gpu: &dyn Fn(i64) -> f64) {
    env.answer(asked.index, 200, &body(asked, gpu));
}

fn now_secs(env: &FakeEnv) -> i64 {
    (novita_instance_viewer::state::env::Env::now_ms(env) / 1000.0) as i64
}

/// Shows a running instance, its idle check answered busy (so it asks for nothing more for
/// five minutes), and returns the state.
fn running_on_screen(env: &FakeEnv, id: &str) -> (Owner, AppState) {
    let (owner, state) = page(env);
    state.load(id);
    answer(env, id, "running");
    for asked in metrics_open(env) {
        assert!(asked.is_check(), "only the idle check so far: {asked:?}");
        reply(env, &asked, &|_| 90.0);
    }
    (owner, state)
}

fn panel_phase(state: &AppState) -> Phase {
    state.metrics_live().phase().get_untracked()
}

// ---- the metrics panel ------------------------------------------------------------------------

#[test]
fn the_panel_fetches_only_while_open_for_a_running_instance() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    assert!(
        !untrack(|| state.metrics_open()),
        "closed until the page decides"
    );
    assert!(metrics_open(&env).is_empty(), "closed: nothing fetched");

    state.open_metrics_by_default(true);
    let open = metrics_open(&env);
    assert_eq!(open.len(), 1, "{open:?}");
    let asked = &open[0];
    assert_eq!(asked.id, "run1");
    assert_eq!(asked.interval, 15);
    assert!(asked.span() >= 3_600 && asked.span() < 3_615, "{asked:?}");
    assert_eq!(asked.end, now_secs(&env));
    assert_eq!(
        env.request(asked.index).authorization,
        format!("Bearer {KEY}")
    );
    assert!(!env.request(asked.index).url.contains(KEY));
    assert_eq!(panel_phase(&state), Phase::Loading);

    reply(&env, asked, &|_| 3.0);
    assert_eq!(panel_phase(&state), Phase::Ready);
    let charted = state
        .metrics_live()
        .with_data_untracked(|d| d.cloned())
        .expect("charted metrics");
    assert_eq!(charted.instance_id, "run1");
    assert_eq!(charted.window, Window::Hour1);
    assert!(charted.metrics.has_readings());

    // Closing stops it: a minute later nothing is asked; the default no longer applies.
    state.set_metrics_open(false);
    state.open_metrics_by_default(true);
    assert!(!untrack(|| state.metrics_open()));
    env.advance(120_000.0);
    assert!(metrics_sent(&env)
        .iter()
        .all(|a| a.is_check() || a.index == asked.index));
}

#[test]
fn a_stopped_instance_gets_no_metrics_until_it_runs() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.set_metrics_open(true);
    state.load("stopped1");
    answer(&env, "stopped1", "exited");
    env.advance(600_000.0);
    assert!(
        metrics_sent(&env).is_empty(),
        "no metrics request for a stopped instance: {:?}",
        metrics_sent(&env)
    );
    assert_eq!(untrack(|| state.metrics_subject()), None);
    assert_eq!(untrack(|| state.idle_for("stopped1")), None);

    // It starts: the next refresh sees it running, and both the panel and the idle check ask.
    state.refresh();
    answer(&env, "stopped1", "running");
    let sent = metrics_sent(&env);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().any(Asked::is_check));
    assert!(sent.iter().any(|a| a.interval == 15));

    // And stops again: what was in flight is abandoned, nothing more is asked.
    state.refresh();
    answer(&env, "stopped1", "exited");
    assert!(
        metrics_open(&env).is_empty(),
        "in-flight requests abandoned"
    );
    assert_eq!(
        panel_phase(&state),
        Phase::Idle,
        "the old charts are forgotten"
    );
    let before = metrics_sent(&env).len();
    env.advance(900_000.0);
    assert_eq!(metrics_sent(&env).len(), before);
}

#[test]
fn the_panel_refreshes_once_a_minute_and_not_while_hidden() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    state.set_metrics_open(true);
    let panel = |env: &FakeEnv| -> Vec<Asked> {
        metrics_sent(env)
            .into_iter()
            .filter(|a| !a.is_check())
            .collect()
    };
    reply(&env, &panel(&env)[0], &|_| 3.0);
    env.advance(59_999.0);
    assert_eq!(panel(&env).len(), 1);
    env.advance(1.0);
    assert_eq!(panel(&env).len(), 2, "a minute after the answer");
    reply(&env, &panel(&env)[1], &|_| 3.0);

    state.set_visible(false);
    env.advance(600_000.0);
    assert_eq!(panel(&env).len(), 2, "nothing while hidden");
    state.set_visible(true);
    env.advance(0.0); // a timer of 0 ms
    assert_eq!(
        panel(&env).len(),
        3,
        "at once when shown, the data being old"
    );
}

#[test]
fn an_instance_loaded_in_a_hidden_tab_gets_its_metrics_only_when_shown() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.open_metrics_by_default(true);
    state.set_visible(false);
    state.load("run1");
    answer(&env, "run1", "running");
    env.advance(600_000.0);
    assert!(metrics_sent(&env).is_empty(), "{:?}", metrics_sent(&env));
    state.set_visible(true);
    env.advance(0.0); // a timer of 0 ms
    let sent = metrics_sent(&env);
    assert_eq!(sent.len(), 2, "the panel's and the idle check: {sent:?}");
}

#[test]
fn the_instances_refresh_setting_and_button_leave_the_charts_to_their_minute() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    state.set_refresh_setting(instance_model::refresh::RefreshSetting::Off);
    state.set_metrics_open(true);
    let panel = |env: &FakeEnv| {
        metrics_sent(env)
            .into_iter()
            .filter(|a| !a.is_check())
            .count()
    };
    reply(&env, &metrics_open(&env)[0], &|_| 3.0);
    state.refresh();
    assert_eq!(
        panel(&env),
        1,
        "Refresh fetches the instance, not the charts"
    );
    env.advance(60_000.0);
    assert_eq!(panel(&env), 2, "a minute on, even with auto-refresh off");
}

#[test]
fn switching_the_window_asks_for_it_at_once_and_remembers_it() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    state.set_metrics_open(true);
    let first = metrics_open(&env)[0].clone();
    state.set_metrics_window(Window::Hours6);
    assert!(
        !env.open_requests().iter().any(|(i, _)| *i == first.index),
        "the 1 h fetch is abandoned"
    );
    let open = metrics_open(&env);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].interval, 120);
    assert!(open[0].span() >= 21_600 && open[0].span() < 21_720);
    assert_eq!(open[0].start % 120, 0);
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.metricsWindow")
            .as_deref(),
        Some("6h")
    );
    assert_eq!(
        panel_phase(&state),
        Phase::Loading,
        "the old window's charts are not shown"
    );

    for (window, interval, span) in [
        (Window::Minutes15, 15, 900),
        (Window::Hours24, 300, 86_400),
        (Window::Hour1, 15, 3_600),
    ] {
        state.set_metrics_window(window);
        let open = metrics_open(&env);
        assert_eq!(open.len(), 1, "{window:?}: {open:?}");
        assert_eq!(open[0].interval, interval, "{window:?}");
        assert!(
            open[0].span() >= span && open[0].span() < span + interval,
            "{window:?}"
        );
    }

    // A new page starts with the remembered window.
    let env2 = FakeEnv::new().with_stored(Store::Local, "novita-viewer.metricsWindow", "24h");
    let (_owner2, state2) = page(&env2);
    assert_eq!(untrack(|| state2.metrics_window()), Window::Hours24);
    let env3 = FakeEnv::new().with_stored(Store::Local, "novita-viewer.metricsWindow", "2d");
    let (_owner3, state3) = page(&env3);
    assert_eq!(
        untrack(|| state3.metrics_window()),
        Window::Hour1,
        "unreadable: the default"
    );
}

#[test]
fn an_abandoned_fetch_ending_late_does_not_take_the_place_of_the_one_after_it() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    state.set_metrics_open(true);
    let hour = metrics_open(&env)[0].clone();
    // Switched while the hour is on its way: the hour's request is aborted, and its task ends
    // (with a network error) only after the 6 h request has started.
    state.set_metrics_window(Window::Hours6);
    env.run();
    assert!(env.was_aborted(hour.index));
    let six = metrics_open(&env)[0].clone();
    assert_eq!(six.interval, 120);
    reply(&env, &six, &|_| 3.0);
    assert_eq!(panel_phase(&state), Phase::Ready, "the 6 h answer is taken");
    let window = state
        .metrics_live()
        .with_data_untracked(|d| d.map(|c| c.window));
    assert_eq!(window, Some(Window::Hours6));
}

#[test]
fn a_failed_fetch_is_kept_in_the_panel_and_retried_with_back_off() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    state.set_metrics_open(true);
    env.answer(metrics_open(&env)[0].index, 503, "");
    assert_eq!(panel_phase(&state), Phase::Failed);
    let failure = untrack(|| state.metrics_live().failure()).expect("a failure");
    assert_eq!(failure.error.kind().as_str(), "server");
    assert_eq!(
        untrack(|| state.tracker("run1", false).map(|t| t.live.phase().get())),
        Some(Phase::Ready),
        "the instance itself is untouched"
    );
    env.advance(119_999.0);
    assert!(metrics_open(&env).is_empty());
    env.advance(1.0);
    assert_eq!(metrics_open(&env).len(), 1, "retried after two minutes");

    // An answer that is not metrics is a failure too, explained as such.
    env.answer(metrics_open(&env)[0].index, 200, "<html>sign in</html>");
    let failure = untrack(|| state.metrics_live().failure()).expect("a failure");
    assert_eq!(failure.error.kind().as_str(), "bad-response");
}

#[test]
fn another_instance_on_screen_forgets_the_charts() {
    let env = FakeEnv::new();
    let (_owner, state) = running_on_screen(&env, "run1");
    state.set_metrics_open(true);
    reply(&env, &metrics_open(&env)[0], &|_| 3.0);
    assert_eq!(panel_phase(&state), Phase::Ready);
    state.load("run2");
    assert_eq!(panel_phase(&state), Phase::Idle);
    answer(&env, "run2", "running");
    let panel: Vec<Asked> = metrics_open(&env)
        .into_iter()
        .filter(|a| !a.is_check())
        .collect();
    assert_eq!(panel.len(), 1);
    assert_eq!(panel[0].id, "run2");
}

// ---- the idle watch -----------------------------------------------------------------------

/// Answers every open metrics request, the GPUs at `gpu(id, t)`.
fn reply_all(env: &FakeEnv, gpu: &dyn Fn(&str, i64) -> f64) -> usize {
    let open = metrics_open(env);
    for asked in &open {
        let id = asked.id.clone();
        reply(env, asked, &|t| gpu(&id, t));
    }
    open.len()
}

#[test]
fn an_idle_instance_on_screen_is_checked_then_looked_back_at_to_say_since_when() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.load("quiet");
    answer(&env, "quiet", "running");
    let open = metrics_open(&env);
    assert_eq!(open.len(), 1, "{open:?}");
    let check = open[0].clone();
    assert!(check.is_check());
    assert!(check.span() >= 40 * 60 && check.span() < 41 * 60);

    // Busy until 2 h 10 min ago.
    let went_quiet = now_secs(&env) - (2 * 3_600 + 10 * 60);
    let gpu = move |t: i64| if t < went_quiet { 90.0 } else { 1.5 };
    reply(&env, &check, &gpu);
    assert_eq!(
        untrack(|| state.idle_for("quiet")),
        None,
        "idle for at least what the check saw: the flag waits for the look back"
    );
    assert!(
        metrics_open(&env).is_empty(),
        "the look back waits a second"
    );
    env.advance(1_000.0);
    let open = metrics_open(&env);
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].interval, 300);
    assert!(open[0].span() >= 86_400);
    reply(&env, &open[0], &gpu);
    let state_now = untrack(|| state.idle_for("quiet")).expect("checked");
    let Verdict::Idle { since, at_least } = state_now.verdict else {
        panic!("idle: {state_now:?}");
    };
    assert!(!at_least);
    assert!(
        since >= went_quiet && since < went_quiet + 300,
        "{since} vs {went_quiet}"
    );
    let text = state_now
        .flag_text(novita_instance_viewer::state::env::Env::now_ms(&env))
        .expect("words");
    assert!(text.starts_with("GPUs idle for 2 h "), "{text}");
    assert!(text.ends_with("; the instance is still billed while it runs"));

    // The next check comes five minutes after the last, and no second look back within the hour.
    let sent = metrics_sent(&env).len();
    env.advance(298_000.0);
    assert_eq!(metrics_sent(&env).len(), sent);
    env.advance(2_000.0);
    assert_eq!(metrics_sent(&env).len(), sent + 1);
    assert!(metrics_open(&env)[0].is_check());
}

#[test]
fn a_failed_look_back_shows_what_the_check_saw_and_a_failed_check_changes_nothing() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.watch_idle(vec!["quiet".into()]);
    reply_all(&env, &|_, _| 1.0);
    assert_eq!(untrack(|| state.idle_for("quiet")), None);
    env.advance(1_000.0);
    env.answer(metrics_open(&env)[0].index, 500, "");
    let seen = untrack(|| state.idle_for("quiet")).expect("judged");
    assert!(
        matches!(seen.verdict, Verdict::Idle { at_least: true, .. }),
        "{seen:?}"
    );
    // The next check fails too (after the pause and the five minutes): the verdict stands,
    // as of when its readings were fetched.
    env.advance(300_000.0);
    let check = metrics_open(&env);
    assert_eq!(check.len(), 1);
    assert!(check[0].is_check());
    env.answer(check[0].index, 503, "");
    assert_eq!(untrack(|| state.idle_for("quiet")), Some(seen));
}

#[test]
fn a_fleet_of_a_thousand_is_checked_three_at_a_time_sixty_a_minute_each_every_five_minutes() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    let ids: Vec<String> = (0..1_000).map(|i| format!("i{i:04}")).collect();
    state.watch_idle(ids.clone());
    assert_eq!(metrics_open(&env).len(), 1, "one start, then one a second");

    // Unanswered, never more than three at once.
    env.advance(30_000.0);
    assert_eq!(metrics_open(&env).len(), 3);
    assert_eq!(metrics_sent(&env).len(), 3);

    // Answered at once from now on, for 20 minutes.
    let busy = |_: &str, _: i64| 80.0;
    for _ in 0..(20 * 60 * 2) {
        reply_all(&env, &busy);
        env.advance(500.0);
    }
    reply_all(&env, &busy);
    let sent = metrics_sent(&env);
    let starts: Vec<i64> = sent.iter().map(|a| a.end).collect();
    for window in starts.windows(61) {
        assert!(
            window[60] - window[0] >= 60,
            "61 requests within a minute: {} to {}",
            window[0],
            window[60]
        );
    }
    let mut last: HashMap<&str, i64> = HashMap::new();
    for a in &sent {
        if let Some(before) = last.insert(a.id.as_str(), a.end) {
            assert!(a.end - before >= 300, "{} checked twice within 5 min", a.id);
        }
    }
    assert!(
        sent.len() >= 1_150,
        "the pace is kept up: {} in 20 min",
        sent.len()
    );
    assert!(
        ids.iter().all(|id| last.contains_key(id.as_str())),
        "every one checked"
    );
    assert!(sent.iter().all(Asked::is_check), "busy: no look backs");
    assert_eq!(
        untrack(|| state.idle_for("i0000")).map(|s| s.verdict),
        Some(Verdict::Busy)
    );
}

#[test]
fn nothing_is_checked_while_hidden_or_without_a_key() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.set_visible(false);
    state.watch_idle(vec!["a".into(), "b".into()]);
    env.advance(900_000.0);
    assert!(metrics_sent(&env).is_empty(), "hidden");
    state.set_visible(true);
    assert_eq!(metrics_sent(&env).len(), 1, "shown: checks start");
    reply_all(&env, &|_, _| 80.0);
    state.set_visible(false);
    env.advance(900_000.0);
    assert_eq!(
        metrics_sent(&env).len(),
        1,
        "hidden again: the second waits"
    );

    let env2 = FakeEnv::new();
    let (_owner, keyless) = bare_page(&env2);
    keyless.apply_config(Ok(instance_model::settings::Config::default()));
    keyless.watch_idle(vec!["a".into()]);
    env2.advance(600_000.0);
    assert_eq!(env2.sent_count(), 0, "no key: nothing");
    keyless.set_api_key(KEY.into());
    assert_eq!(metrics_sent(&env2).len(), 1, "the key arrives: it starts");
}

#[test]
fn instances_that_stop_are_forgotten_and_never_asked_about_again() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.watch_idle(vec!["a".into(), "b".into()]);
    env.advance(1_000.0);
    let open = metrics_open(&env);
    assert_eq!(open.len(), 2);
    reply(&env, &open[0], &|_| 80.0);
    assert!(untrack(|| state.idle_for("a")).is_some());
    // The fleet's next list: "a" stopped, "b" (in flight) too.
    state.watch_idle(vec![]);
    assert!(env.was_aborted(open[1].index), "b's check is abandoned");
    assert_eq!(untrack(|| state.idle_for("a")), None);
    env.advance(3_600_000.0);
    assert_eq!(metrics_sent(&env).len(), 2, "never asked again");
}

#[test]
fn a_check_abandoned_and_ending_late_does_not_take_the_place_of_the_next() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.watch_idle(vec!["a".into()]);
    let first = metrics_open(&env)[0].clone();
    env.advance(2_000.0);
    // Stopped and started again between two lists: the first check is abandoned, a second
    // starts, and only then does the first end (aborted).
    state.watch_idle(vec![]);
    state.watch_idle(vec!["a".into()]);
    env.run();
    assert!(env.was_aborted(first.index));
    let open = metrics_open(&env);
    assert_eq!(open.len(), 1, "{open:?}");
    reply(&env, &open[0], &|_| 80.0);
    assert_eq!(
        untrack(|| state.idle_for("a")).map(|s| s.verdict),
        Some(Verdict::Busy),
        "the second check's answer is taken, and the abort paused nothing"
    );
}

#[test]
fn a_429_pauses_every_check_until_retry_after() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.watch_idle(vec!["a".into(), "b".into(), "c".into()]);
    let first = metrics_open(&env)[0].clone();
    env.answer_with(
        first.index,
        Ok(HttpResponse {
            status: 429,
            body: String::new(),
            retry_after: Some("45".into()),
        }),
    );
    let sent = metrics_sent(&env).len();
    env.advance(44_000.0);
    assert_eq!(metrics_sent(&env).len(), sent, "nothing within Retry-After");
    env.advance(1_000.0);
    assert_eq!(metrics_sent(&env).len(), sent + 1);
    // A 5xx pauses too: 10 s after a first failure, doubled for each one in a row (here the
    // second).
    let next = metrics_open(&env)[0].clone();
    env.answer(next.index, 502, "");
    env.advance(19_999.0);
    assert_eq!(metrics_sent(&env).len(), sent + 1);
    env.advance(1.0);
    assert_eq!(metrics_sent(&env).len(), sent + 2);
    let _ = state;
}

#[test]
fn a_new_idle_rule_judges_again_without_asking_and_is_remembered() {
    let env = FakeEnv::new();
    let (_owner, state) = page(&env);
    state.watch_idle(vec!["eight".into()]);
    // 50 % until 35 minutes ago, 8 % since: busy by 5 %, idle by 10 % (since then).
    let quiet_from = now_secs(&env) - 35 * 60;
    reply_all(&env, &|_, t| if t < quiet_from { 50.0 } else { 8.0 });
    assert_eq!(
        untrack(|| state.idle_for("eight")).map(|s| s.verdict),
        Some(Verdict::Busy)
    );
    let sent = metrics_sent(&env).len();
    let ten = IdleRule {
        threshold_pct: 10,
        window_mins: 30,
    };
    state.set_idle_rule(ten);
    assert!(matches!(
        untrack(|| state.idle_for("eight")).map(|s| s.verdict),
        Some(Verdict::Idle { .. })
    ));
    assert_eq!(
        metrics_sent(&env).len(),
        sent,
        "judged again from what was fetched"
    );
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.idleThreshold")
            .as_deref(),
        Some("10")
    );
    assert_eq!(
        env.stored(Store::Local, "novita-viewer.idleWindow")
            .as_deref(),
        Some("30")
    );
    let env2 = FakeEnv::new()
        .with_stored(Store::Local, "novita-viewer.idleThreshold", "10")
        .with_stored(Store::Local, "novita-viewer.idleWindow", "7");
    let (_owner2, state2) = page(&env2);
    assert_eq!(
        untrack(|| state2.idle_rule()),
        IdleRule {
            threshold_pct: 10,
            window_mins: 30
        },
        "a window not offered is the default's"
    );
}
