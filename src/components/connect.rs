//! Ways in: Jupyter and the web terminal (one click each, or the reason they are not
//! available), the SSH command and password, and the log streams.
//!
//! Drawn by hand, and drawn again only when the connection details change (not on every
//! refresh); one click handler serves its secrets and copy buttons. As a reactive view it cost
//! the wasm more (README, Size). Text from the API only ever goes in as text, and only a safe
//! http(s) address becomes a link.

use super::copy::{copy_button, copy_text, flash_copied};
use super::long_table::{add, closest, el, set};
use super::secret::{secret, toggle};
use crate::browser::dom::clicked_button;
use crate::components::click;
use crate::reactive::{effect, memo};
use crate::state::AppState;
use instance_model::format::or_dash;
use instance_model::links::{launch, safe_http_url, Launch};
use instance_model::secrets::mask_credentials;
use instance_model::{Instance, Jupyter, LogStreams, Ssh, WebTerminal};
use leptos::prelude::*;
use web_sys::Element;

/// What Connect shows, drawn again when it changes.
type Parts = (Jupyter, WebTerminal, Ssh, LogStreams);

/// Says, after a link's words and for screen readers only, that it opens a new tab.
fn new_tab_note(link: &Element) {
    add(link, el("span", "sr-only", " (opens in a new tab)"));
}

/// A launcher: an `<a>` opening a new tab when the address is a safe http(s) URL and the
/// component runs; otherwise the same `<a>`, inert (no `href`, `aria-disabled`). The reason is
/// always shown in words.
fn launcher(
    testid: &str,
    label: &str,
    what: &str,
    address: &str,
    running: bool,
) -> Option<Element> {
    let reason_id = format!("{testid}-reason");
    let (url, why) = match launch(what, Some(address), running) {
        Launch::Ready(url) => (Some(url.to_string()), None),
        Launch::Unavailable(why) => (None, Some(why)),
    };
    let ready = url.is_some();
    let div = el("div", "launcher", "")?;
    let a = el(
        "a",
        if ready {
            "button primary"
        } else {
            "button disabled"
        },
        label,
    )?;
    set(&a, "data-testid", testid);
    set(&a, "data-running", if running { "true" } else { "false" });
    set(&a, "aria-describedby", &reason_id);
    let reason = el("span", if ready { "hint" } else { "hint warn" }, "")?;
    set(&reason, "id", &reason_id);
    if let Some(url) = &url {
        set(&a, "href", url);
        set(&a, "target", "_blank");
        set(&a, "rel", "noopener noreferrer");
        new_tab_note(&a);
        // An address carrying its access (Jupyter's `?token=`) shows it masked, with the whole
        // address behind the browser's own disclosure; the link itself still works.
        let masked = mask_credentials(url);
        add(&reason, el("code", "wrap", &masked));
        if masked != *url {
            let details = el("details", "reveal-address", "")?;
            add(&details, el("summary", "", "Show the whole address"));
            add(&details, el("code", "wrap", url));
            add(&reason, Some(details));
        }
    } else {
        set(&a, "role", "link");
        set(&a, "aria-disabled", "true");
    }
    if let Some(why) = why {
        let _ = reason.append_with_str_1(&why);
    }
    add(&div, Some(a));
    add(&div, Some(reason));
    Some(div)
}

/// One fact of the list: `<div><dt>{term}</dt><dd>{value}</dd></div>`.
fn fact(list: &Element, term: &str, wide: bool, value: Option<Element>) {
    let Some(div) = el("div", if wide { "wide" } else { "" }, "") else {
        return;
    };
    add(&div, el("dt", "", term));
    if let Some(dd) = el("dd", "", "") {
        add(&dd, value);
        add(&div, Some(dd));
    }
    add(list, Some(div));
}

fn ssh_block(ssh: &Ssh) -> Option<Element> {
    let command = ssh.ssh_command.trim();
    if command.is_empty() {
        let p = el("p", "muted", "No SSH command: the API did not provide one.")?;
        set(&p, "data-testid", "ssh-command");
        return Some(p);
    }
    let div = el("div", "ssh", "")?;
    set(&div, "data-testid", "ssh-command");
    add(&div, el("code", "wrap", command));
    add(&div, copy_button("SSH command"));
    if !ssh.is_running {
        add(
            &div,
            el("span", "hint warn", "SSH login is not active right now."),
        );
    }
    Some(div)
}

fn log_link(label: &str, address: &str) -> Option<Element> {
    match safe_http_url(address) {
        Some(url) => {
            let li = el("li", "", "")?;
            let a = el("a", "", label)?;
            set(&a, "href", url);
            set(&a, "target", "_blank");
            set(&a, "rel", "noopener noreferrer");
            new_tab_note(&a);
            add(&li, Some(a));
            Some(li)
        }
        None if address.trim().is_empty() => el("li", "muted", &format!("{label}: not provided")),
        None => {
            let li = el("li", "", &format!("{label}: "))?;
            add(&li, el("code", "wrap", address));
            Some(li)
        }
    }
}

/// Draws Connect for `parts` into `root`, in place of what was there.
fn draw(root: &Element, (jupyter, terminal, ssh, logs): &Parts) {
    root.set_text_content(None);
    if let Some(launchers) = el("div", "launchers", "") {
        add(
            &launchers,
            launcher(
                "launch-jupyter",
                "Open Jupyter",
                "Jupyter",
                &jupyter.address,
                jupyter.is_running,
            ),
        );
        add(
            &launchers,
            launcher(
                "launch-terminal",
                "Open web terminal",
                "web terminal",
                &terminal.address,
                terminal.is_running,
            ),
        );
        add(root, Some(launchers));
    }
    let Some(list) = el("dl", "facts", "") else {
        return;
    };
    fact(
        &list,
        "Web terminal user",
        false,
        el("code", "", or_dash(&terminal.username)),
    );
    fact(
        &list,
        "Web terminal password",
        false,
        secret(&terminal.password, "web terminal password"),
    );
    fact(&list, "SSH", true, ssh_block(ssh));
    fact(
        &list,
        "SSH password",
        false,
        secret(&ssh.password, "SSH password"),
    );
    let links = el("ul", "log-links", "");
    if let Some(links) = &links {
        add(
            links,
            log_link("System log stream", &logs.system_log_address),
        );
        add(
            links,
            log_link("Instance log stream", &logs.instance_log_address),
        );
    }
    fact(&list, "Logs", true, links);
    add(root, Some(list));
}

#[component]
pub fn Connect(instance: Memo<Instance>) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Drawn again only when the connection details change, not on every refresh.
    let parts = memo(move || {
        instance.with(|i| {
            (
                i.jupyter.clone().unwrap_or_default(),
                i.web_terminal.clone().unwrap_or_default(),
                i.ssh.clone().unwrap_or_default(),
                i.logs.clone().unwrap_or_default(),
            )
        })
    });
    let root = NodeRef::<leptos::html::Div>::new();
    effect(move || {
        if let Some(root) = root.get() {
            parts.with(|p| draw(&root, p));
        }
    });
    // The secrets' Show buttons and the copy buttons: which one, by the fact it sits in.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = clicked_button(&ev) else {
            return;
        };
        let term = closest(&button, "dl > div")
            .and_then(|d| d.query_selector("dt").ok().flatten())
            .and_then(|dt| dt.text_content())
            .unwrap_or_default();
        let copied = parts.with_untracked(|(_, terminal, ssh, _)| match term.as_str() {
            "Web terminal password" => Some((terminal.password.clone(), "web terminal password")),
            "SSH password" => Some((ssh.password.clone(), "SSH password")),
            "SSH" => Some((ssh.ssh_command.trim().to_string(), "SSH command")),
            _ => None,
        });
        let Some((text, what)) = copied else { return };
        if button.class_list().contains("reveal") {
            toggle(&button, &text);
        } else if button.class_list().contains("copy") {
            copy_text(state, text, what.to_string());
            flash_copied(&button);
        }
    };
    view! { <div class="connect" node_ref=root on:click={click(on_click)}></div> }
}
