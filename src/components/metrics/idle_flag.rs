//! The idle flag: "GPUs idle for 2 h 10 min; the instance is still billed while it runs",
//! shown while a running instance's GPUs have been idle by the rule in Settings (see
//! [`instance_model::idle`]). In the instance view it sits beside the status badge, where the
//! Stop action belongs once actions exist; a fleet row shows the short form.

use crate::reactive::memo;
use crate::state::AppState;
use leptos::prelude::*;

/// The flag of `instance_id`, or of the instance on screen when none is given. `compact`
/// gives the short words ("Idle 2 h 10 min").
#[component]
pub fn IdleFlag(
    #[prop(optional, into)] instance_id: Option<String>,
    #[prop(optional)] compact: bool,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // The words, changing once a minute though the clock ticks every second.
    let words = memo(move || {
        let id = match &instance_id {
            Some(id) => id.clone(),
            None => state.current().filter(|c| !c.demo)?.id,
        };
        let idle = state.idle_for(&id)?;
        let now = state.now_ms();
        if compact {
            instance_model::idle::short_text(idle.verdict, (now / 1000.0) as i64)
        } else {
            idle.flag_text(now)
        }
    });
    move || {
        words.get().map(|text| {
            view! {
                <span class="idle-flag" data-testid="idle-flag" title="The instance is still billed while it runs">{text}</span>
            }
        })
    }
}
