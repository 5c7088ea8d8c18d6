//! Pictures of the app in the states a person meets, for looking at what was built:
//! `cargo run -p e2e --example screenshots [out-dir]` (after scripts/build.sh) writes PNGs of
//! the loaded view, the watch list, the logs panel, an error, the narrow (360 px) view, and the
//! fleet (the stand-in's mixed fleet) at 1280 and 360 px in light and dark.

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e::{run, Session, Setup, TEST_API_KEY};
use serde_json::json;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

async fn shoot(t: &Session, dir: &Path, name: &str) {
    let png = t.client.screenshot().await.expect("a screenshot");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).expect("writing the screenshot");
    println!("wrote {}", path.display());
}

/// Shows the page in the dark (or light) scheme by pointing the stylesheet's
/// `prefers-color-scheme: dark` rules at every screen (or back).
async fn dark(t: &Session, on: bool) {
    t.js_with(
        "for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)            if (rule.media && /prefers-color-scheme: dark|^all$/.test(rule.media.mediaText))              rule.media.mediaText = arguments[0] ? 'all' : '(prefers-color-scheme: dark)';          return true;",
        vec![json!(on)],
    )
    .await;
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
    std::fs::create_dir_all(&dir).expect("the output folder");
    let fleet_dir = dir.clone();
    run(Setup::default(), |t| async move {
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
    })
    .await;

    let dir = fleet_dir;
    run(Setup::default(), |t| async move {
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
            dark(&t, true).await;
            shoot(&t, &dir, &format!("{name}-dark")).await;
            dark(&t, false).await;
        }
    })
    .await;
}
