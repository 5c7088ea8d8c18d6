//! The error panel: what happened and what to do next, with the kind in `data-kind`. Shown
//! when what is on screen (an instance, or the fleet's list) has no data because its load
//! failed; a failed refresh of data already on screen is the smaller `refresh-failed` banner
//! instead.

use crate::state::live::Phase;
use crate::state::{AppState, Screen};
use leptos::prelude::*;

#[component]
pub fn ErrorPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let (phase, failure, subject) = match state.screen() {
            Screen::Instance(_) => {
                let t = state.current_tracker()?;
                (
                    t.live.phase(),
                    t.live.failure_signal(),
                    view! { <code>{t.id()}</code> }.into_any(),
                )
            }
            Screen::Fleet { demo } => {
                let live = state.fleet().live(demo);
                (
                    live.phase(),
                    live.failure_signal(),
                    "the list of instances".into_any(),
                )
            }
            Screen::Start => return None,
        };
        if phase.get() != Phase::Failed {
            return None;
        }
        let f = failure.get()?;
        let detail = f.error.detail().map(str::to_string);
        Some(view! {
            <section class="error-panel" data-testid="error" data-kind=f.error.kind().as_str() role="alert">
                <h2>{f.error.title()}</h2>
                <p class="error-for">"While loading " {subject}</p>
                {detail.map(|d| view! { <p class="error-detail">"The API said: " <q>{d}</q></p> })}
                <p class="error-advice">{f.error.advice(&f.api_base)}</p>
            </section>
        })
    }
}
