//! The confirmation asked before any action is sent: a real modal (the native `<dialog>`
//! opened with `showModal()`, so the page behind is inert), naming each instance (name and ID)
//! and what the action will do. Focus moves into it (Cancel, or the name field of Delete), Tab
//! stays inside, Escape cancels, and focus returns to the button that opened it (or, when that
//! is now disabled because the action is under way, to the outcome line beside it). Delete's
//! button stays disabled until the instance's name (its ID when it has none) is typed.

use crate::state::actions::Confirmation;
use crate::state::AppState;
use instance_model::actions::{confirm_title, consequences_for, Action};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement, KeyboardEvent, Node};

/// The dialog, while a confirmation is asked for.
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state
            .confirmation()
            .map(|c| view! { <Dialog confirmation=c /> })
    }
}

/// Tab from the last control goes to the first, Shift+Tab from the first to the last, and
/// focus that somehow left comes back. Escape cancels (its default, the native close, is
/// replaced so the state closes it).
fn on_key(dialog: &HtmlDialogElement, ev: &KeyboardEvent, cancel: impl Fn()) {
    match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            cancel();
        }
        "Tab" => {
            let Ok(controls) = dialog.query_selector_all("input,button:not([disabled])") else {
                return;
            };
            let (first, last) = (
                controls.item(0),
                controls.item(controls.length().saturating_sub(1)),
            );
            let active: Option<Node> = document().active_element().map(Into::into);
            let inside = dialog.contains(active.as_ref());
            let to = if !inside {
                first
            } else if ev.shift_key() && active == first {
                last
            } else if !ev.shift_key() && active == last {
                first
            } else {
                return;
            };
            if let Some(to) = to.and_then(|n| n.dyn_into::<HtmlElement>().ok()) {
                ev.prevent_default();
                let _ = to.focus();
            }
        }
        _ => {}
    }
}

/// Where focus goes when the dialog has gone: back to `opener`, unless it is disabled now (the
/// action is under way), then to the outcome line of its action bar.
fn return_focus(opener: Option<HtmlElement>) {
    let Some(opener) = opener else { return };
    let disabled = opener.has_attribute("disabled");
    let outcome = opener
        .closest(".actions")
        .ok()
        .flatten()
        .and_then(|bar| bar.query_selector(".action-outcome").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let _ = match (disabled, outcome) {
        (true, Some(outcome)) => outcome.focus(),
        _ => opener.focus(),
    };
}

#[component]
fn Dialog(confirmation: Confirmation) -> impl IntoView {
    let state = expect_context::<AppState>();
    let Confirmation { action, targets } = confirmation;
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let typed = RwSignal::new(String::new());
    // The button that opened it: focused on click in most browsers; otherwise this action's
    // button in the instance view.
    let opener = document()
        .active_element()
        .filter(|e| e.tag_name() == "BUTTON")
        .or_else(|| {
            document()
                .query_selector(&format!("[data-testid=\"action-{}\"]", action.as_str()))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    dialog.on_load(|d| {
        let _ = d.show_modal();
        if let Some(first) = d
            .query_selector("[autofocus]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = first.focus();
        }
    });
    // After the dialog has left the page and the action bar has caught up (a button just
    // disabled), on the next turn of the event loop.
    let opener = StoredValue::new_local(opener);
    on_cleanup(move || {
        let opener = opener.try_get_value().flatten();
        set_timeout(move || return_focus(opener), Default::default());
    });

    let phrase = (action == Action::Delete)
        .then(|| targets.first().cloned())
        .flatten();
    let prompt = phrase.as_ref().map(|t| t.delete_prompt());
    let ready = move || {
        phrase
            .as_ref()
            .is_none_or(|t| typed.with(|s| t.typed_matches(s)))
    };
    let cancel = move || state.cancel_confirmation();
    // A name is isolated, so a right-to-left override inside it cannot turn the rest around.
    let title = match targets.as_slice() {
        [one] => {
            view! { {action.label()} " " <bdi>{one.delete_phrase().to_string()}</bdi> "?" }.into_any()
        }
        many => confirm_title(action, many).into_any(),
    };
    let names = targets
        .iter()
        .map(|t| {
            let name = match t.name.trim() {
                "" => "(no name)".to_string(),
                name => name.to_string(),
            };
            view! { <li><strong class="name">{name}</strong> " · ID " <code>{t.id.clone()}</code></li> }
        })
        .collect_view();
    let what = consequences_for(action, &targets)
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    view! {
        <dialog node_ref=dialog class="confirm-dialog" data-testid="confirm-dialog" data-action=action.as_str()
            aria-labelledby="confirm-title" aria-describedby="confirm-what"
            on:keydown=move |ev| {
                if let Some(d) = dialog.get_untracked() {
                    on_key(&d, &ev, cancel);
                }
            }
            on:close=move |_| cancel()>
            <form on:submit=move |ev| {
                ev.prevent_default();
                state.confirm(&typed.get_untracked());
            }>
                <h2 id="confirm-title">{title}</h2>
                <ul class="confirm-targets">{names}</ul>
                <ul id="confirm-what" class="confirm-what">{what}</ul>
                {prompt.map(|p| view! {
                    <label class="field" for="confirm-name">{p}</label>
                    <input type="text" id="confirm-name" data-testid="confirm-name" autofocus
                        autocomplete="off" spellcheck="false" autocapitalize="off"
                        on:input:target=move |ev| typed.set(ev.target().value()) />
                })}
                <div class="confirm-buttons">
                    <button type="button" data-testid="confirm-cancel" autofocus=action != Action::Delete
                        on:click=move |_| cancel()>"Cancel"</button>
                    <button type="submit" data-testid="confirm-ok" class=if action == Action::Start { "primary" } else { "danger" }
                        disabled=move || !ready()>{action.confirm_label()}</button>
                </div>
            </form>
        </dialog>
    }
}
