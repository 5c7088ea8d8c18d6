//! One component per file, named for what the user sees; a screen or panel with parts of its
//! own has its folder (`fleet/`, `instance/`, `logs/`, `metrics/`).

pub mod confirm_dialog;
pub mod connect;
pub mod copy;
pub mod envs;
pub mod error_panel;
pub mod fleet;
pub mod freshness;
pub mod instance;
pub mod instance_view;
pub mod load_form;
pub mod logs;
pub mod long_table;
pub mod metrics;
pub mod overview;
pub mod ports;
pub mod raw_json;
pub mod secret;
pub mod settings;
pub mod status_badge;
pub mod timeline;
pub mod volumes;
pub mod watch_list;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What [`mount_under`] mounted; dropping it unmounts the view.
pub type Mounted = Box<dyn std::any::Any>;

/// `view`, mounted at the end of `parent` under `owner` (so it finds the page's context, and
/// goes when `owner` does, if not dropped before).
///
/// The instance view and the watch cards are mounted with it rather than returned from a
/// reactive closure: such a closure's view makes the wasm carry the code to patch the old view
/// into the new one in place, for every element type in it. (Not always a saving: Connect,
/// mounted this way, came out 129 bytes larger, and stays a closure.)
pub fn mount_under<N: IntoView + 'static>(
    owner: &Owner,
    parent: &web_sys::Element,
    view: impl FnOnce() -> N + 'static,
) -> Mounted {
    let parent: web_sys::HtmlElement = parent.clone().unchecked_into();
    Box::new(owner.with(|| leptos::mount::mount_to(parent, view)))
}

/// A click handler, boxed: one copy of the code that attaches a handler for all of them
/// (`on:click={click(move |_| ...)}`; a bare closure there brings its own copy, about 100 bytes
/// gzipped; clippy cannot see inside `view!`, so this one is kept by hand).
pub fn click(
    f: impl FnMut(leptos::ev::MouseEvent) + 'static,
) -> Box<dyn FnMut(leptos::ev::MouseEvent)> {
    Box::new(f)
}
