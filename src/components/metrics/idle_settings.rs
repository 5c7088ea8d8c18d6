//! The idle rule in Settings: the GPU threshold and how long it must hold, kept on the device.

use crate::state::AppState;
use instance_model::idle::IdleRule;
use leptos::prelude::*;

#[component]
pub fn IdleSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let options = |choices: &[(&'static str, &'static str)]| {
        choices
            .iter()
            .map(|(value, label)| view! { <option value=*value>{*label}</option> })
            .collect_view()
    };
    let thresholds = options(&IdleRule::THRESHOLDS);
    let windows = options(&IdleRule::WINDOWS);
    view! {
        <fieldset class="field idle-settings">
            <legend>"Idle GPUs"</legend>
            <p class="hint">"A running instance is flagged idle when its GPU utilisation, averaged over its GPUs, stays"</p>
            <div class="input-row">
                <select data-testid="idle-threshold" aria-label="Idle threshold"
                    prop:value=move || state.idle_rule().threshold_pct.to_string()
                    on:change:target=move |ev| {
                        if let Some(t) = IdleRule::parse_threshold(&ev.target().value()) {
                            state.set_idle_rule(IdleRule { threshold_pct: t, ..untrack(move || state.idle_rule()) });
                        }
                    }>
                    {thresholds}
                </select>
                <select data-testid="idle-window" aria-label="Idle for at least"
                    prop:value=move || state.idle_rule().window_mins.to_string()
                    on:change:target=move |ev| {
                        if let Some(w) = IdleRule::parse_window(&ev.target().value()) {
                            state.set_idle_rule(IdleRule { window_mins: w, ..untrack(move || state.idle_rule()) });
                        }
                    }>
                    {windows}
                </select>
            </div>
            <p class="hint">"Kept on this device. The instance is still billed while it runs idle."</p>
        </fieldset>
    }
}
