//! Issue "live logs": the logs panel against the stand-in's log streams. Lines arrive live in
//! both tabs; follow, pause, the filter and its highlight; ANSI colours never show as escape
//! garbage; the 5,000-line cap under a 20,000-line burst; reconnect after a drop without
//! repeats; the download's content, and a failed download's line and link; the messages when
//! there is nothing to open; the toggle's state and the order of the controls; Stop and
//! Reconnect; the stream stopping with the panel; and no log request ever carrying the key.

use std::time::{Duration, Instant};

use e2e::{check, run, Feature, Session, Setup, TEST_API_KEY};
use fake_novita::logs::{log_address, plain_log, with_log_addresses};
use serde_json::{json, Value};

const LOGS_ID: &str = "logs-fixture-1";

/// Stores an instance whose log addresses point at the stand-in's `scenario` streams, loads
/// it, and opens the logs panel.
async fn open_logs(t: &Session, system: &str, instance: &str) {
    put_logs_instance(t, LOGS_ID, system, instance, true);
    load(t, LOGS_ID).await;
    t.click("logs-toggle").await;
}

fn put_logs_instance(t: &Session, id: &str, system: &str, instance: &str, running: bool) {
    let base = t.api.base_url();
    let full: Value = serde_json::from_str(fake_novita::fixture("full").expect("the full fixture"))
        .expect("the full fixture is JSON");
    let address = |scenario: &str, kind: &str| {
        if scenario.contains("://") || scenario.is_empty() {
            scenario.to_owned()
        } else {
            log_address(&base, scenario, kind)
        }
    };
    let mut value = with_log_addresses(
        full,
        &address(system, "system"),
        &address(instance, "instance"),
        running,
    );
    value["id"] = json!(id);
    t.api.put_instance(value);
}

async fn load(t: &Session, id: &str) {
    t.open("/").await;
    t.load(TEST_API_KEY, id).await;
    t.wait_view(id).await;
}

/// Sets the filter box as typing would (WebDriver's clear fires no `input` event).
async fn type_filter(t: &Session, text: &str) {
    t.js_with(
        "const f = document.querySelector('[data-testid=\"logs-filter\"]'); f.value = arguments[0]; \
         f.dispatchEvent(new Event('input', { bubbles: true })); return true;",
        vec![json!(text)],
    )
    .await;
}

/// The text of every rendered log line, top to bottom.
async fn lines(t: &Session) -> Vec<String> {
    let v = t
        .js("return [...document.querySelectorAll('[data-testid=\"log-line\"]')].map(e => e.textContent);")
        .await;
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The sequence number of the last rendered line.
async fn last_seq(t: &Session) -> i64 {
    t.js(
        "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
          return l.length ? Number(l[l.length - 1].getAttribute('data-seq')) : -1;",
    )
    .await
    .as_i64()
    .unwrap_or(-1)
}

async fn wait_line_containing(t: &Session, needle: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        let found = t
            .js_with(
                "return [...document.querySelectorAll('[data-testid=\"log-line\"]')]\
                 .some(e => e.textContent.includes(arguments[0]));",
                vec![json!(needle)],
            )
            .await;
        if found == json!(true) {
            return;
        }
        if Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // What the panel and the stand-in saw, for whoever reads the failure.
    let panel = t
        .js(
            "const s = document.querySelector('[data-testid=\"logs-status\"]'); \
             return [s && s.getAttribute('data-state'), s && s.textContent, \
                     document.querySelectorAll('[data-testid=\"log-line\"]').length];",
        )
        .await;
    let asked: Vec<String> = log_requests(t)
        .iter()
        .map(|r| format!("{} {}", r.path, r.query.as_deref().unwrap_or("")))
        .collect();
    panic!(
        "timed out after {:.1} s waiting for a log-line containing {needle:?}; logs-status (state, text, lines drawn): {panel}; log requests the stand-in saw: {asked:?}",
        timeout.as_secs_f64()
    );
}

async fn wait_state(t: &Session, state: &str, timeout: Duration) {
    t.wait_js_for(
        &format!("logs-status data-state to be {state:?}"),
        "const s = document.querySelector('[data-testid=\"logs-status\"]'); \
         return !!s && s.getAttribute('data-state') === arguments[0];",
        vec![json!(state)],
        timeout,
    )
    .await;
}

async fn at_bottom(t: &Session) -> bool {
    t.js(
        "const s = document.querySelector('[data-testid=\"log-lines\"]'); \
          return s.scrollTop + s.clientHeight >= s.scrollHeight - 9;",
    )
    .await
        == Value::Bool(true)
}

async fn visible(t: &Session, testid: &str) -> bool {
    t.js_with(
        "const e = document.querySelector(arguments[0]); return !!e && e.offsetParent !== null;",
        vec![json!(format!("[data-testid=\"{testid}\"]"))],
    )
    .await
        == Value::Bool(true)
}

fn log_requests(t: &Session) -> Vec<e2e::RecordedRequest> {
    t.api
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/logs/"))
        .collect()
}

/// Every request that reached a log path: no Authorization header, no key anywhere.
fn assert_no_key_sent(t: &Session) {
    for r in log_requests(t) {
        assert_eq!(
            r.authorization, None,
            "{} {} carried an Authorization header",
            r.method, r.path
        );
        let query = r.query.clone().unwrap_or_default();
        assert!(
            !query.contains(TEST_API_KEY)
                && !r.path.contains(TEST_API_KEY)
                && !r.body.contains(TEST_API_KEY),
            "{} {}?{} carried the key",
            r.method,
            r.path,
            query
        );
    }
}

#[tokio::test]
async fn lines_arrive_live_in_both_tabs() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "trickle", "trickle").await;
        wait_line_containing(&t, "system trickle #", Duration::from_secs(10)).await;
        wait_state(&t, "live", Duration::from_secs(5)).await;
        let status = t.text("logs-status").await;
        check!(t, status == "Live", "logs-status should say Live, says {status:?}");

        // More keep coming without any click.
        let before = last_seq(&t).await;
        t.wait_js_for(
            "new lines to arrive",
            "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
             return l.length > 0 && Number(l[l.length - 1].getAttribute('data-seq')) >= arguments[0] + 3;",
            vec![json!(before)],
            Duration::from_secs(10),
        )
        .await;
        let shown = lines(&t).await;
        check!(
            t,
            shown.iter().all(|l| l.contains("system trickle #")),
            "the System tab should show only system lines, shows {:?}",
            &shown[..shown.len().min(3)]
        );
        // Times in front: 2026-…-… hh:mm:ss.mmm
        check!(
            t,
            shown.last().is_some_and(|l| l.len() > 24 && l.as_bytes()[4] == b'-' && l.as_bytes()[13] == b':'),
            "lines should start with their time, got {:?}",
            shown.last()
        );

        let first = log_requests(&t);
        let system = first
            .iter()
            .find(|r| r.path == "/logs/trickle/system")
            .expect("the system stream was requested");
        assert_eq!(
            system.query.as_deref(),
            Some("follow=1&sse=1&timestamps=1&tail=500"),
            "the stream query"
        );

        t.click("logs-tab-instance").await;
        wait_line_containing(&t, "instance trickle #", Duration::from_secs(10)).await;
        let pressed = t.attr("logs-tab-instance", "aria-pressed").await;
        check!(t, pressed.as_deref() == Some("true"), "the Instance tab should be pressed");
        let shown = lines(&t).await;
        check!(
            t,
            shown.iter().all(|l| l.contains("instance trickle #")),
            "after switching, only instance lines should show, shows {:?}",
            &shown[..shown.len().min(3)]
        );
        let before = last_seq(&t).await;
        t.wait_js_for(
            "new instance lines to arrive",
            "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
             return l.length > 0 && Number(l[l.length - 1].getAttribute('data-seq')) >= arguments[0] + 3;",
            vec![json!(before)],
            Duration::from_secs(10),
        )
        .await;
        assert_no_key_sent(&t);
    })
    .await;
}

#[tokio::test]
async fn follow_pauses_on_scroll_up_and_jump_to_latest_resumes() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "trickle", "trickle").await;
        // 40 lines of history is more than the box shows, so there is somewhere to scroll.
        wait_line_containing(&t, "system trickle #45", Duration::from_secs(15)).await;
        check!(t, at_bottom(&t).await, "following: the box should be scrolled to the newest line");
        check!(t, !visible(&t, "logs-jump").await, "no jump button while following");

        t.js("const s = document.querySelector('[data-testid=\"log-lines\"]'); s.scrollTop = 0; \
              s.dispatchEvent(new Event('scroll')); return true;")
            .await;
        t.wait_js(
            "the jump-to-latest button to show",
            "const e = document.querySelector('[data-testid=\"logs-jump\"]'); return !!e && e.offsetParent !== null;",
            vec![],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let top = t
            .js("return document.querySelector('[data-testid=\"log-lines\"]').scrollTop;")
            .await;
        check!(t, top == json!(0), "scrolled up, new lines must not move the view; scrollTop is {top}");
        let first = t
            .js("return document.querySelector('[data-testid=\"log-line\"]').getAttribute('data-seq');")
            .await;
        check!(t, first == json!("0"), "the oldest line should still be in view, first is {first}");

        t.click("logs-jump").await;
        t.wait_js(
            "the box to be back at the newest line",
            "const s = document.querySelector('[data-testid=\"log-lines\"]'); \
             return s.scrollTop + s.clientHeight >= s.scrollHeight - 9;",
            vec![],
        )
        .await;
        let before = last_seq(&t).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        check!(t, last_seq(&t).await > before, "following again: new lines should show");
        check!(t, at_bottom(&t).await, "and the box should stay at the newest line");
        check!(t, !visible(&t, "logs-jump").await, "the jump button should go once following");
    })
    .await;
}

#[tokio::test]
async fn pause_stops_rendering_but_keeps_buffering() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "trickle", "trickle").await;
        wait_line_containing(&t, "system trickle #", Duration::from_secs(10)).await;
        t.click("logs-pause").await;
        let frozen = last_seq(&t).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        check!(
            t,
            last_seq(&t).await == frozen,
            "paused: no new line should be rendered (was {frozen}, now {})",
            last_seq(&t).await
        );
        let notice = t.text("logs-paused").await;
        check!(
            t,
            notice.starts_with("Paused: ") && !notice.starts_with("Paused: 0 "),
            "the paused notice should count the lines kept meanwhile, says {notice:?}"
        );
        let label = t.text("logs-pause").await;
        check!(t, label == "Resume", "the pause button should offer Resume, says {label:?}");

        t.click("logs-pause").await;
        t.wait_js(
            "the buffered lines to show after Resume",
            "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
             return l.length > 0 && Number(l[l.length - 1].getAttribute('data-seq')) >= arguments[0] + 5;",
            vec![json!(frozen)],
        )
        .await;
        check!(t, !visible(&t, "logs-paused").await, "the paused notice should go");
    })
    .await;
}

#[tokio::test]
async fn the_filter_shows_matching_lines_and_highlights_the_match() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "trickle", "trickle").await;
        wait_line_containing(&t, "system trickle #", Duration::from_secs(10)).await;
        t.fill("logs-filter", "eRRor").await;
        t.wait_js(
            "only ERROR lines to show",
            "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
             return l.length > 0 && l.every(e => e.textContent.includes('ERROR'));",
            vec![],
        )
        .await;
        let marks = t
            .js("return [...document.querySelectorAll('[data-testid=\"log-line\"]')]\
                 .map(e => [...e.querySelectorAll('mark')].map(m => m.textContent));")
            .await;
        let marks = marks.as_array().cloned().unwrap_or_default();
        check!(
            t,
            !marks.is_empty() && marks.iter().all(|m| m == &json!(["ERROR"])),
            "each line should highlight its one match, marks: {marks:?}"
        );
        // New matching lines keep arriving (every fifth line is an error).
        let before = last_seq(&t).await;
        t.wait_js_for(
            "a new matching line",
            "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
             return Number(l[l.length - 1].getAttribute('data-seq')) > arguments[0];",
            vec![json!(before)],
            Duration::from_secs(5),
        )
        .await;

        t.fill("logs-filter", "no line says this").await;
        t.wait_count("log-line", 0, Duration::from_secs(5)).await;
        let empty = t
            .js("return document.querySelector('.log-empty').textContent;")
            .await;
        check!(t, empty == json!("No lines match the filter."), "empty text: {empty}");

        type_filter(&t, "").await;
        t.wait_js(
            "all lines to come back",
            "const l = [...document.querySelectorAll('[data-testid=\"log-line\"]')]; \
             return l.some(e => e.textContent.includes('INFO')) && !l.some(e => e.querySelector('mark'));",
            vec![],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn ansi_colours_render_as_colours_never_as_escape_codes() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "ansi", "ansi").await;
        wait_line_containing(&t, "system ansi #11", Duration::from_secs(10)).await;
        let text = t
            .js("return document.querySelector('[data-testid=\"log-lines\"]').textContent;")
            .await;
        let text = text.as_str().unwrap_or_default().to_owned();
        check!(t, !text.contains('\u{1b}'), "no ESC character may reach the page");
        for garbage in ["[0m", "[31m", "[1;31m", "[2K", "]0;", "window title", "[?25l", "]8;;"] {
            check!(t, !text.contains(garbage), "escape garbage {garbage:?} is on the page");
        }
        check!(t, text.contains("CUDA out of memory") && text.contains("hyperlink text"), "the text around the codes stays");
        let classes = t
            .js("return [...document.querySelectorAll('[data-testid=\"log-line\"] span')].map(s => s.className);")
            .await;
        let classes: Vec<String> = classes
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        for want in ["fg2", "fg3", "fg1 b", "fg8", "fg7 bg4", "fg13"] {
            check!(t, classes.iter().any(|c| c == want), "a span with class {want:?} (have {classes:?})");
        }
        let colour = t
            .js("const s = [...document.querySelectorAll('[data-testid=\"log-line\"] span.fg1')][0]; \
                 return getComputedStyle(s).color;")
            .await;
        check!(t, colour == json!("rgb(255, 123, 114)"), "red text should be red, is {colour}");
        // The 20,000-character line is cut, and says so.
        wait_line_containing(&t, "more characters (download the log for all of it)", Duration::from_secs(2)).await;
        // No log text became markup.
        let scripts = t
            .js("return document.querySelectorAll('[data-testid=\"log-lines\"] script, [data-testid=\"log-lines\"] a, [data-testid=\"log-lines\"] img').length;")
            .await;
        check!(t, scripts == json!(0), "log text must stay text");
    })
    .await;
}

#[tokio::test]
async fn a_burst_keeps_only_the_newest_5000_lines_and_renders_only_what_is_in_sight() {
    run(Setup::default(), |t| async move {
        // Long tasks, for the report (the benchmark that asserts on them is separate).
        t.open("/").await;
        put_logs_instance(&t, LOGS_ID, "burst", "trickle", true);
        t.load(TEST_API_KEY, LOGS_ID).await;
        t.wait_view(LOGS_ID).await;
        let long_tasks = t
            .engine
            .check_supported(Feature::LongTasks, "the longest task during the burst");
        if long_tasks {
            t.js("window.__longest = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) \
                  window.__longest = Math.max(window.__longest, e.duration); }).observe({ entryTypes: ['longtask'] }); \
                  return true;")
                .await;
        }
        t.click("logs-toggle").await;
        wait_line_containing(&t, "system after burst #", Duration::from_secs(60)).await;
        let notice = t.text("logs-dropped").await;
        check!(
            t,
            notice.contains("older lines dropped (keeping the newest 5,000)"),
            "the panel should say lines were dropped, says {notice:?}"
        );
        let dropped: u64 = notice
            .split(' ')
            .next()
            .unwrap_or("")
            .replace(',', "")
            .parse()
            .unwrap_or(0);
        check!(t, dropped >= 15_000, "at least 15,010 of 20,010 lines should be dropped, says {dropped}");
        let rendered = t.count("log-line").await;
        check!(t, rendered > 10 && rendered < 150, "only the lines in sight are in the DOM, found {rendered}");
        let rows = t
            .js("return document.querySelector('.log-sizer').offsetHeight / 18;")
            .await;
        check!(t, rows == json!(5000), "the list should hold exactly 5,000 lines, holds {rows}");
        // The oldest kept line, at the top.
        t.js("const s = document.querySelector('[data-testid=\"log-lines\"]'); s.scrollTop = 0; \
              s.dispatchEvent(new Event('scroll')); return true;")
            .await;
        t.wait_js(
            "the oldest kept line to be drawn at the top",
            "const l = document.querySelector('[data-testid=\"log-line\"]'); \
             const m = l && /system burst #(\\d+) /.exec(l.textContent); \
             return !!m && Number(m[1]) >= 14990;",
            vec![],
        )
        .await;
        if long_tasks {
            let longest = t.js("return window.__longest;").await;
            // Proves the observer works here: a 120 ms task must show up.
            t.js("setTimeout(() => { const end = performance.now() + 120; while (performance.now() < end) {} }, 0); return true;")
                .await;
            t.wait_js("the observer to see a staged long task", "return window.__longest >= 100;", vec![])
                .await;
            eprintln!("longest task during the 20,000-line burst: {longest} ms (0: none over 50 ms)");
        }
    })
    .await;
}

#[tokio::test]
async fn a_dropped_stream_reconnects_and_carries_on_without_repeats() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "drop", "drop").await;
        wait_line_containing(&t, "system drop #7", Duration::from_secs(10)).await;
        t.wait_js_for(
            "the panel to say it is reconnecting",
            "const s = document.querySelector('[data-testid=\"logs-status\"]'); \
             return !!s && s.getAttribute('data-state') === 'reconnecting' \
             && /reconnecting in \\d+ s \\(attempt \\d+\\)/.test(s.textContent);",
            vec![],
            Duration::from_secs(10),
        )
        .await;
        wait_line_containing(&t, "system drop #12", Duration::from_secs(15)).await;
        wait_line_containing(&t, "system drop #17", Duration::from_secs(15)).await;
        let shown = lines(&t).await;
        for k in 0..18 {
            let needle = format!("system drop #{k}");
            let n = shown.iter().filter(|l| l.ends_with(&needle)).count();
            check!(
                t,
                n == 1,
                "{needle:?} should show exactly once, shows {n} times in {shown:?}"
            );
        }
        let opens = log_requests(&t)
            .iter()
            .filter(|r| r.path == "/logs/drop/system")
            .count();
        check!(
            t,
            opens >= 3,
            "the stream should have been opened again after each drop ({opens})"
        );
        assert_no_key_sent(&t);
    })
    .await;
}

#[tokio::test]
async fn a_stream_that_fails_says_so_and_retries() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "unavailable", "never").await;
        t.wait_js_for(
            "a 503 to show as reconnecting with attempts counted",
            "const s = document.querySelector('[data-testid=\"logs-status\"]'); \
             return !!s && s.getAttribute('data-state') === 'reconnecting' && /attempt [2-9]/.test(s.textContent);",
            vec![],
            Duration::from_secs(15),
        )
        .await;
        // A server that never answers is given up on after the open timeout.
        t.click("logs-tab-instance").await;
        wait_state(&t, "connecting", Duration::from_secs(5)).await;
        wait_state(&t, "reconnecting", Duration::from_secs(15)).await;
        // Stop and Reconnect by hand.
        t.click("logs-stop").await;
        wait_state(&t, "stopped", Duration::from_secs(5)).await;
        let text = t.text("logs-status").await;
        check!(t, text == "Stopped", "logs-status should say Stopped, says {text:?}");
    })
    .await;
}

#[tokio::test]
async fn download_saves_the_whole_log_with_timestamps() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "plain", "plain").await;
        wait_line_containing(&t, "system plain #299", Duration::from_secs(10)).await;
        // Keep each saved file, so the test can read what the user would get.
        t.js("window.__saved = []; const real = URL.createObjectURL; \
              URL.createObjectURL = b => { window.__saved.push(b); return real(b); }; \
              const click = HTMLAnchorElement.prototype.click; \
              HTMLAnchorElement.prototype.click = function () { window.__savedAs = this.download; \
              if (!this.href.startsWith('blob:')) click.call(this); }; return true;")
            .await;
        t.click("logs-download").await;
        t.wait_js("the download to be saved", "return window.__saved.length === 1;", vec![])
            .await;
        let content = match t
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; window.__saved[0].text().then(done);",
                vec![],
            )
            .await
        {
            Ok(v) => v,
            Err(err) => panic!("reading the saved file: {err}"),
        };
        let content = content.as_str().unwrap_or_default().to_owned();
        check!(
            t,
            content == plain_log("system", true),
            "the saved file should be the whole log with timestamps; starts {:?}",
            content.chars().take(120).collect::<String>()
        );
        let name = t.js("return window.__savedAs;").await;
        check!(t, name == json!(format!("instance-{LOGS_ID}-system-log.txt")), "file name: {name}");
        let downloads: Vec<_> = log_requests(&t)
            .into_iter()
            .filter(|r| r.query.as_deref() == Some("timestamps=1"))
            .collect();
        check!(
            t,
            downloads.len() == 1 && downloads[0].path == "/logs/plain/system" && downloads[0].method == "GET",
            "one plain GET of address?timestamps=1, got {downloads:?}"
        );
        assert_no_key_sent(&t);
    })
    .await;
}

#[tokio::test]
async fn timestamps_show_local_time_or_utc() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "plain", "plain").await;
        wait_line_containing(&t, "system plain #299", Duration::from_secs(10)).await;
        // Scroll to the top, again on every poll: on a loaded machine the last frame of the
        // stream can land just after the first scroll and, following, pin the view back down.
        t.wait_js_for(
            "the first line, once scrolled to the top",
            "const s = document.querySelector('[data-testid=\"log-lines\"]'); \
             if (s.scrollTop !== 0) { s.scrollTop = 0; s.dispatchEvent(new Event('scroll')); } \
             return [...document.querySelectorAll('[data-testid=\"log-line\"]')] \
               .some(e => e.textContent.includes('system plain #0 '));",
            vec![],
            Duration::from_secs(10),
        )
        .await;
        // Line 0 is 2026-11-27T16:00:00Z; in the browser's own zone it reads:
        let local = t
            .js("const d = new Date(Date.UTC(2026, 10, 27, 16, 0, 0)); const p = (n, w) => String(n).padStart(w, '0'); \
                 return `${d.getFullYear()}-${p(d.getMonth() + 1, 2)}-${p(d.getDate(), 2)} ${p(d.getHours(), 2)}:${p(d.getMinutes(), 2)}:${p(d.getSeconds(), 2)}.000`;")
            .await;
        let first_time = || async {
            t.js("return document.querySelector('[data-testid=\"log-line\"] .log-time').textContent;")
                .await
        };
        check!(t, first_time().await == local, "local time expected {local}, got {}", first_time().await);
        t.click("logs-utc").await;
        t.wait_js(
            "the times to switch to UTC",
            "return document.querySelector('[data-testid=\"log-line\"] .log-time').textContent === '2026-11-27 16:00:00.000';",
            vec![],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn nothing_is_opened_without_a_usable_address() {
    run(Setup::default(), |t| async move {
        // isRunning false.
        put_logs_instance(&t, "logs-off", "trickle", "trickle", false);
        load(&t, "logs-off").await;
        t.click("logs-toggle").await;
        let text = t.text("logs-unavailable").await;
        check!(
            t,
            text == "isRunning is false: logs are not being collected.",
            "not running should say so, says {text:?}"
        );
        check!(t, !visible(&t, "logs-filter").await, "no stream controls without a stream");

        // No address for System; a plain-http address off this computer for Instance.
        put_logs_instance(&t, "logs-missing", "", "http://logs.example.com/i", true);
        load(&t, "logs-missing").await;
        t.click("logs-toggle").await;
        let text = t.text("logs-unavailable").await;
        check!(t, text == "No system log address: the API did not provide one.", "says {text:?}");
        t.click("logs-tab-instance").await;
        t.wait_js(
            "the refusal to show",
            "return document.querySelector('[data-testid=\"logs-unavailable\"]').textContent.startsWith('The instance log address is not an https: link');",
            vec![],
        )
        .await;

        // The demo promises no network.
        t.open("/").await;
        t.click("demo").await;
        t.wait_for("instance-view").await;
        let demo = t.text("logs-demo").await;
        check!(t, demo.starts_with("Logs are not available in the demo"), "demo says {demo:?}");
        check!(t, !visible(&t, "logs-toggle").await, "no Show logs button in the demo");

        tokio::time::sleep(Duration::from_millis(500)).await;
        let opened = log_requests(&t);
        check!(t, opened.is_empty(), "no log address may be requested, saw {opened:?}");
    })
    .await;
}

#[tokio::test]
async fn the_stream_stops_when_the_panel_closes_or_the_instance_changes() {
    run(Setup::default(), |t| async move {
        // `drop` reopens its stream every second or so while anyone listens.
        open_logs(&t, "drop", "drop").await;
        wait_line_containing(&t, "system drop #12", Duration::from_secs(15)).await;
        t.click("logs-toggle").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after_close = log_requests(&t).len();
        tokio::time::sleep(Duration::from_secs(3)).await;
        check!(
            t,
            log_requests(&t).len() == after_close,
            "a closed panel must not reconnect ({after_close} then {})",
            log_requests(&t).len()
        );

        // Open again, then show another instance.
        t.click("logs-toggle").await;
        wait_line_containing(&t, "system drop #", Duration::from_secs(10)).await;
        put_logs_instance(&t, "logs-other", "", "", true);
        t.load(TEST_API_KEY, "logs-other").await;
        t.wait_view("logs-other").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after_switch = log_requests(&t).len();
        tokio::time::sleep(Duration::from_secs(3)).await;
        check!(
            t,
            log_requests(&t).len() == after_switch,
            "the old instance's stream must stop ({after_switch} then {})",
            log_requests(&t).len()
        );
        assert_no_key_sent(&t);
    })
    .await;
}

#[tokio::test]
async fn no_log_request_carries_the_key() {
    run(Setup::default(), |t| async move {
        let started = Instant::now();
        open_logs(&t, "trickle", "plain").await;
        wait_line_containing(&t, "system trickle #", Duration::from_secs(10)).await;
        t.click("logs-tab-instance").await;
        wait_line_containing(&t, "instance plain #", Duration::from_secs(10)).await;
        // Both downloads after both streams: in WebKit's MiniBrowser a download can leave the
        // WebDriver clicks that follow it unanswered (the download, not the page, takes them),
        // so the second tab and its download are pressed from the page itself.
        t.click("logs-download").await;
        t.js(
            "document.querySelector('[data-testid=\"logs-tab-system\"]').click(); \
              document.querySelector('[data-testid=\"logs-download\"]').click(); return true;",
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while log_requests(&t)
            .iter()
            .filter(|r| r.query.as_deref() == Some("timestamps=1"))
            .count()
            < 2
        {
            assert!(
                Instant::now() < deadline,
                "two downloads should reach the stand-in"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let all = log_requests(&t);
        check!(
            t,
            all.len() >= 4,
            "streams and downloads were requested ({} in {:?})",
            all.len(),
            started.elapsed()
        );
        assert_no_key_sent(&t);
        // The key did reach the API, so it was there to leak.
        let api = t.api.requests();
        check!(
            t,
            api.iter()
                .any(|r| r.authorization.as_deref() == Some(&format!("Bearer {TEST_API_KEY}"))),
            "the API call should carry the key"
        );
    })
    .await;
}

#[tokio::test]
async fn the_number_of_past_lines_can_be_chosen() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "plain", "plain").await;
        wait_line_containing(&t, "system plain #299", Duration::from_secs(10)).await;
        let chosen = t
            .js("const s = document.querySelector('[data-testid=\"logs-tail\"]'); \
                 s.value = '100'; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;")
            .await;
        check!(t, chosen == json!("100"), "the tail select should offer 100, it holds {chosen}");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let asked = loop {
            let asked: Vec<Option<String>> = log_requests(&t)
                .iter()
                .filter(|r| r.path == "/logs/plain/system")
                .map(|r| r.query.clone())
                .collect();
            if asked.len() >= 2 || std::time::Instant::now() > deadline {
                break asked;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        check!(
            t,
            asked.first().cloned().flatten().as_deref() == Some("follow=1&sse=1&timestamps=1&tail=500")
                && asked.last().cloned().flatten().as_deref() == Some("follow=1&sse=1&timestamps=1&tail=100"),
            "the stream should first ask for 500 past lines, then for 100: {asked:?}"
        );
    })
    .await;
}

/// The Show logs button says whether the panel is open, in words and in `aria-expanded` (for
/// the `logs-body` it controls), and the panel's controls come in one order for the keyboard.
#[tokio::test]
async fn the_toggle_says_whether_the_panel_is_open_and_the_controls_keep_their_order() {
    run(Setup::default(), |t| async move {
        put_logs_instance(&t, LOGS_ID, "plain", "plain", true);
        load(&t, LOGS_ID).await;
        let toggle = || async {
            t.js("const b = document.querySelector('[data-testid=\"logs-toggle\"]'); \
                  return [b.textContent, b.getAttribute('aria-expanded'), b.getAttribute('aria-controls'), \
                          document.getElementById('logs-body').hidden];")
                .await
        };
        let closed = json!(["Show logs", "false", "logs-body", true]);
        check!(t, toggle().await == closed, "closed: [text, aria-expanded, aria-controls, body hidden] {}", toggle().await);
        check!(t, !visible(&t, "logs-filter").await, "closed: no control of the panel shows");

        t.click("logs-toggle").await;
        wait_line_containing(&t, "system plain #299", Duration::from_secs(10)).await;
        let open = json!(["Hide logs", "true", "logs-body", false]);
        check!(t, toggle().await == open, "open: [text, aria-expanded, aria-controls, body hidden] {}", toggle().await);
        // What takes focus, in document order (which is the Tab order: no tabindex above 0).
        let order = t
            .js("const all = [...document.querySelectorAll('.logs button, .logs input, .logs select, .logs a[href], .logs [tabindex]')]; \
                 return [all.filter(e => e.offsetParent !== null && e.tabIndex >= 0).map(e => e.getAttribute('data-testid')), \
                         all.some(e => e.tabIndex > 0)];")
            .await;
        let expected = json!([[
            "logs-toggle", "logs-tab-system", "logs-tab-instance", "logs-stop", "logs-filter",
            "logs-pause", "logs-tail", "logs-utc", "logs-download", "log-lines"
        ], false]);
        check!(t, order == expected, "the focusable controls in order, and whether any tabindex reorders them: {order}");

        t.click("logs-toggle").await;
        t.wait_js(
            "the panel to close",
            "return document.getElementById('logs-body').hidden;",
            vec![],
        )
        .await;
        check!(t, toggle().await == closed, "closed again: {}", toggle().await);
    })
    .await;
}

/// A download that fails says why in an alert, with a link to the log's own download address
/// (the one the Download button fetched, here through the bundled server), opened in a new tab
/// with no opener; the next stream clears it. Stop turns into Reconnect, which opens the stream
/// again.
#[tokio::test]
async fn a_failed_download_says_why_and_links_the_log_address() {
    run(Setup::default(), |t| async move {
        open_logs(&t, "unavailable", "plain").await;
        let alert = || async {
            t.js("const a = document.querySelector('.logs [role=\"alert\"]'); const l = a.querySelector('a'); \
                  return [a.hidden, a.textContent, l.getAttribute('href'), l.getAttribute('target'), l.getAttribute('rel')];")
                .await
        };
        check!(t, alert().await[0] == json!(true), "no failure line before a download: {}", alert().await);
        t.click("logs-download").await;
        t.wait_js(
            "the failed download to be said",
            "return !document.querySelector('.logs [role=\"alert\"]').hidden;",
            vec![],
        )
        .await;
        let address = t.api.base_url().replacen("://", "/", 1);
        let expected = json!([
            false,
            "Download failed: the log address answered 503. Open the log address (opens in a new tab)",
            format!("/log-stream/{address}/logs/unavailable/system?timestamps=1"),
            "_blank",
            "noopener noreferrer"
        ]);
        let shown = alert().await;
        check!(t, shown == expected, "the failure line [hidden, text, href, target, rel]: {shown}");

        // Another tab opens another stream: the line goes.
        t.click("logs-tab-instance").await;
        wait_line_containing(&t, "instance plain #299", Duration::from_secs(10)).await;
        check!(t, alert().await[0] == json!(true), "a new stream should clear the failure line: {}", alert().await);
        let href = alert().await[2].clone();
        check!(
            t,
            href == json!(format!("/log-stream/{address}/logs/plain/instance?timestamps=1")),
            "the link should follow the tab: {href}"
        );

        wait_state(&t, "live", Duration::from_secs(5)).await;
        check!(t, t.text("logs-stop").await == "Stop", "a live stream offers Stop");
        t.click("logs-stop").await;
        wait_state(&t, "stopped", Duration::from_secs(5)).await;
        let label = t.text("logs-stop").await;
        check!(t, label == "Reconnect", "a stopped stream offers Reconnect, says {label:?}");
        let opens = || {
            log_requests(&t)
                .iter()
                .filter(|r| r.path == "/logs/plain/instance" && r.query.as_deref() != Some("timestamps=1"))
                .count()
        };
        let before = opens();
        t.click("logs-stop").await;
        wait_state(&t, "live", Duration::from_secs(10)).await;
        check!(t, opens() == before + 1, "Reconnect should open the stream once more ({before} then {})", opens());
        let label = t.text("logs-stop").await;
        check!(t, label == "Stop", "reconnected, the button offers Stop again, says {label:?}");
        assert_no_key_sent(&t);
    })
    .await;
}

/// Issue 11 item 9: the panel sizes its scroll content through CSSOM, which a
/// Content-Security-Policy without `'unsafe-inline'` for styles (the bundled server's) allows,
/// where a `style` attribute would be blocked and the list would collapse to nothing. The
/// policy is added to the running page as a `<meta>`, which the browser enforces from then on.
#[tokio::test]
async fn line_sizes_apply_under_a_policy_that_forbids_inline_styles() {
    run(Setup::default(), |t| async move {
        put_logs_instance(&t, LOGS_ID, "plain", "plain", true);
        load(&t, LOGS_ID).await;
        t.js("window.__violations = []; \
              document.addEventListener('securitypolicyviolation', \
                e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI)); \
              const m = document.createElement('meta'); m.httpEquiv = 'Content-Security-Policy'; \
              m.content = \"style-src 'self'\"; document.head.appendChild(m); return true;")
            .await;
        t.click("logs-toggle").await;
        wait_line_containing(&t, "system plain #299", Duration::from_secs(10)).await;
        let height = t.js("return document.querySelector('.log-sizer').offsetHeight;").await;
        check!(t, height == json!(300 * 18), "the list should be 300 lines of 18 px tall, is {height} px");
        // Following, the drawn lines sit as far down as the lines above them are tall.
        let placed = t
            .js("const w = document.querySelector('.log-window'); \
                 const first = Number(w.querySelector('[data-testid=\"log-line\"]').getAttribute('data-seq')); \
                 const y = new DOMMatrixReadOnly(getComputedStyle(w).transform).m42; \
                 return [first, y];")
            .await;
        let first = placed[0].as_i64().unwrap_or(-1);
        check!(t, first > 0, "following 300 lines, the first drawn line should not be line 0, is {first}");
        check!(t, placed[1] == json!(first * 18), "the drawn lines should be moved down {} px, are at {}", first * 18, placed[1]);
        let violations = t.js("return window.__violations;").await;
        check!(t, violations == json!([]), "the policy should block nothing, it reported {violations}");
    })
    .await;
}
