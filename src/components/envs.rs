//! Environment variables; values whose key looks secret, or that hold credentials (a URL with
//! a password in it), are masked until revealed, and can be copied without being revealed. A long table (`long_table.rs`), like the ports: the value of
//! a secret is never in the page until its Show button is pressed (the row holds the mask; the
//! value is read from the instance when shown or copied).

use super::copy::{copy_text, flash_copied};
use super::long_table::{add, closest, el, fingerprint, row, set, DrawRows, LongTable, RowClick};
use super::secret::{secret, toggle};
use crate::reactive::memo;
use crate::state::AppState;
use instance_model::instance::EnvVar;
use instance_model::secrets::is_secret_env;
use instance_model::Instance;
use leptos::prelude::*;
use std::sync::Arc;
use web_sys::Element;

const HEADINGS: &[&str] = &["Name", "Value"];

fn env_row(pos: usize, e: &EnvVar) -> Option<Element> {
    let is_secret = is_secret_env(&e.key, &e.value);
    let tr = row(pos, "env-row")?;
    set(&tr, "data-secret", if is_secret { "true" } else { "false" });
    let name = el("th", "", "")?;
    set(&name, "scope", "row");
    add(&name, el("code", "wrap", &e.key));
    add(&tr, Some(name));
    let value = el("td", "", "")?;
    add(
        &value,
        if is_secret {
            secret(&e.value, &format!("value of {}", e.key))
        } else {
            el("code", "wrap", &e.value)
        },
    );
    add(&tr, Some(value));
    Some(tr)
}

#[component]
pub fn Envs(instance: Memo<Instance>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let len = memo(move || instance.with(|i| i.envs.len()));
    let draw: DrawRows = Arc::new(move |window, drawn| {
        instance.with(|i| {
            let shown = &i.envs[window.start..window.end];
            let keys: Vec<_> = shown
                .iter()
                .enumerate()
                .map(|(k, e)| (window.start + k, fingerprint(&[&e.key, &e.value])))
                .collect();
            drawn.draw(window, &keys, &mut |k| env_row(window.start + k, &shown[k]));
        })
    });
    let on_click: RowClick = Arc::new(move |pos, target| {
        let Some(button) = closest(&target, "button") else {
            return;
        };
        instance.with_untracked(|i| {
            let Some(e) = i.envs.get(pos) else {
                return;
            };
            if button.class_list().contains("reveal") {
                toggle(&button, &e.value);
            } else if button.class_list().contains("copy") {
                copy_text(state, e.value.clone(), format!("value of {}", e.key));
                flash_copied(&button);
            }
        });
    });
    view! {
        <LongTable class="envs" headings=HEADINGS empty="No environment variables are set." len=len draw=draw on_click=on_click />
    }
}
