//! Novita instance viewer: everything about a Novita AI GPU instance, on one screen.
//!
//! `main.rs` only mounts [`App`]. The pure logic (parsing, labels, links, masking, errors,
//! when to refresh, the page address) lives in the `instance-model` crate and is tested
//! natively. This crate is the browser side:
//!
//! - `api/`: the one API client, a file per call family;
//! - `state/`: what the page holds and its rules (the trackers that keep instances fresh), on
//!   an [`Env`](state::env::Env) so they are tested natively too;
//! - `browser/`: the browser behind that `Env`, `config.json`, title and favicon, shortcuts;
//! - `components/`: one file per thing on screen.

pub mod api;
pub mod browser;
pub mod components;
pub mod demo;
pub mod state;

use browser::{config, page, WebEnv};
use components::error_panel::ErrorPanel;
use components::instance_view::InstanceView;
use components::load_form::LoadForm;
use components::settings::Settings;
use components::watch_list::WatchList;
use leptos::prelude::*;
use leptos::task::spawn_local;
use state::live::Phase;
use state::{AppState, Tracker};
use std::rc::Rc;
use std::time::Duration;

/// The instance on screen: its full view once it has data; meanwhile a loading line (or
/// nothing, when the error panel or the form's hint explains).
#[component]
fn Current(tracker: Tracker) -> impl IntoView {
    let phase = tracker.live.phase();
    let has_data = Memo::new(move |_| phase.get().has_data());
    let id = tracker.id();
    move || {
        if has_data.get() {
            view! { <InstanceView tracker=tracker /> }.into_any()
        } else if phase.get() == Phase::Loading {
            view! {
                <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>" Loading " <code>{id.clone()}</code> "…"</p>
            }
            .into_any()
        } else {
            ().into_any()
        }
    }
}

/// In debug builds, a panic's message goes to the console before the wasm stops (release
/// builds abort without a word, and carry none of this code).
fn report_panics() {
    #[cfg(debug_assertions)]
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}

#[component]
pub fn App() -> impl IntoView {
    report_panics();
    let state = AppState::new(Rc::new(WebEnv));
    provide_context(state);

    spawn_local(async move {
        state.apply_config(config::load().await);
        state.open_address();
    });

    let popstate = window_event_listener(leptos::ev::popstate, move |_| state.open_address());
    on_cleanup(move || popstate.remove());
    page::on_visibility_change(move |visible| state.set_visible(visible));
    let keys = window_event_listener(leptos::ev::keydown, move |ev| page::shortcut(state, &ev));
    on_cleanup(move || keys.remove());

    if let Ok(tick) = set_interval_with_handle(move || state.tick(), Duration::from_secs(1)) {
        on_cleanup(move || tick.clear());
    }

    // Tab title (status first, so it reads in a tab strip) and favicon colour follow the
    // instance on screen.
    let headline = Memo::new(move |_| {
        let tracker = state.current_tracker()?;
        tracker.live.with_data(|d| {
            d.map(|f| {
                (
                    f.instance.status.label(),
                    f.instance.display_name().to_string(),
                    f.instance.tone(),
                )
            })
        })
    });
    Effect::new(move |_| page::show_headline(headline.get()));

    // Rebuilt only when another instance is shown, not when the same one is loaded again.
    let shown = Memo::new(move |_| state.current());
    let body = move || {
        match shown
        .get()
        .and_then(|c| state.tracker(&c.id, c.demo))
    {
        Some(tracker) => view! { <Current tracker=tracker /> }.into_any(),
        None => view! {
            <section class="empty-state card">
                <h2>"Look at a Novita GPU instance"</h2>
                <p>"Paste your API key and an instance ID, then press Load. Or press " <strong>"Demo"</strong> " to see sample instances without a key."</p>
                <p class="hint">"Shortcuts: " <kbd>"/"</kbd> " jumps to the instance ID, " <kbd>"r"</kbd> " refreshes."</p>
            </section>
        }
        .into_any(),
    }
    };

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <h1>"Novita instance viewer"</h1>
        </header>
        <main id="main">
            {move || state.config_warnings().into_iter().map(|w| view! { <p class="warning" role="alert">{w}</p> }).collect_view()}
            // Outside the (closed) Settings panel, so it cannot be missed.
            {move || instance_model::settings::insecure_base_warning(&state.api_base())
                .map(|w| view! { <p class="warning" role="alert" data-testid="insecure-base">{w}</p> })}
            <LoadForm />
            <Settings />
            <WatchList />
            <ErrorPanel />
            {body}
        </main>
        <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {move || state.announcement()}
        </div>
    }
}
