//! The statuses seen this visit, oldest first, with the time each was first seen.
//!
//! Drawn by hand (see `browser::dom`) and kept current by one effect: the list only grows, and
//! a keyed `<For>` cost the wasm its keyed-list machinery for it.

use super::freshness::local_time;
use crate::browser::dom::{add, set_text};
use crate::reactive::effect;
use crate::state::Tracker;
use leptos::prelude::*;

#[component]
pub fn Timeline(tracker: Tracker) -> impl IntoView {
    let timeline = tracker.timeline;
    let count = NodeRef::<leptos::html::Span>::new();
    let list = NodeRef::<leptos::html::Ol>::new();
    // The moments drawn, oldest first: what is new is added at the end; anything else (the
    // list replaced) draws it again.
    let drawn = StoredValue::new_local(Vec::<u64>::new());
    effect(move || {
        let (Some(count), Some(list)) = (count.get(), list.get()) else {
            return;
        };
        timeline.with(|seen| {
            set_text(&count, &seen.len().to_string());
            drawn.update_value(|drawn| {
                let keys: Vec<u64> = seen.iter().map(|s| s.at_ms.to_bits()).collect();
                if !keys.starts_with(drawn) {
                    list.set_text_content(None);
                    drawn.clear();
                }
                for s in &seen[drawn.len()..] {
                    let attrs = [
                        ("data-status", s.status.as_api_str()),
                        ("data-tone", s.tone.as_str()),
                    ];
                    let item = add(&list, "li", &attrs, "");
                    add(&item, "time", &[], &local_time(s.at_ms));
                    let label = format!(" {}", s.status.label());
                    let _ = item.append_with_str_1(&label);
                }
                *drawn = keys;
            });
        });
    });
    view! {
        <details class="timeline">
            <summary>"Status history this visit " <span class="count" node_ref=count></span></summary>
            <ol data-testid="status-timeline" node_ref=list></ol>
        </details>
    }
}
