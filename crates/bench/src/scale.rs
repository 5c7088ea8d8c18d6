//! Scale: Load of `big-N` (N ports, N volumes and N envs, from the stand-in) until all 3·N
//! rows are painted, for several N, each run on a fresh page. The figure that matters is the
//! app's own part, from the response's last byte to the painted frame ("render"): the network
//! part grows with the body, not with anything the app does.

use serde_json::json;

use crate::browser::{Browser, Driver};
use crate::page::{fresh_load, LoadTiming, Rows};
use crate::servers::Servers;
use crate::stats::{Summary, Table};
use crate::{Measured, Result};

/// The frame budget a render of 500 rows of each kind should stay under (reported only).
pub const BUDGET_MS: f64 = 100.0;
/// The size the budget is about.
const BUDGET_N: usize = 500;

pub async fn measure(
    driver: &Driver,
    servers: &Servers,
    sizes: &[usize],
    runs: usize,
) -> Result<Measured> {
    let browser = driver.browser().await?;
    let outcome = run_all(&browser, servers, sizes, runs).await;
    browser.close().await;
    let results = outcome?;

    let mut table = Table::new(
        format!("Scale: Load of big-N (N ports + N volumes + N envs), {runs} runs each (ms)"),
        &[
            "N: measure",
            "median",
            "min",
            "max",
            "n",
            "ms per N",
            "µs per row",
        ],
    );
    let mut json_sizes = Vec::new();
    let mut render_medians: Vec<(usize, f64)> = Vec::new();
    for (n, timings) in &results {
        let render: Vec<f64> = timings.iter().map(LoadTiming::after_response).collect();
        let total: Vec<f64> = timings.iter().map(|t| t.painted).collect();
        let response: Vec<f64> = timings.iter().map(|t| t.response).collect();
        let per = |values: &[f64]| {
            Summary::of(values).map_or(("-".to_owned(), "-".to_owned()), |s| {
                (
                    format!("{:.3}", s.median / *n as f64),
                    format!("{:.1}", s.median * 1000.0 / (3 * n) as f64),
                )
            })
        };
        let (per_n, per_row) = per(&render);
        table.summary_row(
            &format!("{n}: render (response end → painted)"),
            &render,
            1,
            vec![per_n, per_row],
        );
        let (per_n, per_row) = per(&total);
        table.summary_row(
            &format!("{n}: total (click → painted)"),
            &total,
            1,
            vec![per_n, per_row],
        );
        let render_dom: Vec<f64> = timings.iter().map(|t| t.dom - t.response).collect();
        let (per_n, per_row) = per(&render_dom);
        table.summary_row(
            &format!("{n}: render to DOM (response end → all rows in DOM)"),
            &render_dom,
            1,
            vec![per_n, per_row],
        );
        table.summary_row(
            &format!("{n}: network (click → response end)"),
            &response,
            1,
            vec![],
        );
        if let Some(s) = Summary::of(&render) {
            render_medians.push((*n, s.median));
        }
        json_sizes.push(json!({
            "n": n,
            "rows": 3 * n,
            "render_ms": Summary::json(&render),
            "total_ms": Summary::json(&total),
            "network_ms": Summary::json(&response),
            "render_to_dom_ms": Summary::json(&render_dom),
            "dom_ms": Summary::json(&timings.iter().map(|t| t.dom).collect::<Vec<_>>()),
        }));
    }

    // Linearity: each step's growth in time against its growth in N (1.0 is linear).
    let mut steps = Vec::new();
    for pair in render_medians.windows(2) {
        let ((n0, t0), (n1, t1)) = (pair[0], pair[1]);
        let exponent = (t1 / t0).ln() / (n1 as f64 / n0 as f64).ln();
        table.note(format!(
            "{n0} → {n1}: N ×{:.0}, render time ×{:.2} (growth exponent {exponent:.2}; 1.00 is linear)",
            n1 as f64 / n0 as f64,
            t1 / t0
        ));
        steps.push(json!({ "from": n0, "to": n1, "time_ratio": t1 / t0, "exponent": exponent }));
    }
    let budget = render_medians
        .iter()
        .find(|(n, _)| *n == BUDGET_N)
        .map(|(_, ms)| *ms);
    if let Some(ms) = budget {
        table.note(format!(
            "{BUDGET_N} rows of each: render median {ms:.1} ms, {} the {BUDGET_MS:.0} ms frame budget (reported, not asserted)",
            if ms < BUDGET_MS { "under" } else { "OVER" }
        ));
    }
    Ok(Measured {
        json: json!({
            "sizes": json_sizes,
            "linearity": steps,
            "budget": {
                "n": BUDGET_N,
                "ms": BUDGET_MS,
                "render_median_ms": budget,
                "under": budget.map(|ms| ms < BUDGET_MS),
            },
        }),
        tables: vec![table],
    })
}

async fn run_all(
    browser: &Browser,
    servers: &Servers,
    sizes: &[usize],
    runs: usize,
) -> Result<Vec<(usize, Vec<LoadTiming>)>> {
    let mut results = Vec::new();
    // One unrecorded load: the first page of a fresh browser pays for its own start-up.
    let warm = Rows {
        ports: 10,
        volumes: 10,
        envs: 10,
    };
    fresh_load(browser, servers, "big-10", warm).await?;
    for &n in sizes {
        let rows = Rows {
            ports: n,
            volumes: n,
            envs: n,
        };
        let id = format!("big-{n}");
        let mut timings = Vec::new();
        for _ in 0..runs {
            timings.push(fresh_load(browser, servers, &id, rows).await?);
        }
        results.push((n, timings));
    }
    Ok(results)
}
