//! The statuses seen this visit, oldest first, with the time each was first seen.

use super::freshness::local_time;
use crate::state::Tracker;
use leptos::prelude::*;

#[component]
pub fn Timeline(tracker: Tracker) -> impl IntoView {
    let timeline = tracker.timeline;
    view! {
        <details class="timeline">
            <summary>"Status history this visit " <span class="count">{move || timeline.with(Vec::len)}</span></summary>
            <ol data-testid="status-timeline">
                <For
                    each=move || timeline.get().into_iter().enumerate()
                    key=|(i, seen)| (*i, seen.at_ms.to_bits())
                    children=|(_, seen)| view! {
                        <li data-status=seen.status.as_api_str().to_string() data-tone=seen.tone.as_str()>
                            <time>{local_time(seen.at_ms)}</time> " " {seen.status.label()}
                        </li>
                    }
                />
            </ol>
        </details>
    }
}
