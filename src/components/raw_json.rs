//! The response exactly as received, pretty-printed on demand, with copy and download.

use super::copy::CopyButton;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

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

fn download(filename: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

fn file_name(instance_id: &str) -> String {
    let safe: String = instance_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("instance-{safe}.json")
}

#[component]
pub fn RawJson(raw: Memo<String>, #[prop(into)] instance_id: Signal<String>) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="raw-json">
            <div class="actions">
                <button type="button" data-testid="raw-json" aria-expanded=move || open.get().to_string()
                    aria-controls="raw-json-body" on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "Hide raw JSON" } else { "Show raw JSON" }}
                </button>
                <CopyButton text=Signal::derive(move || raw.get()) what="raw JSON" />
                <button type="button" on:click=move |_| {
                    let _ = download(&file_name(&instance_id.get_untracked()), &raw.get_untracked());
                }>
                    "Download"
                </button>
            </div>
            <Show when=move || open.get()>
                <pre id="raw-json-body" class="raw" tabindex="0">{move || pretty(&raw.get())}</pre>
            </Show>
        </div>
    }
}
