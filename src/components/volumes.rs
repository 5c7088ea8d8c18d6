//! Storage volumes: local disk or network (cloud) storage, size, cloud storage ID, mount path.

use instance_model::format::{gigabytes, or_dash};
use instance_model::VolumeMount;
use leptos::prelude::*;

fn kind_label(kind: &str) -> String {
    match kind.trim() {
        "local" => "Local".into(),
        "network" => "Network (cloud storage)".into(),
        "" => "—".into(),
        other => other.to_string(),
    }
}

#[component]
pub fn Volumes(volumes: Vec<VolumeMount>) -> impl IntoView {
    if volumes.is_empty() {
        return view! { <p class="empty">"No volumes are mounted."</p> }.into_any();
    }
    let rows = volumes
        .into_iter()
        .map(|v| {
            view! {
                <tr data-testid="volume-row">
                    <td>{kind_label(&v.kind)}</td>
                    <td class="num">{gigabytes(v.size)}</td>
                    <td><code class="wrap">{or_dash(&v.id).to_string()}</code></td>
                    <td><code class="wrap">{or_dash(&v.mount_path).to_string()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="volumes">
                <thead><tr><th scope="col">"Type"</th><th scope="col">"Size"</th><th scope="col">"Cloud storage ID"</th><th scope="col">"Mount path"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
