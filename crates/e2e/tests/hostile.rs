//! Data the app must not trust: an instance full of markup, script URLs and overlong text, and
//! one with far more rows than anyone would click through.

use std::time::Duration;

use e2e::{check, run, Setup, TEST_API_KEY};
use serde_json::{json, Value};

#[tokio::test]
async fn hostile_instance_runs_no_script_and_links_nothing_unsafe() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, "hostile-0001").await;
        t.wait_view("hostile-0001").await;
        t.wait_for("instance-name").await;
        // Let any injected <img onerror> or <svg onload> have its chance to fire.
        tokio::time::sleep(Duration::from_millis(750)).await;

        let pwned = t.js("return typeof window.__pwned === 'undefined' ? null : String(window.__pwned);").await;
        check!(t, pwned == Value::Null, "hostile data ran script: window.__pwned = {pwned}");

        let unsafe_links = t
            .js(
                "return [...document.querySelectorAll('a[href]')].map(a => ({ raw: a.getAttribute('href'), protocol: a.protocol }))\
                   .filter(({ raw, protocol }) => {\
                     const cleaned = raw.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();\
                     return /^(javascript|data|vbscript):/.test(cleaned) || ['javascript:', 'data:', 'vbscript:'].includes(protocol);\
                   }).map(({ raw }) => raw);",
            )
            .await;
        check!(t, unsafe_links == json!([]), "links with script or data URLs are on the page: {unsafe_links}");

        let port_links = t
            .js("return [...document.querySelectorAll('[data-testid=\"port-link\"]')].map(a => a.getAttribute('href') || '');")
            .await;
        let hrefs: Vec<String> = port_links
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        for href in &hrefs {
            check!(t, href.starts_with("http"), "a port-link points at {href:?}; only http(s) URLs may become links");
        }
        let jupyter_href = t.attr("launch-jupyter", "href").await;
        check!(t, jupyter_href.is_none(), "launch-jupyter links to the hostile address {jupyter_href:?}");
        let terminal_href = t.attr("launch-terminal", "href").await;
        check!(t, terminal_href.is_none(), "launch-terminal links to the hostile address {terminal_href:?}");

        let name = t.text("instance-name").await;
        check!(t, name.contains("<img src=x"), "the hostile name should be shown as text, markup and all; shows {name:?}");

        let width = t
            .js("return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth };")
            .await;
        let scroll = width["scroll"].as_f64().unwrap_or(f64::MAX);
        let inner = width["inner"].as_f64().unwrap_or(0.0);
        check!(t, scroll <= inner + 1.0, "the page is wider than the window ({scroll} px > {inner} px): long text does not wrap");
    })
    .await;
}

#[tokio::test]
async fn big_instance_lists_500_rows_of_each_drawing_those_in_sight() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.load(TEST_API_KEY, "big-500").await;
        t.wait_view_for("big-500", Duration::from_secs(30)).await;
        // Each table says it has 500 rows and a heading; being long, it draws the rows in
        // sight of its scroll box and a margin, not all 500 (issue 12, scale).
        for (table, hook) in [("ports", "port-row"), ("volumes", "volume-row"), ("envs", "env-row")] {
            t.wait_js_for(
                &format!("the {table} table to hold 500 rows"),
                "const t = document.querySelector(`table.${arguments[0]}`); return !!t && t.getAttribute('aria-rowcount') === '501';",
                vec![json!(table)],
                Duration::from_secs(20),
            )
            .await;
            let drawn = t.count(hook).await;
            check!(t, drawn > 0 && drawn < 200, "the {table} table draws the rows in sight, not 500: {drawn}");
            // Scrolled to its end, its last row is drawn.
            t.js_with(
                "const box = document.querySelector(`table.${arguments[0]}`).closest('.long-table'); box.scrollTop = box.scrollHeight; return true;",
                vec![json!(table)],
            )
            .await;
            t.wait_js(
                &format!("the last row of {table} drawn after scrolling to the end"),
                "return !!document.querySelector(`table.${arguments[0]} tr[aria-rowindex=\"501\"]`);",
                vec![json!(table)],
            )
            .await;
        }
        let width = t
            .js("return document.documentElement.scrollWidth <= window.innerWidth + 1;")
            .await;
        check!(
            t,
            width == json!(true),
            "with 500 rows the page became wider than the window"
        );
    })
    .await;
}
