//! The fleet's summary by tone ("16 instances: 9 running, 3 in progress, 1 failed, ..."), each
//! part a button that shows only that tone (pressed again, all), then the idle filter (the
//! instances whose GPUs are flagged idle), and the search box. All are in the page address, so
//! a filtered view can be shared.

use super::Tally;
use crate::browser::dom::{find, set_attr, set_text, true_false};
use crate::state::AppState;
use instance_model::fleet::{tone_from_str, IDLE_FILTER, SUMMARY_TONES};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// The summary's fixed markup: a filter button per tone of [`SUMMARY_TONES`] (in its order,
/// with its `tone_word`), then the idle filter; their counts and pressed states, the total and
/// how many rows are shown are written by [`Summary::show`].
pub const MARKUP: &str = concat!(
    r#"<div class="fleet-controls">"#,
    r#"<p class="fleet-summary" data-testid="fleet-summary">"#,
    r#"<span class="total"></span>"#,
    r#"<span class="filters" role="group" aria-label="Show only one status">"#,
    r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="ok" aria-pressed="false"><strong>0</strong> running</button>"#,
    r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="progress" aria-pressed="false"><strong>0</strong> in progress</button>"#,
    r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="error" aria-pressed="false"><strong>0</strong> failed</button>"#,
    r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="stopped" aria-pressed="false"><strong>0</strong> stopped</button>"#,
    r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="unknown" aria-pressed="false"><strong>0</strong> unknown</button>"#,
    r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="idle" title="Running instances whose GPUs have sat idle (still billed)" aria-pressed="false"><strong>0</strong> idle</button>"#,
    r#"</span></p>"#,
    r#"<div class="fleet-search">"#,
    r#"<input type="search" data-testid="fleet-search" spellcheck="false" autocomplete="off" aria-label="Search the fleet by name, ID, product or cluster" placeholder="Search name, ID, product, cluster">"#,
    r#"<span class="muted" role="status"></span>"#,
    r#"</div></div>"#,
);

/// The summary's elements that change.
pub struct Summary {
    total: Element,
    /// Each filter button and its count, in [`SUMMARY_TONES`] order, the idle filter last.
    filters: Vec<(Element, Element)>,
    search: Option<HtmlInputElement>,
    shown: Element,
}

impl Summary {
    /// Finds the summary's parts in `root`, where [`MARKUP`] has been put.
    pub fn new(root: &Element) -> Summary {
        let mut filters = Vec::new();
        let mut button = root.query_selector(".filters button").ok().flatten();
        while let Some(b) = button {
            button = b.next_element_sibling();
            let count = find(&b, "strong");
            filters.push((b, count));
        }
        Summary {
            total: find(root, ".fleet-summary .total"),
            filters,
            search: find(root, "[data-testid=fleet-search]").dyn_into().ok(),
            shown: find(root, ".fleet-search [role=status]"),
        }
    }

    /// Brings the counts, the pressed filter, the search box and how many rows are shown up to
    /// date.
    pub fn show(&self, state: AppState, tally: &Tally, shown: usize) {
        let fleet = state.fleet();
        let tone = fleet.tone();
        let idle_only = fleet.idle_only();
        let total = match tally.total {
            1 => "1 instance:".to_string(),
            n => format!("{n} instances:"),
        };
        set_text(&self.total, &total);
        for (i, (button, count)) in self.filters.iter().enumerate() {
            let (pressed, n) = match SUMMARY_TONES.get(i) {
                Some(t) => (tone == Some(*t), tally.by_tone[i]),
                None => (idle_only, tally.idle),
            };
            set_attr(button, "aria-pressed", true_false(pressed));
            set_text(count, &n.to_string());
        }
        // Written only when the state's text is another (the address, Show all), never over
        // what is being typed.
        let query = fleet.query();
        if let Some(search) = self.search.as_ref().filter(|s| s.value() != query) {
            search.set_value(&query);
        }
        let filtered = !query.trim().is_empty() || tone.is_some() || idle_only;
        let words = if filtered {
            format!("Showing {shown} of {}", tally.total)
        } else {
            String::new()
        };
        set_text(&self.shown, &words);
    }

    /// A click on `control` (a button, link or input of the screen, its hook `hook`): a
    /// filter's press.
    pub fn clicked(state: AppState, control: &Element, hook: &str) {
        if hook != "fleet-filter" {
            return;
        }
        let tone = control.get_attribute("data-tone").unwrap_or_default();
        if tone == IDLE_FILTER {
            state.toggle_fleet_idle();
        } else if let Some(tone) = tone_from_str(&tone) {
            state.toggle_fleet_tone(tone);
        }
    }

    /// An `input` event on `target`: a keystroke in the search box.
    pub fn typed(state: AppState, target: &Element) {
        if target.get_attribute("data-testid").as_deref() != Some("fleet-search") {
            return;
        }
        if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
            state.set_fleet_query(input.value());
        }
    }
}
