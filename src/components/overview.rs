//! The top of the instance view: name, ID, status, what went wrong, and the facts an
//! operator checks first (cluster, image, size, billing, expiry, storage, network, jobs).
//! Each fact is its own reactive text, so a refresh that changes one field changes only it.

use super::copy::CopyButton;
use super::status_badge::StatusBadge;
use instance_model::format::{self, describe_expiry, gigabytes, job_kind, keep_data_days, or_dash};
use instance_model::{Instance, StatusError};
use leptos::prelude::*;

fn jobs(i: &Instance) -> String {
    if i.jobs.is_empty() {
        return "None".to_string();
    }
    i.jobs
        .iter()
        .map(|j| match j.id.as_str() {
            "" => job_kind(&j.kind),
            id => format!("{} ({id})", job_kind(&j.kind)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn network(i: &Instance) -> String {
    i.network
        .as_ref()
        .filter(|n| !(n.id.is_empty() && n.ip.is_empty()))
        .map_or_else(
            || "—".into(),
            |n| format!("{} · {}", or_dash(&n.id), or_dash(&n.ip)),
        )
}

fn cluster(i: &Instance) -> String {
    match (i.cluster_name.trim(), i.cluster_id.trim()) {
        ("", id) => or_dash(id).to_string(),
        (name, "") => name.to_string(),
        (name, id) if name == id => name.to_string(),
        (name, id) => format!("{name} ({id})"),
    }
}

fn resources(i: &Instance) -> String {
    format!(
        "{} CPU · {} · {} GPU",
        or_dash(&i.cpu_num),
        format::memory(&i.memory),
        or_dash(&i.gpu_num)
    )
}

/// A value shown as code, or a plain dash when there is none.
///
/// The element is rebuilt only when the value becomes empty or stops being empty; a new value
/// changes only its text. (With erased views, rebuilding an element takes its attributes off
/// and puts them back: DOM writes for nothing on every refresh.)
#[component]
fn CodeOrDash(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let empty = Memo::new(move |_| text.with(|t| t.trim().is_empty()));
    move || {
        if empty.get() {
            view! { <span class="muted">"—"</span> }.into_any()
        } else {
            view! { <code class="wrap">{text}</code> }.into_any()
        }
    }
}

#[component]
pub fn Overview(instance: Memo<Instance>) -> impl IntoView {
    let field = move |f: fn(&Instance) -> String| Signal::derive(move || instance.with(f));
    let badge = Memo::new(move |_| instance.with(|i| (i.status.clone(), i.tone())));
    let status_error =
        Memo::new(move |_| instance.with(|i| i.status_error.clone().filter(|e| !e.is_empty())));
    let image = field(|i| i.image_url.trim().to_string());
    let has_image = Memo::new(move |_| instance.with(|i| !i.image_url.trim().is_empty()));
    let id = field(|i| i.id.clone());
    let now_secs = move || (js_sys::Date::now() / 1000.0) as i64;
    view! {
        <header class="overview">
            <div class="title-row">
                <h2 class="instance-name" data-testid="instance-name">{field(|i| i.display_name().to_string())}</h2>
                <div role="status" class="badge-region">
                    {move || { let (status, tone) = badge.get(); view! { <StatusBadge status tone /> } }}
                    // The Stop action belongs beside the idle flag once actions exist.
                    <super::metrics::IdleFlag />
                </div>
            </div>
            <p class="instance-id">"ID " <code>{id}</code> <CopyButton text=id what="instance ID" /></p>
            {move || status_error.get().map(|e: StatusError| view! {
                <div class="status-error" data-testid="status-error" role="alert">
                    <strong>{if e.state.trim().is_empty() { "Error".to_string() } else { e.state.clone() }}</strong>
                    {(!e.message.trim().is_empty()).then(|| view! { <span>": " {e.message.clone()}</span> })}
                </div>
            })}
            <dl class="facts">
                <div><dt>"Cluster"</dt><dd>{field(cluster)}</dd></div>
                <div class="wide">
                    <dt>"Image"</dt>
                    <dd>
                        <CodeOrDash text=image />
                        {move || has_image.get().then(|| view! { <CopyButton text=image what="image" /> })}
                    </dd>
                </div>
                <div class="wide"><dt>"Command"</dt><dd><CodeOrDash text=field(|i| i.command.clone()) /></dd></div>
                <div class="wide"><dt>"Entrypoint"</dt><dd><CodeOrDash text=field(|i| i.entrypoint.clone()) /></dd></div>
                <div><dt>"Resources"</dt><dd>{field(resources)}</dd></div>
                <div><dt>"Billing"</dt><dd>{field(|i| i.billing_mode.label())}</dd></div>
                <div><dt>"Expiry"</dt><dd>{move || instance.with(|i| describe_expiry(&i.end_time, now_secs()))}</dd></div>
                <div><dt>"Free storage"</dt><dd>{field(|i| gigabytes(i.free_storage_size))}</dd></div>
                <div><dt>"Data kept"</dt><dd>{field(|i| keep_data_days(i.keep_data_day))}</dd></div>
                <div><dt>"VPC network · IP"</dt><dd>{field(network)}</dd></div>
                <div><dt>"Root-fs limit"</dt><dd>{field(|i| gigabytes(i.max_rootfs_size()))}</dd></div>
                <div><dt>"Kind"</dt><dd>{field(|i| or_dash(&i.kind).to_string())}</dd></div>
                <div><dt>"Jobs running"</dt><dd>{field(jobs)}</dd></div>
            </dl>
        </header>
    }
}
