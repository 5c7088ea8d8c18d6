//! Load overhead: Load click to the full instance rendered (every port, volume and env row in
//! the DOM and painted), against a plain `fetch` + `JSON.parse` of the same URL with the same
//! header in the same page. Each run is a fresh page (so Load really builds the view) doing
//! both, in alternating order.
//!
//! Measured twice: on loopback, where the API answers in about a millisecond and the ratio is
//! all the app's own work, and at a realistic round trip, where the stand-in holds every Get
//! Instance answer for that instance (the app's and the plain fetch's alike) by the same delay
//! (its `slow-N` scenario: the real answer after N ms), as an API across the internet would.

use serde_json::{json, Value};

use crate::browser::{Browser, Driver};
use crate::page::{fill_form, load_and_render, number, open_app, script, Rows};
use crate::servers::Servers;
use crate::stats::{Summary, Table};
use crate::{Measured, Result};

/// The full fixture: every section of the view has something in it.
pub const FULL_ID: &str = "7f3e2a9c1b4d5e60";

/// The overhead goal at a realistic round trip (issue 16): Load → painted at most 10 % over
/// the plain fetch + parse.
const GOAL_RATIO: f64 = 1.10;

#[derive(Default)]
struct Runs {
    fetch_parse: Vec<f64>,
    response: Vec<f64>,
    dom: Vec<f64>,
    painted: Vec<f64>,
}

/// `round_trip_ms`: the delay of the second condition (0 measures loopback only).
pub async fn measure(
    driver: &Driver,
    servers: &Servers,
    runs: usize,
    round_trip_ms: u64,
) -> Result<Measured> {
    let rows = Rows::of_fixture("full")?;
    let browser = driver.browser().await?;
    let outcome = measure_both(&browser, servers, runs, rows, round_trip_ms).await;
    // Whatever happened, the stand-in answers at full speed again for the measures after this.
    servers.api.fail_next(FULL_ID, "", 0);
    browser.close().await;
    outcome
}

async fn measure_both(
    browser: &Browser,
    servers: &Servers,
    runs: usize,
    rows: Rows,
    round_trip_ms: u64,
) -> Result<Measured> {
    let loopback = run_all(browser, servers, runs, rows).await?;
    let (mut json, loopback_table) = report(&loopback, rows, runs, None);
    let mut tables = vec![loopback_table];
    if round_trip_ms > 0 {
        servers
            .api
            .fail_next(FULL_ID, &format!("slow-{round_trip_ms}"), u32::MAX);
        let delayed = run_all(browser, servers, runs, rows).await?;
        let (delayed_json, delayed_table) = report(&delayed, rows, runs, Some(round_trip_ms));
        tables.push(delayed_table);
        if let Value::Object(map) = &mut json {
            map.insert("round_trip".into(), delayed_json);
        }
    }
    Ok(Measured { json, tables })
}

/// The table and JSON of one condition; `round_trip_ms` None is loopback.
fn report(r: &Runs, rows: Rows, runs: usize, round_trip_ms: Option<u64>) -> (Value, Table) {
    let median = |v: &[f64]| Summary::of(v).map(|s| s.median);
    let over_fetch = |load: &[f64]| match (median(load), median(&r.fetch_parse)) {
        (Some(load), Some(fetch)) if fetch > 0.0 => Some(load / fetch),
        _ => None,
    };
    let ratio = over_fetch(&r.painted);
    let ratio_dom = over_fetch(&r.dom);
    let condition = match round_trip_ms {
        None => "loopback".to_owned(),
        Some(ms) => format!("API answers after {ms} ms"),
    };
    let mut table = Table::new(
        format!(
            "Load overhead, {condition}: full instance {FULL_ID} ({} ports, {} volumes, {} envs), {runs} runs (ms)",
            rows.ports, rows.volumes, rows.envs
        ),
        &["measure", "median", "min", "max", "n"],
    );
    table.summary_row(
        "fetch + JSON.parse (same URL, same page)",
        &r.fetch_parse,
        2,
        vec![],
    );
    table.summary_row(
        "Load click → Get Instance response end",
        &r.response,
        2,
        vec![],
    );
    table.summary_row("Load click → all rows in DOM", &r.dom, 2, vec![]);
    table.summary_row("Load click → rendered (painted)", &r.painted, 2, vec![]);
    let show = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{r:.2}×"));
    table.note(format!(
        "overhead ratio (medians, over fetch+parse): rendered (painted) {}, all rows in DOM {}{}",
        show(ratio),
        show(ratio_dom),
        if round_trip_ms.is_some() {
            format!(" (goal ≤ {GOAL_RATIO:.2}×)")
        } else {
            String::new()
        }
    ));
    if let (Some(load), Some(fetch)) = (median(&r.painted), median(&r.fetch_parse)) {
        table.note(format!(
            "added to the answer's wait (medians): Load → painted {:.1} ms, fetch + parse {:.1} ms",
            load - round_trip_ms.unwrap_or(0) as f64,
            fetch - round_trip_ms.unwrap_or(0) as f64
        ));
    }
    table.note(
        "\"painted\" waits for the next frame, so it carries up to one frame interval (16.7 ms at 60 Hz)",
    );
    let mut json = json!({
        "instance": FULL_ID,
        "rows": rows.json(),
        "fetch_parse_ms": Summary::json(&r.fetch_parse),
        "load_to_response_end_ms": Summary::json(&r.response),
        "load_to_dom_ms": Summary::json(&r.dom),
        "load_to_painted_ms": Summary::json(&r.painted),
        "ratio_painted_to_fetch_parse": ratio,
        "ratio_dom_to_fetch_parse": ratio_dom,
    });
    if let (Some(ms), Value::Object(map)) = (round_trip_ms, &mut json) {
        map.insert("api_delay_ms".into(), json!(ms));
        map.insert("goal_ratio_painted".into(), json!(GOAL_RATIO));
    }
    (json, table)
}

async fn run_all(browser: &Browser, servers: &Servers, runs: usize, rows: Rows) -> Result<Runs> {
    let mut r = Runs::default();
    let url = format!(
        "{}?instanceId={FULL_ID}",
        fake_novita::INSTANCE_PATH // same origin: the bundled server forwards it
    );
    let authorization = format!("Bearer {}", fake_novita::TEST_API_KEY);
    // One unrecorded run: the first page of a fresh browser pays for its own start-up.
    for i in 0..=runs {
        open_app(browser, servers).await?;
        fill_form(browser, fake_novita::TEST_API_KEY, FULL_ID).await?;
        let fetch_first = i % 2 == 0;
        let mut fetch_ms = None;
        if fetch_first {
            fetch_ms = Some(fetch_parse(browser, &url, &authorization).await?);
        }
        let load = load_and_render(browser, FULL_ID, rows).await?;
        if !fetch_first {
            fetch_ms = Some(fetch_parse(browser, &url, &authorization).await?);
        }
        if i == 0 {
            continue;
        }
        r.fetch_parse.extend(fetch_ms);
        r.response.push(load.response);
        r.dom.push(load.dom);
        r.painted.push(load.painted);
    }
    Ok(r)
}

async fn fetch_parse(browser: &Browser, url: &str, authorization: &str) -> Result<f64> {
    let v = browser
        .run(
            &script(
                "const [url, authorization] = arguments;
                 const t0 = performance.now();
                 const response = await fetch(url, { headers: { Authorization: authorization } });
                 const value = JSON.parse(await response.text());
                 const ms = performance.now() - t0;
                 if (!response.ok || !value || !value.id) throw new Error('fetch answered ' + response.status);
                 return { ms };",
            ),
            vec![json!(url), json!(authorization)],
        )
        .await?;
    number(&v, "ms")
}
