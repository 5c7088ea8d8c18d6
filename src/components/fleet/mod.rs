//! The fleet screen: every instance the key can see (or the demo's sample fleet), live. The
//! freshness line and refresh controls, the summary by tone whose parts filter (and the idle
//! filter), the search box, the bulk Start / Stop of the selected rows (`bulk.rs`), and the
//! table (`table.rs`). The list is sorted when it or the sort changes and filtered on every
//! keystroke; both keep the rows' items, so the table redraws only rows whose item is new.

mod bulk;
mod summary;
mod table;

use super::freshness::{AsOf, RefreshControls, RefreshFailed};
use super::instance_view::DemoBanner;
use crate::demo;
use crate::state::live::Phase;
use crate::state::AppState;
use bulk::BulkActions;
use instance_model::fleet::{count_by_tone, Filter};
use instance_model::list::{FleetList, ListItem};
use leptos::prelude::*;
use std::sync::Arc;
use summary::Summary;
use table::FleetTable;

/// Rows of the table, compared by identity: a list whose items are the same ones is the
/// same list, however long (no instance-by-instance comparison on every keystroke).
#[derive(Clone, Default)]
pub struct Rows(pub Vec<Arc<ListItem>>);

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

#[component]
pub fn FleetScreen(demo: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let fleet = state.fleet();
    let live = fleet.live(demo);
    let phase = live.phase();
    let has_data = Memo::new(move |_| phase.get().has_data());
    let fetched_at = Memo::new(move |_| live.fetched_at());
    let sorted = Memo::new(move |_| {
        let sort = fleet.sort();
        live.with_data(|d| {
            let mut items = d.map(|l| l.items.clone()).unwrap_or_default();
            sort.apply(&mut items);
            Rows(items)
        })
    });
    let is_idle = move |id: &str| state.idle_for(id).is_some_and(|i| i.is_idle());
    let shown = Memo::new(move |_| {
        let filter = Filter::new(&fleet.query(), fleet.tone());
        let idle_only = fleet.idle_only();
        sorted.with(|r| {
            let keeps = |i: &&Arc<ListItem>| filter.keeps(i) && (!idle_only || is_idle(i.id()));
            Rows(r.0.iter().filter(keeps).cloned().collect())
        })
    });
    let idle_count =
        Memo::new(move |_| sorted.with(|r| r.0.iter().filter(|i| is_idle(i.id())).count()));
    let counts = Memo::new(move |_| sorted.with(|r| count_by_tone(&r.0)));
    let total = Memo::new(move |_| sorted.with(|r| r.0.len()));
    let in_progress = Memo::new(move |_| counts.get()[1] > 0);
    let notice = move || live.with_data(|d| d.and_then(FleetList::notice));
    // The parts are always in the page, shown or hidden by attribute (as in the logs panel):
    // far less wasm than a view built per state.
    let status = move || match phase.get() {
        Phase::Loading => "Loading the list of instances…",
        Phase::Idle if !demo && !state.has_key() => {
            "Paste your API key above to see every instance it can see."
        }
        _ => "",
    };
    let no_rows = move || !has_data.get() || total.get() == 0;
    view! {
        <section class="fleet card" data-testid="fleet" aria-labelledby="fleet-h"
            data-total=move || has_data.get().then(|| total.get().to_string())>
            {demo.then(|| view! { <DemoBanner current=demo::FLEET.to_string() /> })}
            <div class="fleet-head">
                <h2 id="fleet-h">"Fleet"</h2>
                <div class="freshness">
                    <span hidden=move || !has_data.get()>
                        <AsOf fetched_at=fetched_at in_progress=in_progress testid="fleet-refreshed-at" />
                    </span>
                    <RefreshControls />
                </div>
            </div>
            <RefreshFailed phase=phase failure=live.failure_signal() />
            <p class="warning" data-testid="fleet-notice" hidden=move || notice().is_none()>{notice}</p>
            <p class="fleet-status" role="status" data-loading=move || (phase.get() == Phase::Loading).to_string()>{status}</p>
            {move || (has_data.get() && total.get() == 0).then(|| view! {
                <p class="fleet-empty" data-testid="fleet-empty">
                    "No instances: this API key can see no GPU instances. Create one in the Novita console, or load one by its ID above."
                </p>
            })}
            <div class="fleet-body" hidden=no_rows>
                <Summary counts=counts idle=idle_count shown=shown total=total />
                <BulkActions demo=demo />
                <FleetTable shown=shown demo=demo />
            </div>
        </section>
    }
}
