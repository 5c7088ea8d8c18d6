//! Ways in: Jupyter and the web terminal (one click each, or the reason they are not
//! available), the SSH command and password, and the log streams.

use super::copy::CopyButton;
use super::secret::Secret;
use instance_model::links::{launch, safe_http_url, Launch};
use instance_model::secrets::mask_credentials;
use instance_model::{Instance, Jupyter, LogStreams, Ssh, WebTerminal};
use leptos::prelude::*;

/// A launcher: an `<a>` opening a new tab when the address is a safe http(s) URL and the
/// component runs; otherwise the same `<a>`, inert (no `href`, `aria-disabled`). The reason is
/// always shown in words. One element in every case keeps the wasm small.
#[component]
fn Launcher(
    testid: &'static str,
    label: &'static str,
    what: &'static str,
    address: String,
    running: bool,
) -> impl IntoView {
    let reason_id = format!("{testid}-reason");
    let (url, why) = match launch(what, Some(&address), running) {
        Launch::Ready(url) => (Some(url.to_string()), None),
        Launch::Unavailable(why) => (None, Some(why)),
    };
    let ready = url.is_some();
    // An address carrying its access (Jupyter's `?token=`) shows it masked, with the whole
    // address behind the browser's own disclosure; the link itself still works.
    let masked = url.as_deref().map(mask_credentials);
    let whole = url
        .clone()
        .filter(|u| masked.as_deref() != Some(u.as_str()));
    view! {
        <div class="launcher">
            <a class=if ready { "button primary" } else { "button disabled" } data-testid=testid
                data-running=running.to_string() href=url
                target=ready.then_some("_blank") rel=ready.then_some("noopener noreferrer")
                role=(!ready).then_some("link") aria-disabled=(!ready).then_some("true")
                aria-describedby=reason_id.clone()>
                {label}{ready.then_some(view! { <span class="sr-only">" (opens in a new tab)"</span> })}
            </a>
            <span class=if ready { "hint" } else { "hint warn" } id=reason_id>
                {masked.map(|m| view! { <code class="wrap">{m}</code> })}
                {whole.map(|u| view! {
                    <details class="reveal-address"><summary>"Show the whole address"</summary><code class="wrap">{u}</code></details>
                })}
                {why}
            </span>
        </div>
    }
}

#[component]
pub fn Connect(instance: Memo<Instance>) -> impl IntoView {
    // Re-rendered only when the connection details change, not on every refresh.
    let parts = Memo::new(move |_| {
        instance.with(|i| {
            (
                i.jupyter.clone().unwrap_or_default(),
                i.web_terminal.clone().unwrap_or_default(),
                i.ssh.clone().unwrap_or_default(),
                i.logs.clone().unwrap_or_default(),
            )
        })
    });
    move || {
        let (jupyter, terminal, ssh, logs) = parts.get();
        connect_view(jupyter, terminal, ssh, logs)
    }
}

fn connect_view(
    jupyter: Jupyter,
    terminal: WebTerminal,
    ssh: Ssh,
    logs: LogStreams,
) -> impl IntoView {
    let ssh_command = ssh.ssh_command.trim().to_string();
    let ssh_block = if ssh_command.is_empty() {
        view! { <p class="muted" data-testid="ssh-command">"No SSH command: the API did not provide one."</p> }.into_any()
    } else {
        view! {
            <div class="ssh" data-testid="ssh-command">
                <code class="wrap">{ssh_command.clone()}</code>
                <CopyButton text=Signal::stored(ssh_command) what="SSH command" />
                {(!ssh.is_running).then(|| view! { <span class="hint warn">"SSH login is not active right now."</span> })}
            </div>
        }
        .into_any()
    };
    let log_link = |label: &'static str, address: String| {
        match safe_http_url(&address) {
        Some(url) => view! {
            <li><a href=url.to_string() target="_blank" rel="noopener noreferrer">{label}<span class="sr-only">" (opens in a new tab)"</span></a></li>
        }
        .into_any(),
        None if address.trim().is_empty() => view! { <li class="muted">{label}": not provided"</li> }.into_any(),
        None => view! { <li>{label}": "<code class="wrap">{address}</code></li> }.into_any(),
    }
    };
    view! {
        <div class="connect">
            <div class="launchers">
                <Launcher testid="launch-jupyter" label="Open Jupyter" what="Jupyter"
                    address=jupyter.address.clone() running=jupyter.is_running />
                <Launcher testid="launch-terminal" label="Open web terminal" what="web terminal"
                    address=terminal.address.clone() running=terminal.is_running />
            </div>
            <dl class="facts">
                <div><dt>"Web terminal user"</dt><dd><code>{instance_model::format::or_dash(&terminal.username).to_string()}</code></dd></div>
                <div><dt>"Web terminal password"</dt><dd><Secret value=terminal.password.clone() what="web terminal password" /></dd></div>
                <div class="wide"><dt>"SSH"</dt><dd>{ssh_block}</dd></div>
                <div><dt>"SSH password"</dt><dd><Secret value=ssh.password.clone() what="SSH password" /></dd></div>
                <div class="wide">
                    <dt>"Logs"</dt>
                    <dd>
                        <ul class="log-links">
                            {log_link("System log stream", logs.system_log_address.clone())}
                            {log_link("Instance log stream", logs.instance_log_address.clone())}
                        </ul>
                    </dd>
                </div>
            </dl>
        </div>
    }
}
