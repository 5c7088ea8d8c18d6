//! Issue 3, the copy and download controls: secrets copy without being revealed, every copy is
//! announced through the polite live region, the raw JSON copies and downloads exactly as
//! received, and the key field hides its value unless asked.

use e2e::{check, run, Session, Setup, TEST_API_KEY};
use serde_json::{json, Value};

const FULL_ID: &str = "7f3e2a9c1b4d5e60";
const HF_TOKEN: &str = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const SSH_COMMAND: &str = "ssh -p 62248 root@proxy.us-ca-6.gpu-instance.novita.ai";

/// Replaces the clipboard with a recorder (a headless browser has no clipboard to read back).
const RECORD_CLIPBOARD: &str = r#"
    window.__copied = [];
    navigator.clipboard.writeText = text => { window.__copied.push(text); return Promise.resolve(); };
    return true;
"#;

async fn loaded(t: &Session) {
    t.open("/").await;
    t.load(TEST_API_KEY, FULL_ID).await;
    t.wait_view(FULL_ID).await;
    t.js(RECORD_CLIPBOARD).await;
    t.record_announcements().await;
}

async fn copied(t: &Session) -> Vec<String> {
    serde_json::from_value(t.js("return window.__copied").await).unwrap_or_default()
}

/// Clicks the copy button inside the element matching `css`.
async fn click_copy_in(t: &Session, css: &str) {
    let clicked = t
        .js_with(
            "const row = document.querySelector(arguments[0]); \
             const b = row && row.querySelector('button.copy'); if (!b) return false; b.click(); return true;",
            vec![json!(css)],
        )
        .await;
    check!(
        t,
        clicked == Value::Bool(true),
        "no copy button inside {css}"
    );
}

#[tokio::test]
async fn a_secret_copies_without_being_revealed_and_the_copy_is_announced() {
    run(Setup::default(), |t| async move {
        loaded(&t).await;
        let row = "[data-testid=\"env-row\"][data-secret=\"true\"]";
        let first_secret_key = t
            .js_with(
                "return document.querySelector(arguments[0]).querySelector('th').innerText",
                vec![json!(row)],
            )
            .await;
        check!(
            t,
            first_secret_key == json!("HF_TOKEN"),
            "the first secret row should be HF_TOKEN, is {first_secret_key}"
        );
        click_copy_in(&t, row).await;
        t.wait_js(
            "the copy to reach the clipboard",
            "return window.__copied.length === 1;",
            vec![],
        )
        .await;
        let got = copied(&t).await;
        check!(
            t,
            got == [HF_TOKEN],
            "the clipboard should get the whole token (it got something else)"
        );
        let shown = t.body_text().await;
        check!(
            t,
            !shown.contains(HF_TOKEN),
            "copying must not reveal the token on the page"
        );
        t.wait_js(
            "the copy to be announced",
            "return window.__announced.some(a => a.startsWith('Copied value of HF_TOKEN'));",
            vec![],
        )
        .await;

        // The SSH command copies as shown.
        click_copy_in(&t, "[data-testid=\"ssh-command\"]").await;
        t.wait_js(
            "the second copy",
            "return window.__copied.length === 2;",
            vec![],
        )
        .await;
        let got = copied(&t).await;
        check!(
            t,
            got[1] == SSH_COMMAND,
            "the SSH command copies as shown, got {:?}",
            got[1]
        );
        let said = t.announced().await;
        check!(
            t,
            said.iter().any(|a| a == "Copied SSH command."),
            "the SSH copy should be announced, the live region said {said:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn raw_json_copies_and_downloads_exactly_as_received() {
    run(Setup::default(), |t| async move {
        loaded(&t).await;
        let received = fake_novita::fixture("full").expect("the full fixture");
        // Until the user reveals it, the raw JSON (copy included) has its secrets masked.
        click_copy_in(&t, ".raw-json").await;
        t.wait_js("the raw JSON copy", "return window.__copied.length === 1;", vec![]).await;
        let masked = copied(&t).await;
        for secret in ["hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345", "s3cret-jupyter", "Xk29vLq7pZ", "wT8mQ2rN5s"] {
            check!(t, !masked[0].contains(secret), "the masked copy should not hold {secret}");
        }
        check!(
            t,
            serde_json::from_str::<Value>(&masked[0]).is_ok(),
            "the masked copy is still JSON"
        );
        t.click("raw-json-reveal").await;
        click_copy_in(&t, ".raw-json").await;
        t.wait_js("the second raw JSON copy", "return window.__copied.length === 2;", vec![]).await;
        let got = copied(&t).await;
        check!(t, got[1] == received, "revealed, the copied raw JSON should be the body byte for byte");

        // Catch the download link the app clicks, and read the file it points at (from the
        // Blob itself: fetching a blob: URL is a connection the page's CSP does not allow).
        t.js(
            "window.__download = null; const blobs = new Map(); const make = URL.createObjectURL; \
             URL.createObjectURL = b => { const url = make(b); blobs.set(url, b); return url; }; \
             const click = HTMLAnchorElement.prototype.click; \
             HTMLAnchorElement.prototype.click = function () { \
               if (this.download) { window.__download = { name: this.download, href: this.href }; \
                 const blob = blobs.get(this.href); \
                 if (blob) blob.text().then(text => { window.__download.text = text; }); return; } \
               return click.call(this); }; \
             return true;",
        )
        .await;
        let clicked = t
            .js("const b = [...document.querySelectorAll('.raw-json button')].find(b => b.innerText.trim() === 'Download'); if (!b) return false; b.click(); return true;")
            .await;
        check!(t, clicked == Value::Bool(true), "the raw JSON panel should have a Download button");
        t.wait_js(
            "the downloaded file to be read",
            "return !!window.__download && typeof window.__download.text === 'string';",
            vec![],
        )
        .await;
        let download = t.js("return window.__download").await;
        check!(
            t,
            download["name"] == json!(format!("instance-{FULL_ID}.json")),
            "the file should be named after the instance, is {}",
            download["name"]
        );
        check!(
            t,
            download["href"].as_str().is_some_and(|h| h.starts_with("blob:")),
            "the download should be a local blob, not a request: {}",
            download["href"]
        );
        check!(t, download["text"] == json!(received), "the downloaded file should hold the body as received");

        // Shown, it is pretty-printed, keys in the API's order.
        t.click("raw-json").await;
        let pre = t.js("const p = document.querySelector('#raw-json-body'); return p ? p.innerText : null;").await;
        let pre = pre.as_str().unwrap_or_default().to_owned();
        check!(t, pre.starts_with("{\n  \"id\": \"7f3e2a9c1b4d5e60\",\n  \"name\""), "the raw JSON should be pretty-printed in the API's key order: {:?}", &pre[..pre.len().min(80)]);
    })
    .await;
}

#[tokio::test]
async fn the_key_field_shows_its_value_only_when_asked() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.fill("api-key", TEST_API_KEY).await;
        let field_type = || t.js("return document.querySelector('[data-testid=\"api-key\"]').type");
        check!(t, field_type().await == json!("password"), "the key field starts as a password field");
        let toggled = t.js("const b = document.querySelector('[aria-label=\"Show API key\"]'); if (!b) return false; b.click(); return true;").await;
        check!(t, toggled == Value::Bool(true), "there should be a Show API key button");
        check!(t, field_type().await == json!("text"), "Show turns the key field into plain text");
        t.js("document.querySelector('[aria-label=\"Hide API key\"]').click(); return true;").await;
        check!(t, field_type().await == json!("password"), "Hide turns it back into a password field");
    })
    .await;
}

/// The overview's two copy buttons: the instance ID and the image, each as shown, each
/// announced, and the button says it worked.
#[tokio::test]
async fn the_overview_copies_the_instance_id_and_the_image() {
    run(Setup::default(), |t| async move {
        loaded(&t).await;
        let image = t
            .js("return document.querySelector('.overview .facts .wide code').textContent;")
            .await;
        let image = image.as_str().unwrap_or_default().to_owned();
        check!(
            t,
            !image.is_empty(),
            "the full fixture should show an image"
        );
        click_copy_in(&t, ".overview .instance-id").await;
        let flashed = t
            .js("return document.querySelector('.overview .instance-id button.copy').textContent;")
            .await;
        check!(
            t,
            flashed == json!("Copied ✓"),
            "the ID's copy button should say it worked, says {flashed}"
        );
        click_copy_in(&t, ".overview .facts .wide").await;
        t.wait_js(
            "both copies",
            "return window.__copied.length === 2;",
            vec![],
        )
        .await;
        let got = copied(&t).await;
        check!(
            t,
            got == [FULL_ID.to_string(), image.clone()],
            "the ID, then the image {image:?}, should be copied; got {got:?}"
        );
        let said = t.announced().await;
        for words in ["Copied instance ID.", "Copied image."] {
            check!(
                t,
                said.iter().any(|a| a == words),
                "{words:?} should be announced, the live region said {said:?}"
            );
        }
    })
    .await;
}

/// Connect's passwords: masked until Show, shown and hidden again by the same button, and
/// copied whole without being shown.
#[tokio::test]
async fn connect_passwords_show_hide_and_copy_without_showing() {
    const SSH_PASSWORD: &str = "Xk29vLq7pZ";
    const TERMINAL_PASSWORD: &str = "wT8mQ2rN5s";
    // The fact whose term is arguments[0]: its shown value, and its Show button's state.
    const FACT: &str = "const div = [...document.querySelectorAll('.connect dl > div')]
          .find(d => d.querySelector('dt').textContent === arguments[0]);
        const b = div.querySelector('button.reveal');
        return [div.querySelector('code.secret-value').textContent, b.getAttribute('aria-pressed'), b.textContent];";
    run(Setup::default(), |t| async move {
        loaded(&t).await;
        let fact = |term: &'static str| t.js_with(FACT, vec![json!(term)]);
        let before = fact("SSH password").await;
        check!(
            t,
            before[0]
                .as_str()
                .is_some_and(|v| !v.contains(SSH_PASSWORD))
                && before[1] == json!("false"),
            "the SSH password should start masked: {before}"
        );
        t.js("document.querySelectorAll('.connect button.reveal')[1].click(); return true;")
            .await;
        let shown = fact("SSH password").await;
        check!(
            t,
            shown == json!([SSH_PASSWORD, "true", "Hide"]),
            "Show should show the SSH password and become Hide: {shown}"
        );
        t.js("document.querySelectorAll('.connect button.reveal')[1].click(); return true;")
            .await;
        let hidden = fact("SSH password").await;
        check!(t, hidden == before, "Hide should mask it again: {hidden}");

        click_copy_in(&t, ".connect dl > div:nth-child(2)").await;
        t.wait_js("the copy", "return window.__copied.length === 1;", vec![])
            .await;
        let got = copied(&t).await;
        check!(
            t,
            got == [TERMINAL_PASSWORD.to_string()],
            "the web terminal password should copy whole: got {} value(s)",
            got.len()
        );
        let still = fact("Web terminal password").await;
        check!(
            t,
            still[0]
                .as_str()
                .is_some_and(|v| !v.contains(TERMINAL_PASSWORD)),
            "copying should not show it"
        );
        let said = t.announced().await;
        check!(
            t,
            said.iter().any(|a| a == "Copied web terminal password."),
            "the copy should be announced: {said:?}"
        );
    })
    .await;
}
