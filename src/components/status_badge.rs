//! The status badge: colour, icon and words, a spinner while in progress. The words and icon
//! carry the meaning; the colour only repeats it.

use instance_model::{Status, Tone};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: Status, tone: Tone) -> impl IntoView {
    let raw = status.as_api_str().to_string();
    let marker = if status.is_in_progress() {
        view! { <span class="spinner" aria-hidden="true"></span> }.into_any()
    } else {
        view! { <span class="icon" aria-hidden="true">{tone.icon()}</span> }.into_any()
    };
    view! {
        <span
            class="status-badge"
            data-testid="status-badge"
            data-status=raw.clone()
            data-tone=tone.as_str()
            title=format!("API status: {raw}")
        >
            {marker}
            <span class="label">{status.label()}</span>
        </span>
    }
}
