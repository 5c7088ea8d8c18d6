//! Load overhead: Load click to the full instance rendered (every port, volume and env row in
//! the DOM and painted), against a plain `fetch` + `JSON.parse` of the same URL with the same
//! header in the same page. Each run is a fresh page (so Load really builds the view) doing
//! both, in alternating order.

use serde_json::json;

use crate::browser::{Browser, Driver};
use crate::page::{fill_form, load_and_render, number, open_app, script, Rows};
use crate::servers::Servers;
use crate::stats::{Summary, Table};
use crate::{Measured, Result};

/// The full fixture: every section of the view has something in it.
pub const FULL_ID: &str = "7f3e2a9c1b4d5e60";

#[derive(Default)]
struct Runs {
    fetch_parse: Vec<f64>,
    response: Vec<f64>,
    dom: Vec<f64>,
    painted: Vec<f64>,
}

pub async fn measure(driver: &Driver, servers: &Servers, runs: usize) -> Result<Measured> {
    let rows = Rows::of_fixture("full")?;
    let browser = driver.browser().await?;
    let outcome = run_all(&browser, servers, runs, rows).await;
    browser.close().await;
    let r = outcome?;

    let median = |v: &[f64]| Summary::of(v).map(|s| s.median);
    let over_fetch = |load: &[f64]| match (median(load), median(&r.fetch_parse)) {
        (Some(load), Some(fetch)) if fetch > 0.0 => Some(load / fetch),
        _ => None,
    };
    let ratio = over_fetch(&r.painted);
    let ratio_dom = over_fetch(&r.dom);
    let mut table = Table::new(
        format!(
            "Load overhead: full instance {FULL_ID} ({} ports, {} volumes, {} envs), {runs} runs (ms)",
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
        "overhead ratio (medians, over fetch+parse): rendered (painted) {}, all rows in DOM {}",
        show(ratio),
        show(ratio_dom)
    ));
    table.note(
        "\"painted\" waits for the next frame, so it carries up to one frame interval (16.7 ms at 60 Hz)",
    );
    Ok(Measured {
        json: json!({
            "instance": FULL_ID,
            "rows": rows.json(),
            "fetch_parse_ms": Summary::json(&r.fetch_parse),
            "load_to_response_end_ms": Summary::json(&r.response),
            "load_to_dom_ms": Summary::json(&r.dom),
            "load_to_painted_ms": Summary::json(&r.painted),
            "ratio_painted_to_fetch_parse": ratio,
            "ratio_dom_to_fetch_parse": ratio_dom,
        }),
        tables: vec![table],
    })
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
