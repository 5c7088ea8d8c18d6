//! A secret value: masked (first two and last two characters) until revealed, and copyable
//! without being revealed.

use super::copy::CopyButton;
use instance_model::secrets::mask;
use leptos::prelude::*;

#[component]
pub fn Secret(#[prop(into)] value: String, #[prop(into)] what: String) -> impl IntoView {
    if value.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    let revealed = RwSignal::new(false);
    let masked = mask(&value);
    let shown = {
        let value = value.clone();
        move || {
            if revealed.get() {
                value.clone()
            } else {
                masked.clone()
            }
        }
    };
    let reveal_label = format!("Show {what}");
    view! {
        <span class="secret">
            <code class="secret-value" data-revealed=move || revealed.get().to_string()>{shown}</code>
            <button
                type="button"
                class="reveal"
                aria-pressed=move || revealed.get().to_string()
                aria-label=reveal_label
                on:click=move |_| revealed.update(|r| *r = !*r)
            >
                {move || if revealed.get() { "Hide" } else { "Show" }}
            </button>
            <CopyButton text=Signal::stored(value) what=what />
        </span>
    }
    .into_any()
}
