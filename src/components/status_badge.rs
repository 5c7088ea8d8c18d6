//! The status badge: colour, icon and words, a spinner while in progress. The words and icon
//! carry the meaning; the colour only repeats it.

use instance_model::{Status, Tone};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(
    #[prop(into)] status: Signal<Status>,
    #[prop(into)] tone: Signal<Tone>,
) -> impl IntoView {
    let raw = move || status.with(|s| s.as_api_str().to_string());
    let spinning = Memo::new(move |_| status.with(Status::is_in_progress));
    view! {
        <span
            class="status-badge"
            data-testid="status-badge"
            data-status=raw
            data-tone=move || tone.get().as_str()
            title=move || format!("API status: {}", raw())
        >
            // One element that turns from icon to spinner: cheaper in the wasm than two views
            // swapped by a closure.
            <span class=move || if spinning.get() { "spinner" } else { "icon" } aria-hidden="true">
                {move || if spinning.get() { "" } else { tone.get().icon() }}
            </span>
            <span class="label">{move || status.with(Status::label)}</span>
        </span>
    }
}
