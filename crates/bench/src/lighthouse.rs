//! First screen on a slow network: Lighthouse's mobile profile (slow 4G, 150 ms round trip
//! and 1.6 Mbit/s down, and a 4x slower CPU, on a phone-sized screen) against the app served
//! by the bundled server as deployed: its own headers, Content Security Policy and
//! compression, nothing added for the benchmark. Lighthouse (the npm package) starts its own
//! headless Chromium for each run; `scripts/bench.sh` installs it and names it in `LIGHTHOUSE`.
//!
//! Two ways of throttling, each its own table:
//! - `simulate`, Lighthouse's default: the page loads at full speed on loopback and Lighthouse
//!   works out from that trace what slow 4G would have given. It takes the observed
//!   largest-paint element as given, so when the app replaces the start screen drawn by
//!   index.html within a few milliseconds (as it does on loopback), it counts the app's paint,
//!   and with it the whole wasm download, as the largest paint.
//! - `devtools`: the same profile applied to the real load (DevTools' network and CPU
//!   throttling), so what is measured is what a phone on slow 4G sees first.

use std::path::Path;

use serde_json::{json, Value};
use tokio::process::Command;

use crate::browser::CHROMIUM;
use crate::servers::Bundled;
use crate::stats::{Summary, Table};
use crate::{Measured, Result};

/// The goals of issue 16 for the first screen.
const GOAL_LCP_MS: f64 = 2000.0;
const GOAL_SCORE: f64 = 100.0;

/// The figures taken from each report: Lighthouse's audit id, and the name in the table.
const METRICS: [(&str, &str); 6] = [
    ("first-contentful-paint", "first contentful paint (ms)"),
    ("largest-contentful-paint", "largest contentful paint (ms)"),
    ("total-blocking-time", "total blocking time (ms)"),
    ("speed-index", "speed index (ms)"),
    ("interactive", "time to interactive (ms)"),
    ("cumulative-layout-shift", "cumulative layout shift"),
];

/// As in the browser tests, plus what keeps a headless Chromium off the network and quiet.
const CHROME_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-quic \
     --no-first-run --disable-background-networking --disable-component-update --disable-sync";

/// Lighthouse's throttling methods, in the order they run; `simulate` is its default.
pub const THROTTLING: [&str; 2] = ["simulate", "devtools"];

pub async fn measure(
    dist: &Path,
    api_base: &str,
    runs: usize,
    throttling: &[String],
) -> Result<Measured> {
    let lighthouse = std::env::var("LIGHTHOUSE").unwrap_or_else(|_| "lighthouse".into());
    let server = Bundled::deployed(dist, api_base).await?;
    let url = format!("{}/", server.url());
    let mut json = serde_json::Map::new();
    let mut tables = Vec::new();
    for method in throttling {
        let (figures, table) = measure_one(&lighthouse, &url, runs, method).await?;
        json.insert(method.clone(), figures);
        tables.push(table);
    }
    Ok(Measured {
        json: Value::Object(json),
        tables,
    })
}

/// `runs` runs with one throttling method: its JSON and table.
async fn measure_one(
    lighthouse: &str,
    url: &str,
    runs: usize,
    method: &str,
) -> Result<(Value, Table)> {
    let mut score = Vec::new();
    let mut figures: Vec<Vec<f64>> = vec![Vec::new(); METRICS.len()];
    let mut version = Value::Null;
    let mut lcp_element = None;
    for run in 1..=runs {
        eprintln!("bench: lighthouse ({method} throttling) run {run} of {runs}…");
        let report = run_lighthouse(lighthouse, url, method).await?;
        if let Some(message) = report
            .pointer("/runtimeError/message")
            .and_then(Value::as_str)
        {
            return Err(format!("lighthouse: {message}"));
        }
        score.push(
            report
                .pointer("/categories/performance/score")
                .and_then(Value::as_f64)
                .ok_or("lighthouse gave no performance score (a page that did not load?)")?
                * 100.0,
        );
        for ((audit, _), values) in METRICS.iter().zip(&mut figures) {
            let value = report
                .pointer(&format!("/audits/{audit}/numericValue"))
                .and_then(Value::as_f64)
                .ok_or_else(|| format!("lighthouse's report has no {audit}"))?;
            values.push(value);
        }
        version = report["lighthouseVersion"].clone();
        lcp_element = largest_paint_element(&report).or(lcp_element);
    }

    let mut table = Table::new(
        format!(
            "First screen, Lighthouse {} mobile profile (slow 4G, 4x CPU), {method} throttling, {runs} runs",
            version.as_str().unwrap_or("?")
        ),
        &["figure", "median", "min", "max", "n"],
    );
    table.summary_row("performance score", &score, 0, vec![]);
    for ((_, name), values) in METRICS.iter().zip(&figures) {
        let digits = if name.ends_with("(ms)") { 0 } else { 3 };
        table.summary_row(name, values, digits, vec![]);
    }
    let median = |v: &[f64]| Summary::of(v).map_or(f64::NAN, |s| s.median);
    let lcp = median(&figures[1]);
    table.note(format!(
        "goals: largest contentful paint ≤ {GOAL_LCP_MS:.0} ms ({}), performance {GOAL_SCORE:.0} ({})",
        if lcp <= GOAL_LCP_MS { "met" } else { "not met" },
        if median(&score) >= GOAL_SCORE { "met" } else { "not met" },
    ));
    if let Some(element) = &lcp_element {
        table.note(format!("largest contentful paint element: {element}"));
    }
    let mut json = json!({
        "url": "/ on the bundled server (its own headers and CSP)",
        "lighthouse": version,
        "profile": "mobile (Lighthouse default): slow 4G, 4x CPU slowdown",
        "throttling": method,
        "performance_score": Summary::json(&score),
        "lcp_element": lcp_element,
        "goal_lcp_ms": GOAL_LCP_MS,
        "goal_performance_score": GOAL_SCORE,
    });
    if let Value::Object(map) = &mut json {
        for ((audit, _), values) in METRICS.iter().zip(&figures) {
            map.insert((*audit).to_owned(), Summary::json(values));
        }
    }
    Ok((json, table))
}

/// The element of the largest contentful paint, as Lighthouse's LCP breakdown names it: its
/// selector and the start of its text.
fn largest_paint_element(report: &Value) -> Option<String> {
    let items = report
        .pointer("/audits/lcp-breakdown-insight/details/items")?
        .as_array()?;
    let node = items.iter().find(|item| item["type"] == "node")?;
    Some(format!(
        "{} \"{}\"",
        node["selector"].as_str()?,
        node["nodeLabel"].as_str().unwrap_or("")
    ))
}

/// One Lighthouse run, its JSON report.
async fn run_lighthouse(lighthouse: &str, url: &str, method: &str) -> Result<Value> {
    let output = Command::new(lighthouse)
        .arg(url)
        .args([
            "--only-categories=performance",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
        ])
        .arg(format!("--throttling-method={method}"))
        .arg(format!("--chrome-flags={CHROME_FLAGS}"))
        .env("CHROME_PATH", CHROMIUM)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|err| {
            format!(
                "running {lighthouse}: {err} (scripts/bench.sh installs it and sets LIGHTHOUSE)"
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "lighthouse failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|err| format!("reading lighthouse's report: {err}"))
}
