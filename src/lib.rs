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
//! - `components/`: one file per thing on screen, a folder per screen with parts of its own
//!   (`fleet/`);
//! - `reactive.rs`: how the state and the components make effects and memos (one copy of
//!   Leptos's machinery for them, not one per call).

pub mod api;
pub mod browser;
pub mod components;
pub mod demo;
pub mod reactive;
pub mod state;

use crate::components::click;
use crate::reactive::{effect, memo};
use browser::{config, page, WebEnv};
use components::confirm_dialog::ConfirmDialog;
use components::error_panel::ErrorPanel;
use components::fleet::FleetScreen;
use components::instance_view::InstanceView;
use components::load_form::LoadForm;
use components::settings::Settings;
use components::watch_list::WatchList;
use leptos::prelude::*;
use leptos::task::spawn_local;
use state::live::Phase;
use state::{AppState, Screen, Tracker};
use std::rc::Rc;
use std::time::Duration;

/// The instance on screen: its full view once it has data; meanwhile a loading line (or
/// nothing, when the error panel or the form's hint explains).
///
/// The full view is mounted once, when the data first comes (data stays through failed
/// refreshes, so it never goes), rather than switched by a reactive closure: that way the wasm
/// carries no code to patch the whole view in place, which it would never do anyway.
#[component]
fn Current(tracker: Tracker) -> impl IntoView {
    let phase = tracker.live.phase();
    let id = tracker.id();
    let slot = NodeRef::<leptos::html::Div>::new();
    // Under this component's owner, not the effect's (whose re-runs would dispose of it), and
    // unmounted when this component goes.
    let owner = Owner::current().unwrap_or_default();
    let shown = StoredValue::new_local(None::<components::Mounted>);
    on_cleanup(move || shown.set_value(None));
    effect(move || {
        if shown.with_value(Option::is_some) || !phase.get().has_data() {
            return;
        }
        if let Some(slot) = slot.get() {
            let view = components::mount_under(&owner, &slot, move || {
                view! { <InstanceView tracker=tracker /> }
            });
            shown.set_value(Some(view));
        }
    });
    view! {
        <div class="current" node_ref=slot></div>
        {move || (phase.get() == Phase::Loading).then(|| view! {
            <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>" Loading " <code>{id.clone()}</code> "…"</p>
        })}
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

/// Reads config.json, then opens what the address asks for. Not reached (the network, or
/// the page going away), it is tried again after 1, 2, 4… up to 30 s, and the page says so.
fn read_config(state: AppState, attempt: u32) {
    spawn_local(async move {
        match config::load().await {
            Some(result) => {
                state.apply_config(result);
                state.open_address();
            }
            None => {
                state.config_not_reached();
                let wait = Duration::from_secs((1 << attempt.min(5)).min(30));
                set_timeout(move || read_config(state, attempt + 1), wait);
            }
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    report_panics();
    let state = AppState::new(Rc::new(WebEnv));
    provide_context(state);

    read_config(state, 0);

    let popstate = window_event_listener(leptos::ev::popstate, move |_| state.open_address());
    on_cleanup(move || popstate.remove());
    page::on_visibility_change(move |visible| state.set_visible(visible));
    let keys = window_event_listener(leptos::ev::keydown, move |ev| page::shortcut(state, &ev));
    on_cleanup(move || keys.remove());

    if let Ok(tick) = set_interval_with_handle(move || state.tick(), Duration::from_secs(1)) {
        on_cleanup(move || tick.clear());
    }

    // Tab title (status first, so it reads in a tab strip) and favicon colour follow the
    // instance on screen; on the fleet, how many need attention.
    let headline = memo(move || match state.screen() {
        Screen::Fleet { demo } => state
            .fleet()
            .live(demo)
            .with_data(|d| d.map(|l| instance_model::fleet::headline(&l.items))),
        _ => state.current_tracker()?.live.with_data(|d| {
            d.map(|f| {
                (
                    f.instance.status.label(),
                    f.instance.display_name().to_string(),
                    f.instance.tone(),
                )
            })
        }),
    });
    effect(move || page::show_headline(headline.get()));

    // Rebuilt only when another screen is shown, not when the same one is loaded again.
    let shown = memo(move || state.screen());
    let body = move || {
        match shown.get() {
        Screen::Fleet { demo } => view! { <FleetScreen demo=demo /> }.into_any(),
        Screen::Instance(c) => state
            .tracker(&c.id, c.demo)
            .map(|tracker| view! { <Current tracker=tracker /> })
            .into_any(),
        Screen::Start => view! {
            <section class="empty-state card">
                <h2>"Look after your Novita GPU instances"</h2>
                <p>"Paste your API key to see every instance it can see, live. Or enter an instance ID and press Load. Or press " <strong>"Demo"</strong> " to see sample instances without a key."</p>
                <p class="hint">"Shortcuts: " <kbd>"/"</kbd> " jumps to the search or the instance ID, " <kbd>"r"</kbd> " refreshes."</p>
            </section>
        }
        .into_any(),
    }
    };
    // The way back to the fleet from an instance.
    let to_fleet = move || {
        let demo = match shown.get() {
            Screen::Instance(c) if c.demo => true,
            Screen::Instance(_) if state.has_key() => false,
            _ => return None,
        };
        let href = if demo { "?demo=fleet" } else { "?fleet" };
        Some(view! {
            <a class="back" data-testid="fleet-link" href=href on:click={click(move |ev| {
                ev.prevent_default();
                if demo { state.show_demo_fleet() } else { state.show_fleet() }
            })}>"← All instances"</a>
        })
    };

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <h1>"Novita instance viewer"</h1>
            <nav>{to_fleet}</nav>
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
        <ConfirmDialog />
        <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
            {move || state.announcement()}
        </div>
    }
}
