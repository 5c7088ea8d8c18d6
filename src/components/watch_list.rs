//! The watch list: one compact card per watched instance (name, status, as of), each kept
//! fresh by the same rules as the full view; a click opens the full view. Cards a `?watch=`
//! link brought are shown at once but kept on this device only when the user says so.

use super::freshness::AsOf;
use super::status_badge::StatusBadge;
use super::{mount_under, Mounted};
use crate::components::click;
use crate::reactive::{effect, memo};
use crate::state::live::Phase;
use crate::state::{AppState, Tracker};
use leptos::prelude::*;

#[component]
fn WatchCard(id: String, tracker: Tracker, linked: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let phase = tracker.live.phase();
    let instance = memo(move || tracker.live.with_data(|d| d.map(|f| f.instance.clone())));
    let badge = memo(move || instance.with(|i| i.as_ref().map(|i| (i.status.clone(), i.tone()))));
    let fetched_at = memo(move || tracker.live.fetched_at());
    let in_progress =
        memo(move || instance.with(|i| i.as_ref().is_some_and(|i| i.status.is_in_progress())));
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
            <button type="button" class="watch-open" on:click={click(move |_| state.load(&open_id))}
                title="Open the full view">
                <span class="watch-name">
                    {move || instance.with(|i| i.as_ref().map_or_else(|| name_id.clone(), |i| i.display_name().to_string()))}
                </span>
                {move || badge.get().map(|(status, tone)| view! { <StatusBadge status tone /> })}
            </button>
            <span class="watch-meta">
                {linked.then(|| view! { <em class="from-link">"from link "</em> })}
                // Shown or hidden by attribute rather than built per phase: less wasm.
                <span class="warn" hidden=move || !matches!(phase.get(), Phase::Stale | Phase::Failed)>"refresh failed"</span>
                <span hidden=move || phase.get() != Phase::Ready>
                    <AsOf fetched_at=fetched_at in_progress=in_progress compact=true />
                </span>
                <span class="muted">{move || match phase.get() {
                    Phase::Idle if !state.has_key() => "needs the API key",
                    Phase::Idle | Phase::Loading => "loading…",
                    _ => "",
                }}</span>
            </span>
            <button type="button" class="ghost unpin" aria-label=format!("Stop watching {unpin_id}")
                on:click={click(move |_| state.toggle_pin(&unpin_id))}>"×"</button>
        </li>
    }
}

/// The cards, drawn in order into the list by hand ([`mount_under`], one card component each) and
/// drawn again only when the set of cards or their order changes: a keyed `<For>` here (and
/// in the status timeline) cost the wasm its whole keyed-list machinery, for lists that change
/// when someone pins or unpins.
#[component]
pub fn WatchList() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Kept cards first, then the ones a link brought, each once.
    let cards = memo(move || {
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
    });
    let list = NodeRef::<leptos::html::Ul>::new();
    // Under this component's owner, not the effect's (whose re-runs would dispose of them).
    let owner = Owner::current().unwrap_or_default();
    let drawn = StoredValue::new_local(Vec::<Mounted>::new());
    on_cleanup(move || drawn.set_value(Vec::new()));
    effect(move || {
        let Some(ul) = list.get() else { return };
        let cards = cards.get();
        // The old cards go first (each handle unmounts its card when dropped).
        drawn.set_value(Vec::new());
        let mounted = cards
            .into_iter()
            .filter_map(|(id, linked)| {
                // Looked up, never made here: the state owns every tracker.
                let tracker = state.tracker(&id, false)?;
                Some(mount_under(&owner, &ul, move || {
                    view! { <WatchCard id=id tracker=tracker linked=linked /> }
                }))
            })
            .collect();
        drawn.set_value(mounted);
    });
    view! {
        <section class="watch-list card" aria-labelledby="watch-h" hidden=move || cards.with(Vec::is_empty)>
            <h2 id="watch-h">"Watching"</h2>
            {move || (!state.linked().is_empty()).then(|| view! {
                <p class="linked-note">
                    "A link added the cards marked " <em>"from link"</em> "; they are not kept on this device. "
                    <button type="button" data-testid="keep-linked" on:click={click(move |_| state.keep_linked())}>"Keep watching these"</button>
                </p>
            })}
            <ul node_ref=list></ul>
        </section>
    }
}
