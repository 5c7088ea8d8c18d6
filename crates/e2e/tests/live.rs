//! Issue 5, live watching: the view follows a changing instance without a click, announces
//! each change once, keeps the last good data through failed refreshes, honours Retry-After,
//! pauses while the tab is hidden, keeps a watch list fresh, and leaves the DOM alone when
//! nothing changed.

use std::time::{Duration, Instant};

use e2e::{check, run, Session, Setup, TEST_API_KEY};
use serde_json::{json, Value};

const FULL_ID: &str = "7f3e2a9c1b4d5e60";
const STARTING_ID: &str = "5a6b7c8d9e0f1a2b";
const FAILED_ID: &str = "3c9d0e1f2a3b4c5d";

/// Pretends the tab is hidden (or shown), as the browser does when the user switches tabs:
/// the event bubbles from the document, as the real one does.
const SET_HIDDEN: &str = r#"
    const hidden = arguments[0];
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    return true;
"#;

async fn status_of(t: &Session) -> String {
    t.attr("status-badge", "data-status")
        .await
        .unwrap_or_default()
}

async fn wait_status(t: &Session, status: &str, timeout: Duration) {
    t.wait_js_for(
        &format!("the status badge to say {status}"),
        "const b = document.querySelector('[data-testid=\"instance-view\"] [data-testid=\"status-badge\"]'); \
         return !!b && b.getAttribute('data-status') === arguments[0];",
        vec![json!(status)],
        timeout,
    )
    .await;
}

async fn choose_refresh(t: &Session, value: &str) {
    let ok = t
        .js_with(
            "const s = document.querySelector('[data-testid=\"auto-refresh\"]'); \
             if (!s) return false; s.value = arguments[0]; \
             s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
            vec![json!(value)],
        )
        .await;
    check!(
        t,
        ok == Value::Bool(true),
        "the auto-refresh select should exist"
    );
}

/// Clicks the hook from inside the page. Where a test watches the DOM, a WebDriver click will
/// not do: geckodriver's writes `style="pointer-events: auto"` on the element it clicks and
/// takes it off again, two mutations that are the driver's, not the app's.
async fn press_in_page(t: &Session, testid: &str) {
    let pressed = t
        .js_with(
            "const e = document.querySelector(arguments[0]); if (!e) return false; e.click(); return true;",
            vec![json!(format!("[data-testid=\"{testid}\"]"))],
        )
        .await;
    check!(
        t,
        pressed == Value::Bool(true),
        "[data-testid={testid}] should be on the page to press"
    );
}

fn gets_for(t: &Session, id: &str) -> usize {
    t.instance_gets()
        .iter()
        .filter(|r| {
            r.query
                .as_deref()
                .is_some_and(|q| q.ends_with(&format!("instanceId={id}")))
        })
        .count()
}

#[tokio::test]
async fn the_view_follows_an_instance_through_its_statuses_and_announces_each_change() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.record_announcements().await;
        let step = Duration::from_secs(4);
        t.api.play_statuses(
            FULL_ID,
            &[
                ("creating", Duration::ZERO),
                ("pulling", step),
                ("starting", step * 2),
                ("running", step * 3),
            ],
        );
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        let first = status_of(&t).await;
        check!(t, first == "creating", "the first status should be creating, is {first:?}");
        let tone = t.attr("status-badge", "data-tone").await;
        check!(t, tone.as_deref() == Some("progress"), "creating should read as progress, is {tone:?}");
        let title = t.js("return document.title").await;
        check!(
            t,
            title.as_str().is_some_and(|s| s.starts_with("Creating")),
            "the tab title should start with the status, is {title}"
        );

        // No clicks from here on: in-progress instances refresh every 3 s.
        wait_status(&t, "running", Duration::from_secs(25)).await;
        let title = t.js("return document.title").await;
        check!(
            t,
            title.as_str().is_some_and(|s| s.starts_with("Running") && s.contains("llama-finetune-a100")),
            "the tab title should now start with Running and name the instance, is {title}"
        );
        let favicon = t
            .js("return document.querySelector('link[rel~=\"icon\"]').getAttribute('href')")
            .await;
        check!(
            t,
            favicon.as_str().is_some_and(|h| h.starts_with("data:image/svg+xml") && h.contains("1f9d55")),
            "the favicon should be the green dot of a running instance, is {favicon}"
        );

        let announced = t.announced().await;
        for change in ["creating → pulling", "pulling → starting", "starting → running"] {
            let expected = format!("llama-finetune-a100: {change}");
            let times = announced.iter().filter(|a| **a == expected).count();
            check!(
                t,
                times == 1,
                "\"{expected}\" should be announced exactly once, was {times} times in {announced:?}"
            );
        }

        let timeline: Vec<String> = serde_json::from_value(
            t.js("return [...document.querySelectorAll('[data-testid=\"status-timeline\"] li')].map(li => li.getAttribute('data-status'))")
                .await,
        )
        .unwrap_or_default();
        check!(
            t,
            timeline == ["creating", "pulling", "starting", "running"],
            "the status timeline should list each status once, oldest first: {timeline:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_data_and_says_why() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        check!(
            t,
            !t.exists("refresh-failed").await,
            "no refresh-failed banner before any failure"
        );

        t.api.fail_next(FULL_ID, "fail-503-empty", u32::MAX);
        t.click("refresh").await;
        let banner = t.wait_for("refresh-failed").await;
        let text = t.text_of(&banner, "[data-testid=refresh-failed]").await;
        check!(
            t,
            text.contains("503"),
            "the banner should say the refresh got a 503: {text:?}"
        );
        let name = t.text("instance-name").await;
        check!(
            t,
            name.contains("llama-finetune-a100"),
            "the last good data stays on screen, name is {name:?}"
        );
        check!(
            t,
            t.exists("port-row").await,
            "the ports stay on screen too"
        );
        check!(
            t,
            !t.exists("error").await,
            "a failed refresh is not the full error panel"
        );

        t.api.fail_next(FULL_ID, "", 0);
        t.click("refresh").await;
        t.wait_gone("refresh-failed").await;
    })
    .await;
}

#[tokio::test]
async fn a_429_is_not_retried_before_retry_after() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        choose_refresh(&t, "5").await;
        t.api.fail_next(FULL_ID, "fail-429", 1);
        let before = gets_for(&t, FULL_ID);
        t.click("refresh").await;
        let banner = t.wait_for("refresh-failed").await;
        let kind = t
            .attr_of(&banner, "data-kind", "[data-testid=refresh-failed]")
            .await;
        check!(
            t,
            kind.as_deref() == Some("rate-limited"),
            "the banner should be rate-limited, is {kind:?}"
        );
        let limited_at = Instant::now();
        check!(
            t,
            gets_for(&t, FULL_ID) == before + 1,
            "exactly one GET got the 429"
        );

        // The period is 5 s, but the API said 30: nothing may be sent before then.
        tokio::time::sleep(Duration::from_secs(25)).await;
        let during = gets_for(&t, FULL_ID) - (before + 1);
        check!(
            t,
            during == 0,
            "{during} GET(s) were sent during the 30 s Retry-After wait"
        );
        let deadline = limited_at + Duration::from_secs(45);
        while gets_for(&t, FULL_ID) == before + 1 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let waited = limited_at.elapsed();
        check!(
            t,
            gets_for(&t, FULL_ID) > before + 1 && waited >= Duration::from_secs(29),
            "the next GET should come once 30 s have passed; after {:.1} s there were {} more",
            waited.as_secs_f64(),
            gets_for(&t, FULL_ID) - (before + 1)
        );
        t.wait_gone("refresh-failed").await;
    })
    .await;
}

#[tokio::test]
async fn refresh_pauses_while_the_tab_is_hidden_and_catches_up_when_shown() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        choose_refresh(&t, "5").await;
        t.js_with(SET_HIDDEN, vec![json!(true)]).await;
        let hidden_at = gets_for(&t, FULL_ID);
        tokio::time::sleep(Duration::from_secs(12)).await;
        let while_hidden = gets_for(&t, FULL_ID) - hidden_at;
        check!(
            t,
            while_hidden == 0,
            "{while_hidden} GET(s) were sent while the tab was hidden"
        );

        t.js_with(SET_HIDDEN, vec![json!(false)]).await;
        let shown_at = Instant::now();
        while gets_for(&t, FULL_ID) == hidden_at && shown_at.elapsed() < Duration::from_secs(3) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        check!(
            t,
            gets_for(&t, FULL_ID) > hidden_at,
            "showing the tab again should refresh at once (nothing within 3 s)"
        );
    })
    .await;
}

#[tokio::test]
async fn a_watch_list_of_three_follows_the_one_that_changes() {
    run(Setup::default(), |t| async move {
        let ids = [FULL_ID, STARTING_ID, FAILED_ID];
        t.open_with_key(&format!("/?watch={}", ids.join(","))).await;
        t.wait_count("watch-card", 3, Duration::from_secs(10)).await;
        let card_status = |id: &str| {
            format!(
                "const c = document.querySelector('[data-testid=\"watch-card\"][data-instance-id=\"{id}\"] [data-testid=\"status-badge\"]'); \
                 return c ? c.getAttribute('data-status') : null;"
            )
        };
        let card_is = |id: &str| {
            format!(
                "const c = document.querySelector('[data-testid=\"watch-card\"][data-instance-id=\"{id}\"] [data-testid=\"status-badge\"]'); \
                 return !!c && c.getAttribute('data-status') === arguments[0];"
            )
        };
        for (id, status) in [(FULL_ID, "running"), (STARTING_ID, "starting"), (FAILED_ID, "exited")] {
            t.wait_js_for(
                &format!("the {id} card to show {status}"),
                &card_is(id),
                vec![json!(status)],
                Duration::from_secs(10),
            )
            .await;
        }
        // A link shows its cards but does not write to the device's watch list by itself.
        let stored = t.js("return localStorage.getItem('novita-viewer.watch')").await;
        check!(t, stored.is_null(), "nothing is stored before the user says so: {stored}");
        t.click("keep-linked").await;
        t.wait_gone("keep-linked").await;
        let stored = t.js("return localStorage.getItem('novita-viewer.watch')").await;
        check!(
            t,
            stored.as_str().is_some_and(|s| ids.iter().all(|id| s.contains(id)) && !s.contains(TEST_API_KEY)),
            "localStorage should keep the three IDs and not the key: {}",
            if stored.as_str().is_some_and(|s| s.contains(TEST_API_KEY)) { "it holds the key" } else { "ok" }
        );

        t.api.set_status(STARTING_ID, "running");
        t.wait_js_for(
            "the starting card to turn running without a click",
            &card_is(STARTING_ID),
            vec![json!("running")],
            Duration::from_secs(10),
        )
        .await;
        let others: Vec<Value> = vec![
            t.js(&card_status(FULL_ID)).await,
            t.js(&card_status(FAILED_ID)).await,
        ];
        check!(
            t,
            others == [json!("running"), json!("exited")],
            "the other cards keep their statuses: {others:?}"
        );

        // A click opens the full view.
        t.js(&format!(
            "document.querySelector('[data-testid=\"watch-card\"][data-instance-id=\"{FAILED_ID}\"] button').click(); return true;"
        ))
        .await;
        t.wait_view(FAILED_ID).await;
    })
    .await;
}

/// Issue 10's crash: a card from a watch link, unpinned, left a tracker whose signals its
/// row had disposed; the next hide/show or load read them and the wasm died
/// (`RuntimeError: unreachable`), leaving a page that no longer answered.
#[tokio::test]
async fn unpinning_a_card_from_a_watch_link_and_going_on_keeps_the_page_alive() {
    run(Setup::default(), |t| async move {
        t.open_with_key(&format!("/?watch={FULL_ID},{STARTING_ID}")).await;
        t.wait_count("watch-card", 2, Duration::from_secs(10)).await;
        let unpinned = t
            .js(&format!(
                "const b = document.querySelector('[data-testid=\"watch-card\"][data-instance-id=\"{STARTING_ID}\"] button.unpin'); \
                 if (!b) return false; b.click(); return true;"
            ))
            .await;
        check!(t, unpinned == Value::Bool(true), "the card's unpin button should exist");
        t.wait_count("watch-card", 1, Duration::from_secs(5)).await;
        check!(
            t,
            !t.url().await.contains(STARTING_ID),
            "the address no longer asks to watch the unpinned instance: {}",
            t.url().await
        );
        // Keep using the app: hide and show the tab, then load another instance.
        t.js_with(SET_HIDDEN, vec![json!(true)]).await;
        t.js_with(SET_HIDDEN, vec![json!(false)]).await;
        t.load(TEST_API_KEY, FAILED_ID).await;
        t.wait_view(FAILED_ID).await;
        // The remaining card is still kept fresh.
        t.api.set_status(FULL_ID, "stopping");
        t.wait_js_for(
            "the remaining card to follow its instance",
            "const c = document.querySelector('[data-testid=\"watch-card\"] [data-testid=\"status-badge\"]'); \
             return !!c && c.getAttribute('data-status') === 'stopping';",
            vec![],
            Duration::from_secs(20),
        )
        .await;
        let errors = t.page_errors().await;
        check!(t, errors.is_empty(), "no uncaught error (a wasm trap is one): {errors:?}");
    })
    .await;
}

#[tokio::test]
async fn pinning_adds_the_instance_to_the_watch_list() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        check!(
            t,
            t.count("watch-card").await == 0,
            "no watch cards before pinning"
        );
        t.click("pin").await;
        t.wait_count("watch-card", 1, Duration::from_secs(5)).await;
        let pressed = t.attr("pin", "aria-pressed").await;
        check!(
            t,
            pressed.as_deref() == Some("true"),
            "the pin button reads pressed, is {pressed:?}"
        );
        t.click("pin").await;
        t.wait_count("watch-card", 0, Duration::from_secs(5)).await;
    })
    .await;
}

#[tokio::test]
async fn an_unchanged_refresh_touches_nothing_but_the_as_of_text() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        choose_refresh(&t, "5").await;
        // Let the first paint and the select's own change settle before watching.
        tokio::time::sleep(Duration::from_millis(500)).await;
        t.js(
            "window.__mutations = []; \
             const inAsOf = n => { const e = n.nodeType === 1 ? n : n.parentElement; \
               return !!e && !!e.closest('[data-testid=\"refreshed-at\"], .as-of'); }; \
             new MutationObserver(list => { for (const m of list) if (!inAsOf(m.target)) \
               window.__mutations.push(m.type + ' on ' + (m.target.nodeName || '') + ' ' + (m.attributeName || '') \
                 + ' [' + (m.target.nodeType === 1 ? m.target.outerHTML.slice(0, 120) : m.target.textContent.slice(0, 60)) + ']' \
                 + ' +' + [...m.addedNodes].map(n => n.textContent.slice(0, 30)).join('|') \
                 + ' -' + [...m.removedNodes].map(n => n.textContent.slice(0, 30)).join('|')); }) \
             .observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true }); \
             return true;",
        )
        .await;
        let before = gets_for(&t, FULL_ID);
        press_in_page(&t, "refresh").await; // one at once, plus the timer's
        let deadline = Instant::now() + Duration::from_secs(15);
        while gets_for(&t, FULL_ID) < before + 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        check!(
            t,
            gets_for(&t, FULL_ID) >= before + 3,
            "expected three refreshes within 15 s, saw {}",
            gets_for(&t, FULL_ID) - before
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mutations = t.js("return window.__mutations").await;
        check!(
            t,
            mutations.as_array().is_some_and(Vec::is_empty),
            "refreshes with unchanged data changed the DOM outside the as-of text: {mutations}"
        );

        // A change to one field changes that field, not the whole view.
        t.js("window.__mutations = []; return true;").await;
        let mut changed = t.api.instance(FULL_ID).expect("the full fixture");
        changed["gpuNum"] = json!("4");
        t.api.put_instance(changed);
        press_in_page(&t, "refresh").await;
        t.wait_js("the GPU count to change", "return document.body.innerText.includes('4 GPU');", vec![]).await;
        let mutations: Vec<String> =
            serde_json::from_value(t.js("return window.__mutations").await).unwrap_or_default();
        check!(
            t,
            mutations.len() == 1,
            "changing one field should take one mutation (its text), took {}: {mutations:?}",
            mutations.len()
        );
    })
    .await;
}

#[tokio::test]
async fn keyboard_shortcuts_refresh_and_focus_the_id_field() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        t.wait_gets(1).await;
        let press = |key: &'static str| {
            format!(
                "(document.activeElement || document.body).dispatchEvent(new KeyboardEvent('keydown', {{ key: '{key}', bubbles: true, cancelable: true }})); return true;"
            )
        };
        t.js("document.activeElement && document.activeElement.blur(); return true;").await;
        let before = gets_for(&t, FULL_ID);
        t.js(&press("r")).await;
        t.wait_gets(before + 1).await;

        t.js(&press("/")).await;
        let focused = t.js("return document.activeElement && document.activeElement.getAttribute('data-testid')").await;
        check!(t, focused == json!("instance-id"), "/ should focus the instance ID field, focus is on {focused}");

        // Typing r in a field is typing, not a shortcut.
        let before = gets_for(&t, FULL_ID);
        t.js(&press("r")).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        check!(t, gets_for(&t, FULL_ID) == before, "r typed into the ID field must not refresh");
    })
    .await;
}

#[tokio::test]
async fn the_refresh_period_is_remembered() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        let default = t.value("auto-refresh").await;
        check!(
            t,
            default == "10",
            "the default period is 10 s, the select shows {default:?}"
        );
        choose_refresh(&t, "off").await;
        t.reload().await;
        // The link and the key kept in this tab load the instance again by themselves.
        t.wait_view(FULL_ID).await;
        let reloaded = t.instance_gets().len();
        t.load(TEST_API_KEY, FULL_ID).await;
        // The Load's own request, which may reach the stand-in after the view is back.
        t.wait_gets(reloaded + 1).await;
        let value = t.value("auto-refresh").await;
        check!(
            t,
            value == "off",
            "after a reload the select should show off, shows {value:?}"
        );
        let before = gets_for(&t, FULL_ID);
        tokio::time::sleep(Duration::from_secs(12)).await;
        check!(
            t,
            gets_for(&t, FULL_ID) == before,
            "with auto-refresh off nothing is fetched by itself"
        );
    })
    .await;
}
