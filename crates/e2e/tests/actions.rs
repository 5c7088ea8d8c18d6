//! Issue 13, actions: each action from its confirmation to the instance's final status, with
//! exactly one POST per confirmation whatever is clicked or pressed twice; cancel and Escape
//! send nothing; Delete needs the name typed; refusals (`OPERATION_LIMIT`, 401, 429) in words;
//! a timeout reported as an unknown outcome and never resent; no action control at all in a
//! read-only deployment; and the dialog's focus: in, kept inside, and back out.
//!
//! Only WebDriver commands every engine has, and plain JavaScript.

use std::time::{Duration, Instant};

use e2e::{check, run, ConfigJson, Session, Setup, TEST_API_KEY};
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_LEFT,
};
use fantoccini::key::Key;
use serde_json::{json, Value};

/// `full.json`: running, named llama-finetune-a100, keepDataDay 7.
const RUNNING: &str = "7f3e2a9c1b4d5e60";
/// `stopped-with-error.json`: exited, named sd-xl-render.
const STOPPED: &str = "3c9d0e1f2a3b4c5d";
/// From the stand-in's fleet: a second running instance.
const RUNNING_TOO: &str = "b2d5f8a1c4e73069";
/// Long enough for any status the app polls for (every 3 s while in progress).
const FOLLOW: Duration = Duration::from_secs(40);

/// Opens the app with the key held and `id` on screen.
async fn open_instance(t: &Session, id: &str) {
    t.open("/").await;
    t.js_with(
        "localStorage.setItem('novita-viewer.apiKey', arguments[0]); return true;",
        vec![json!(TEST_API_KEY)],
    )
    .await;
    t.open(&format!("/?instance={id}")).await;
    t.wait_view(id).await;
}

/// The POSTs the stand-in received for `id`, as (action, body).
fn posts(t: &Session, id: &str) -> Vec<(String, String)> {
    t.api
        .actions()
        .into_iter()
        .filter(|a| a.instance_id.as_deref() == Some(id))
        .map(|a| (a.action, a.request.body))
        .collect()
}

/// Waits until `[data-testid=hook]` has `attr` = `value`.
async fn wait_attr(t: &Session, hook: &str, attr: &str, value: &str, timeout: Duration) {
    t.wait_js_for(
        &format!("[data-testid={hook}] to have {attr}={value}"),
        "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); \
         return !!e && e.getAttribute(arguments[1]) === arguments[2];",
        vec![json!(hook), json!(attr), json!(value)],
        timeout,
    )
    .await;
}

/// Waits until the status badge of the view says `status`.
async fn wait_status(t: &Session, status: &str) {
    t.wait_js_for(
        &format!("the status badge to say {status}"),
        "const b = document.querySelector('[data-testid=\"instance-view\"] [data-testid=\"status-badge\"]'); \
         return !!b && b.getAttribute('data-status') === arguments[0];",
        vec![json!(status)],
        FOLLOW,
    )
    .await;
}

/// Waits until the action button is enabled (the view has the status that allows it).
async fn wait_enabled(t: &Session, hook: &str) {
    t.wait_js(
        &format!("[data-testid={hook}] to be enabled"),
        "const b = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); \
         return !!b && !b.disabled;",
        vec![json!(hook)],
    )
    .await;
}

/// Presses `action-<name>` and waits for the dialog.
async fn ask(t: &Session, action: &str) {
    let hook = format!("action-{action}");
    wait_enabled(t, &hook).await;
    t.click(&hook).await;
    t.wait_for("confirm-dialog").await;
}

async fn keys(t: &Session, pressed: &[char]) {
    let mut seq = KeyActions::new("keyboard".into());
    for key in pressed {
        seq = seq
            .then(KeyAction::Down { value: *key })
            .then(KeyAction::Up { value: *key });
    }
    if let Err(err) = t.client.perform_actions(seq).await {
        panic!(
            "{}",
            t.with_page(&format!("pressing keys failed: {err}")).await
        );
    }
    let _ = t.client.release_actions().await;
}

/// `data-testid` of the focused element, and whether it is inside the dialog.
async fn focus(t: &Session) -> (String, bool) {
    let v = t
        .js("const a = document.activeElement; \
             return [a && a.getAttribute('data-testid') || (a ? a.tagName + '.' + a.className : ''), \
                     !!a && !!a.closest('[data-testid=\"confirm-dialog\"]')];")
        .await;
    (
        v[0].as_str().unwrap_or_default().to_string(),
        v[1] == Value::Bool(true),
    )
}

async fn status_text(t: &Session) -> String {
    t.text("action-status").await
}

/// Waits (up to [`FOLLOW`]) until the stand-in has seen `n` POSTs for `id`; fails on more.
async fn wait_posts(t: &Session, id: &str, n: usize) {
    let deadline = Instant::now() + FOLLOW;
    loop {
        let seen = posts(t, id).len();
        check!(
            t,
            seen <= n,
            "expected {n} POST(s) for {id}, the stand-in saw {seen}"
        );
        if seen == n {
            return;
        }
        check!(
            t,
            Instant::now() < deadline,
            "only {seen} of {n} POST(s) for {id} arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn stop_then_start_go_from_confirmation_to_their_final_status_with_one_post_each() {
    run(Setup::default(), |t| async move {
        open_instance(&t, RUNNING).await;
        check!(
            t,
            !t.exists("action-status").await,
            "no outcome before any action"
        );

        ask(&t, "stop").await;
        let dialog = t.text("confirm-dialog").await;
        for words in [
            "Stop llama-finetune-a100?",
            RUNNING,
            "GPU billing stops.",
            "kept for 7 days after it stops",
            "Volume storage is still billed",
            "not guaranteed",
        ] {
            check!(
                t,
                dialog.contains(words),
                "the stop dialog should say {words:?}: {dialog:?}"
            );
        }
        check!(
            t,
            posts(&t, RUNNING).is_empty(),
            "nothing is sent before the confirmation"
        );
        t.click("confirm-ok").await;
        t.wait_gone("confirm-dialog").await;
        wait_attr(&t, "action-status", "data-action", "stop", FOLLOW).await;
        wait_attr(&t, "action-status", "data-state", "accepted", FOLLOW).await;
        let text = status_text(&t).await;
        check!(
            t,
            text.starts_with("Stop requested at "),
            "the outcome says when: {text:?}"
        );
        wait_status(&t, "exited").await;
        wait_attr(&t, "action-status", "data-progress", "reached", FOLLOW).await;
        let text = status_text(&t).await;
        check!(
            t,
            text.contains("Done: Stopped at"),
            "the outcome says it is done: {text:?}"
        );
        let sent = posts(&t, RUNNING);
        check!(
            t,
            sent == [(
                "stop".to_string(),
                format!(r#"{{"instanceId":"{RUNNING}"}}"#)
            )],
            "one stop POST with the ID: {sent:?}"
        );
        let request = t.api.actions().remove(0).request;
        check!(
            t,
            request.authorization.as_deref() == Some(&format!("Bearer {TEST_API_KEY}")[..])
                && request.header("content-type") == Some("application/json"),
            "the key in Authorization and a JSON body: {:?}",
            request.headers
        );

        // The stand-in answers `{}` this time: still accepted.
        t.api.set_action_answer(200, "{}");
        ask(&t, "start").await;
        let dialog = t.text("confirm-dialog").await;
        check!(
            t,
            dialog.contains("GPU billing starts again"),
            "the start dialog: {dialog:?}"
        );
        t.click("confirm-ok").await;
        wait_attr(&t, "action-status", "data-action", "start", FOLLOW).await;
        wait_status(&t, "running").await;
        wait_attr(&t, "action-status", "data-progress", "reached", FOLLOW).await;
        let text = status_text(&t).await;
        check!(
            t,
            text.contains("Start requested at") && text.contains("Done: Running at"),
            "{text:?}"
        );
        let sent: Vec<String> = posts(&t, RUNNING).into_iter().map(|(a, _)| a).collect();
        check!(
            t,
            sent == ["stop", "start"],
            "one POST per confirmation: {sent:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn restart_interrupts_work_and_comes_back_to_running() {
    run(Setup::default(), |t| async move {
        // Each status lasts until the test moves it on.
        t.api.set_action_step(Duration::from_secs(3600));
        open_instance(&t, RUNNING).await;
        ask(&t, "restart").await;
        let dialog = t.text("confirm-dialog").await;
        check!(
            t,
            dialog.contains("Running work is interrupted"),
            "the restart dialog: {dialog:?}"
        );
        t.click("confirm-ok").await;
        wait_attr(&t, "action-status", "data-state", "accepted", FOLLOW).await;
        // While it is under way, nothing else can be asked for.
        for hook in [
            "action-start",
            "action-stop",
            "action-restart",
            "action-delete",
        ] {
            wait_attr(&t, hook, "disabled", "", FOLLOW).await;
        }
        let why = t
            .js("return document.querySelector('.action-reasons').innerText")
            .await;
        check!(
            t,
            why.as_str()
                .is_some_and(|w| w.contains("Wait: a restart was requested at")),
            "the reason: {why}"
        );
        wait_status(&t, "toRestart").await;
        t.api.advance_status(RUNNING);
        wait_status(&t, "restarting").await;
        wait_attr(&t, "action-status", "data-progress", "moving", FOLLOW).await;
        t.api.advance_status(RUNNING);
        wait_attr(&t, "action-status", "data-progress", "reached", FOLLOW).await;
        let text = status_text(&t).await;
        check!(t, text.contains("Done: Running at"), "{text:?}");
        wait_status(&t, "running").await;
        wait_posts(&t, RUNNING, 1).await;
    })
    .await;
}

#[tokio::test]
async fn delete_stays_disabled_until_the_name_is_typed_exactly_and_ends_removed() {
    run(Setup::default(), |t| async move {
        open_instance(&t, STOPPED).await;
        ask(&t, "delete").await;
        let dialog = t.text("confirm-dialog").await;
        check!(
            t,
            dialog.contains("cannot be undone") && dialog.contains("sd-xl-render"),
            "{dialog:?}"
        );
        let ok = t.wait_for("confirm-ok").await;
        let disabled = || async { t.attr("confirm-ok", "disabled").await.is_some() };
        check!(t, disabled().await, "disabled before anything is typed");
        for wrong in ["sd-xl-rende", "SD-XL-RENDER", "sd-xl-render2", STOPPED] {
            t.fill("confirm-name", wrong).await;
            check!(t, disabled().await, "still disabled with {wrong:?} typed");
            // Enter in the field does not get past it either.
            keys(&t, &[Key::Enter.into()]).await;
            check!(
                t,
                t.exists("confirm-dialog").await,
                "Enter with {wrong:?} typed closes nothing"
            );
        }
        t.fill("confirm-name", "sd-xl-render").await;
        check!(
            t,
            !disabled().await,
            "enabled once the name is typed exactly"
        );
        check!(
            t,
            posts(&t, STOPPED).is_empty(),
            "nothing sent while typing"
        );
        t.click_on(&ok, "confirm-ok").await;
        wait_attr(&t, "action-status", "data-action", "delete", FOLLOW).await;
        wait_status(&t, "removed").await;
        wait_attr(&t, "action-status", "data-progress", "reached", FOLLOW).await;
        check!(
            t,
            status_text(&t).await.contains("Done: Deleted at"),
            "deleted"
        );
        wait_posts(&t, STOPPED, 1).await;
        for hook in [
            "action-start",
            "action-stop",
            "action-restart",
            "action-delete",
        ] {
            wait_attr(&t, hook, "disabled", "", FOLLOW).await;
        }
    })
    .await;
}

#[tokio::test]
async fn an_instance_without_a_name_is_deleted_by_typing_its_id() {
    run(Setup::default(), |t| async move {
        t.api
            .put_instance(json!({ "id": "unnamed-0001", "name": "", "status": "exited" }));
        open_instance(&t, "unnamed-0001").await;
        ask(&t, "delete").await;
        let dialog = t.text("confirm-dialog").await;
        check!(
            t,
            dialog.contains("no name: type its ID to confirm: unnamed-0001"),
            "{dialog:?}"
        );
        t.fill("confirm-name", "unnamed-0001").await;
        keys(&t, &[Key::Enter.into()]).await;
        wait_attr(&t, "action-status", "data-action", "delete", FOLLOW).await;
        wait_posts(&t, "unnamed-0001", 1).await;
    })
    .await;
}

#[tokio::test]
async fn a_hostile_name_stays_text_in_the_dialog() {
    run(Setup::default(), |t| async move {
        open_instance(&t, "hostile-0001").await;
        ask(&t, "delete").await;
        let name = t
            .js("return document.querySelector('[data-testid=\"confirm-dialog\"] bdi').textContent")
            .await;
        check!(
            t,
            name.as_str()
                .is_some_and(|n| n.starts_with("<img src=x onerror=")),
            "the name as text: {name}"
        );
        let images = t
            .js("return document.querySelectorAll('[data-testid=\"confirm-dialog\"] img').length")
            .await;
        check!(t, images == json!(0), "no element made from the name");
        let pwned = t.js("return window.__pwned === undefined").await;
        check!(t, pwned == Value::Bool(true), "no script ran");
    })
    .await;
}

#[tokio::test]
async fn cancel_and_escape_send_nothing_and_give_focus_back() {
    run(Setup::default(), |t| async move {
        open_instance(&t, RUNNING).await;
        ask(&t, "stop").await;
        t.click("confirm-cancel").await;
        t.wait_gone("confirm-dialog").await;
        t.wait_js("focus back on the stop button",
            "return document.activeElement === document.querySelector('[data-testid=\"action-stop\"]');", vec![]).await;

        ask(&t, "restart").await;
        keys(&t, &[Key::Escape.into()]).await;
        t.wait_gone("confirm-dialog").await;
        t.wait_js("focus back on the restart button",
            "return document.activeElement === document.querySelector('[data-testid=\"action-restart\"]');", vec![]).await;

        ask(&t, "delete").await;
        t.fill("confirm-name", "llama-finetune-a100").await;
        keys(&t, &[Key::Escape.into()]).await;
        t.wait_gone("confirm-dialog").await;

        // Nothing went out, and nothing goes out later.
        tokio::time::sleep(Duration::from_secs(1)).await;
        check!(t, t.api.actions().is_empty(), "no POST at all: {:?}", posts(&t, RUNNING));
        check!(t, !t.exists("action-status").await, "no outcome line");
    })
    .await;
}

#[tokio::test]
async fn a_double_click_and_a_double_enter_send_exactly_one_post() {
    run(Setup::default(), |t| async move {
        // A double click on the confirm button, as a person's mouse makes it.
        open_instance(&t, RUNNING).await;
        ask(&t, "stop").await;
        let ok = t.wait_for("confirm-ok").await;
        let mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element: ok, duration: None, x: 0.0, y: 0.0 })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        if let Err(err) = t.client.perform_actions(mouse).await {
            panic!("{}", t.with_page(&format!("double click failed: {err}")).await);
        }
        let _ = t.client.release_actions().await;
        wait_attr(&t, "action-status", "data-state", "accepted", FOLLOW).await;
        wait_posts(&t, RUNNING, 1).await;

        // Two clicks in the same instant, before the page could redraw.
        open_instance(&t, RUNNING_TOO).await;
        ask(&t, "restart").await;
        t.js("const b = document.querySelector('[data-testid=\"confirm-ok\"]'); b.click(); b.click(); return true;").await;
        wait_attr(&t, "action-status", "data-state", "accepted", FOLLOW).await;
        wait_posts(&t, RUNNING_TOO, 1).await;

        // A double Enter on the focused confirm button.
        open_instance(&t, STOPPED).await;
        ask(&t, "start").await;
        t.js("document.querySelector('[data-testid=\"confirm-ok\"]').focus(); return true;").await;
        keys(&t, &[Key::Enter.into(), Key::Enter.into()]).await;
        wait_attr(&t, "action-status", "data-state", "accepted", FOLLOW).await;
        wait_posts(&t, STOPPED, 1).await;

        // And nothing more arrives afterwards.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let all = t.api.actions().len();
        check!(t, all == 3, "three confirmations, three POSTs in all, not {all}");
    })
    .await;
}

#[tokio::test]
async fn operation_limit_401_and_429_are_shown_in_words() {
    run(Setup::default(), |t| async move {
        open_instance(&t, RUNNING).await;
        wait_enabled(&t, "action-stop").await;
        // The instance stopped behind the page's back (and the page does not refresh by
        // itself meanwhile): the API refuses to stop it again.
        t.js(
            "const s = document.querySelector('[data-testid=\"auto-refresh\"]'); s.value = 'off'; \
              s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
        )
        .await;
        t.api.set_status(RUNNING, "exited");
        ask(&t, "stop").await;
        t.click("confirm-ok").await;
        wait_attr(&t, "action-status", "data-state", "failed", FOLLOW).await;
        let kind = t.attr("action-status", "data-kind").await;
        check!(
            t,
            kind.as_deref() == Some("bad-request"),
            "the kind: {kind:?}"
        );
        let text = status_text(&t).await;
        check!(
            t,
            text.contains("Stop refused at")
                && text.contains("OPERATION_LIMIT")
                && text.contains("cannot stop an instance whose status is exited"),
            "the reason with its message: {text:?}"
        );
        // The view was checked again at once, and now offers Start.
        wait_status(&t, "exited").await;
        wait_enabled(&t, "action-start").await;

        t.api.fail_action_next(STOPPED, "fail-401", 1);
        open_instance(&t, STOPPED).await;
        ask(&t, "start").await;
        t.click("confirm-ok").await;
        wait_attr(&t, "action-status", "data-kind", "unauthorized", FOLLOW).await;
        let text = status_text(&t).await;
        check!(
            t,
            text.contains("did not accept the API key (401)") && text.contains("Check the API key"),
            "{text:?}"
        );
        check!(
            t,
            !text.contains(TEST_API_KEY),
            "the key is never in the page"
        );

        t.api.fail_action_next(STOPPED, "fail-429", 1);
        ask(&t, "start").await;
        t.click("confirm-ok").await;
        wait_attr(&t, "action-status", "data-kind", "rate-limited", FOLLOW).await;
        let text = status_text(&t).await;
        check!(
            t,
            text.contains("rate limiting (429)") && text.contains("Wait 30 seconds"),
            "{text:?}"
        );
        wait_posts(&t, STOPPED, 2).await;
    })
    .await;
}

#[tokio::test]
async fn a_timeout_is_reported_as_unknown_and_not_resent() {
    run(Setup::default(), |t| async move {
        open_instance(&t, RUNNING).await;
        // The stop takes effect, and then no answer ever comes: the page gives up after 25 s.
        t.api.fail_action_next(RUNNING, "accept-hang", 1);
        ask(&t, "stop").await;
        t.click("confirm-ok").await;
        wait_attr(&t, "action-status", "data-state", "sending", FOLLOW).await;
        wait_attr(&t, "action-status", "data-state", "unknown", FOLLOW).await;
        let kind = t.attr("action-status", "data-kind").await;
        check!(t, kind.as_deref() == Some("timeout"), "the kind: {kind:?}");
        let text = status_text(&t).await;
        check!(
            t,
            text.contains("no answer came within 25 seconds")
                && text.contains("may or may not have been applied")
                && text.contains("It was not sent again"),
            "the outcome says it is unknown: {text:?}"
        );
        // The page looks instead: the stop did take effect.
        wait_status(&t, "exited").await;
        wait_attr(&t, "action-status", "data-progress", "reached", FOLLOW).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let sent = posts(&t, RUNNING).len();
        check!(t, sent == 1, "one POST, never resent: {sent}");
    })
    .await;
}

/// A deployment with this `config.json`, whose page may reach the stand-in: the API base is
/// left to the user's setting (the stand-in's port is not known when the file is written), as
/// an operator would allow it with `--connect-src`.
fn read_only_setup(config_json: &str) -> Setup {
    Setup {
        allow_stand_in: true,
        ..Setup::with_config(ConfigJson::Raw(config_json.into()))
    }
}

/// Opens `path` with the key held and the stand-in as the user's API base.
async fn open_read_only(t: &Session, path: &str) {
    t.open("/").await;
    t.js_with(
        "localStorage.setItem('novita-viewer.apiKey', arguments[0]); \
         localStorage.setItem('novita-viewer.apiBase', arguments[1]); return true;",
        vec![json!(TEST_API_KEY), json!(t.api.base_url())],
    )
    .await;
    t.open(path).await;
    t.wait_view(RUNNING).await;
    t.wait_for("actions-off").await;
}

async fn no_action_control(t: &Session) {
    for hook in [
        "action-start",
        "action-stop",
        "action-restart",
        "action-delete",
        "confirm-dialog",
        "confirm-ok",
        "confirm-cancel",
        "confirm-name",
        "action-status",
    ] {
        check!(
            t,
            !t.exists(hook).await,
            "[data-testid={hook}] must not exist in read-only mode"
        );
    }
    let buttons = t
        // (The logs panel has a Stop of its own, for the log stream.)
        .js(
            "return [...document.querySelectorAll('button')].filter(b => !b.closest('.logs')) \
             .map(b => b.innerText.trim()).join('|')",
        )
        .await;
    check!(
        t,
        !buttons
            .as_str()
            .unwrap_or_default()
            .split('|')
            .any(|b| ["Start", "Stop", "Restart", "Delete"].contains(&b)),
        "no action button by any name: {buttons}"
    );
}

#[tokio::test]
async fn read_only_config_shows_no_action_control_whatever_the_url_says() {
    run(read_only_setup(r#"{"readOnly": true}"#), |t| async move {
        open_read_only(&t, &format!("/?instance={RUNNING}")).await;
        let note = t.text("actions-off").await;
        check!(t, note.contains("Read-only"), "the note says why: {note:?}");
        no_action_control(&t).await;
        // No address can switch them on.
        open_read_only(
            &t,
            &format!("/?instance={RUNNING}&readOnly=false&readonly=0&actions=on&config=%7B%7D"),
        )
        .await;
        no_action_control(&t).await;
        // The view still refreshes and shows everything else.
        check!(
            t,
            t.exists("refresh").await,
            "the rest of the view is there"
        );
        check!(t, t.api.actions().is_empty(), "and nothing was ever sent");
    })
    .await;
}

/// `--read-only` on the bundled server: its own config.json says so (no control on the page),
/// and it refuses an action POST itself, whoever sends it, without reaching the API.
#[tokio::test]
async fn a_read_only_server_switches_the_page_off_and_refuses_the_post_itself() {
    let setup = Setup {
        read_only_server: true,
        ..Setup::default()
    };
    run(setup, |t| async move {
        open_instance(&t, RUNNING).await;
        t.wait_for("actions-off").await;
        no_action_control(&t).await;
        let answer = t
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch('gpu-instance/openapi/v1/gpu/instance/stop', { method: 'POST', \
                   headers: { 'Authorization': 'Bearer ' + arguments[0], 'Content-Type': 'application/json' }, \
                   body: JSON.stringify({ instanceId: arguments[1] }) }) \
                 .then(r => r.json().then(b => done({ status: r.status, reason: b.reason }))) \
                 .catch(e => done({ error: String(e) }));",
                vec![json!(TEST_API_KEY), json!(RUNNING)],
            )
            .await
            .expect("sending a POST from the page");
        check!(
            t,
            answer == json!({ "status": 403, "reason": "READ_ONLY" }),
            "the server should refuse the POST itself: {answer}"
        );
        check!(t, t.api.actions().is_empty(), "nothing reached the API");
    })
    .await;
}

#[tokio::test]
async fn a_read_only_flag_that_is_not_a_boolean_still_means_read_only() {
    run(read_only_setup(r#"{"readOnly": "yes"}"#), |t| async move {
        open_read_only(&t, &format!("/?instance={RUNNING}")).await;
        no_action_control(&t).await;
    })
    .await;
}

#[tokio::test]
async fn an_unreadable_config_json_switches_actions_off_with_a_warning() {
    run(read_only_setup(r#"{"readOnly": tru"#), |t| async move {
        open_read_only(&t, &format!("/?instance={RUNNING}")).await;
        no_action_control(&t).await;
        let note = t.text("actions-off").await;
        check!(
            t,
            note.contains("config.json could not be read"),
            "{note:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn demo_data_shows_the_actions_disabled_with_the_reason() {
    run(Setup::default(), |t| async move {
        t.open("/?demo").await;
        for hook in [
            "action-start",
            "action-stop",
            "action-restart",
            "action-delete",
        ] {
            wait_attr(&t, hook, "disabled", "", FOLLOW).await;
            let title = t.attr(hook, "title").await.unwrap_or_default();
            check!(
                t,
                title.starts_with("Demo data"),
                "{hook} says why: {title:?}"
            );
        }
        let why = t
            .js("return document.querySelector('.action-reasons').innerText.trim()")
            .await;
        check!(
            t,
            why == json!("Demo data: there is no instance to act on."),
            "the reason, once: {why}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_dialog_takes_focus_keeps_it_inside_and_gives_it_back() {
    run(Setup::default(), |t| async move {
        open_instance(&t, RUNNING).await;
        wait_enabled(&t, "action-stop").await;
        // Opened from the keyboard.
        t.js("document.querySelector('[data-testid=\"action-stop\"]').focus(); return true;").await;
        keys(&t, &[Key::Enter.into()]).await;
        t.wait_for("confirm-dialog").await;
        let modal = t
            .js("const d = document.querySelector('[data-testid=\"confirm-dialog\"]'); \
                 return d.tagName === 'DIALOG' && d.open && d.matches(':modal');")
            .await;
        check!(t, modal == Value::Bool(true), "a native modal dialog, open");
        let (first, inside) = focus(&t).await;
        check!(t, inside && first == "confirm-cancel", "focus starts on Cancel, is on {first:?}");
        // Tab and Shift+Tab go round inside.
        for _ in 0..5 {
            keys(&t, &[Key::Tab.into()]).await;
            let (at, inside) = focus(&t).await;
            check!(t, inside, "Tab left the dialog, to {at:?}");
        }
        let shift: char = Key::Shift.into();
        let tab: char = Key::Tab.into();
        for _ in 0..5 {
            let seq = KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: shift })
                .then(KeyAction::Down { value: tab })
                .then(KeyAction::Up { value: tab })
                .then(KeyAction::Up { value: shift });
            if let Err(err) = t.client.perform_actions(seq).await {
                panic!("{}", t.with_page(&format!("Shift+Tab failed: {err}")).await);
            }
            let _ = t.client.release_actions().await;
            let (at, inside) = focus(&t).await;
            check!(t, inside, "Shift+Tab left the dialog, to {at:?}");
        }
        keys(&t, &[Key::Escape.into()]).await;
        t.wait_gone("confirm-dialog").await;
        t.wait_js("focus back on the stop button",
            "return document.activeElement === document.querySelector('[data-testid=\"action-stop\"]');", vec![]).await;

        // Confirmed from the keyboard: the button is then disabled, so focus goes to the
        // outcome beside it.
        keys(&t, &[Key::Enter.into()]).await;
        t.wait_for("confirm-dialog").await;
        keys(&t, &[Key::Tab.into(), Key::Enter.into()]).await;
        wait_attr(&t, "action-status", "data-action", "stop", FOLLOW).await;
        t.wait_js("focus on the outcome of the action",
            "const a = document.activeElement; return !!a && !!a.querySelector('[data-testid=\"action-status\"]');", vec![]).await;
        wait_posts(&t, RUNNING, 1).await;
    })
    .await;
}
