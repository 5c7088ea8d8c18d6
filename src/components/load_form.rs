//! The form: API key (hidden unless shown), remember / forget, instance ID, Load and Demo.

use crate::components::click;
use crate::demo;
use crate::reactive::effect;
use crate::state::live::Phase;
use crate::state::AppState;
use leptos::prelude::*;

#[component]
pub fn LoadForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let show_key = RwSignal::new(false);
    // The ID field is the form's own; it follows the instance on screen (a deep link, a
    // watch card, back and forward) and is read when the form is sent.
    let id_field = RwSignal::new(String::new());
    effect(move || {
        if let Some(c) = state.current().filter(|c| !c.demo) {
            id_field.set(c.id);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.load(&id_field.get_untracked());
    };
    // Only a first load shows here; refreshes of data on screen show in the "as of" line.
    let loading = move || {
        state
            .current_tracker()
            .is_some_and(|t| t.live.phase().get() == Phase::Loading)
    };
    view! {
        <form class="load-form card" on:submit=on_submit autocomplete="off">
            <div class="field key-field">
                <label for="api-key">"API key"</label>
                <div class="input-row">
                    <input
                        id="api-key"
                        data-testid="api-key"
                        type=move || if show_key.get() { "text" } else { "password" }
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="sk_…"
                        prop:value=move || state.api_key()
                        on:input:target=move |ev| state.set_api_key(ev.target().value())
                    />
                    <button type="button" class="ghost" aria-pressed=move || show_key.get().to_string()
                        aria-label=move || if show_key.get() { "Hide API key" } else { "Show API key" }
                        on:click={click(move |_| show_key.update(|s| *s = !*s))}>
                        {move || if show_key.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <div class="key-options">
                    <label class="check">
                        <input type="checkbox" data-testid="remember-key"
                            prop:checked=move || state.remember_key()
                            on:change:target=move |ev| state.set_remember_key(ev.target().checked()) />
                        "Remember on this device"
                    </label>
                    <button type="button" class="link" data-testid="forget-key"
                        on:click={click(move |_| state.forget_key())}>"Forget key"</button>
                </div>
                <p class="hint">"Kept in this tab only unless you tick Remember. Sent only to the API base, in the Authorization header."</p>
            </div>
            <div class="field">
                <label for="instance-id">"Instance ID"</label>
                <div class="input-row">
                    <input
                        id="instance-id"
                        data-testid="instance-id"
                        type="text"
                        spellcheck="false"
                        autocomplete="off"
                        placeholder="e.g. 7f3e2a9c1b4d5e60"
                        prop:value=move || id_field.get()
                        on:input:target=move |ev| id_field.set(ev.target().value())
                    />
                    <button type="submit" class="primary" data-testid="load" aria-busy=move || loading().to_string()>
                        {move || if loading() { "Loading…" } else { "Load" }}
                    </button>
                    <button type="button" data-testid="demo" title="Show built-in sample instances: no key, no network"
                        on:click={click(move |_| state.show_demo(demo::first_id()))}>
                        "Demo"
                    </button>
                </div>
            </div>
            {move || state.form_hint().map(|h| view! { <p class="form-hint" role="status">{h}</p> })}
        </form>
    }
}
