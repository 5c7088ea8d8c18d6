//! The page around the app: tab title, favicon, visibility, keyboard shortcuts.

use crate::state::AppState;
use instance_model::Tone;
use leptos::prelude::{on_cleanup, window_event_listener_untyped};
use wasm_bindgen::JsCast;

const APP_TITLE: &str = "Novita instance viewer";

/// Title "Running · llama-finetune-a100 — Novita instance viewer" and a favicon dot in the
/// tone's colour; the plain title and no dot when nothing is shown.
pub fn show_headline(headline: Option<(String, String, Tone)>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (title, colour) = match &headline {
        Some((label, name, tone)) => (
            format!("{label} · {name} — {APP_TITLE}"),
            Some(tone_colour(*tone)),
        ),
        None => (APP_TITLE.to_string(), None),
    };
    document.set_title(&title);
    let href = match colour {
        Some(c) => format!(
            "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%23{c}'/%3E%3C/svg%3E"
        ),
        None => "data:,".to_string(),
    };
    if let Ok(Some(link)) = document.query_selector("link[rel~='icon']") {
        let _ = link.set_attribute("href", &href);
    }
}

fn tone_colour(tone: Tone) -> &'static str {
    match tone {
        Tone::Ok => "1f9d55",
        Tone::Progress => "2f7fd8",
        Tone::Stopped => "7a828c",
        Tone::Error => "d33a3a",
        Tone::Unknown => "c98a00",
    }
}

/// Calls `f(visible)` whenever the tab is hidden or shown, until the calling component goes.
/// `visibilitychange` fires at the document and bubbles to the window, where Leptos's
/// removable listener catches it.
pub fn on_visibility_change(f: impl Fn(bool) + 'static) {
    let handle = window_event_listener_untyped("visibilitychange", move |_| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        f(!hidden);
    });
    on_cleanup(move || handle.remove());
}

/// `r` refreshes, `/` focuses the fleet's search box (or, with no fleet on screen, the
/// instance ID field); neither while typing in a field, in a dialog, or with a modifier held.
pub fn shortcut(state: AppState, ev: &web_sys::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
        return;
    }
    let typing = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el
                    .closest("[contenteditable],dialog")
                    .ok()
                    .flatten()
                    .is_some()
        });
    if typing {
        return;
    }
    match ev.key().as_str() {
        "r" => state.refresh(),
        "/" => {
            let field = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector("[data-testid=fleet-search]")
                        .ok()
                        .flatten()
                        .or_else(|| d.get_element_by_id("instance-id"))
                })
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(field) = field {
                ev.prevent_default();
                let _ = field.focus();
            }
        }
        _ => {}
    }
}
