//! The fleet's bulk actions: Start and Stop for the rows selected in the table, each disabled
//! with the reason in words when no selected row allows it, and how many rows are selected.
//! A press asks for one confirmation of every selected instance the action applies to (the
//! dialog names the others and why they are left out); the state sends them a few at a time
//! and each row shows its own outcome. Nothing at all where actions are off (read-only, or
//! before config.json has been read) or in the demo.
//!
//! Drawn by hand into its slot in the screen and kept current by an effect of the screen,
//! whose one handler takes its buttons' clicks too (see `fleet/mod.rs`), as the instance
//! view's action bar is (see `instance/actions.rs`): far less wasm than a reactive view.

use crate::browser::dom::{find, set_attr, set_text};
use crate::state::AppState;
use instance_model::actions::{bulk_unavailable, skip_reason, Action};
use web_sys::Element;

/// The actions offered on a selection: Delete stays one at a time, in the instance's view.
const BULK: [Action; 2] = [Action::Start, Action::Stop];

/// The action whose button has the hook `hook`, if it is one of the bar's.
pub fn pressed(hook: &str) -> Option<Action> {
    let action = hook.strip_prefix("fleet-action-")?;
    BULK.into_iter().find(|a| a.as_str() == action)
}

/// The bar's fixed markup: a button for each action of [`BULK`], in its order, and a line for
/// the reason each is off. `actions`: the dialog gives focus back to the count line once the
/// buttons are off.
pub const MARKUP: &str = concat!(
    r#"<div class="actions fleet-bulk" role="group" aria-label="Act on the selected instances">"#,
    r#"<div class="action-buttons"><span class="muted" role="status" tabindex="-1"></span>"#,
    r#"<button type="button" data-testid="fleet-action-start"></button>"#,
    r#"<button type="button" data-testid="fleet-action-stop"></button></div>"#,
    r#"<ul class="action-reasons"><li hidden=""></li><li hidden=""></li></ul></div>"#,
);

/// The bar's elements (taken out of the page with it).
pub struct Bar {
    root: Element,
    count: Element,
    /// In [`BULK`] order, as their reasons.
    buttons: [Element; 2],
    reasons: [Element; 2],
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl Bar {
    pub fn new(slot: &Element) -> Bar {
        let _ = slot.insert_adjacent_html("beforeend", MARKUP);
        let root = find(slot, ".fleet-bulk");
        let part = |css: &str| find(&root, css);
        Bar {
            count: part("[role=status]"),
            buttons: [
                part("[data-testid=fleet-action-start]"),
                part("[data-testid=fleet-action-stop]"),
            ],
            reasons: [part("li"), part("li + li")],
            root,
        }
    }

    /// Brings the count, the buttons and their reasons up to date (reading the selection, the
    /// list and the actions under way).
    pub fn show(&self, state: AppState) {
        let targets = state.selected_targets();
        let selected = targets.len();
        set_text(
            &self.count,
            &match selected {
                0 => "Tick rows to start or stop several instances at once.".to_string(),
                n => format!("{n} selected:"),
            },
        );
        let mut before = None;
        for (i, action) in BULK.into_iter().enumerate() {
            let allowed = targets
                .iter()
                .filter(|t| skip_reason(action, &t.status, state.action_under_way(&t.id)).is_none())
                .count();
            let label = match allowed {
                0 => action.label().to_string(),
                n => format!("{} {n}", action.label()),
            };
            set_text(&self.buttons[i], &label);
            let why = bulk_unavailable(action, selected, allowed);
            set_attr(&self.buttons[i], "disabled", why.as_ref().map(|_| ""));
            set_attr(&self.buttons[i], "title", why.as_deref());
            // Each reason once; with nothing selected the count line already says what to do
            // (the buttons' titles still give the reason).
            let repeated = why.is_some() && why == before;
            set_attr(
                &self.reasons[i],
                "hidden",
                (why.is_none() || repeated || selected == 0).then_some(""),
            );
            set_text(&self.reasons[i], why.as_deref().unwrap_or(""));
            before = why;
        }
    }
}
