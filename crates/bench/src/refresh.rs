//! Refresh cost and the soak: the full instance on screen, auto-refresh off, then Refresh
//! clicked in the page again and again, each click waiting for its answer to land (the "as of"
//! time changes) and a frame before the next, so every click is one Get Instance (checked
//! against the stand-in's count).
//!
//! - Refresh cost: DOM mutations outside the "as of" line (expected 0: the data did not change)
//!   and the time per refresh.
//! - Soak: 1,000 refreshes after a warm-up, sampling the JS heap (after `window.gc()`), the DOM
//!   node count and the wasm linear memory every 100, and a verdict on whether they stay flat.
//!   Then a control in the same page: as many batches again, each as many frames long with no
//!   refresh, sampled the same way, so what the sampling itself (and time: the "as of" line
//!   ticks every second) adds to the heap can be told from what refreshes add.

use std::io::IsTerminal;

use serde_json::{json, Value};

use crate::browser::{Browser, Driver};
use crate::load::FULL_ID;
use crate::page::{fresh_load, number, script, set_auto_refresh, Rows};
use crate::servers::Servers;
use crate::stats::{thousands, Summary, Table};
use crate::{Measured, Result};

/// One refresh, click to painted; `refreshes(n)` runs n of them and returns their timings.
const REFRESH: &str = r#"
const timeEl = () => document.querySelector(`${hook('refreshed-at')} time`);
const landed = before => new Promise((resolve, reject) => {
  const time = timeEl();
  if (!time) { reject(new Error('no [data-testid=refreshed-at] time element')); return; }
  const timer = setTimeout(() => {
    observer.disconnect();
    reject(new Error('a refresh did not land within 10 s (click ignored, or the "as of" element was replaced)'));
  }, 10000);
  const observer = new MutationObserver(() => {
    if (time.getAttribute('datetime') === before) return;
    observer.disconnect();
    clearTimeout(timer);
    resolve(performance.now());
  });
  observer.observe(time, { attributes: true, attributeFilter: ['datetime'] });
});
const refreshes = async n => {
  const button = document.querySelector(hook('refresh'));
  if (!button) throw new Error('no [data-testid=refresh] button');
  const landedMs = [], paintedMs = [];
  for (let i = 0; i < n; i++) {
    const before = timeEl() && timeEl().getAttribute('datetime');
    const wait = landed(before);
    const t0 = performance.now();
    button.click();
    const t1 = await wait;
    const t2 = await afterFrame();
    landedMs.push(t1 - t0);
    paintedMs.push(t2 - t0);
  }
  return { landed: landedMs, painted: paintedMs };
};
"#;

/// Refreshes `arguments[0]` times, counting DOM mutations outside the "as of" line.
const COUNT_MUTATIONS: &str = r#"const [n] = arguments;
const target = node => node.nodeType === 1 ? node : node.parentElement;
const inAsOf = node => { const e = target(node); return !!e && !!e.closest(`${hook('refreshed-at')}, .as-of`); };
let mutations = 0;
const where = {};
const tally = records => {
  for (const r of records) {
    if (inAsOf(r.target)) continue;
    mutations++;
    const e = target(r.target);
    const name = !e ? '?' : (e.getAttribute('data-testid') || e.tagName.toLowerCase());
    const key = `${r.type} ${name}${r.attributeName ? '@' + r.attributeName : ''}`;
    where[key] = (where[key] || 0) + 1;
  }
};
const observer = new MutationObserver(tally);
observer.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
const timings = await refreshes(n);
await afterFrame();
tally(observer.takeRecords());
observer.disconnect();
return { ...timings, mutations, where };"#;

/// Opens a fresh page with the full instance on screen and auto-refresh off.
async fn full_instance_on_screen(browser: &Browser, servers: &Servers) -> Result<()> {
    fresh_load(browser, servers, FULL_ID, Rows::of_fixture("full")?).await?;
    set_auto_refresh(browser, "off").await
}

fn numbers(value: &Value, key: &str) -> Result<Vec<f64>> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .ok_or_else(|| format!("the page's answer has no list {key:?}"))
}

// ---------------------------------------------------------------------------------------------
// Refresh cost
// ---------------------------------------------------------------------------------------------

pub async fn measure_cost(driver: &Driver, servers: &Servers, count: usize) -> Result<Measured> {
    let browser = driver.browser().await?;
    let outcome = cost_runs(&browser, servers, count).await;
    browser.close().await;
    let (value, gets) = outcome?;

    let landed = numbers(&value, "landed")?;
    let painted = numbers(&value, "painted")?;
    let mutations = number(&value, "mutations")? as u64;
    let places = value.get("where").cloned().unwrap_or(Value::Null);
    let mut table = Table::new(
        format!("Refresh cost: {count} refreshes of {FULL_ID} with unchanged data"),
        &["measure", "median", "min", "max", "n"],
    );
    table.summary_row("click → \"as of\" updated (ms)", &landed, 2, vec![]);
    table.summary_row("click → painted (ms)", &painted, 2, vec![]);
    table.note(format!(
        "DOM mutations outside the \"as of\" line: {mutations} in total, {:.2} per refresh (expected 0)",
        mutations as f64 / count as f64
    ));
    table.note(format!(
        "Get Instance calls seen by the stand-in: {gets} (expected {count})"
    ));
    if mutations > 0 {
        table.note(format!("where: {places}"));
    }
    Ok(Measured {
        json: json!({
            "instance": FULL_ID,
            "refreshes": count,
            "gets_seen": gets,
            "mutations_outside_as_of": mutations,
            "mutations_per_refresh": mutations as f64 / count as f64,
            "mutations_where": places,
            "click_to_landed_ms": Summary::json(&landed),
            "click_to_painted_ms": Summary::json(&painted),
        }),
        tables: vec![table],
    })
}

async fn cost_runs(browser: &Browser, servers: &Servers, count: usize) -> Result<(Value, usize)> {
    full_instance_on_screen(browser, servers).await?;
    // A few unrecorded refreshes: the first ones run code for the first time.
    browser
        .run(&script(&format!("{REFRESH}\nawait refreshes(3);")), vec![])
        .await?;
    let before = servers.instance_gets();
    let value = browser
        .run(
            &script(&format!("{REFRESH}\n{COUNT_MUTATIONS}")),
            vec![json!(count)],
        )
        .await?;
    Ok((value, servers.instance_gets() - before))
}

// ---------------------------------------------------------------------------------------------
// Soak
// ---------------------------------------------------------------------------------------------

/// Refreshes before the first sample: code paths compiled, caches and pools at their size.
const WARM_UP: usize = 50;
/// Refreshes between samples.
const EVERY: usize = 100;
/// A figure is flat when its last sample is within this fraction of the first…
const FLAT_FRACTION: f64 = 0.10;
/// …or within this many bytes (the JS heap and wasm memory; wasm grows by 64 KiB pages).
const FLAT_BYTES: f64 = 256.0 * 1024.0;

/// Keeps the wasm exports (their `memory`) where the page can read them: Trunk hands them to
/// the `TrunkApplicationStarted` event and nowhere else.
const KEEP_WASM: &str = "addEventListener('TrunkApplicationStarted', e => { window.__benchWasm = e.detail && e.detail.wasm; });";

const SAMPLE: &str = r#"
if (typeof window.gc !== 'function') throw new Error('window.gc is missing (Chromium needs --js-flags=--expose-gc)');
window.gc(); window.gc();
await new Promise(resolve => setTimeout(resolve, 50));
window.gc();
const wasm = window.__benchWasm && window.__benchWasm.memory;
return {
  heap: performance.memory.usedJSHeapSize,
  nodes: document.getElementsByTagName('*').length,
  wasm: wasm ? wasm.buffer.byteLength : -1,
};"#;

/// The control's batch: `arguments[0]` frames, no refresh, the same shape of answer.
const IDLE: &str = r#"
const frames = [];
for (let i = 0; i < arguments[0]; i++) {
  const t0 = performance.now();
  frames.push((await afterFrame()) - t0);
}
return { landed: frames, painted: frames };"#;

#[derive(Clone, Copy)]
struct Sample {
    /// Refreshes (or, in the control, frames) since the first sample.
    refreshes: usize,
    heap: f64,
    nodes: f64,
    wasm: f64,
    /// Median click → painted of the batch before this sample (ms).
    batch_ms: Option<f64>,
}

pub async fn measure_soak(driver: &Driver, servers: &Servers, total: usize) -> Result<Measured> {
    let browser = driver.browser().await?;
    let outcome = soak_runs(&browser, servers, total).await;
    browser.close().await;
    let (samples, control, gets) = outcome?;

    let mut table = Table::new(
        format!("Soak: {total} refreshes of {FULL_ID} after {WARM_UP} warm-up (sample after window.gc())"),
        &["refreshes", "JS heap (bytes)", "DOM nodes", "wasm memory (bytes)", "refresh ms (median of batch)"],
    );
    let rows = samples.iter().map(|s| (s.refreshes.to_string(), s)).chain(
        control
            .iter()
            .skip(1)
            .map(|s| (format!("control: {} frames, no refresh", s.refreshes), s)),
    );
    for (label, s) in rows {
        table.row(vec![
            label,
            thousands(s.heap as u64),
            thousands(s.nodes as u64),
            if s.wasm < 0.0 {
                "-".into()
            } else {
                thousands(s.wasm as u64)
            },
            s.batch_ms.map_or("-".into(), |ms| format!("{ms:.2}")),
        ]);
    }
    let verdicts = verdicts(&samples);
    for v in &verdicts {
        table.note(v.line());
    }
    // As for the soak, the jump over the first batch (new code running for the first time)
    // is left out: the fit starts at the sample after it.
    let control_trend = median_step(control.iter().skip(1).map(|s| s.heap));
    let soak_trend = verdicts
        .iter()
        .find(|v| v.name == "JS heap")
        .and_then(|v| v.trend_per_100);
    let net_trend = soak_trend.zip(control_trend).map(|(a, b)| a - b);
    table.note(format!(
        "JS heap, typical change per 100 frames with no refresh (the control): {} bytes; net of it, 100 refreshes add {} bytes",
        control_trend.map_or("-".to_owned(), |t| format!("{t:+.0}")),
        net_trend.map_or("-".to_owned(), |t| format!("{t:+.0}")),
    ));
    let flat = verdicts.iter().all(|v| v.flat);
    table.note(format!(
        "verdict: {} (flat = last sample within {:.0}% or {} KiB of the first; DOM nodes within {:.0}%)",
        if flat { "FLAT" } else { "GROWING" },
        FLAT_FRACTION * 100.0,
        FLAT_BYTES / 1024.0,
        FLAT_FRACTION * 100.0,
    ));
    table.note(format!(
        "Get Instance calls seen by the stand-in: {gets} (expected {})",
        total + WARM_UP
    ));
    Ok(Measured {
        json: json!({
            "instance": FULL_ID,
            "warm_up": WARM_UP,
            "refreshes": total,
            "gets_seen": gets,
            "samples": samples.iter().map(|s| json!({
                "refreshes": s.refreshes, "js_heap_bytes": s.heap, "dom_nodes": s.nodes,
                "wasm_memory_bytes": if s.wasm < 0.0 { Value::Null } else { json!(s.wasm) },
                "batch_refresh_ms_median": s.batch_ms,
            })).collect::<Vec<_>>(),
            "control_samples": control.iter().map(|s| json!({
                "frames": s.refreshes, "js_heap_bytes": s.heap, "dom_nodes": s.nodes,
                "wasm_memory_bytes": if s.wasm < 0.0 { Value::Null } else { json!(s.wasm) },
            })).collect::<Vec<_>>(),
            "js_heap_trend_per_100_bytes": {
                "refreshing": soak_trend, "control": control_trend, "net": net_trend,
            },
            "verdicts": verdicts.iter().map(Verdict::json).collect::<Vec<_>>(),
            "flat": flat,
        }),
        tables: vec![table],
    })
}

async fn soak_runs(
    browser: &Browser,
    servers: &Servers,
    total: usize,
) -> Result<(Vec<Sample>, Vec<Sample>, usize)> {
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": KEEP_WASM }),
        )
        .await?;
    full_instance_on_screen(browser, servers).await?;
    let before = servers.instance_gets();
    let refreshing = format!("{REFRESH}\nreturn await refreshes(arguments[0]);");
    let run_batch = |body: &str, n: usize| {
        let body = script(body);
        async move { browser.run(&body, vec![json!(n)]).await }
    };
    let batch = |n: usize| run_batch(&refreshing, n);
    let sample = |refreshes: usize, batch_ms: Option<f64>| async move {
        let v = browser.run(&script(SAMPLE), vec![]).await?;
        Ok::<_, String>(Sample {
            refreshes,
            heap: number(&v, "heap")?,
            nodes: number(&v, "nodes")?,
            wasm: number(&v, "wasm")?,
            batch_ms,
        })
    };
    // A progress line only where it can be redrawn in place.
    let progress = std::io::stderr().is_terminal();
    batch(WARM_UP).await?;
    let mut samples = vec![sample(0, None).await?];
    let mut done = 0;
    while done < total {
        let n = EVERY.min(total - done);
        let timings = batch(n).await?;
        done += n;
        let batch_ms = Summary::of(&numbers(&timings, "painted")?).map(|s| s.median);
        samples.push(sample(done, batch_ms).await?);
        if progress {
            eprint!("\rbench: soak {done}/{total} refreshes");
        }
    }
    let gets = servers.instance_gets() - before;
    let mut control = vec![Sample {
        refreshes: 0,
        batch_ms: None,
        ..*samples.last().ok_or("no soak sample")?
    }];
    done = 0;
    while done < total {
        let n = EVERY.min(total - done);
        run_batch(IDLE, n).await?;
        done += n;
        control.push(sample(done, None).await?);
        if progress {
            eprint!("\rbench: soak control {done}/{total} frames   ");
        }
    }
    if progress {
        eprintln!();
    }
    Ok((samples, control, gets))
}

struct Verdict {
    name: &'static str,
    first: f64,
    last: f64,
    max: f64,
    /// The median change from one sample to the next (every 100 refreshes), from the sample
    /// after the first batch on: a steady leak shows here even when too small to fail `flat`.
    trend_per_100: Option<f64>,
    flat: bool,
}

impl Verdict {
    fn line(&self) -> String {
        let change = self.last - self.first;
        format!(
            "{}: first {} → last {} ({}{}, {:+.1}%; peak {}; typical change per 100 refreshes: {}) {}",
            self.name,
            thousands(self.first as u64),
            thousands(self.last as u64),
            if change < 0.0 { "-" } else { "+" },
            thousands(change.abs() as u64),
            if self.first > 0.0 {
                change / self.first * 100.0
            } else {
                0.0
            },
            thousands(self.max as u64),
            self.trend_per_100.map_or("-".to_owned(), |t| format!("{t:+.0}")),
            if self.flat { "flat" } else { "GROWING" }
        )
    }

    fn json(&self) -> Value {
        json!({
            "figure": self.name, "first": self.first, "last": self.last, "max": self.max,
            "trend_per_100_refreshes": self.trend_per_100, "flat": self.flat,
        })
    }
}

/// A figure's name, how to read it from a sample, and its slack in absolute units.
type Figure = (&'static str, fn(&Sample) -> f64, f64);

fn verdicts(samples: &[Sample]) -> Vec<Verdict> {
    let mut out = Vec::new();
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return out;
    };
    let figures: [Figure; 3] = [
        ("JS heap", |s| s.heap, FLAT_BYTES),
        ("DOM nodes", |s| s.nodes, 0.0),
        ("wasm memory", |s| s.wasm, FLAT_BYTES),
    ];
    for (name, get, slack) in figures {
        let (a, b) = (get(first), get(last));
        if a < 0.0 || b < 0.0 {
            continue; // wasm memory not reachable
        }
        let allowed = (a * FLAT_FRACTION).max(slack);
        out.push(Verdict {
            name,
            first: a,
            last: b,
            max: samples.iter().map(get).fold(f64::MIN, f64::max),
            trend_per_100: median_step(samples.iter().filter(|s| s.refreshes >= EVERY).map(get)),
            flat: b - a <= allowed,
        });
    }
    out
}

/// The typical change from one sample to the next: the median of the steps, so a one-off jump
/// (V8 optimising code, a buffer reaching its size) does not read as a steady leak, and a leak
/// of any size does. None for fewer than three samples.
fn median_step(values: impl Iterator<Item = f64>) -> Option<f64> {
    let values: Vec<f64> = values.collect();
    if values.len() < 3 {
        return None;
    }
    let steps: Vec<f64> = values.windows(2).map(|w| w[1] - w[0]).collect();
    Summary::of(&steps).map(|s| s.median)
}

#[cfg(test)]
mod tests {
    use super::median_step;

    #[test]
    fn a_one_off_jump_is_not_a_trend() {
        let heap = [100.0, 110.0, 120.0, 500.0, 510.0, 520.0];
        assert_eq!(median_step(heap.into_iter()), Some(10.0));
        assert_eq!(median_step([1.0, 2.0].into_iter()), None);
    }
}
