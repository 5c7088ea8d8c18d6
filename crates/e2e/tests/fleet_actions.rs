//! Issues 13 and 14 in the fleet: rows selected and stopped in bulk (one confirmation naming
//! every instance and the rows left out, exactly one POST per instance, each row with its own
//! outcome, followed by the list rather than a Get per instance), select-all and the keyboard,
//! the idle filter with its count and address, and no selection control at all in a read-only
//! deployment. Only standard WebDriver and page JavaScript.

use std::time::Duration;

use e2e::{check, run, Session, Setup};
use fantoccini::key::Key;
use serde_json::{json, Value};

const LLAMA: &str = "a1c4e7f0b3d62958";
const NOTEBOOK: &str = "b2d5f8a1c4e73069";
/// Exited: Stop leaves it out.
const SDXL: &str = "d4f7b0c3e6a9528b";
/// Long enough for a stop to go through its three statuses (2 s each) and be seen.
const FOLLOW: Duration = Duration::from_secs(60);

async fn wait_total(t: &Session, total: usize) {
    t.wait_js_for(
        &format!("the fleet to hold {total} instances"),
        "const f = document.querySelector('[data-testid=\"fleet\"]'); \
         return !!f && f.getAttribute('data-total') === arguments[0];",
        vec![json!(total.to_string())],
        Duration::from_secs(20),
    )
    .await;
}

fn row_css(id: &str) -> String {
    format!("[data-testid=\"fleet-row\"][data-instance-id=\"{id}\"]")
}

async fn select_box(t: &Session, id: &str) -> fantoccini::elements::Element {
    t.wait_for_css(
        &format!("{} [data-testid=\"fleet-select\"]", row_css(id)),
        &format!("the checkbox of {id}"),
        Duration::from_secs(10),
    )
    .await
}

/// The IDs of the rows whose box is ticked.
async fn ticked(t: &Session) -> Vec<String> {
    let ids = t
        .js(
            "return [...document.querySelectorAll('[data-testid=\"fleet-row\"]')] \
             .filter(r => r.querySelector('[data-testid=\"fleet-select\"]').checked) \
             .map(r => r.getAttribute('data-instance-id'));",
        )
        .await;
    serde_json::from_value(ids).unwrap_or_default()
}

async fn wait_ticked(t: &Session, count: usize) {
    t.wait_js(
        &format!("{count} rows to be ticked"),
        "return [...document.querySelectorAll('[data-testid=\"fleet-select\"]')] \
         .filter(b => b.checked).length === arguments[0];",
        vec![json!(count)],
    )
    .await;
}

/// The bulk button's text and its `disabled` / `title`.
async fn button(t: &Session, hook: &str) -> Value {
    t.js_with(
        "const b = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); \
         return b ? [b.textContent, b.disabled, b.getAttribute('title')] : null;",
        vec![json!(hook)],
    )
    .await
}

/// Waits until the row's `action-status` has `attr` = `value`.
async fn wait_row_status(t: &Session, id: &str, attr: &str, value: &str) {
    t.wait_js_for(
        &format!("the row {id}'s action-status to have {attr}={value}"),
        "const s = document.querySelector(arguments[0] + ' [data-testid=\"action-status\"]'); \
         return !!s && s.getAttribute(arguments[1]) === arguments[2];",
        vec![json!(row_css(id)), json!(attr), json!(value)],
        FOLLOW,
    )
    .await;
}

/// The POSTs the stand-in received, as (action, instance ID).
fn posts(t: &Session) -> Vec<(String, String)> {
    t.api
        .actions()
        .into_iter()
        .map(|a| (a.action, a.instance_id.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn two_running_rows_stopped_in_bulk_send_exactly_two_posts_and_each_row_shows_its_outcome() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        let stop = button(&t, "fleet-action-stop").await;
        check!(
            t,
            stop[1] == json!(true) && stop[2] == json!("Select instances in the table to stop them."),
            "nothing selected: Stop is off and says why: {stop}"
        );
        for id in [LLAMA, NOTEBOOK, SDXL] {
            let b = select_box(&t, id).await;
            t.click_on(&b, id).await;
        }
        wait_ticked(&t, 3).await;
        let label = t
            .attr_of(&select_box(&t, LLAMA).await, "aria-label", "the checkbox")
            .await;
        check!(t, label.as_deref() == Some("Select llama3-finetune-a100"), "labelled: {label:?}");
        let stop = button(&t, "fleet-action-stop").await;
        check!(t, stop == json!(["Stop 2", false, null]), "two of three can be stopped: {stop}");
        let start = button(&t, "fleet-action-start").await;
        check!(t, start == json!(["Start 1", false, null]), "one can be started: {start}");

        t.click("fleet-action-stop").await;
        let dialog = t.wait_for("confirm-dialog").await;
        let text = t.text_of(&dialog, "confirm-dialog").await;
        for words in [
            "Stop 2 instances?",
            "llama3-finetune-a100",
            LLAMA,
            "notebook-friday",
            NOTEBOOK,
            "GPU billing stops.",
        ] {
            check!(t, text.contains(words), "the dialog should say {words:?}: {text:?}");
        }
        let skipped = t.text("confirm-skipped").await;
        check!(
            t,
            skipped.contains("sdxl-batch-render")
                && skipped.contains(SDXL)
                && skipped.contains("Only a running instance can be stopped"),
            "the stopped row is named as left out, with why: {skipped:?}"
        );
        check!(t, posts(&t).is_empty(), "nothing sent before the confirmation");
        let ok = t.wait_for("confirm-ok").await;
        t.click_on(&ok, "confirm-ok").await;
        t.wait_gone("confirm-dialog").await;

        for id in [LLAMA, NOTEBOOK] {
            wait_row_status(&t, id, "data-action", "stop").await;
            wait_row_status(&t, id, "data-progress", "reached").await;
            let status = t
                .js_with(
                    "return document.querySelector(arguments[0] + ' [data-testid=\"status-badge\"]').getAttribute('data-status');",
                    vec![json!(row_css(id))],
                )
                .await;
            check!(t, status == json!("exited"), "{id} is shown stopped: {status}");
        }
        let state = t
            .js_with(
                "return document.querySelector(arguments[0] + ' [data-testid=\"action-status\"]').getAttribute('data-state');",
                vec![json!(row_css(LLAMA))],
            )
            .await;
        check!(t, state == json!("accepted"), "the row says the API accepted it: {state}");
        let mut sent = posts(&t);
        sent.sort();
        let expected = vec![
            ("stop".to_string(), LLAMA.to_string()),
            ("stop".to_string(), NOTEBOOK.to_string()),
        ];
        check!(t, sent == expected, "exactly two stop POSTs, one each: {sent:?}");
        let gets = t.instance_gets().len();
        check!(t, gets == 0, "the list follows them: no Get Instance per row, saw {gets}");
        let left = ticked(&t).await;
        check!(t, left == [SDXL], "the row left out stays selected: {left:?}");
        check!(t, posts(&t).len() == 2, "never sent again");
    })
    .await;
}

#[tokio::test]
async fn select_all_ticks_every_row_shown_and_a_box_answers_the_space_bar() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/?fleet&tone=ok").await;
        wait_total(&t, 16).await;
        t.wait_count("fleet-row", 6, Duration::from_secs(10)).await;
        let all = t.wait_for("fleet-select-all").await;
        let label = t.attr_of(&all, "aria-label", "select-all").await;
        check!(t, label.is_some_and(|l| !l.is_empty()), "the select-all box is labelled");
        t.click_on(&all, "select-all").await;
        wait_ticked(&t, 6).await;
        let stop = button(&t, "fleet-action-stop").await;
        check!(t, stop[0] == json!("Stop 6"), "every running row shown: {stop}");
        let start = button(&t, "fleet-action-start").await;
        check!(
            t,
            start[1] == json!(true)
                && start[2] == json!("None of the 6 selected can be started: only a stopped instance can, and not while another action on it is under way."),
            "Start is off and says why: {start}"
        );
        // Showing every row: the select-all box is half ticked (6 of 16).
        let failed = t
            .wait_for_css("[data-testid=\"fleet-filter\"][data-tone=\"ok\"]", "the running filter", Duration::from_secs(5))
            .await;
        t.click_on(&failed, "the running filter").await;
        t.wait_count("fleet-row", 16, Duration::from_secs(10)).await;
        let half = t
            .js("const b = document.querySelector('[data-testid=\"fleet-select-all\"]'); return [b.checked, b.indeterminate];")
            .await;
        check!(t, half == json!([false, true]), "some of those shown are selected: {half}");
        t.click("fleet-select-all").await;
        wait_ticked(&t, 16).await;
        t.click("fleet-select-all").await;
        wait_ticked(&t, 0).await;

        // The keyboard: a focused box, the space bar.
        let b = select_box(&t, NOTEBOOK).await;
        t.js_with("arguments[0].focus(); return true;", vec![json!(b)]).await;
        b.send_keys(" ").await.expect("pressing space on the checkbox");
        wait_ticked(&t, 1).await;
        let focused = t
            .js("return document.activeElement && document.activeElement.getAttribute('data-testid');")
            .await;
        check!(t, focused == json!("fleet-select"), "the box keeps the focus: {focused}");
        b.send_keys(&Key::Space.to_string()).await.expect("space again");
        wait_ticked(&t, 0).await;
        check!(t, posts(&t).is_empty(), "selecting sends nothing");
    })
    .await;
}

#[tokio::test]
async fn the_idle_filter_shows_only_the_idle_rows_with_their_count_and_is_in_the_address() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        // The idle watch checks the running instances a few at a time: wait for its verdicts.
        t.wait_js_for(
            "the idle filter to count the one idle instance",
            "const b = document.querySelector('[data-testid=\"fleet-filter\"][data-tone=\"idle\"]'); \
             return !!b && b.textContent.replace(/\\s+/g, ' ').trim() === '1 idle' \
               && document.querySelectorAll('[data-testid=\"idle-flag\"]').length === 1;",
            vec![],
            FOLLOW,
        )
        .await;
        let idle = t
            .wait_for_css("[data-testid=\"fleet-filter\"][data-tone=\"idle\"]", "the idle filter", Duration::from_secs(5))
            .await;
        let pressed = t.attr_of(&idle, "aria-pressed", "idle filter").await;
        check!(t, pressed.as_deref() == Some("false"), "{pressed:?}");
        t.click_on(&idle, "the idle filter").await;
        t.wait_count("fleet-row", 1, Duration::from_secs(10)).await;
        let ids = t
            .js("return [...document.querySelectorAll('[data-testid=\"fleet-row\"]')].map(r => [r.getAttribute('data-instance-id'), !!r.querySelector('[data-testid=\"idle-flag\"]')]);")
            .await;
        check!(t, ids == json!([[NOTEBOOK, true]]), "only the idle row, flagged: {ids}");
        let pressed = t.attr_of(&idle, "aria-pressed", "idle filter").await;
        check!(t, pressed.as_deref() == Some("true"), "pressed: {pressed:?}");
        let url = t.url().await;
        check!(t, url.contains("?fleet") && url.contains("tone=idle"), "in the address: {url}");
        let shown = t.body_text().await;
        check!(t, shown.contains("Showing 1 of 16"), "says how many are shown");

        // The address opens it filtered.
        t.goto("/").await;
        t.client.goto(&url).await.expect("opening the shared address");
        wait_total(&t, 16).await;
        t.wait_count("fleet-row", 1, FOLLOW).await;
        t.click("fleet-filter").await; // the first tone: another filter replaces it
        let pressed = t
            .js("return document.querySelector('[data-testid=\"fleet-filter\"][data-tone=\"idle\"]').getAttribute('aria-pressed');")
            .await;
        check!(t, pressed == json!("false"), "a tone filter takes its place: {pressed}");
    })
    .await;
}

#[tokio::test]
async fn a_read_only_deployment_shows_no_selection_control() {
    let setup = Setup {
        read_only_server: true,
        ..Setup::default()
    };
    run(setup, |t| async move {
        t.open_with_key("/").await;
        // The list comes through the server's own origin, which its config.json names: by
        // then config.json (readOnly) has been read.
        wait_total(&t, 16).await;
        t.wait_count("fleet-row", 16, Duration::from_secs(10)).await;
        for hook in [
            "fleet-select",
            "fleet-select-all",
            "fleet-action-start",
            "fleet-action-stop",
            "action-status",
        ] {
            check!(t, !t.exists(hook).await, "[data-testid={hook}] must not exist in read-only mode");
        }
        let boxes = t
            .js("return document.querySelectorAll('[data-testid=\"fleet\"] input[type=checkbox]').length;")
            .await;
        check!(t, boxes == json!(0), "no checkbox in the fleet: {boxes}");
    })
    .await;
}
