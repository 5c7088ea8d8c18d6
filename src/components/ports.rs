//! Ports: HTTP endpoints as links that open in a new tab, TCP endpoints as `host:port` with a
//! copy button (and the `ssh` line for port 22). Only http(s) URLs ever become links.
//! Rows are keyed by their content, so a refresh re-renders only rows that changed.

use super::copy::CopyButton;
use instance_model::links::{is_http_kind, safe_http_url, ssh_line_for};
use instance_model::PortMapping;
use leptos::prelude::*;

#[component]
pub fn Ports(ports: Memo<Vec<PortMapping>>) -> impl IntoView {
    let empty = Memo::new(move |_| ports.with(Vec::is_empty));
    view! {
        <Show when=move || !empty.get() fallback=|| view! { <p class="empty">"No ports are mapped."</p> }>
            <div class="table-wrap">
                <table class="ports">
                    <thead><tr><th scope="col">"Port"</th><th scope="col">"Type"</th><th scope="col">"Endpoint"</th></tr></thead>
                    <tbody>
                        <For
                            each=move || ports.get().into_iter().enumerate()
                            key=|(i, p)| (*i, p.port, p.endpoint.clone(), p.kind.clone())
                            children=|(_, port)| view! { <PortRow port=port /> }
                        />
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

#[component]
fn PortRow(port: PortMapping) -> impl IntoView {
    let number = port.port.map(|n| n.to_string()).unwrap_or_default();
    let endpoint = port.endpoint.trim().to_string();
    let link = safe_http_url(&endpoint)
        .filter(|_| is_http_kind(&port.kind) || port.kind.trim().is_empty())
        .map(str::to_string);
    let cell = match link {
        Some(href) => view! {
            <a data-testid="port-link" href=href.clone() target="_blank" rel="noopener noreferrer">
                {href.clone()}
                <span class="sr-only">" (opens in a new tab)"</span>
            </a>
        }
        .into_any(),
        None if endpoint.is_empty() => view! { <span class="muted">"—"</span> }.into_any(),
        None => {
            let ssh = (port.port == Some(22))
                .then(|| ssh_line_for(&endpoint))
                .flatten();
            view! {
                <span data-testid="port-endpoint" class="endpoint">
                    <code class="wrap">{endpoint.clone()}</code>
                    <CopyButton text=Signal::stored(endpoint.clone()) what=format!("endpoint of port {number}") />
                </span>
                {ssh.map(|line| view! {
                    <span class="ssh-line">
                        <code class="wrap">{line.clone()}</code>
                        <CopyButton text=Signal::stored(line) what="SSH command" />
                    </span>
                })}
            }
            .into_any()
        }
    };
    let kind = if port.kind.trim().is_empty() {
        "—".to_string()
    } else {
        port.kind.to_ascii_uppercase()
    };
    view! {
        <tr data-testid="port-row" data-port=number.clone()>
            <td class="num">{if number.is_empty() { "—".to_string() } else { number.clone() }}</td>
            <td>{kind}</td>
            <td>{cell}</td>
        </tr>
    }
}
