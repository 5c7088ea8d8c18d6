//! A secret value, drawn by hand (in the env table's rows and in Connect): masked (first two
//! and last two characters) until its Show button is pressed, and copyable without being
//! revealed. The value itself is never in the page until shown: the element holds the mask,
//! and whoever drew it hands the value to [`toggle`] and to the copy.

use super::copy::copy_button;
use super::long_table::{add, el, set};
use instance_model::secrets::mask;
use web_sys::Element;

/// The masked value, a Show button (labelled "Show {what}") and a copy button ("Copy
/// {what}"); a dash for an empty value.
pub fn secret(value: &str, what: &str) -> Option<Element> {
    if value.is_empty() {
        return el("span", "muted", "—");
    }
    let span = el("span", "secret", "")?;
    let code = el("code", "secret-value", &mask(value))?;
    set(&code, "data-revealed", "false");
    add(&span, Some(code));
    let reveal = el("button", "reveal", "Show")?;
    set(&reveal, "type", "button");
    set(&reveal, "aria-pressed", "false");
    set(&reveal, "aria-label", &format!("Show {what}"));
    add(&span, Some(reveal));
    add(&span, copy_button(what));
    Some(span)
}

/// Show / Hide, for the Show button `button` of a secret whose value is `value`: the value, or
/// its mask again.
pub fn toggle(button: &Element, value: &str) {
    let shown = button.get_attribute("aria-pressed").as_deref() != Some("true");
    let code = button
        .parent_element()
        .and_then(|p| p.query_selector("code.secret-value").ok().flatten());
    if let Some(code) = code {
        let text = if shown {
            value.to_string()
        } else {
            mask(value)
        };
        code.set_text_content(Some(&text));
        set(&code, "data-revealed", if shown { "true" } else { "false" });
    }
    set(button, "aria-pressed", if shown { "true" } else { "false" });
    button.set_text_content(Some(if shown { "Hide" } else { "Show" }));
}
