//! One input, mounted: the floor a Leptos 0.8 CSR app starts from.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        view! { <input id="baseline-input" type="text" aria-label="Baseline input" /> }
    });
}
