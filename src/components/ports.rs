//! Ports: HTTP endpoints as links that open in a new tab, TCP endpoints as `host:port` with a
//! copy button (and the `ssh` line for port 22). Only http(s) URLs ever become links. A long
//! table (`long_table.rs`): rows drawn by hand, keyed by what they show, so a refresh redraws
//! only rows that changed, and a long list only the rows in sight.

use super::copy::{copy_button, copy_text, flash_copied};
use super::long_table::{add, closest, el, fingerprint, row, set, DrawRows, LongTable, RowClick};
use crate::reactive::memo;
use crate::state::AppState;
use instance_model::links::{is_http_kind, safe_http_url, ssh_line_for};
use instance_model::{Instance, PortMapping};
use leptos::prelude::*;
use std::sync::Arc;
use web_sys::Element;

const HEADINGS: &[&str] = &["Port", "Type", "Endpoint"];

/// The port's number as text ("" when the API sent none).
fn number(port: &PortMapping) -> String {
    port.port.map(|n| n.to_string()).unwrap_or_default()
}

fn endpoint_link(port: &PortMapping) -> Option<String> {
    safe_http_url(port.endpoint.trim())
        .filter(|_| is_http_kind(&port.kind) || port.kind.trim().is_empty())
        .map(str::to_string)
}

/// The SSH command for port 22's `host:port`, when it reads as one.
fn ssh_line(port: &PortMapping) -> Option<String> {
    (port.port == Some(22))
        .then(|| ssh_line_for(port.endpoint.trim()))
        .flatten()
}

/// `text` as code, then a copy button for it; `copy` says which text the button copies.
fn copyable(class: &str, text: &str, what: &str, copy: &str) -> Option<Element> {
    let span = el("span", class, "")?;
    add(&span, el("code", "wrap", text));
    let button = copy_button(what)?;
    set(&button, "data-copy", copy);
    add(&span, Some(button));
    Some(span)
}

fn port_row(pos: usize, port: &PortMapping) -> Option<Element> {
    let number = number(port);
    let endpoint = port.endpoint.trim();
    let tr = row(pos, "port-row")?;
    set(&tr, "data-port", &number);
    add(
        &tr,
        el("td", "num", if number.is_empty() { "—" } else { &number }),
    );
    let kind = match port.kind.trim() {
        "" => "—".to_string(),
        kind => kind.to_ascii_uppercase(),
    };
    add(&tr, el("td", "", &kind));
    let cell = el("td", "", "")?;
    if let Some(href) = endpoint_link(port) {
        let a = el("a", "", &href)?;
        set(&a, "data-testid", "port-link");
        set(&a, "href", &href);
        set(&a, "target", "_blank");
        set(&a, "rel", "noopener noreferrer");
        add(&a, el("span", "sr-only", " (opens in a new tab)"));
        add(&cell, Some(a));
    } else if endpoint.is_empty() {
        add(&cell, el("span", "muted", "—"));
    } else {
        let what = format!("endpoint of port {number}");
        let span = copyable("endpoint", endpoint, &what, "endpoint")?;
        set(&span, "data-testid", "port-endpoint");
        add(&cell, Some(span));
        if let Some(line) = ssh_line(port) {
            add(&cell, copyable("ssh-line", &line, "SSH command", "ssh"));
        }
    }
    add(&tr, Some(cell));
    Some(tr)
}

#[component]
pub fn Ports(instance: Memo<Instance>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let len = memo(move || instance.with(|i| i.port_mappings.len()));
    let draw: DrawRows = Arc::new(move |window, drawn| {
        instance.with(|i| {
            let shown = &i.port_mappings[window.start..window.end];
            let keys: Vec<_> = shown
                .iter()
                .enumerate()
                .map(|(k, p)| {
                    (
                        window.start + k,
                        fingerprint(&[&number(p), &p.endpoint, &p.kind]),
                    )
                })
                .collect();
            drawn.draw(window, &keys, &mut |k| {
                port_row(window.start + k, &shown[k])
            });
        })
    });
    let on_click: RowClick = Arc::new(move |pos, target| {
        let Some(button) = closest(&target, "button.copy") else {
            return;
        };
        let copied = instance.with_untracked(|i| {
            let port = i.port_mappings.get(pos)?;
            match button.get_attribute("data-copy").as_deref() {
                Some("ssh") => Some((ssh_line(port)?, "SSH command".to_string())),
                _ => Some((
                    port.endpoint.trim().to_string(),
                    format!("endpoint of port {}", number(port)),
                )),
            }
        });
        if let Some((text, what)) = copied {
            copy_text(state, text, what);
            flash_copied(&button);
        }
    });
    view! {
        <LongTable class="ports" headings=HEADINGS empty="No ports are mapped." len=len draw=draw on_click=on_click />
    }
}
