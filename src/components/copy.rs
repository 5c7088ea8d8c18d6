//! Copy to the clipboard, with feedback on the button and through the polite live region.

use super::long_table::{el, set};
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

/// Shows "Copied ✓" on the button for a moment. Feedback on the button itself rather than
/// through a signal per button: a page with hundreds of ports has hundreds of these, and each
/// signal and effect costs at render.
pub fn flash_copied(button: &web_sys::Element) {
    let button = button.clone();
    button.set_text_content(Some("Copied ✓"));
    set_timeout(
        move || button.set_text_content(Some("Copy")),
        Duration::from_millis(1500),
    );
}

/// A small "Copy" button, drawn by hand (whoever draws it handles its clicks). `what` names
/// the thing for its label.
pub fn copy_button(what: &str) -> Option<web_sys::Element> {
    let label = format!("Copy {what}");
    let button = el("button", "copy", "Copy")?;
    set(&button, "type", "button");
    set(&button, "title", &label);
    set(&button, "aria-label", &label);
    Some(button)
}
