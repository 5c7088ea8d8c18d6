//! Pictures of the app in the states a person meets, for looking at what was built:
//! `cargo run -p e2e --example screenshots [out-dir]` (after scripts/build.sh) writes PNGs of
//! the loaded view, the watch list, the logs panel, an error, the narrow (360 px) view, the
//! metrics panel (busy, idle with its flag, eight GPUs, gaps) at 1280 and 360 px, light and
//! dark, the actions: the confirmation dialogs at 1280 and 360 px in light and dark, and
//! the outcome line following a stop, and the fleet (the stand-in's mixed fleet) at 1280 and
//! 360 px in light and dark, with rows selected, the bulk Stop's dialog (light and dark) and
//! the rows following it. `--readme` also writes the README's metrics picture to
//! `docs/metrics.png`; `--fleet` takes only the fleet's pictures.

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e::{run, Session, Setup, TEST_API_KEY};
use serde_json::json;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";
/// Fleet instances the stand-in knows: idle, eight GPUs with one busy, gaps.
const IDLE_ID: &str = "b2d5f8a1c4e73069";
const EIGHT_ID: &str = "c3e6a9b2d5f8417a";
const GAPS_ID: &str = "4b0e27dafd16c9f2";

/// Applies the stylesheet's dark rules whatever the system prefers (`on`), or takes them off,
/// with plain CSSOM: the rules of every `prefers-color-scheme: dark` query are copied to the
/// end of their sheet (and removed again). No `<style>` element or `style` attribute, which the
/// page's CSP forbids, and nothing engine-specific.
const DARK: &str = "
    const on = arguments[0];
    for (const sheet of document.styleSheets) {
        for (let i = 0; i < (sheet.__dark || 0); i++) sheet.deleteRule(sheet.cssRules.length - 1);
        sheet.__dark = 0;
    }
    document.documentElement.style.removeProperty('color-scheme');
    if (on) {
        for (const sheet of document.styleSheets) {
            const rules = [...sheet.cssRules]
                .filter(r => r.media && r.media.mediaText.includes('prefers-color-scheme: dark'))
                .flatMap(r => [...r.cssRules]);
            for (const rule of rules) sheet.insertRule(rule.cssText, sheet.cssRules.length);
            sheet.__dark = rules.length;
        }
        document.documentElement.style.setProperty('color-scheme', 'dark');
    }
    return true;";

/// The dialog of `action` on the instance on screen, in light and dark at the window's width.
async fn shoot_dialog(t: &Session, dir: &Path, action: &str, width: u32) {
    t.click(&format!("action-{action}")).await;
    t.wait_for("confirm-dialog").await;
    if action == "delete" {
        t.fill("confirm-name", "llama-finetune").await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    shoot(t, dir, &format!("dialog-{action}-{width}-light")).await;
    t.js_with(DARK, vec![json!(true)]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    shoot(t, dir, &format!("dialog-{action}-{width}-dark")).await;
    t.js_with(DARK, vec![json!(false)]).await;
    t.click("confirm-cancel").await;
    t.wait_gone("confirm-dialog").await;
}

async fn shoot(t: &Session, dir: &Path, name: &str) {
    let png = t.client.screenshot().await.expect("a screenshot");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("writing the screenshot");
    println!("wrote {}", path.display());
}

async fn resize(t: &Session, width: u32, height: u32) {
    t.client
        .set_window_size(width, height)
        .await
        .expect("resizing the window");
}

#[tokio::main]
async fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/shots".into()),
    );
    let readme = std::env::args().any(|a| a == "--readme");
    let fleet_only = std::env::args().any(|a| a == "--fleet");
    std::fs::create_dir_all(&dir).expect("the output folder");
    let fleet_dir = dir.clone();
    if !fleet_only {
        instance_shots(dir, readme).await;
    }
    fleet_shots(fleet_dir).await;
}

/// The instance view: loaded, logs, errors, narrow, metrics, and the actions.
async fn instance_shots(dir: PathBuf, readme: bool) {
    run(Setup::default(), |t| {
        let dir = dir.clone();
        async move {
        t.open("/").await;
        t.js_with(
            "localStorage.setItem('novita-viewer.apiKey', arguments[0]); \
             localStorage.setItem('novita-viewer.watch', '7f3e2a9c1b4d5e60,5a6b7c8d9e0f1a2b,3c9d0e1f2a3b4c5d'); return true;",
            vec![json!(TEST_API_KEY)],
        )
        .await;
        t.open(&format!("/?instance={FULL_ID}")).await;
        t.wait_view(FULL_ID).await;
        t.wait_count("watch-card", 3, Duration::from_secs(10)).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        resize(&t, 1280, 1800).await;
        shoot(&t, &dir, "view").await;

        t.js("const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'Show logs'); if (b) b.click(); return !!b;").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        t.js("document.querySelector('[data-testid=\"logs-tab-system\"]')?.scrollIntoView(); return true;").await;
        shoot(&t, &dir, "logs").await;

        t.api.fail_next(FULL_ID, "fail-503-empty", 1);
        t.click("refresh").await;
        t.wait_for("refresh-failed").await;
        t.js("window.scrollTo(0, 0); return true;").await;
        shoot(&t, &dir, "refresh-failed").await;

        t.load(TEST_API_KEY, "fail-429").await;
        t.wait_error(Duration::from_secs(10)).await;
        shoot(&t, &dir, "error").await;

        resize(&t, 360, 1600).await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        shoot(&t, &dir, "narrow").await;

        metrics_shots(&t, &dir, readme).await;
        // The actions: the dialogs, wide and narrow, light and dark, then a stop followed.
        resize(&t, 1280, 800).await;
        t.open(&format!("/?instance={FULL_ID}")).await;
        t.wait_view(FULL_ID).await;
        for action in ["stop", "delete"] {
            shoot_dialog(&t, &dir, action, 1280).await;
        }
        resize(&t, 360, 740).await;
        for action in ["stop", "restart"] {
            shoot_dialog(&t, &dir, action, 360).await;
        }
        resize(&t, 1280, 800).await;
        t.click("action-stop").await;
        t.click("confirm-ok").await;
        t.wait_js_for(
            "the stop to be followed to its end",
            "const s = document.querySelector('[data-testid=\"action-status\"]'); \
             return !!s && s.getAttribute('data-progress') === 'reached';",
            vec![],
            Duration::from_secs(40),
        )
        .await;
        t.js("document.querySelector('.actions').scrollIntoView({ block: 'center' }); return true;")
            .await;
        shoot(&t, &dir, "action-done").await;
        }
    })
    .await;
}

/// The fleet, wide and narrow, light and dark; then three rows selected (two running, one
/// stopped), the bulk Stop's dialog, and the rows following the stop.
async fn fleet_shots(dir: PathBuf) {
    run(Setup::default(), |t| {
        let dir = dir.clone();
        async move {
        t.open("/").await;
        t.js_with(
            "localStorage.setItem('novita-viewer.apiKey', arguments[0]); return true;",
            vec![json!(TEST_API_KEY)],
        )
        .await;
        t.open("/").await;
        t.wait_count("fleet-row", 16, Duration::from_secs(10)).await;
        for (width, height, name) in [(1280, 1250, "fleet"), (360, 2100, "fleet-narrow")] {
            resize(&t, width, height).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            shoot(&t, &dir, name).await;
            t.js_with(DARK, vec![json!(true)]).await;
            shoot(&t, &dir, &format!("{name}-dark")).await;
            t.js_with(DARK, vec![json!(false)]).await;
        }
        resize(&t, 1280, 1000).await;
        // The table draws the rows in sight again after a resize: let it, before taking rows.
        tokio::time::sleep(Duration::from_millis(500)).await;
        for id in ["a1c4e7f0b3d62958", IDLE_ID, "d4f7b0c3e6a9528b"] {
            let css = format!(
                "[data-testid=\"fleet-row\"][data-instance-id=\"{id}\"] [data-testid=\"fleet-select\"]"
            );
            let select = t.wait_for_css(&css, "a row's checkbox", Duration::from_secs(10)).await;
            t.click_on(&select, "a row's checkbox").await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        shoot(&t, &dir, "fleet-selected").await;
        t.click("fleet-action-stop").await;
        t.wait_for("confirm-dialog").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        shoot(&t, &dir, "fleet-bulk-dialog").await;
        t.js_with(DARK, vec![json!(true)]).await;
        shoot(&t, &dir, "fleet-bulk-dialog-dark").await;
        t.js_with(DARK, vec![json!(false)]).await;
        t.click("confirm-ok").await;
        t.wait_js_for(
            "both stops to be followed to their end",
            "return [...document.querySelectorAll('[data-testid=\"fleet-row\"] [data-testid=\"action-status\"]')] \
             .filter(s => s.getAttribute('data-progress') === 'reached').length === 2;",
            vec![],
            Duration::from_secs(60),
        )
        .await;
        shoot(&t, &dir, "fleet-bulk-done").await;
        }
    })
    .await;
}

/// Opens `id` and waits for its charts, the metrics panel scrolled to the top.
async fn open_metrics(t: &Session, id: &str, window: &str) {
    t.js_with(
        "localStorage.setItem('novita-viewer.metricsWindow', arguments[0]); return true;",
        vec![json!(window)],
    )
    .await;
    t.open(&format!("/?instance={id}")).await;
    t.wait_view(id).await;
    t.js("const d = document.querySelector('[data-testid=\"metrics\"]'); if (d && !d.open) d.open = true; return true;").await;
    t.wait_for_css(
        "[data-testid=\"metric-chart\"][data-metric=\"gpu\"]",
        "the GPU chart",
        Duration::from_secs(20),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
}

async fn scroll_to_metrics(t: &Session) {
    t.js("const m = document.querySelector('[data-testid=\"metrics\"]'); window.scrollTo(0, m.getBoundingClientRect().top + window.scrollY - 8); return true;").await;
}

/// Points at the middle of the GPU chart, so the read-out and cursor show.
async fn hover_gpu_chart(t: &Session) {
    t.js("const s = document.querySelector('[data-testid=\"metric-chart\"][data-metric=\"gpu\"]'); \
          const r = s.getBoundingClientRect(); \
          s.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: r.left + r.width * 0.62, clientY: r.top + 50 })); return true;").await;
}

async fn metrics_shots(t: &Session, dir: &Path, readme: bool) {
    use fake_novita::Metrics;
    t.api.set_metrics(
        IDLE_ID,
        Metrics::idle_for(Duration::from_secs(2 * 3600 + 10 * 60)),
    );
    t.api.set_metrics(EIGHT_ID, Metrics::EightGpusOneBusy);
    t.api.set_metrics(GAPS_ID, Metrics::Gaps);

    resize(t, 1280, 1100).await;
    open_metrics(t, FULL_ID, "1h").await;
    scroll_to_metrics(t).await;
    hover_gpu_chart(t).await;
    shoot(t, dir, "metrics-busy").await;
    if readme {
        let png = t.client.screenshot().await.expect("a screenshot");
        std::fs::write("docs/metrics.png", png).expect("writing docs/metrics.png");
        println!("wrote docs/metrics.png");
    }
    t.js_with(DARK, vec![json!(true)]).await;
    shoot(t, dir, "metrics-busy-dark").await;

    open_metrics(t, IDLE_ID, "6h").await;
    t.wait_for("idle-flag").await;
    t.js("window.scrollTo(0, 0); return true;").await;
    shoot(t, dir, "metrics-idle").await;
    t.js_with(DARK, vec![json!(true)]).await;
    shoot(t, dir, "metrics-idle-dark").await;

    open_metrics(t, EIGHT_ID, "15m").await;
    scroll_to_metrics(t).await;
    hover_gpu_chart(t).await;
    shoot(t, dir, "metrics-eight-gpus").await;

    open_metrics(t, GAPS_ID, "1h").await;
    scroll_to_metrics(t).await;
    shoot(t, dir, "metrics-gaps").await;

    resize(t, 360, 1400).await;
    open_metrics(t, IDLE_ID, "1h").await;
    t.wait_for("idle-flag").await;
    scroll_to_metrics(t).await;
    shoot(t, dir, "metrics-narrow").await;
    t.js_with(DARK, vec![json!(true)]).await;
    shoot(t, dir, "metrics-narrow-dark").await;
    t.js("document.querySelector('[data-testid=\"idle-flag\"]').scrollIntoView(); return true;")
        .await;
    shoot(t, dir, "idle-flag-narrow-dark").await;
}
