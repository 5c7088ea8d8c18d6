//! The response as received, pretty-printed on demand, with copy and download. Secrets are
//! masked ([`mask_json`]: the same values the rest of the page masks) in what is shown, copied
//! and downloaded, until the user presses "Reveal secrets"; from then on all three are the
//! original, byte for byte. One switch for all three, so what is copied is what is on screen.

use super::copy::CopyButton;
use crate::browser::save_file::save_text;
use crate::state::AppState;
use instance_model::format::file_stem;
use instance_model::secrets::mask_json;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Pretty-prints with the browser's own JSON (keeps the API's key order, costs no wasm);
/// a body that is not JSON is shown as received.
fn pretty(raw: &str) -> String {
    js_sys::JSON::parse(raw)
        .ok()
        .and_then(|v| {
            js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from(2))
                .ok()
        })
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| raw.to_string())
}

#[component]
pub fn RawJson(raw: Memo<String>, #[prop(into)] instance_id: Signal<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let revealed = RwSignal::new(false);
    // Masked only when something reads it (shown, copied or downloaded). A body that cannot be
    // read for masking (never one the page parsed) shows nothing until revealed.
    let text = move || {
        if revealed.get() {
            raw.get()
        } else {
            mask_json(&raw.get()).map(|m| m.text).unwrap_or_default()
        }
    };
    view! {
        <div class="raw-json">
            <div class="actions">
                <button type="button" data-testid="raw-json" aria-expanded=move || open.get().to_string()
                    aria-controls="raw-json-body" on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "Hide raw JSON" } else { "Show raw JSON" }}
                </button>
                <button type="button" data-testid="raw-json-reveal" aria-pressed=move || revealed.get().to_string()
                    title="Secrets are masked in the raw JSON, its copy and its download until revealed"
                    on:click=move |_| revealed.update(|r| *r = !*r)>
                    {move || if revealed.get() { "Mask secrets" } else { "Reveal secrets" }}
                </button>
                <CopyButton text=Signal::derive(text) what="raw JSON" />
                <button type="button" on:click=move |_| {
                    let name = format!("instance-{}.json", file_stem(&instance_id.get_untracked()));
                    if save_text(&text(), "application/json", &name).is_err() {
                        state.announce("The browser refused to save the file.");
                    }
                }>
                    "Download"
                </button>
            </div>
            // Pretty-printed only while shown.
            <pre id="raw-json-body" class="raw" tabindex="0" hidden=move || !open.get()>
                {move || open.get().then(|| pretty(&text()))}
            </pre>
        </div>
    }
}
