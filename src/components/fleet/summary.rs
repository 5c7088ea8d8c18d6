//! The fleet's summary by tone ("16 instances: 9 running, 3 in progress, 1 failed, ..."), each
//! part a button that shows only that tone (pressed again, all), then the idle filter (the
//! instances whose GPUs are flagged idle), and the search box. All are in the page address, so
//! a filtered view can be shared.

use super::Rows;
use crate::state::AppState;
use instance_model::fleet::{tone_word, IDLE_FILTER, SUMMARY_TONES};
use leptos::prelude::*;

#[component]
pub fn Summary(
    counts: Memo<[usize; 5]>,
    idle: Memo<usize>,
    shown: Memo<Rows>,
    total: Memo<usize>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let fleet = state.fleet();
    let buttons = SUMMARY_TONES
        .into_iter()
        .enumerate()
        .map(|(i, tone)| {
            view! {
                <button type="button" class="filter" data-testid="fleet-filter" data-tone=tone.as_str()
                    aria-pressed=move || (fleet.tone() == Some(tone)).to_string()
                    on:click=move |_| state.toggle_fleet_tone(tone)>
                    <strong>{move || counts.get()[i]}</strong>" "{tone_word(tone)}
                </button>
            }
        })
        .collect_view();
    let shown_words = move || {
        let shown = shown.with(|r| r.0.len());
        let filtered =
            !fleet.query().trim().is_empty() || fleet.tone().is_some() || fleet.idle_only();
        filtered.then(|| format!("Showing {shown} of {}", total.get()))
    };
    view! {
        <div class="fleet-controls">
            <p class="fleet-summary" data-testid="fleet-summary">
                <span class="total">{move || match total.get() { 1 => "1 instance:".to_string(), n => format!("{n} instances:") }}</span>
                <span class="filters" role="group" aria-label="Show only one status">
                    {buttons}
                    <button type="button" class="filter" data-testid="fleet-filter" data-tone=IDLE_FILTER
                        title="Running instances whose GPUs have sat idle (still billed)"
                        aria-pressed=move || fleet.idle_only().to_string()
                        on:click=move |_| state.toggle_fleet_idle()>
                        <strong>{move || idle.get()}</strong>" idle"
                    </button>
                </span>
            </p>
            <div class="fleet-search">
                <input type="search" data-testid="fleet-search" spellcheck="false" autocomplete="off"
                    aria-label="Search the fleet by name, ID, product or cluster"
                    placeholder="Search name, ID, product, cluster"
                    prop:value=move || fleet.query()
                    on:input:target=move |ev| state.set_fleet_query(ev.target().value()) />
                <span class="muted" role="status">{shown_words}</span>
            </div>
        </div>
    }
}
