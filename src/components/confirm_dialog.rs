//! The confirmation asked before any action is sent: a real modal (the native `<dialog>`
//! opened with `showModal()`, so the page behind is inert), naming each instance (name and ID)
//! and what the action will do, and, for the fleet's selection, which selected instances it
//! leaves out and why. Focus moves into it (Cancel, or the name field of Delete), Tab
//! stays inside, Escape cancels, and focus returns to the button that opened it (or, when that
//! is now disabled because the action is under way, to the outcome line beside it). Delete's
//! button stays disabled until the instance's name (its ID when it has none) is typed.
//!
//! The dialog is built by hand (`browser::dom`), once per confirmation, and removed whole when
//! the state says it is over: as reactive views, it and the action bar cost the wasm about
//! 8 KB more, gzipped. Every text goes in as text (`textContent`), never as HTML.

use crate::browser::dom::{add, set_attr};
use crate::reactive::effect;
use crate::state::actions::Confirmation;
use crate::state::AppState;
use instance_model::actions::{consequences_for, Action, Target};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlDialogElement, HtmlElement, HtmlInputElement, KeyboardEvent};

/// Shows the dialog while the state asks for a confirmation.
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Kept by the effect, which lives as long as the App.
    let mut shown: Option<OpenDialog> = None;
    effect(move || {
        let asked = state.confirmation();
        // The one before goes first (and gives focus back).
        drop(shown.take());
        if let Some(open) = asked.and_then(|asked| OpenDialog::open(state, asked)) {
            shown.get_or_insert(open);
        }
    });
}

/// The events the dialog listens to, all with one handler.
const EVENTS: [&str; 5] = ["input", "submit", "click", "keydown", "close"];

/// A dialog on the page, its handler, and the button it gives focus back to.
struct OpenDialog {
    dialog: HtmlDialogElement,
    opener: Option<HtmlElement>,
    on_event: Closure<dyn FnMut(Event)>,
}

impl Drop for OpenDialog {
    fn drop(&mut self) {
        // No handler may run once its closure is gone.
        for event in EVENTS {
            let _ = self
                .dialog
                .remove_event_listener_with_callback(event, self.on_event.as_ref().unchecked_ref());
        }
        self.dialog.remove();
        // Once the page has caught up (the opener may just have been disabled).
        let opener = self.opener.take();
        set_timeout(move || return_focus(opener), Default::default());
    }
}

impl OpenDialog {
    fn open(state: AppState, asked: Confirmation) -> Option<OpenDialog> {
        let Confirmation {
            action,
            targets,
            skipped,
        } = asked;
        let opener = opener(action);
        let body: Element = document().body()?.into();
        let dialog: HtmlDialogElement = add(
            &body,
            "dialog",
            &[
                ("class", "confirm-dialog"),
                ("data-testid", "confirm-dialog"),
                ("data-action", action.as_str()),
                ("aria-labelledby", "confirm-title"),
                ("aria-describedby", "confirm-what"),
            ],
            "",
        )
        .dyn_into()
        .ok()?;
        let form = add(&dialog, "form", &[], "");

        // "Stop <name>?": the name isolated, so a right-to-left override in it cannot turn the
        // rest around.
        let title = add(&form, "h2", &[("id", "confirm-title")], action.label());
        let what = match targets.as_slice() {
            [one] => one.delete_phrase().to_string(),
            many => format!("{} instances", many.len()),
        };
        let _ = title.append_with_str_1(" ");
        add(&title, "bdi", &[], &what);
        let _ = title.append_with_str_1("?");

        let list = add(&form, "ul", &[("class", "confirm-targets")], "");
        for t in &targets {
            name_and_id(&list, t);
        }
        if !skipped.is_empty() {
            let note = format!("Left out ({} selected):", skipped.len());
            add(&form, "p", &[("class", "confirm-skipped-note")], &note);
            let list = add(
                &form,
                "ul",
                &[
                    ("class", "confirm-targets skipped"),
                    ("data-testid", "confirm-skipped"),
                ],
                "",
            );
            for (t, why) in &skipped {
                let item = name_and_id(&list, t);
                let _ = item.append_with_str_1(": ");
                let _ = item.append_with_str_1(why);
            }
        }
        let consequences = add(
            &form,
            "ul",
            &[("id", "confirm-what"), ("class", "confirm-what")],
            "",
        );
        for line in consequences_for(action, &targets) {
            add(&consequences, "li", &[], &line);
        }

        let phrase = (action == Action::Delete)
            .then(|| targets.first().cloned())
            .flatten();
        if let Some(t) = &phrase {
            let label = add(
                &form,
                "label",
                &[("for", "confirm-name")],
                t.delete_prompt(),
            );
            let _ = label.append_with_str_1(" ");
            add(&label, "code", &[("class", "phrase")], t.delete_phrase());
            add(
                &form,
                "input",
                &[
                    ("type", "text"),
                    ("id", "confirm-name"),
                    ("data-testid", "confirm-name"),
                    ("autofocus", ""),
                    ("autocomplete", "off"),
                    ("autocapitalize", "off"),
                    ("spellcheck", "false"),
                ],
                "",
            );
        }
        let buttons = add(&form, "div", &[("class", "confirm-buttons")], "");
        let cancel_attrs: &[(&str, &str)] = if phrase.is_some() {
            &[("type", "button"), ("data-testid", "confirm-cancel")]
        } else {
            &[
                ("type", "button"),
                ("data-testid", "confirm-cancel"),
                ("autofocus", ""),
            ]
        };
        add(&buttons, "button", cancel_attrs, "Cancel");
        let ok_class = if action == Action::Start {
            "primary"
        } else {
            "danger"
        };
        let ok = add(
            &buttons,
            "button",
            &[
                ("type", "submit"),
                ("data-testid", "confirm-ok"),
                ("class", ok_class),
            ],
            &match targets.len() {
                1 => action.confirm_label().to_string(),
                n => format!("{} {n} instances", action.label()),
            },
        );
        if phrase.is_some() {
            let _ = ok.set_attribute("disabled", "");
        }

        // One handler for every event the dialog listens to.
        let on_event = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            let cancel = move || state.cancel_confirmation();
            match ev.type_().as_str() {
                "input" => {
                    let typed = ev
                        .target()
                        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                        .map(|input| input.value());
                    if let (Some(t), Some(typed)) = (&phrase, typed) {
                        set_attr(&ok, "disabled", (!t.typed_matches(&typed)).then_some(""));
                    }
                }
                "submit" => {
                    ev.prevent_default();
                    let typed = document()
                        .get_element_by_id("confirm-name")
                        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                        .map(|input| input.value())
                        .unwrap_or_default();
                    state.confirm(&typed);
                }
                "click" => {
                    let on_cancel = ev
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .is_some_and(|t| {
                            t.get_attribute("data-testid").as_deref() == Some("confirm-cancel")
                        });
                    if on_cancel {
                        cancel();
                    }
                }
                "keydown" => {
                    if let (Some(key), Some(d)) = (
                        ev.dyn_ref::<KeyboardEvent>(),
                        ev.current_target()
                            .and_then(|d| d.dyn_into::<HtmlDialogElement>().ok()),
                    ) {
                        on_key(&d, key, cancel);
                    }
                }
                // The browser closed it by itself: the state follows.
                _ => cancel(),
            }
        });
        for event in EVENTS {
            let _ =
                dialog.add_event_listener_with_callback(event, on_event.as_ref().unchecked_ref());
        }

        let _ = dialog.show_modal();
        if let Some(first) = dialog
            .query_selector("[autofocus]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = first.focus();
        }
        Some(OpenDialog {
            dialog,
            opener,
            on_event,
        })
    }
}

/// A list item naming an instance: "**name** · ID `id`".
fn name_and_id(list: &Element, t: &Target) -> Element {
    let item = add(list, "li", &[], "");
    let name = match t.name.trim() {
        "" => "(no name)",
        name => name,
    };
    add(&item, "strong", &[("class", "name")], name);
    let _ = item.append_with_str_1(" · ID ");
    add(&item, "code", &[], &t.id);
    item
}

/// The button that opened the dialog: focused by the click in most browsers; otherwise the
/// action's button in the instance view.
fn opener(action: Action) -> Option<HtmlElement> {
    document()
        .active_element()
        .filter(|e| e.tag_name() == "BUTTON")
        .or_else(|| {
            document()
                .query_selector(&format!("[data-testid=\"action-{}\"]", action.as_str()))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into().ok())
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
            // Its controls: the name field (Delete), Cancel, and the confirm button once it is
            // enabled, in that order.
            let find = |css: &str| dialog.query_selector(css).ok().flatten();
            let cancel_button = || find("[data-testid=confirm-cancel]");
            let first = find("input").or_else(cancel_button);
            let last = find("[data-testid=confirm-ok]:not([disabled])").or_else(cancel_button);
            let active = document().active_element();
            let inside = active
                .as_ref()
                .is_some_and(|a| a.closest("dialog").ok().flatten().is_some());
            let to = if !inside {
                first
            } else if ev.shift_key() && active == first {
                last
            } else if !ev.shift_key() && active == last {
                first
            } else {
                return;
            };
            if let Some(to) = to.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                ev.prevent_default();
                let _ = to.focus();
            }
        }
        _ => {}
    }
}

/// Where focus goes when the dialog has gone: back to `opener`, unless it is disabled now (the
/// action is under way), then to its action bar's focusable line (the instance view's outcome,
/// the fleet's count of selected rows).
fn return_focus(opener: Option<HtmlElement>) {
    let Some(opener) = opener else { return };
    let outcome = opener
        .closest(".actions")
        .ok()
        .flatten()
        .and_then(|bar| bar.query_selector("[tabindex=\"-1\"]").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let _ = match (opener.has_attribute("disabled"), outcome) {
        (true, Some(outcome)) => outcome.focus(),
        _ => opener.focus(),
    };
}
