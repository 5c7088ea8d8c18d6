//! Settings: the API base URL, the one knob for getting past CORS; and the idle rule.

use crate::components::click;
use crate::reactive::effect;
use crate::state::{AppState, BaseSource};
use instance_model::settings::{normalize_api_base, DEFAULT_API_BASE};
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let draft = RwSignal::new(untrack(move || state.api_base()));
    // Keep the field in step when config.json arrives or the user resets.
    effect(move || draft.set(state.api_base()));
    let problem = RwSignal::new(None::<String>);
    let apply = move || {
        let text = draft.get_untracked();
        match normalize_api_base(&text) {
            Ok(base) => {
                problem.set(None);
                if base != untrack(move || state.api_base()) {
                    state.set_user_api_base(Some(base.clone()));
                    state.announce(format!(
                        "API base set to {}.",
                        if base.is_empty() {
                            "this page's own server"
                        } else {
                            &base
                        }
                    ));
                }
            }
            Err(e) => problem.set(Some(e.to_string())),
        }
    };
    let source = move || match state.api_base_source() {
        BaseSource::Default => "the default".to_string(),
        BaseSource::Config => "set by this site's config.json".to_string(),
        BaseSource::User => "set by you on this device".to_string(),
    };
    view! {
        <details class="settings card">
            <summary>"Settings"<span class="muted">" · API base: " {move || { let b = state.api_base(); if b.is_empty() { "this page's server".to_string() } else { b } }}</span></summary>
            <div class="field">
                <label for="api-base">"API base URL"</label>
                <div class="input-row">
                    <input id="api-base" data-testid="api-base" type="url" spellcheck="false"
                        placeholder=DEFAULT_API_BASE
                        prop:value=move || draft.get()
                        on:input:target=move |ev| draft.set(ev.target().value())
                        on:change=move |_| apply()
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); apply(); } />
                    <button type="button" on:click={click(move |_| apply())}>"Save"</button>
                    <button type="button" class="ghost" on:click={click(move |_| { problem.set(None); state.set_user_api_base(None); })}>"Reset"</button>
                </div>
                <p class="hint">"In force: " {source} "."</p>
                <p class="hint">
                    "Browsers can call the API directly only if it allows cross-origin (CORS) requests; if loads fail with "
                    <q>"could not reach the API"</q>
                    ", put the address of a CORS proxy or of the server hosting this app here (e.g. https://proxy.example.com, or leave it empty for this page's own server)."
                </p>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </div>
            <super::metrics::IdleSettings />
        </details>
    }
}
