//! The fleet at 1,000 instances (the stand-in's generated fleet, 100 a page): how long after
//! the last byte of the last page the table is on screen, how long a keystroke in the search
//! box takes, that a refresh that changes nothing changes no DOM but the "as of" line, and
//! that one changed status touches only its row.
//!
//! Render: each run is a fresh page with no key; the key is then typed in (an `input` event),
//! the page lists every page of the fleet and draws it. "Render" is from the last list
//! response's `responseEnd` (Resource Timing) to the rows in the DOM, and to the frame after.

use serde_json::{json, Value};

use crate::browser::{Browser, Driver};
use crate::page::{number, open_app, script, set_auto_refresh};
use crate::servers::Servers;
use crate::stats::{Summary, Table};
use crate::{Measured, Result};
use fake_novita::Fleet;

/// How many instances.
pub const FLEET_SIZE: usize = 1000;
/// The render budget (reported only).
const BUDGET_MS: f64 = 100.0;
/// One frame at 60 Hz: the keystroke budget (reported only).
const FRAME_MS: f64 = 16.7;

/// Types the key into the form on a fresh page, then waits for the whole fleet drawn.
const RENDER: &str = r#"const [key, total] = arguments;
const drawn = () => { const f = document.querySelector(hook('fleet'));
  return !!f && f.getAttribute('data-total') === String(total) && count('fleet-row') > 0; };
if (drawn()) throw new Error('the fleet is already on screen before the key is typed');
const t0 = performance.now();
const dom = await new Promise((resolve, reject) => {
  const observer = new MutationObserver(() => { if (drawn()) { observer.disconnect(); resolve(performance.now()); } });
  observer.observe(document.body, { childList: true, subtree: true, attributes: true });
  setTimeout(() => { observer.disconnect(); reject(new Error('the fleet was not drawn within 60 s')); }, 60000);
  const input = document.querySelector(hook('api-key'));
  input.value = key;
  input.dispatchEvent(new Event('input', { bubbles: true }));
});
const painted = await afterFrame();
const pages = performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/gpu-instance/openapi/v1/gpu/instances?') && e.startTime >= t0);
if (!pages.length) throw new Error('no List Instances request in Resource Timing');
const last = Math.max(...pages.map(e => e.responseEnd));
return { pages: pages.length, last_byte: last - t0, dom: dom - t0, painted: painted - t0,
         drawn: count('fleet-row') };"#;

/// Types `arguments[0]` into the search box one character at a time, then deletes it again;
/// for each keystroke, the time to the end of the work it caused (the next task, after every
/// effect) and to the painted frame.
const SEARCH: &str = r#"const [text] = arguments;
const input = document.querySelector(hook('fleet-search'));
if (!input) throw new Error('no fleet-search box');
const nextTask = () => new Promise(resolve => setTimeout(resolve, 0));
const work = [], painted = [], shown = [];
const type = async value => {
  const t0 = performance.now();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await nextTask();
  const t1 = performance.now();
  const t2 = await afterFrame();
  work.push(t1 - t0);
  painted.push(t2 - t0);
  shown.push(Number(document.querySelector('.fleet-table').getAttribute('aria-rowcount')) - 1);
};
for (let i = 1; i <= text.length; i++) await type(text.slice(0, i));
for (let i = text.length - 1; i >= 0; i--) await type(text.slice(0, i));
return { work, painted, shown };"#;

/// `refreshes(n)`: Refresh clicked n times, each waiting for the list to land ("as of"
/// changes) and a frame; `observe(n, rowId)` sorts the DOM mutations of n refreshes into the
/// "as of" line, the row of `rowId` (when given), the live region announcing a change, and
/// everything else.
const REFRESHES: &str = r#"
const timeEl = () => document.querySelector(`${hook('fleet-refreshed-at')} time`);
const landed = before => new Promise((resolve, reject) => {
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('a refresh did not land within 20 s')); }, 20000);
  const observer = new MutationObserver(() => {
    if (!timeEl() || timeEl().getAttribute('datetime') === before) return;
    observer.disconnect(); clearTimeout(timer); resolve(performance.now());
  });
  observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['datetime'] });
});
const refresh = async () => {
  const wait = landed(timeEl().getAttribute('datetime'));
  document.querySelector(hook('refresh')).click();
  await wait;
  await afterFrame();
};
const element = node => node.nodeType === 1 ? node : node.parentElement;
const tally = (records, rowId) => {
  const counts = { as_of: 0, row: 0, announced: 0, elsewhere: 0, where: {} };
  const inRow = node => { const e = element(node); const r = e && e.closest(hook('fleet-row'));
    return !!rowId && !!r && r.getAttribute('data-instance-id') === rowId; };
  for (const r of records) {
    const e = element(r.target);
    if (e && e.closest(hook('fleet-refreshed-at'))) { counts.as_of++; continue; }
    if (e && e.closest(hook('announcer'))) { counts.announced++; continue; }
    const nodes = [...r.addedNodes, ...r.removedNodes];
    if (inRow(r.target) || (nodes.length && nodes.every(inRow))) { counts.row++; continue; }
    counts.elsewhere++;
    const name = !e ? '?' : (e.getAttribute('data-testid') || e.tagName.toLowerCase());
    const key = `${r.type} ${name}`;
    counts.where[key] = (counts.where[key] || 0) + 1;
  }
  return counts;
};
const observe = async (n, rowId) => {
  const records = [];
  const observer = new MutationObserver(r => records.push(...r));
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
  for (let i = 0; i < n; i++) await refresh();
  records.push(...observer.takeRecords());
  observer.disconnect();
  return tally(records, rowId);
};
"#;

struct Run {
    pages: f64,
    render_dom: f64,
    render: f64,
    drawn: f64,
}

pub async fn measure(driver: &Driver, servers: &Servers, runs: usize) -> Result<Measured> {
    servers.api.set_fleet(Fleet::Generated(FLEET_SIZE));
    let browser = driver.browser().await?;
    let outcome = run_all(&browser, servers, runs).await;
    browser.close().await;
    servers.api.set_fleet(Fleet::Mixed);
    let (renders, search, unchanged, changed) = outcome?;

    let mut table = Table::new(
        format!("Fleet of {FLEET_SIZE}: render, search, refresh ({runs} renders; ms unless said)"),
        &["measure", "median", "min", "max", "n"],
    );
    let render: Vec<f64> = renders.iter().map(|r| r.render).collect();
    let render_dom: Vec<f64> = renders.iter().map(|r| r.render_dom).collect();
    table.summary_row(
        "last byte of the last page → rows in DOM",
        &render_dom,
        1,
        vec![],
    );
    table.summary_row("last byte of the last page → painted", &render, 1, vec![]);
    let numbers = |key: &str| -> Vec<f64> {
        search
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let (work, painted) = (numbers("work"), numbers("painted"));
    table.summary_row(
        "search keystroke → its work done (next task)",
        &work,
        2,
        vec![],
    );
    table.summary_row("search keystroke → painted", &painted, 2, vec![]);
    let pages = renders.first().map_or(0.0, |r| r.pages);
    let drawn = renders.first().map_or(0.0, |r| r.drawn);
    table.note(format!(
        "each listing read {pages:.0} pages; {drawn:.0} of {FLEET_SIZE} rows drawn (the ones in sight and a margin)"
    ));
    if let Some(s) = Summary::of(&render) {
        table.note(format!(
            "render median {:.1} ms: {} the {BUDGET_MS:.0} ms goal (reported, not asserted)",
            s.median,
            if s.median < BUDGET_MS {
                "under"
            } else {
                "OVER"
            }
        ));
    }
    if let Some(s) = Summary::of(&work) {
        table.note(format!(
            "keystroke work median {:.2} ms, max {:.2} ms: {} one frame ({FRAME_MS} ms)",
            s.median,
            s.max,
            if s.max < FRAME_MS {
                "every one under"
            } else {
                "NOT all under"
            }
        ));
    }
    let count = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).unwrap_or(0);
    table.note(format!(
        "{} refreshes with nothing changed: {} DOM mutations outside the \"as of\" line (expected 0; {} inside it)",
        unchanged.get("refreshes").and_then(Value::as_u64).unwrap_or(0),
        count(&unchanged, "elsewhere"),
        count(&unchanged, "as_of"),
    ));
    table.note(format!(
        "{} refreshes each changing one status: {} mutations in that row, {} in the live region saying so, {} elsewhere (expected 0){}",
        changed.get("refreshes").and_then(Value::as_u64).unwrap_or(0),
        count(&changed, "row"),
        count(&changed, "announced"),
        count(&changed, "elsewhere"),
        match changed.get("where") {
            Some(w) if count(&changed, "elsewhere") > 0 => format!("; where: {w}"),
            _ => String::new(),
        }
    ));
    Ok(Measured {
        json: json!({
            "instances": FLEET_SIZE,
            "pages_per_listing": pages,
            "rows_drawn": drawn,
            "render_ms": Summary::json(&render),
            "render_to_dom_ms": Summary::json(&render_dom),
            "budget_ms": BUDGET_MS,
            "search_work_ms": Summary::json(&work),
            "search_painted_ms": Summary::json(&painted),
            "search_rows_shown": search.get("shown"),
            "unchanged_refresh": unchanged,
            "one_status_changed": changed,
        }),
        tables: vec![table],
    })
}

type Outcome = (Vec<Run>, Value, Value, Value);

async fn run_all(browser: &Browser, servers: &Servers, runs: usize) -> Result<Outcome> {
    let mut renders = Vec::new();
    // One unrecorded run: the first page of a fresh browser pays for its own start-up.
    for i in 0..=runs {
        let run = fresh_render(browser, servers).await?;
        if i > 0 {
            renders.push(run);
        }
    }
    let search = browser
        .run(&script(SEARCH), vec![json!("job-0999")])
        .await?;
    set_auto_refresh(browser, "off").await?;
    let refreshes = 10;
    let mut unchanged = browser
        .run(
            &script(&format!(
                "{REFRESHES}\nreturn await observe(arguments[0], null);"
            )),
            vec![json!(refreshes)],
        )
        .await?;
    unchanged["refreshes"] = json!(refreshes);

    // The first row drawn is a failed one (what needs attention comes first); its status moves
    // between two that keep it failed, so it keeps its place and the summary its counts.
    let first = browser
        .js(
            "return document.querySelector('[data-testid=\"fleet-row\"]').getAttribute('data-instance-id');",
            vec![],
        )
        .await?;
    let id = first.as_str().ok_or("no fleet row to change")?.to_owned();
    let mut changed = json!({ "as_of": 0, "row": 0, "announced": 0, "elsewhere": 0, "where": {} });
    let changes = 5;
    for i in 0..changes {
        servers
            .api
            .set_status(&id, if i % 2 == 0 { "removed" } else { "exited" });
        let one = browser
            .run(
                &script(&format!(
                    "{REFRESHES}\nreturn await observe(1, arguments[0]);"
                )),
                vec![json!(id)],
            )
            .await?;
        for key in ["as_of", "row", "announced", "elsewhere"] {
            let sum = changed[key].as_u64().unwrap_or(0) + one[key].as_u64().unwrap_or(0);
            changed[key] = json!(sum);
        }
        if let Some(Value::Object(places)) = one.get("where") {
            for (k, v) in places {
                changed["where"][k] =
                    json!(changed["where"][k].as_u64().unwrap_or(0) + v.as_u64().unwrap_or(0));
            }
        }
    }
    changed["refreshes"] = json!(changes);
    Ok((renders, search, unchanged, changed))
}

/// A fresh page with no key, then the key typed in and the fleet drawn.
async fn fresh_render(browser: &Browser, servers: &Servers) -> Result<Run> {
    browser.goto(&format!("{}/", servers.app.url())).await?;
    browser
        .js(
            "sessionStorage.clear(); localStorage.clear(); return true;",
            vec![],
        )
        .await?;
    open_app(browser, servers).await?;
    let value = browser
        .run(
            &script(RENDER),
            vec![json!(fake_novita::TEST_API_KEY), json!(FLEET_SIZE)],
        )
        .await?;
    let last_byte = number(&value, "last_byte")?;
    Ok(Run {
        pages: number(&value, "pages")?,
        render_dom: number(&value, "dom")? - last_byte,
        render: number(&value, "painted")? - last_byte,
        drawn: number(&value, "drawn")?,
    })
}
