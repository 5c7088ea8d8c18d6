//! Issue 12, the fleet: every instance the key can see, on one live screen. Both page
//! numberings and a capped page size give every instance once; an empty fleet says so; the
//! summary filters, search and sort (and the address keeps the first two); a row opens its
//! instance and Back comes back to it; changes are announced once; a failed refresh keeps the
//! rows; hostile names and unknown statuses are only text; 1,000 instances; the keyboard; and
//! a 360 px screen. Only standard WebDriver and page JavaScript: no engine's own endpoints.

use std::collections::BTreeSet;
use std::time::Duration;

use e2e::{check, run, Session, Setup};
use fake_novita::{Fleet, Numbering, Paging, PastEnd, Total, LIST_PATH};
use fantoccini::key::Key;
use serde_json::{json, Value};

const LLAMA: &str = "a1c4e7f0b3d62958";
const WHISPER: &str = "07cae3f6b9d285be";
const HOSTILE: &str = "6d2049fc1f38eb14";

/// Waits until the fleet says it holds `total` instances.
async fn wait_total(t: &Session, total: usize) {
    t.wait_js_for(
        &format!("the fleet to hold {total} instances (data-total)"),
        "const f = document.querySelector('[data-testid=\"fleet\"]'); \
         return !!f && f.getAttribute('data-total') === arguments[0];",
        vec![json!(total.to_string())],
        Duration::from_secs(20),
    )
    .await;
}

/// The instance IDs of the rows in the page, top to bottom.
async fn row_ids(t: &Session) -> Vec<String> {
    let ids = t
        .js("return [...document.querySelectorAll('[data-testid=\"fleet-row\"]')].map(r => r.getAttribute('data-instance-id'));")
        .await;
    serde_json::from_value(ids).unwrap_or_default()
}

/// The names shown in the rows, top to bottom.
async fn row_names(t: &Session) -> Vec<String> {
    let names = t
        .js("return [...document.querySelectorAll('[data-testid=\"fleet-open\"]')].map(a => a.textContent);")
        .await;
    serde_json::from_value(names).unwrap_or_default()
}

/// Waits until the rows are exactly these names, in this order.
async fn wait_names(t: &Session, names: &[&str]) {
    t.wait_js(
        &format!("the rows to be {names:?}"),
        "return JSON.stringify([...document.querySelectorAll('[data-testid=\"fleet-open\"]')].map(a => a.textContent)) === arguments[0];",
        vec![json!(serde_json::to_string(names).unwrap_or_default())],
    )
    .await;
}

/// The `pageNum` of every List Instances call the stand-in saw, in order.
fn pages_asked(t: &Session) -> Vec<u64> {
    t.api
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == LIST_PATH)
        .filter_map(|r| {
            let query = r.query?;
            query
                .split('&')
                .find_map(|p| p.strip_prefix("pageNum=")?.parse().ok())
        })
        .collect()
}

/// A filter button's words ("6 running"), spaces as one.
async fn filter_text(t: &Session, tone: &str) -> String {
    let button = filter_button(t, tone).await;
    let text = t.text_of(&button, "fleet-filter").await;
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn filter_button(t: &Session, tone: &str) -> fantoccini::elements::Element {
    t.wait_for_css(
        &format!("[data-testid=\"fleet-filter\"][data-tone=\"{tone}\"]"),
        &format!("the {tone} filter"),
        Duration::from_secs(10),
    )
    .await
}

/// Whether `asked` begins with one full listing of exactly `pages` (the list refreshes every
/// few seconds by itself, so a later listing, which starts again at page 0, may follow).
fn one_listing(asked: &[u64], pages: &[u64]) -> bool {
    asked.starts_with(pages) && asked.get(pages.len()).is_none_or(|next| *next == 0)
}

/// Sends keys to whatever has the focus, as a person typing would.
async fn press(t: &Session, keys: &str) {
    let active = match t.client.active_element().await {
        Ok(el) => el,
        Err(err) => panic!(
            "{}",
            t.with_page(&format!("no focused element: {err}")).await
        ),
    };
    if let Err(err) = active.send_keys(keys).await {
        panic!("{}", t.with_page(&format!("typing {keys:?}: {err}")).await);
    }
}

/// The instance ID of the row whose link has the focus.
async fn focused_row(t: &Session) -> Option<String> {
    t.js("const r = document.activeElement && document.activeElement.closest('[data-testid=\"fleet-row\"]'); return r ? r.getAttribute('data-instance-id') : null;")
        .await
        .as_str()
        .map(str::to_owned)
}

async fn wait_focused_row(t: &Session, id: &str) {
    t.wait_js(
        &format!("the row {id} to have the focus"),
        "const r = document.activeElement && document.activeElement.closest('[data-testid=\"fleet-row\"]'); \
         return !!r && r.getAttribute('data-instance-id') === arguments[0];",
        vec![json!(id)],
    )
    .await;
}

#[tokio::test]
async fn with_a_key_the_page_opens_on_the_fleet_with_every_instance_once() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        let ids = row_ids(&t).await;
        let expected: BTreeSet<String> = t.api.fleet_ids().into_iter().collect();
        check!(
            t,
            ids.len() == 16,
            "16 rows, one per instance; there are {}",
            ids.len()
        );
        check!(
            t,
            ids.iter().cloned().collect::<BTreeSet<_>>() == expected,
            "the rows are the fleet's instances: {ids:?}"
        );
        let asked = pages_asked(&t);
        check!(
            t,
            one_listing(&asked, &[0]),
            "16 instances and an honest total: one page a listing, asked {asked:?}"
        );
        let gets = t.instance_gets().len();
        check!(
            t,
            gets == 0,
            "the list needs no Get Instance per row; saw {gets}"
        );

        for (tone, count, words) in [
            ("ok", "6", "running"),
            ("progress", "5", "in progress"),
            ("error", "2", "failed"),
            ("stopped", "3", "stopped"),
            ("unknown", "0", "unknown"),
        ] {
            let text = filter_text(&t, tone).await;
            check!(
                t,
                text == format!("{count} {words}"),
                "the {tone} filter should say \"{count} {words}\", says {text:?}"
            );
        }
        let summary = t.text("fleet-summary").await;
        check!(
            t,
            summary.starts_with("16 instances:"),
            "the summary starts with the count: {summary:?}"
        );
        let when = t.text("fleet-refreshed-at").await;
        check!(
            t,
            when.starts_with("As of "),
            "the list says when it was fetched: {when:?}"
        );
        // What needs attention comes first: the two failed.
        let names = row_names(&t).await;
        check!(
            t,
            names[..2] == ["mystery-box", "train-broken-image"],
            "failed first, by name: {names:?}"
        );
        let title = t.js("return document.title").await;
        check!(
            t,
            title
                .as_str()
                .is_some_and(|s| s.starts_with("4 need attention · 16 instances")),
            "the tab title says how many need attention: {title}"
        );
    })
    .await;
}

#[tokio::test]
async fn both_page_numberings_and_a_capped_page_size_give_every_instance_once() {
    run(Setup::default(), |t| async move {
        let expected: BTreeSet<String> = t.api.fleet_ids().into_iter().collect();
        let cases: [(&str, Paging, &[u64]); 4] = [
            (
                "zero-based, 5 a page, no total",
                Paging::zero_based().capped_at(5).with_total(Total::Missing),
                &[0, 1, 2, 3, 4],
            ),
            (
                "one-based, 7 a page, no total",
                Paging::one_based().capped_at(7).with_total(Total::Missing),
                &[0, 1, 2, 3, 4],
            ),
            (
                "one-based, 3 a page, the last page again past the end, total as a string",
                Paging::one_based()
                    .capped_at(3)
                    .with_past_end(PastEnd::RepeatLast)
                    .with_total(Total::AsString),
                &[0, 1, 2, 3, 4, 5, 6],
            ),
            (
                "zero-based, 6 a page, a total far too high, null past the end",
                Paging {
                    numbering: Numbering::ZeroBased,
                    max_page_size: 6,
                    total: Total::Fixed(1000),
                    past_end: PastEnd::Null,
                },
                &[0, 1, 2, 3],
            ),
        ];
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        for (what, paging, pages) in cases {
            t.api.set_paging(paging);
            t.goto("/config.json").await;
            t.api.clear_requests();
            t.open("/").await;
            wait_total(&t, 16).await;
            let ids = row_ids(&t).await;
            check!(t, ids.len() == 16, "{what}: 16 rows, got {}", ids.len());
            check!(
                t,
                ids.iter().cloned().collect::<BTreeSet<_>>() == expected,
                "{what}: every instance once, got {ids:?}"
            );
            let asked = pages_asked(&t);
            check!(
                t,
                one_listing(&asked, pages),
                "{what}: pages asked {asked:?}, expected {pages:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn no_instances_says_so_in_words() {
    run(Setup::default(), |t| async move {
        t.api.set_fleet(Fleet::Empty);
        t.open_with_key("/").await;
        wait_total(&t, 0).await;
        let text = t.text("fleet-empty").await;
        check!(
            t,
            text.starts_with("No instances: this API key can see no GPU instances."),
            "says {text:?}"
        );
        check!(t, !t.exists("fleet-row").await, "no rows");
        check!(
            t,
            !t.exists("error").await,
            "an empty fleet is not an error"
        );
    })
    .await;
}

#[tokio::test]
async fn filters_search_and_sorting_work_and_the_address_keeps_search_and_filter() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;

        let failed = filter_button(&t, "error").await;
        t.click_on(&failed, "the failed filter").await;
        wait_names(&t, &["mystery-box", "train-broken-image"]).await;
        let pressed = t.attr_of(&failed, "aria-pressed", "fleet-filter error").await;
        check!(t, pressed.as_deref() == Some("true"), "the pressed filter says so: {pressed:?}");
        let url = t.url().await;
        check!(t, url.contains("?fleet") && url.contains("tone=error"), "the filter is in the address: {url}");

        t.click_on(&failed, "the failed filter again").await;
        t.wait_count("fleet-row", 16, Duration::from_secs(5)).await;
        t.fill("fleet-search", "SPOT").await;
        wait_names(&t, &["spot-reclaimed", "spot-eval-a", "spot-eval-b"]).await;
        let shown = t.body_text().await;
        check!(t, shown.contains("Showing 3 of 16"), "says how many are shown");
        let url = t.url().await;
        check!(t, url.contains("q=SPOT") && !url.contains("tone="), "the search is in the address, the filter is not: {url}");

        let ok = filter_button(&t, "ok").await;
        t.click_on(&ok, "the running filter").await;
        wait_names(&t, &["spot-eval-a", "spot-eval-b"]).await;

        // The address opens the same view, in a new page.
        let shared = t.url().await;
        t.goto("/").await;
        t.client.goto(&shared).await.expect("opening the shared address");
        wait_names(&t, &["spot-eval-a", "spot-eval-b"]).await;
        let query = t.value("fleet-search").await;
        check!(t, query == "SPOT", "the search box holds the address's text: {query:?}");

        // A search that matches nothing says so and offers the way back.
        t.fill("fleet-search", "no-such-instance").await;
        t.wait_for("fleet-no-match").await;
        t.js("document.querySelector('[data-testid=\"fleet-no-match\"] button').click(); return true;").await;
        t.wait_count("fleet-row", 16, Duration::from_secs(5)).await;

        // Sorting: by name, then the other way round; the heading says which.
        let sort_name = t
            .wait_for_css("[data-testid=\"fleet-sort\"][data-column=\"name\"]", "the name heading", Duration::from_secs(5))
            .await;
        t.click_on(&sort_name, "the name heading").await;
        t.wait_js("rows sorted by name", "const n = [...document.querySelectorAll('[data-testid=\"fleet-open\"]')].map(a => a.textContent.toLowerCase()); return n.length === 16 && n.every((x, i) => i === 0 || n[i - 1] <= x);", vec![]).await;
        let aria = t.js("return document.querySelector('[data-column=\"name\"]').closest('th').getAttribute('aria-sort');").await;
        check!(t, aria == json!("ascending"), "the name heading says ascending: {aria}");
        t.click_on(&sort_name, "the name heading again").await;
        t.wait_js("rows sorted by name, descending", "const n = [...document.querySelectorAll('[data-testid=\"fleet-open\"]')].map(a => a.textContent.toLowerCase()); return n.length === 16 && n.every((x, i) => i === 0 || n[i - 1] >= x);", vec![]).await;
        let status_aria = t.js("return document.querySelector('[data-column=\"status\"]').closest('th').getAttribute('aria-sort');").await;
        check!(t, status_aria == json!("none"), "the status heading no longer sorts: {status_aria}");
    })
    .await;
}

#[tokio::test]
async fn a_row_opens_its_instance_and_back_returns_to_the_row() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/?fleet&q=whisper").await;
        wait_names(&t, &["whisper-asr"]).await;
        let link = t.wait_for("fleet-open").await;
        let href = t.attr_of(&link, "href", "fleet-open").await;
        check!(
            t,
            href.as_deref() == Some(&format!("?instance={WHISPER}")[..]),
            "the row links to the instance: {href:?}"
        );
        t.click_on(&link, "the whisper-asr row").await;
        t.wait_view(WHISPER).await;
        let url = t.url().await;
        check!(
            t,
            url.ends_with(&format!("?instance={WHISPER}")),
            "the address names the instance: {url}"
        );
        check!(
            t,
            !t.exists("fleet").await,
            "the fleet is gone while the instance is shown"
        );

        t.client.back().await.expect("going back");
        wait_names(&t, &["whisper-asr"]).await;
        wait_focused_row(&t, WHISPER).await;
        let query = t.value("fleet-search").await;
        check!(t, query == "whisper", "the search is as it was: {query:?}");

        // The link in the header goes back to the fleet as well.
        t.click("fleet-open").await;
        t.wait_view(WHISPER).await;
        t.click("fleet-link").await;
        wait_names(&t, &["whisper-asr"]).await;
    })
    .await;
}

#[tokio::test]
async fn the_table_is_usable_from_the_keyboard() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        let ids = row_ids(&t).await;
        t.js("document.querySelector('[data-testid=\"fleet-search\"]').focus(); return true;")
            .await;
        // Past the select-all box and the seven sort headings (the bulk buttons are off with
        // nothing selected) to the first row (its checkbox).
        for _ in 0..9 {
            press(&t, &char::from(Key::Tab).to_string()).await;
        }
        wait_focused_row(&t, &ids[0]).await;
        press(&t, &char::from(Key::Down).to_string()).await;
        wait_focused_row(&t, &ids[1]).await;
        press(&t, "j").await;
        wait_focused_row(&t, &ids[2]).await;
        press(&t, "k").await;
        wait_focused_row(&t, &ids[1]).await;
        press(&t, &char::from(Key::End).to_string()).await;
        wait_focused_row(&t, &ids[15]).await;
        press(&t, &char::from(Key::Home).to_string()).await;
        wait_focused_row(&t, &ids[0]).await;
        check!(
            t,
            focused_row(&t).await.as_deref() == Some(ids[0].as_str()),
            "Home goes to the first row"
        );
        press(&t, &char::from(Key::Enter).to_string()).await;
        t.wait_view(&ids[0]).await;
    })
    .await;
}

#[tokio::test]
async fn a_status_change_in_the_list_is_shown_and_announced_once() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        t.record_announcements().await;
        t.api.set_status(LLAMA, "stopping");
        // No click: the list refreshes by itself (every 3 s, instances being in progress).
        t.wait_js_for(
            "the llama row's badge to say stopping",
            "const b = document.querySelector(`[data-testid=\"fleet-row\"][data-instance-id=\"${arguments[0]}\"] [data-testid=\"status-badge\"]`); \
             return !!b && b.getAttribute('data-status') === 'stopping';",
            vec![json!(LLAMA)],
            Duration::from_secs(15),
        )
        .await;
        // Two more refreshes that change nothing.
        for _ in 0..2 {
            let time = t.js("return document.querySelector('[data-testid=\"fleet-refreshed-at\"] time').getAttribute('datetime');").await;
            t.wait_js_for(
                "another refresh of the list",
                "return document.querySelector('[data-testid=\"fleet-refreshed-at\"] time').getAttribute('datetime') !== arguments[0];",
                vec![time],
                Duration::from_secs(15),
            )
            .await;
        }
        let announced = t.announced().await;
        let expected = "llama3-finetune-a100: running → stopping";
        let times = announced.iter().filter(|a| a.as_str() == expected).count();
        check!(t, times == 1, "\"{expected}\" should be announced exactly once, was {times} times in {announced:?}");
    })
    .await;
}

#[tokio::test]
async fn a_failed_list_refresh_keeps_the_rows_and_says_why() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        t.api.fail_list_next("fail-503-empty", u32::MAX);
        t.click("refresh").await;
        let banner = t.wait_for("refresh-failed").await;
        let text = t.text_of(&banner, "refresh-failed").await;
        check!(
            t,
            text.contains("503"),
            "the banner says the refresh got a 503: {text:?}"
        );
        check!(t, row_ids(&t).await.len() == 16, "the rows stay");
        check!(
            t,
            !t.exists("error").await,
            "a failed refresh is not the error panel"
        );
        t.api.fail_list_next("", 0);
        t.click("refresh").await;
        t.wait_gone("refresh-failed").await;
    })
    .await;
}

#[tokio::test]
async fn a_first_list_that_fails_shows_the_error_panel() {
    run(Setup::default(), |t| async move {
        t.api.fail_list_next("fail-401", u32::MAX);
        t.open_with_key("/").await;
        let (kind, text) = t.wait_error(Duration::from_secs(10)).await;
        check!(
            t,
            kind == "unauthorized",
            "a 401 is unauthorized, got {kind}"
        );
        check!(
            t,
            text.contains("While loading the list of instances"),
            "the panel says what failed: {text:?}"
        );
        check!(t, !t.exists("fleet-row").await, "no rows");
    })
    .await;
}

#[tokio::test]
async fn hostile_names_and_unknown_statuses_are_only_text() {
    run(Setup::default(), |t| async move {
        let mut records: Vec<Value> = serde_json::from_str(fake_novita::fixture("full").expect("full.json"))
            .map(|full: Value| vec![full])
            .expect("full.json is JSON");
        records[0]["id"] = json!("b0a0b0a0b0a0b0a0");
        records[0]["status"] = json!("hibernating");
        records[0]["statusError"] = Value::Null;
        t.api.add_to_fleet(records.remove(0));
        t.open_with_key("/").await;
        wait_total(&t, 17).await;
        tokio::time::sleep(Duration::from_millis(750)).await;
        let pwned = t.js("return typeof window.__pwned === 'undefined' ? null : String(window.__pwned);").await;
        check!(t, pwned == Value::Null, "hostile data ran script: window.__pwned = {pwned}");
        let hostile = t
            .js_with(
                "const r = document.querySelector(`[data-testid=\"fleet-row\"][data-instance-id=\"${arguments[0]}\"]`); \
                 return r ? { name: r.querySelector('[data-testid=\"fleet-open\"]').textContent, href: r.querySelector('a').getAttribute('href'), \
                   elements: r.querySelectorAll('img, script, i, a').length } : null;",
                vec![json!(HOSTILE)],
            )
            .await;
        check!(t, hostile["name"].as_str().is_some_and(|n| n.starts_with("<img src=x")), "the hostile name is shown as text: {hostile}");
        check!(t, hostile["href"] == json!(format!("?instance={HOSTILE}")), "its link opens the instance, nothing else: {hostile}");
        check!(t, hostile["elements"] == json!(1), "the row holds one link and no element from the data: {hostile}");
        let unsafe_links = t.js("return [...document.querySelectorAll('a[href]')].filter(a => /^(javascript|data|vbscript):/i.test(a.getAttribute('href').trim())).length;").await;
        check!(t, unsafe_links == json!(0), "no script links: {unsafe_links}");
        let odd = t
            .js("const b = document.querySelector('[data-instance-id=\"b0a0b0a0b0a0b0a0\"] [data-testid=\"status-badge\"]'); return [b.getAttribute('data-status'), b.getAttribute('data-tone'), b.textContent];")
            .await;
        check!(t, odd == json!(["hibernating", "unknown", "?Unknown status: hibernating"]), "an unknown status is said as such: {odd}");
        let text = filter_text(&t, "unknown").await;
        check!(t, text == "1 unknown", "it counts as unknown: {text:?}");
    })
    .await;
}

#[tokio::test]
async fn a_thousand_instances_are_listed_searched_and_scrolled() {
    run(Setup::default(), |t| async move {
        t.api.set_fleet(Fleet::Generated(1000));
        t.open_with_key("/").await;
        wait_total(&t, 1000).await;
        let asked = pages_asked(&t);
        let pages: Vec<u64> = (0..=10).collect();
        check!(t, one_listing(&asked, &pages), "one-based, 100 a page: pages 0 to 10 once each, asked {asked:?}");
        for (tone, count) in [("ok", 700), ("progress", 150), ("error", 50), ("stopped", 100)] {
            let text = filter_text(&t, tone).await;
            check!(t, text.starts_with(&format!("{count} ")), "{tone}: {count}, says {text:?}");
        }
        let drawn = row_ids(&t).await.len();
        check!(t, drawn > 0 && drawn < 200, "a long list draws the rows in sight, not 1,000: {drawn}");
        let rowcount = t.js("return document.querySelector('.fleet-table').getAttribute('aria-rowcount');").await;
        check!(t, rowcount == json!("1001"), "the table says it has 1,000 rows and a heading: {rowcount}");

        t.fill("fleet-search", "job-0999").await;
        wait_names(&t, &["job-0999-l40s-48gb"]).await;
        // Typed away, as a person would (WebDriver's clear sends no input event).
        t.js("document.querySelector('[data-testid=\"fleet-search\"]').focus(); return true;").await;
        press(&t, &char::from(Key::Backspace).to_string().repeat(8)).await;
        t.wait_js("all rows back", "return document.querySelector('.fleet-table').getAttribute('aria-rowcount') === '1001';", vec![]).await;

        // To the end of the list from the keyboard.
        t.js("document.querySelector('[data-testid=\"fleet-open\"]').focus(); return true;").await;
        press(&t, &char::from(Key::End).to_string()).await;
        t.wait_js(
            "the last row to be drawn and focused",
            "const r = document.activeElement && document.activeElement.closest('tr'); return !!r && r.getAttribute('aria-rowindex') === '1001';",
            vec![],
        )
        .await;
        let width = t.js("return document.documentElement.scrollWidth <= window.innerWidth + 1;").await;
        check!(t, width == json!(true), "no sideways scrolling with 1,000 rows");
    })
    .await;
}

#[tokio::test]
async fn a_row_pins_its_instance_to_the_watch_list() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        let pin = t
            .wait_for_css(
                &format!("[data-instance-id=\"{LLAMA}\"] [data-testid=\"fleet-pin\"]"),
                "the llama row's watch button",
                Duration::from_secs(5),
            )
            .await;
        t.click_on(&pin, "watch").await;
        t.wait_for_css(
            &format!("[data-testid=\"watch-card\"][data-instance-id=\"{LLAMA}\"]"),
            "the llama watch card",
            Duration::from_secs(10),
        )
        .await;
        let pressed = t.js_with("return document.querySelector(`[data-instance-id=\"${arguments[0]}\"] [data-testid=\"fleet-pin\"]`).getAttribute('aria-pressed');", vec![json!(LLAMA)]).await;
        check!(t, pressed == json!("true"), "the row says it is watched: {pressed}");
    })
    .await;
}

#[tokio::test]
async fn the_fleet_fits_a_360_px_screen_without_sideways_scrolling() {
    run(Setup::default(), |t| async move {
        t.client.set_window_size(360, 800).await.expect("resizing the window");
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        let width = t.js("return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, table: document.querySelector('.fleet-table').getBoundingClientRect().right };").await;
        let inner = width["inner"].as_f64().unwrap_or(0.0);
        check!(t, width["scroll"].as_f64().unwrap_or(f64::MAX) <= inner + 1.0, "the page is wider than 360 px: {width}");
        check!(t, width["table"].as_f64().unwrap_or(f64::MAX) <= inner, "the table runs off the screen: {width}");
        let status = t.js("const b = document.querySelector('[data-testid=\"fleet-row\"] [data-testid=\"status-badge\"]'); return b.getBoundingClientRect().width > 0;").await;
        check!(t, status == json!(true), "the status is shown on a phone");
    })
    .await;
}

#[tokio::test]
async fn the_demo_fleet_needs_no_key_and_no_network() {
    run(
        Setup::with_config(e2e::ConfigJson::Missing),
        |t| async move {
            t.open("/?demo=fleet").await;
            t.wait_count("fleet-row", 12, Duration::from_secs(10)).await;
            let names = row_names(&t).await;
            check!(
                t,
                names.iter().any(|n| n == "spot-eval-h100"),
                "the sample fleet shows its instances: {names:?}"
            );
            let row = t
                .wait_for_css(
                    "[data-instance-id=\"9b1e4d7a2c5f8036\"] [data-testid=\"fleet-open\"]",
                    "the whisper-batch row",
                    Duration::from_secs(5),
                )
                .await;
            t.click_on(&row, "whisper-batch").await;
            t.wait_view("9b1e4d7a2c5f8036").await;
            let name = t.text("instance-name").await;
            check!(t, name == "whisper-batch", "the sample opens: {name:?}");
            t.click("fleet-link").await;
            t.wait_count("fleet-row", 12, Duration::from_secs(10)).await;
            let seen = t.api.requests().len();
            check!(
                t,
                seen == 0,
                "the demo needs no network; the stand-in saw {seen} requests"
            );
        },
    )
    .await;
}

/// What the screen's lines say and which are shown, as one object: the status line (text,
/// `data-loading`), the notice (text, hidden), whether the "as of" line, the body and the
/// words for an empty fleet are shown, and `data-total`.
async fn screen_lines(t: &Session) -> Value {
    t.js(
        "const f = document.querySelector('[data-testid=\"fleet\"]'); \
         const q = css => f.querySelector(css); \
         const status = q('.fleet-status'), notice = q('[data-testid=\"fleet-notice\"]'); \
         return { status: status.textContent, loading: status.getAttribute('data-loading'), \
           notice: notice.hidden ? null : notice.textContent, \
           as_of: !q('[data-testid=\"fleet-refreshed-at\"]').closest('[hidden]'), \
           body: !q('.fleet-body').hidden, empty: !!q('[data-testid=\"fleet-empty\"]'), \
           total: f.getAttribute('data-total') };",
    )
    .await
}

#[tokio::test]
async fn the_screen_says_what_it_waits_for_and_what_the_list_left_out() {
    run(Setup::default(), |t| async move {
        // No key: the status line asks for one; nothing else is shown.
        t.open("/?fleet").await;
        t.wait_for("fleet").await;
        let lines = screen_lines(&t).await;
        check!(
            t,
            lines
                == json!({ "status": "Paste your API key above to see every instance it can see.",
                    "loading": "false", "notice": null, "as_of": false, "body": false,
                    "empty": false, "total": null }),
            "without a key: {lines}"
        );

        // An entry the list gives without an ID is left out, and the notice says so.
        let mut records: Vec<Value> =
            serde_json::from_str(fake_novita::fixture("full").expect("full.json"))
                .map(|full: Value| vec![full])
                .expect("full.json is JSON");
        records[0]["id"] = json!(" ");
        t.api.add_to_fleet(records.remove(0));
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        let lines = screen_lines(&t).await;
        check!(
            t,
            lines
                == json!({ "status": "", "loading": "false",
                    "notice": "1 entry in the list had no instance ID and is not shown.",
                    "as_of": true, "body": true, "empty": false, "total": "16" }),
            "with the list: {lines}"
        );
    })
    .await;
}

#[tokio::test]
async fn show_all_clears_the_search_box_and_the_filter() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/?fleet&q=no-such-instance&tone=error").await;
        wait_total(&t, 16).await;
        t.wait_for("fleet-no-match").await;
        let before = t
            .js("return [document.querySelector('[data-testid=\"fleet-search\"]').value, \
                 document.querySelector('[data-tone=\"error\"]').getAttribute('aria-pressed')];")
            .await;
        check!(t, before == json!(["no-such-instance", "true"]), "the address's search and filter: {before}");
        t.js("document.querySelector('[data-testid=\"fleet-no-match\"] button').click(); return true;").await;
        t.wait_count("fleet-row", 16, Duration::from_secs(5)).await;
        let after = t
            .js("return { search: document.querySelector('[data-testid=\"fleet-search\"]').value, \
                 pressed: [...document.querySelectorAll('[data-testid=\"fleet-filter\"]')].filter(b => b.getAttribute('aria-pressed') !== 'false').length, \
                 no_match: !!document.querySelector('[data-testid=\"fleet-no-match\"]'), \
                 shown: document.querySelector('.fleet-search [role=\"status\"]').textContent };")
            .await;
        check!(
            t,
            after == json!({ "search": "", "pressed": 0, "no_match": false, "shown": "" }),
            "Show all empties the box, lifts the filter and takes its words away: {after}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_modified_click_on_a_row_is_left_to_the_browser() {
    run(Setup::default(), |t| async move {
        t.open_with_key("/").await;
        wait_total(&t, 16).await;
        // Whether the page took each click over (its default prevented), caught on the window
        // after the page's handlers, where the browser's own action is stopped too.
        let taken = t
            .js_with(
                "const a = document.querySelector(`[data-instance-id=\"${arguments[0]}\"] [data-testid=\"fleet-open\"]`); \
                 return [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }, {}].map(init => { \
                   let prevented = null; \
                   const catcher = e => { prevented = e.defaultPrevented; e.preventDefault(); }; \
                   window.addEventListener('click', catcher); \
                   a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ...init })); \
                   window.removeEventListener('click', catcher); \
                   return prevented; });",
                vec![json!(LLAMA)],
            )
            .await;
        check!(
            t,
            taken == json!([false, false, false, false, false, true]),
            "a new tab or window is the browser's business, a plain click the page's: {taken}"
        );
        t.wait_view(LLAMA).await;
    })
    .await;
}
