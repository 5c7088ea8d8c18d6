//! Copy to the clipboard, with feedback on the button and through the polite live region.

use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// Writes `text` to the clipboard and announces the result in words.
pub fn copy_text(state: AppState, text: String, what: String) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => state.announce(format!("Copied {what}.")),
            Err(_) => state.announce(format!(
                "Could not copy {what}: the browser refused. Select it and copy by hand."
            )),
        }
    });
}

/// A small "Copy" button. `what` names the thing for the announcement and the button's label.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(into)] what: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let copied = RwSignal::new(false);
    let label = format!("Copy {what}");
    let on_click = move |_| {
        copy_text(state, text.get_untracked(), what.clone());
        copied.set(true);
        set_timeout(move || copied.set(false), Duration::from_millis(1500));
    };
    view! {
        <button type="button" class="copy" title=label.clone() aria-label=label on:click=on_click>
            {move || if copied.get() { "Copied ✓" } else { "Copy" }}
        </button>
    }
}
