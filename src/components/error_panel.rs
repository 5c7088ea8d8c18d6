//! The error panel: what happened and what to do next, with the kind in `data-kind`.

use crate::state::AppState;
use leptos::prelude::*;

#[component]
pub fn ErrorPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.failure.get().map(|f| {
            let detail = f.error.detail().map(str::to_string);
            view! {
                <section class="error-panel" data-testid="error" data-kind=f.error.kind().as_str() role="alert">
                    <h2>{f.error.title()}</h2>
                    <p class="error-for">"While loading " <code>{f.instance_id.clone()}</code></p>
                    {detail.map(|d| view! { <p class="error-detail">"The API said: " <q>{d}</q></p> })}
                    <p class="error-advice">{f.error.advice(&f.api_base)}</p>
                </section>
            }
        })
    }
}
