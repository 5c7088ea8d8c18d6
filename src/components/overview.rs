//! The top of the instance view: name, ID, status, what went wrong, and the facts an
//! operator checks first (cluster, image, size, billing, expiry, storage, network, jobs).

use super::copy::CopyButton;
use super::status_badge::StatusBadge;
use instance_model::format::{self, describe_expiry, gigabytes, job_kind, keep_data_days, or_dash};
use instance_model::Instance;
use leptos::prelude::*;

#[component]
pub fn Overview(instance: Instance) -> impl IntoView {
    let now_secs = (js_sys::Date::now() / 1000.0) as i64;
    let i = instance;
    let status_error = i
        .status_error
        .clone()
        .filter(|e| !e.is_empty())
        .map(|e| {
            view! {
                <div class="status-error" data-testid="status-error" role="alert">
                    <strong>{if e.state.trim().is_empty() { "Error".to_string() } else { e.state.clone() }}</strong>
                    {(!e.message.trim().is_empty()).then(|| view! { <span>": " {e.message.clone()}</span> })}
                </div>
            }
        });
    let image = i.image_url.clone();
    let jobs = if i.jobs.is_empty() {
        "None".to_string()
    } else {
        i.jobs
            .iter()
            .map(|j| {
                if j.id.is_empty() {
                    job_kind(&j.kind)
                } else {
                    format!("{} ({})", job_kind(&j.kind), j.id)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let network = i
        .network
        .as_ref()
        .filter(|n| !(n.id.is_empty() && n.ip.is_empty()))
        .map(|n| format!("{} · {}", or_dash(&n.id), or_dash(&n.ip)))
        .unwrap_or_else(|| "—".into());
    let cluster = match (i.cluster_name.trim(), i.cluster_id.trim()) {
        ("", id) => or_dash(id).to_string(),
        (name, "") => name.to_string(),
        (name, id) if name == id => name.to_string(),
        (name, id) => format!("{name} ({id})"),
    };
    let resources = format!(
        "{} CPU · {} · {} GPU",
        or_dash(&i.cpu_num),
        format::memory(&i.memory),
        or_dash(&i.gpu_num)
    );
    let id = i.id.clone();
    view! {
        <header class="overview">
            <div class="title-row">
                <h2 class="instance-name" data-testid="instance-name">{i.display_name().to_string()}</h2>
                <div role="status" class="badge-region">
                    <StatusBadge status=i.status.clone() tone=i.tone() />
                </div>
            </div>
            <p class="instance-id">
                "ID " <code>{id.clone()}</code> <CopyButton text=Signal::stored(id) what="instance ID" />
            </p>
            {status_error}
            <dl class="facts">
                <div><dt>"Cluster"</dt><dd>{cluster}</dd></div>
                <div class="wide">
                    <dt>"Image"</dt>
                    <dd>
                        <code class="wrap">{or_dash(&image).to_string()}</code>
                        {(!image.trim().is_empty()).then(|| view! { <CopyButton text=Signal::stored(image.clone()) what="image" /> })}
                    </dd>
                </div>
                <div class="wide"><dt>"Command"</dt><dd><code class="wrap">{or_dash(&i.command).to_string()}</code></dd></div>
                <div class="wide"><dt>"Entrypoint"</dt><dd><code class="wrap">{or_dash(&i.entrypoint).to_string()}</code></dd></div>
                <div><dt>"Resources"</dt><dd>{resources}</dd></div>
                <div><dt>"Billing"</dt><dd>{i.billing_mode.label()}</dd></div>
                <div><dt>"Expiry"</dt><dd>{describe_expiry(&i.end_time, now_secs)}</dd></div>
                <div><dt>"Free storage"</dt><dd>{gigabytes(i.free_storage_size)}</dd></div>
                <div><dt>"Data kept"</dt><dd>{keep_data_days(i.keep_data_day)}</dd></div>
                <div><dt>"VPC network · IP"</dt><dd>{network}</dd></div>
                <div><dt>"Root-fs limit"</dt><dd>{gigabytes(i.max_rootfs_size())}</dd></div>
                <div><dt>"Kind"</dt><dd>{or_dash(&i.kind).to_string()}</dd></div>
                <div><dt>"Jobs running"</dt><dd>{jobs}</dd></div>
            </dl>
        </header>
    }
}
