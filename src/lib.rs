//! Novita instance viewer: one screen with everything about one Novita AI GPU instance.
//!
//! `main.rs` only mounts [`App`]. The pure logic (parsing, labels, links, masking, errors,
//! when to refresh) lives in the `instance-model` crate and is tested natively; this crate is
//! the browser side: the API client, storage, the address bar, the trackers that keep
//! instances fresh, and the components.

pub mod api;
pub mod components;
pub mod config;
pub mod demo;
pub mod location;
pub mod notify;
pub mod page;
pub mod save_file;
pub mod state;
pub mod storage;
pub mod tracker;

use components::error_panel::ErrorPanel;
use components::instance_view::InstanceView;
use components::load_form::LoadForm;
use components::settings::Settings;
use components::watch_list::WatchList;
use leptos::prelude::*;
use leptos::task::spawn_local;
use state::AppState;
use std::time::Duration;
use tracker::Tracker;

/// What the address asks for: on opening the page, and on back/forward.
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
        None => state.show_nothing(),
    }
}

/// The instance on screen: its full view once it has data; meanwhile a loading line (or
/// nothing, when the error panel explains).
#[component]
fn Current(tracker: Tracker) -> impl IntoView {
    let has_data = Memo::new(move |_| tracker.data.with(Option::is_some));
    let id = tracker.id();
    move || {
        if has_data.get() {
            view! { <InstanceView tracker=tracker /> }.into_any()
        } else if tracker.loading.get() {
            view! {
                <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>" Loading " <code>{id.clone()}</code> "…"</p>
            }
            .into_any()
        } else {
            ().into_any()
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);

    spawn_local(async move {
        state.apply_config(config::load().await);
        state.start();
        open_from_address(state);
    });

    let popstate = window_event_listener(leptos::ev::popstate, move |_| open_from_address(state));
    on_cleanup(move || popstate.remove());
    page::on_visibility_change(move |visible| state.set_visible(visible));
    let keys = window_event_listener(leptos::ev::keydown, move |ev| page::shortcut(state, &ev));
    on_cleanup(move || keys.remove());

    if let Ok(tick) = set_interval_with_handle(
        move || state.now_ms.set(js_sys::Date::now()),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }

    // Tab title (status first, so it reads in a tab strip) and favicon colour follow the
    // instance on screen.
    let headline = Memo::new(move |_| {
        let tracker = state.current_tracker()?;
        tracker.data.with(|d| {
            d.as_ref().map(|f| {
                (
                    f.instance.status.label(),
                    f.instance.display_name().to_string(),
                    f.instance.tone(),
                )
            })
        })
    });
    Effect::new(move |_| page::show_headline(headline.get()));

    let body = move || {
        match state.current.get() {
        Some(c) => view! { <Current tracker=state.tracker(&c.id, c.demo) /> }.into_any(),
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
            {move || state.config_warning.get().map(|w| view! { <p class="warning" role="alert">{w}</p> })}
            // Outside the (closed) Settings panel, so it cannot be missed.
            {move || instance_model::settings::insecure_base_warning(&state.api_base.get())
                .map(|w| view! { <p class="warning" role="alert" data-testid="insecure-base">{w}</p> })}
            <LoadForm />
            <Settings />
            <WatchList />
            <ErrorPanel />
            {body}
        </main>
        <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {move || state.announcement.get()}
        </div>
    }
}
