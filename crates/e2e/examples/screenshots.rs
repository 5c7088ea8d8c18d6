//! Pictures of the app in the states a person meets, for looking at what was built:
//! `cargo run -p e2e --example screenshots [out-dir]` (after scripts/build.sh) writes PNGs of
//! the loaded view, the watch list, the logs panel, an error, the narrow (360 px) view, and
//! the actions: the confirmation dialogs at 1280 and 360 px in light and dark, and the outcome
//! line following a stop.

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e::{run, Session, Setup, TEST_API_KEY};
use serde_json::json;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

/// Applies the stylesheet's dark rules whatever the system prefers (`on`), or takes them off:
/// plain JavaScript, so it works in any engine.
const DARK: &str = "
    const on = arguments[0];
    document.getElementById('force-dark')?.remove();
    if (on) {
        const rules = [...document.styleSheets].flatMap(s => [...s.cssRules])
            .filter(r => r.media && r.media.mediaText.includes('prefers-color-scheme: dark'))
            .flatMap(r => [...r.cssRules].map(x => x.cssText));
        const style = document.createElement('style');
        style.id = 'force-dark';
        style.textContent = rules.join('\\n') + ' :root { color-scheme: dark; }';
        document.head.append(style);
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
    std::fs::create_dir_all(&dir).expect("the output folder");
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
    })
    .await;
}
