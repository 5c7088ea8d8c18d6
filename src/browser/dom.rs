//! The few DOM helpers behind the parts of the page drawn by hand rather than as reactive
//! views (the confirmation dialog, the action bars, the logs panel, the fleet screen), where a
//! view cost the wasm far more than these few calls do. Text always goes in as text, never as
//! HTML; attributes and texts are written only when they differ, so an unchanged refresh
//! changes nothing.

use leptos::prelude::document;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, Node};

/// The element under `root` that `css` selects, or (should the markup and the code ever
/// disagree) a stand-in outside the page, so that nothing breaks.
pub fn find(root: &Element, css: &str) -> Element {
    root.query_selector(css)
        .ok()
        .flatten()
        .or_else(|| document().create_element("i").ok())
        .unwrap_or_else(|| root.clone())
}

/// An attribute that is there (as `""`) or not, such as `hidden`.
pub fn flag(on: bool) -> Option<&'static str> {
    on.then_some("")
}

/// An attribute that says `true` or `false`, such as `aria-pressed`.
pub fn true_false(on: bool) -> Option<&'static str> {
    Some(if on { "true" } else { "false" })
}

/// A new `tag` element at the end of `parent`, with `attrs` and `text` (none when empty).
/// (Should the browser refuse the tag name, which it does only for invalid ones, `parent`
/// itself comes back and nothing is added.)
pub fn add(parent: &Element, tag: &str, attrs: &[(&str, &str)], text: &str) -> Element {
    let Ok(el) = document().create_element(tag) else {
        return parent.clone();
    };
    for (name, value) in attrs {
        let _ = el.set_attribute(name, value);
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    let _ = parent.append_child(&el);
    el
}

/// Sets (`Some`) or removes (`None`) an attribute, unless it already is so.
pub fn set_attr(el: &Element, name: &str, value: Option<&str>) {
    if el.get_attribute(name).as_deref() != value {
        let _ = match value {
            Some(v) => el.set_attribute(name, v),
            None => el.remove_attribute(name),
        };
    }
}

/// Replaces the text of `el` (an element, or a text node), unless it already is `text`.
pub fn set_text(el: &Node, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// Puts `el` just after `anchor` (`on`) or takes it out of the page, unless it already is so:
/// for a part that is in the page only while it applies.
pub fn place_after(anchor: &Element, el: &Element, on: bool) {
    if on == el.parent_node().is_some() {
        return;
    }
    if on {
        if let Some(parent) = anchor.parent_node() {
            let _ = parent.insert_before(el, anchor.next_sibling().as_ref());
        }
    } else {
        el.remove();
    }
}

/// Checks for markup drawn by hand (a part's fixed markup): what in `markup` a
/// Content-Security-Policy without `'unsafe-inline'` would block, if anything (a style
/// attribute or element, a script, an `on…` handler attribute, a `javascript:` address).
#[cfg(test)]
pub fn blocked_inline(markup: &str) -> Option<String> {
    let markup = markup.to_ascii_lowercase();
    if let Some(banned) = ["style", "<script", "javascript:"]
        .into_iter()
        .find(|banned| markup.contains(banned))
    {
        return Some(banned.to_string());
    }
    markup.match_indices(" on").find_map(|(at, _)| {
        let name: String = markup[at + 1..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        markup[at + 1 + name.len()..]
            .starts_with('=')
            .then_some(name)
    })
}

/// One handler listening for `events` on `root` and for `scroll` (which does not bubble) on
/// `scroller`: a part drawn by hand takes all its controls' events so. Dropping it removes the
/// listeners, so no handler runs once its closure is gone.
pub struct Listeners {
    targets: Vec<(Element, &'static str)>,
    handler: Closure<dyn FnMut(Event)>,
}

impl Listeners {
    pub fn new(
        root: &Element,
        events: &[&'static str],
        scroller: &Element,
        handler: impl FnMut(Event) + 'static,
    ) -> Listeners {
        let handler = Closure::<dyn FnMut(Event)>::new(handler);
        let mut targets: Vec<(Element, &'static str)> =
            events.iter().map(|e| (root.clone(), *e)).collect();
        targets.push((scroller.clone(), "scroll"));
        for (target, event) in &targets {
            let _ =
                target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
        }
        Listeners { targets, handler }
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, event) in &self.targets {
            let _ = target
                .remove_event_listener_with_callback(event, self.handler.as_ref().unchecked_ref());
        }
    }
}

/// The button a click landed on or in, if any.
pub fn clicked_button(ev: &Event) -> Option<Element> {
    ev.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("button").ok().flatten())
}
