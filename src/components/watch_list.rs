//! The watch list: one compact card per watched instance (name, status, as of), each kept
//! fresh by the same rules as the full view; a click opens the full view. Cards a `?watch=`
//! link brought are shown at once but kept on this device only when the user says so.

use super::freshness::AsOf;
use super::status_badge::StatusBadge;
use crate::state::live::Phase;
use crate::state::{AppState, Tracker};
use instance_model::{Instance, Status, Tone};
use leptos::prelude::*;

#[component]
fn WatchCard(id: String, tracker: Tracker, linked: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let phase = tracker.live.phase();
    let instance = Memo::new(move |_| tracker.live.with_data(|d| d.map(|f| f.instance.clone())));
    let fetched_at = Memo::new(move |_| tracker.live.fetched_at());
    let in_progress = Memo::new(move |_| {
        instance.with(|i| i.as_ref().is_some_and(|i| i.status.is_in_progress()))
    });
    let open_id = id.clone();
    let name_id = id.clone();
    let unpin_id = id.clone();
    let is_current = {
        let id = id.clone();
        move || state.current().is_some_and(|c| !c.demo && c.id == id)
    };
    view! {
        <li class="watch-card" data-testid="watch-card" data-instance-id=id.clone() data-linked=linked.then_some("true")
            aria-current=move || is_current().then_some("true")>
            <button type="button" class="watch-open" on:click=move |_| state.load(&open_id)
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
                {linked.then(|| view! { <em class="from-link">"from link "</em> })}
                {move || match phase.get() {
                    Phase::Stale | Phase::Failed => view! { <span class="warn">"refresh failed"</span> }.into_any(),
                    Phase::Ready => view! { <AsOf fetched_at=fetched_at in_progress=in_progress compact=true /> }.into_any(),
                    Phase::Idle if !state.has_key() => view! { <span class="muted">"needs the API key"</span> }.into_any(),
                    Phase::Idle | Phase::Loading => view! { <span class="muted">"loading…"</span> }.into_any(),
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
    // Kept cards first, then the ones a link brought, each once.
    let cards = move || {
        let pinned = state.pinned();
        let linked: Vec<(String, bool)> = state
            .linked()
            .into_iter()
            .filter(|id| !pinned.contains(id))
            .map(|id| (id, true))
            .collect();
        pinned
            .into_iter()
            .map(|id| (id, false))
            .chain(linked)
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !cards().is_empty()>
            <section class="watch-list card" aria-labelledby="watch-h">
                <h2 id="watch-h">"Watching"</h2>
                {move || (!state.linked().is_empty()).then(|| view! {
                    <p class="linked-note">
                        "A link added the cards marked " <em>"from link"</em> "; they are not kept on this device. "
                        <button type="button" data-testid="keep-linked" on:click=move |_| state.keep_linked()>"Keep watching these"</button>
                    </p>
                })}
                <ul>
                    <For each=cards key=|card| card.clone() children=move |(id, linked)| {
                        // Looked up, never made here: the state owns every tracker.
                        state.tracker(&id, false).map(|tracker| view! { <WatchCard id=id tracker=tracker linked=linked /> })
                    } />
                </ul>
            </section>
        </Show>
    }
}
