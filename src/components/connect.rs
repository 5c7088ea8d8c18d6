//! Ways in: Jupyter and the web terminal (one click each, or the reason they are not
//! available), the SSH command and password, and the log streams.

use super::copy::CopyButton;
use super::secret::Secret;
use instance_model::links::{launch, safe_http_url, Launch};
use instance_model::secrets::mask_credentials;
use instance_model::{Instance, Jupyter, LogStreams, Ssh, WebTerminal};
use leptos::prelude::*;

/// A launcher: an `<a>` opening a new tab when the address is a safe http(s) URL and the
/// component runs; the same `<a>`, inert, when it does not run; a disabled button when there
/// is no usable address. The reason is always shown in words.
#[component]
fn Launcher(
    testid: &'static str,
    label: &'static str,
    what: &'static str,
    address: String,
    running: bool,
) -> impl IntoView {
    let reason_id = format!("{testid}-reason");
    let state = launch(what, Some(&address), running);
    let running_attr = running.to_string();
    let control = match (&state, safe_http_url(&address)) {
        (Launch::Ready(url), _) => view! {
            <a class="button primary" data-testid=testid data-running=running_attr href=url.clone()
               target="_blank" rel="noopener noreferrer">
                {label}<span class="sr-only">" (opens in a new tab)"</span>
            </a>
        }
        .into_any(),
        (Launch::Unavailable(_), Some(_)) => view! {
            <a class="button disabled" data-testid=testid data-running=running_attr
               role="link" aria-disabled="true" aria-describedby=reason_id.clone()>
                {label}
            </a>
        }
        .into_any(),
        (Launch::Unavailable(_), None) => view! {
            <button type="button" class="button" data-testid=testid data-running=running_attr
                    disabled aria-describedby=reason_id.clone()>
                {label}
            </button>
        }
        .into_any(),
    };
    let reason = match state {
        // An address carrying its access (Jupyter's `?token=`) shows it masked, with the whole
        // address behind the browser's own disclosure; the link itself still works.
        Launch::Ready(url) => {
            let masked = mask_credentials(&url);
            let whole = (masked != url).then(|| {
                view! { <details class="reveal-address"><summary>"Show the whole address"</summary><code class="wrap">{url}</code></details> }
            });
            view! { <span class="hint" id=reason_id><code class="wrap">{masked}</code>{whole}</span> }
                .into_any()
        }
        Launch::Unavailable(why) => {
            view! { <span class="hint warn" id=reason_id>{why}</span> }.into_any()
        }
    };
    view! { <div class="launcher">{control}{reason}</div> }
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
