//! Time to usable: navigation start (`performance.now()` = 0) to the form's input being in
//! the page, enabled, and painted; the same for the baseline page (one Leptos input), and the
//! ratio of the medians.
//!
//! Cold cache: the HTTP cache is disabled through DevTools (`Network.setCacheDisabled`), so every
//! run downloads and compiles everything as on a first visit. A script registered with
//! `Page.addScriptToEvaluateOnNewDocument` runs before the page's own and watches for the input
//! with a MutationObserver, so no polling from outside decides the time. Runs alternate app and
//! baseline (each from `about:blank`), so drift in the machine's load hits both alike.

use serde_json::{json, Value};

use crate::browser::{Browser, Driver};
use crate::page::{number, script};
use crate::servers::Servers;
use crate::stats::{Summary, Table};
use crate::{Measured, Result};

/// The app's key field, or the baseline's one input.
const WATCH: &str = r#"(() => {
  const selector = 'input[data-testid="api-key"], input#baseline-input';
  const ready = () => { const e = document.querySelector(selector); return !!e && !e.disabled; };
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    observer.disconnect();
    window.__benchInDom = performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { window.__benchUsable = performance.now(); };
      channel.port2.postMessage(0);
    });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();"#;

#[derive(Default)]
struct Runs {
    in_dom: Vec<f64>,
    usable: Vec<f64>,
    transferred: Vec<f64>,
}

pub async fn measure(driver: &Driver, servers: &Servers, runs: usize) -> Result<Measured> {
    let browser = driver.browser().await?;
    let outcome = run_all(&browser, servers, runs).await;
    browser.close().await;
    let (app, baseline) = outcome?;

    let ratio = |a: &[f64], b: &[f64]| match (Summary::of(a), Summary::of(b)) {
        (Some(a), Some(b)) if b.median > 0.0 => Some(a.median / b.median),
        _ => None,
    };
    let usable_ratio = ratio(&app.usable, &baseline.usable);
    let in_dom_ratio = ratio(&app.in_dom, &baseline.in_dom);

    let mut table = Table::new(
        format!("Time to usable (ms from navigation start, cold cache, {runs} runs each)"),
        &[
            "page: moment",
            "median",
            "min",
            "max",
            "n",
            "KB transferred",
        ],
    );
    for (name, r) in [("app", &app), ("baseline", &baseline)] {
        let kb: Vec<f64> = r.transferred.iter().map(|b| b / 1024.0).collect();
        let kb = Summary::of(&kb).map_or("-".to_owned(), |s| format!("{:.1}", s.median));
        table.summary_row(
            &format!("{name}: input painted"),
            &r.usable,
            1,
            vec![kb.clone()],
        );
        table.summary_row(&format!("{name}: input in DOM"), &r.in_dom, 1, vec![kb]);
    }
    let show = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{r:.2}×"));
    table.note(format!(
        "ratio app/baseline (medians): input painted {}, input in DOM {}",
        show(usable_ratio),
        show(in_dom_ratio)
    ));

    let page_json = |r: &Runs| {
        json!({
            "input_painted_ms": Summary::json(&r.usable),
            "input_in_dom_ms": Summary::json(&r.in_dom),
            "transferred_bytes": Summary::json(&r.transferred),
        })
    };
    Ok(Measured {
        json: json!({
            "cache": "disabled (Network.setCacheDisabled): every run is a first visit",
            "served_by": "novita-viewer-server on loopback (brotli)",
            "app": page_json(&app),
            "baseline": page_json(&baseline),
            "ratio_input_painted": usable_ratio,
            "ratio_input_in_dom": in_dom_ratio,
        }),
        tables: vec![table],
    })
}

async fn run_all(browser: &Browser, servers: &Servers, runs: usize) -> Result<(Runs, Runs)> {
    browser.disable_cache().await?;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": WATCH }),
        )
        .await?;
    let app_url = format!("{}/", servers.app.url());
    let baseline_url = format!("{}/", servers.baseline.url());
    let (mut app, mut baseline) = (Runs::default(), Runs::default());
    // One unrecorded visit each: Chromium's own first-navigation costs are not the pages'.
    one_visit(browser, &app_url).await?;
    one_visit(browser, &baseline_url).await?;
    for i in 0..runs {
        let order = if i % 2 == 0 {
            [(&app_url, &mut app), (&baseline_url, &mut baseline)]
        } else {
            [(&baseline_url, &mut baseline), (&app_url, &mut app)]
        };
        for (url, into) in order {
            let v = one_visit(browser, url).await?;
            into.in_dom.push(number(&v, "in_dom")?);
            into.usable.push(number(&v, "usable")?);
            into.transferred.push(number(&v, "transferred")?);
        }
    }
    Ok((app, baseline))
}

async fn one_visit(browser: &Browser, url: &str) -> Result<Value> {
    browser.goto("about:blank").await?;
    browser.goto(url).await?;
    browser
        .run(
            &script(
                "await waitFor(() => window.__benchUsable !== undefined, 30000, 'the input to be usable');
                 const entries = [...performance.getEntriesByType('navigation'),
                                  ...performance.getEntriesByType('resource')];
                 return { in_dom: window.__benchInDom, usable: window.__benchUsable,
                          transferred: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0) };",
            ),
            vec![],
        )
        .await
}
