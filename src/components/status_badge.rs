//! The status badge: colour, icon and words, a spinner while in progress. The words and icon
//! carry the meaning; the colour only repeats it. It is drawn from values: where the status can
//! change, the caller redraws it from a memo of (status, tone), so a refresh that changes
//! nothing draws nothing. Long tables draw the very same markup by hand ([`badge_element`]).

use super::long_table::{add, el, set};
use instance_model::{Status, Tone};
use leptos::prelude::*;
use web_sys::Element;

/// Whether the badge spins (in progress) rather than showing the tone's icon.
fn icon(status: &Status, tone: Tone) -> (&'static str, &'static str) {
    if status.is_in_progress() {
        ("spinner", "")
    } else {
        ("icon", tone.icon())
    }
}

#[component]
pub fn StatusBadge(status: Status, tone: Tone) -> impl IntoView {
    let raw = status.as_api_str().to_string();
    let (icon_class, icon_text) = icon(&status, tone);
    view! {
        <span class="status-badge" data-testid="status-badge" data-status=raw.clone()
            data-tone=tone.as_str() title=format!("API status: {raw}")>
            <span class=icon_class aria-hidden="true">{icon_text}</span>
            <span class="label">{status.label()}</span>
        </span>
    }
}

/// The badge as an element, for rows drawn by hand.
pub fn badge_element(status: &Status, tone: Tone) -> Option<Element> {
    let raw = status.as_api_str();
    let badge = el("span", "status-badge", "")?;
    set(&badge, "data-testid", "status-badge");
    set(&badge, "data-status", raw);
    set(&badge, "data-tone", tone.as_str());
    set(&badge, "title", &format!("API status: {raw}"));
    let (icon_class, icon_text) = icon(status, tone);
    let icon = el("span", icon_class, icon_text)?;
    set(&icon, "aria-hidden", "true");
    add(&badge, Some(icon));
    add(&badge, el("span", "label", &status.label()));
    Some(badge)
}
