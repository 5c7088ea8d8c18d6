//! The watch list: one compact card per pinned instance (name, status, as of), each kept
//! fresh by the same rules as the full view; a click opens the full view.

use super::freshness::AsOf;
use super::status_badge::StatusBadge;
use crate::state::AppState;
use instance_model::{Instance, Status, Tone};
use leptos::prelude::*;

#[component]
fn WatchCard(id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let tracker = state.tracker(&id, false);
    let instance = Memo::new(move |_| {
        tracker
            .data
            .with(|d| d.as_ref().map(|f| f.instance.clone()))
    });
    let fetched_at = Memo::new(move |_| {
        tracker
            .data
            .with(|d| d.as_ref().map_or(0.0, |f| f.fetched_at_ms))
    });
    let in_progress = Memo::new(move |_| {
        instance.with(|i| i.as_ref().is_some_and(|i| i.status.is_in_progress()))
    });
    let has_data = Memo::new(move |_| fetched_at.get() > 0.0);
    let failed = Memo::new(move |_| tracker.failure.with(Option::is_some));
    let open_id = id.clone();
    let name_id = id.clone();
    let unpin_id = id.clone();
    let is_current = {
        let id = id.clone();
        move || {
            state
                .current
                .with(|c| c.as_ref().is_some_and(|c| !c.demo && c.id == id))
        }
    };
    view! {
        <li class="watch-card" data-testid="watch-card" data-instance-id=id.clone() aria-current=move || is_current().then_some("true")>
            <button type="button" class="watch-open" on:click=move |_| state.open(&open_id)
                title="Open the full view">
                <span class="watch-name">
                    {move || instance.with(|i| i.as_ref().map_or_else(|| name_id.clone(), |i| i.display_name().to_string()))}
                </span>
                {move || instance.with(Option::is_some).then(|| view! {
                    <StatusBadge
                        status=Signal::derive(move || instance.with(|i| i.as_ref().map_or_else(Status::default, |i| i.status.clone())))
                        tone=Signal::derive(move || instance.with(|i| i.as_ref().map_or(Tone::Unknown, Instance::tone))) />
                })}
            </button>
            <span class="watch-meta">
                {move || match (has_data.get(), failed.get(), state.api_key.with(|k| k.trim().is_empty())) {
                    (_, true, _) => view! { <span class="warn">"refresh failed"</span> }.into_any(),
                    (true, false, _) => view! { <AsOf fetched_at=fetched_at in_progress=in_progress compact=true /> }.into_any(),
                    (false, false, true) => view! { <span class="muted">"needs the API key"</span> }.into_any(),
                    (false, false, false) => view! { <span class="muted">"loading…"</span> }.into_any(),
                }}
            </span>
            <button type="button" class="ghost unpin" aria-label=format!("Stop watching {unpin_id}")
                on:click=move |_| state.toggle_pin(&unpin_id)>"×"</button>
        </li>
    }
}

#[component]
pub fn WatchList() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || state.pinned.with(|p| !p.is_empty())>
            <section class="watch-list card" aria-labelledby="watch-h">
                <h2 id="watch-h">"Watching"</h2>
                <ul>
                    <For each=move || state.pinned.get() key=|id| id.clone() children=|id| view! { <WatchCard id=id /> } />
                </ul>
            </section>
        </Show>
    }
}
