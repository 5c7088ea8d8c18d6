//! Novita instance viewer: one screen with everything about one Novita AI GPU instance.
//!
//! `main.rs` only mounts [`App`]. The pure logic (parsing, labels, links, masking, errors)
//! lives in the `instance-model` crate and is tested natively; this crate is the browser
//! side: the API client, storage, the address bar, and the components.

pub mod api;
pub mod components;
pub mod config;
pub mod demo;
pub mod location;
pub mod state;
pub mod storage;

use components::error_panel::ErrorPanel;
use components::instance_view::InstanceView;
use components::load_form::LoadForm;
use components::settings::Settings;
use leptos::prelude::*;
use leptos::task::spawn_local;
use state::AppState;
use std::time::Duration;

/// What the address asked for when the page opened (or on back/forward).
fn open_from_address(state: AppState) {
    if let Some(sample) = location::param("demo") {
        let id = demo::SAMPLES
            .iter()
            .find(|(id, label, _)| *id == sample || label.eq_ignore_ascii_case(&sample))
            .map_or(demo::first_id(), |(id, _, _)| id);
        state.show_demo(id);
        return;
    }
    match location::instance_param() {
        Some(id) => {
            state.instance_id.set(id);
            state.load(false);
        }
        None => {
            state.shown.set(None);
            state.failure.set(None);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);

    spawn_local(async move {
        state.apply_config(config::load().await);
        open_from_address(state);
    });

    let popstate = window_event_listener(leptos::ev::popstate, move |_| open_from_address(state));
    on_cleanup(move || popstate.remove());

    if let Ok(tick) = set_interval_with_handle(
        move || state.now_ms.set(js_sys::Date::now()),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }

    let body = move || {
        if let Some(shown) = state.shown.get() {
            return view! { <InstanceView shown=shown /> }.into_any();
        }
        if let Some(id) = state.loading.get() {
            return view! {
                <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>" Loading " <code>{id}</code> "…"</p>
            }
            .into_any();
        }
        if state.failure.with(Option::is_some) {
            return ().into_any();
        }
        view! {
            <section class="empty-state card">
                <h2>"Look at a Novita GPU instance"</h2>
                <p>"Paste your API key and an instance ID, then press Load. Or press " <strong>"Demo"</strong> " to see sample instances without a key."</p>
            </section>
        }
        .into_any()
    };

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <h1>"Novita instance viewer"</h1>
        </header>
        <main id="main">
            {move || state.config_warning.get().map(|w| view! { <p class="warning" role="alert">{w}</p> })}
            <LoadForm />
            <Settings />
            <ErrorPanel />
            {body}
        </main>
        <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {move || state.announcement.get()}
        </div>
    }
}
