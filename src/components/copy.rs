//! Copy to the clipboard, with feedback on the button and through the polite live region.

use crate::state::AppState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

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
    let label = format!("Copy {what}");
    let on_click = move |ev: leptos::ev::MouseEvent| {
        copy_text(state, text.get_untracked(), what.clone());
        // Feedback on the button itself rather than through a signal per button: a page with
        // hundreds of ports has hundreds of these, and each signal and effect costs at render.
        let button = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(button) = button {
            button.set_text_content(Some("Copied ✓"));
            set_timeout(
                move || button.set_text_content(Some("Copy")),
                Duration::from_millis(1500),
            );
        }
    };
    view! {
        <button type="button" class="copy" title=label.clone() aria-label=label on:click=on_click>
            "Copy"
        </button>
    }
}
