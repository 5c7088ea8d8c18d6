//! The response as received, pretty-printed on demand, with copy and download. Secrets are
//! masked ([`mask_json`]: the same values the rest of the page masks) in what is shown, copied
//! and downloaded, until the user presses "Reveal secrets"; from then on all three are the
//! original, byte for byte. One switch for all three, so what is copied is what is on screen.

use super::copy::{copy_text, flash_copied};
use crate::browser::dom::{clicked_button, find, set_attr, set_text};
use crate::browser::save_file::save_text;
use crate::components::click;
use crate::reactive::effect;
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

/// The fixed parts; the buttons' words and states, and the body, are written by one effect.
const MARKUP: &str = concat!(
    r#"<div class="actions">"#,
    r#"<button type="button" data-testid="raw-json" aria-controls="raw-json-body"></button>"#,
    r#"<button type="button" data-testid="raw-json-reveal" "#,
    r#"title="Secrets are masked in the raw JSON, its copy and its download until revealed"></button>"#,
    r#"<button type="button" class="copy" title="Copy raw JSON" aria-label="Copy raw JSON">Copy</button>"#,
    r#"<button type="button">Download</button></div>"#,
    r#"<pre id="raw-json-body" class="raw" tabindex="0"></pre>"#,
);

/// Drawn by hand: the fixed markup once, then one effect writing what changes, only where it
/// differs, and one click handler for the four buttons (as a reactive view it cost the wasm
/// more, README, Size). The body is pretty-printed only while shown.
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
    let root = NodeRef::<leptos::html::Div>::new();
    effect(move || {
        let Some(root) = root.get() else { return };
        if root.child_element_count() == 0 {
            root.set_inner_html(MARKUP);
        }
        let (open, revealed) = (open.get(), revealed.get());
        let toggle = find(&root, "[data-testid=raw-json]");
        set_attr(
            &toggle,
            "aria-expanded",
            Some(if open { "true" } else { "false" }),
        );
        set_text(
            &toggle,
            if open {
                "Hide raw JSON"
            } else {
                "Show raw JSON"
            },
        );
        let reveal = find(&root, "[data-testid=raw-json-reveal]");
        set_attr(
            &reveal,
            "aria-pressed",
            Some(if revealed { "true" } else { "false" }),
        );
        set_text(
            &reveal,
            if revealed {
                "Mask secrets"
            } else {
                "Reveal secrets"
            },
        );
        let body = find(&root, "pre");
        set_attr(&body, "hidden", (!open).then_some(""));
        set_text(&body, &if open { pretty(&text()) } else { String::new() });
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = clicked_button(&ev) else {
            return;
        };
        match button.get_attribute("data-testid").as_deref() {
            Some("raw-json") => open.update(|o| *o = !*o),
            Some("raw-json-reveal") => revealed.update(|r| *r = !*r),
            _ if button.class_list().contains("copy") => {
                copy_text(state, untrack(text), "raw JSON".to_string());
                flash_copied(&button);
            }
            _ => {
                let name = format!("instance-{}.json", file_stem(&instance_id.get_untracked()));
                if save_text(&untrack(text), "application/json", &name).is_err() {
                    state.announce("The browser refused to save the file.");
                }
            }
        }
    };
    view! { <div class="raw-json" node_ref=root on:click={click(on_click)}></div> }
}
