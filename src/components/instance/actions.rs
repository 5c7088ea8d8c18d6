//! The instance view's actions: Start, Stop, Restart, Delete, each disabled with the reason in
//! words (the status does not allow it, an action is under way, demo data), and the outcome
//! line of the latest action, following the status live. Nothing at all before config.json
//! has been read, and nothing but a note in a read-only deployment.
//!
//! The bar is drawn by hand (see `browser::dom`) and kept current by one effect, which costs
//! the wasm much less than a reactive view with a closure or memo per attribute (see
//! `confirm_dialog.rs`).

use crate::browser::dom::{add, set_attr, set_text};
use crate::components::freshness::local_time;
use crate::reactive::effect;
use crate::state::{AppState, Tracker};
use instance_model::actions::{Action, Target};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event};

/// The action bar when actions are allowed, a note in a read-only deployment, nothing before
/// config.json has been read.
#[component]
pub fn InstanceActions(tracker: Tracker) -> impl IntoView {
    let state = expect_context::<AppState>();
    let slot = NodeRef::<leptos::html::Div>::new();
    let id = tracker.id();
    let bar = StoredValue::new_local(None::<Bar>);
    on_cleanup(move || bar.set_value(None));
    effect(move || {
        let Some(slot) = slot.get() else { return };
        if !state.actions_allowed() {
            bar.set_value(None);
            return;
        }
        bar.update_value(|bar| {
            bar.get_or_insert_with(|| Bar::new(&slot, state, tracker))
                .show(state, tracker, &id)
        });
    });
    let off = move || off_note(state);
    view! {
        <div node_ref=slot></div>
        {move || off().map(|note| view! { <p class="hint" data-testid="actions-off">{note}</p> })}
    }
}

/// Why there are no actions, once config.json has been read.
fn off_note(state: AppState) -> Option<&'static str> {
    if state.actions_allowed() {
        return None;
    }
    state.config()?;
    Some(if state.config_unreadable() {
        "Actions are off: config.json could not be read, and it may have meant to switch them off."
    } else {
        "Read-only deployment: this page offers no actions on instances."
    })
}

/// The bar's elements, and its click handler (removed with it).
struct Bar {
    root: Element,
    buttons: Vec<Element>,
    reasons: Vec<Element>,
    outcome: Element,
    _on_click: Closure<dyn FnMut(Event)>,
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Why `action` is off ("" when it is on): the demo, an action under way, or the status.
fn reason(state: AppState, tracker: Tracker, id: &str, action: Action) -> String {
    if tracker.demo {
        return "Demo data: there is no instance to act on.".into();
    }
    let lock = state.with_action_run(id, |r| {
        r.filter(|r| r.holds_lock())
            .map(|r| r.lock_reason(&local_time))
    });
    lock.or_else(|| {
        tracker.live.with_data(|d| match d {
            Some(f) => action.unavailable(&f.instance.status),
            None => Some("Not loaded yet.".into()),
        })
    })
    .unwrap_or_default()
}

impl Bar {
    fn new(slot: &Element, state: AppState, tracker: Tracker) -> Bar {
        let root = add(
            slot,
            "section",
            &[("class", "actions card"), ("aria-label", "Actions")],
            "",
        );
        let row = add(&root, "div", &[("class", "action-buttons")], "");
        let buttons = Action::ALL
            .iter()
            .map(|a| {
                let hook = format!("action-{}", a.as_str());
                let button = add(
                    &row,
                    "button",
                    &[("type", "button"), ("data-testid", &hook)],
                    a.label(),
                );
                if *a == Action::Delete {
                    let _ = button.set_attribute("class", "danger");
                }
                button
            })
            .collect();
        let list = add(&root, "ul", &[("class", "action-reasons")], "");
        let reasons = Action::ALL
            .iter()
            .map(|_| add(&list, "li", &[("hidden", "")], ""))
            .collect();
        // A live region that is always there, so each new outcome is read out; focus comes
        // here after a confirmation (the button that opened it is then disabled).
        let region = add(
            &root,
            "div",
            &[
                ("class", "action-outcome"),
                ("role", "status"),
                ("tabindex", "-1"),
            ],
            "",
        );
        let outcome = add(&region, "p", &[], "");
        let on_click = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            let hook = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.get_attribute("data-testid"));
            let action = Action::ALL.into_iter().find(|a| {
                hook.as_deref().and_then(|h| h.strip_prefix("action-")) == Some(a.as_str())
            });
            let target = tracker
                .live
                .with_data_untracked(|d| d.map(|f| Target::of(&f.instance)));
            if let (Some(action), Some(target)) = (action, target) {
                state.ask(action, vec![target]);
            }
        });
        let _ = root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        Bar {
            root,
            buttons,
            reasons,
            outcome,
            _on_click: on_click,
        }
    }

    /// Brings every attribute and text up to date (reading the signals it depends on).
    fn show(&self, state: AppState, tracker: Tracker, id: &str) {
        let mut why: Vec<String> = Vec::with_capacity(Action::ALL.len());
        for action in Action::ALL {
            why.push(reason(state, tracker, id, action));
        }
        for (i, reason) in why.iter().enumerate() {
            let off = (!reason.is_empty()).then_some("");
            set_attr(&self.buttons[i], "disabled", off);
            set_attr(&self.buttons[i], "title", off.map(|_| reason.as_str()));
            // Each reason once: an action under way or the demo disables all four alike.
            let repeated = i > 0 && why[i - 1] == *reason;
            set_attr(
                &self.reasons[i],
                "hidden",
                (off.is_none() || repeated).then_some(""),
            );
            set_text(&self.reasons[i], reason);
        }
        state.with_action_run(id, |run| {
            let p = &self.outcome;
            set_attr(p, "data-testid", run.map(|_| "action-status"));
            set_attr(p, "data-action", run.map(|r| r.action.as_str()));
            set_attr(p, "data-state", run.map(|r| r.state_str()));
            let progress = run
                .filter(|r| r.is_following())
                .map(|r| r.progress().as_str());
            set_attr(p, "data-progress", progress);
            set_attr(
                p,
                "data-kind",
                run.and_then(|r| r.failure())
                    .map(|f| f.error.kind().as_str()),
            );
            set_text(p, &run.map(|r| r.words(&local_time)).unwrap_or_default());
        });
    }
}
