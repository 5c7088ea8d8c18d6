//! The error panel: what happened and what to do next, with the kind in `data-kind`. Shown
//! when the instance on screen has no data because its load failed; a failed refresh of data
//! already on screen is the smaller `refresh-failed` banner instead.

use crate::state::live::Phase;
use crate::state::AppState;
use leptos::prelude::*;

#[component]
pub fn ErrorPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let tracker = state.current_tracker()?;
        if tracker.live.phase().get() != Phase::Failed {
            return None;
        }
        let f = tracker.live.failure()?;
        let detail = f.error.detail().map(str::to_string);
        let id = tracker.id();
        Some(view! {
            <section class="error-panel" data-testid="error" data-kind=f.error.kind().as_str() role="alert">
                <h2>{f.error.title()}</h2>
                <p class="error-for">"While loading " <code>{id}</code></p>
                {detail.map(|d| view! { <p class="error-detail">"The API said: " <q>{d}</q></p> })}
                <p class="error-advice">{f.error.advice(&f.api_base)}</p>
            </section>
        })
    }
}
