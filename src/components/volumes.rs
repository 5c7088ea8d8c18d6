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
pub fn Volumes(volumes: Memo<Vec<VolumeMount>>) -> impl IntoView {
    let empty = Memo::new(move |_| volumes.with(Vec::is_empty));
    view! {
        <Show when=move || !empty.get() fallback=|| view! { <p class="empty">"No volumes are mounted."</p> }>
            <div class="table-wrap">
                <table class="volumes">
                    <thead><tr><th scope="col">"Type"</th><th scope="col">"Size"</th><th scope="col">"Cloud storage ID"</th><th scope="col">"Mount path"</th></tr></thead>
                    <tbody>
                        <For
                            each=move || volumes.get().into_iter().enumerate()
                            key=|(i, v)| (*i, v.kind.clone(), v.size.map(f64::to_bits), v.id.clone(), v.mount_path.clone())
                            children=|(_, v)| view! {
                                <tr data-testid="volume-row">
                                    <td>{kind_label(&v.kind)}</td>
                                    <td class="num">{gigabytes(v.size)}</td>
                                    <td><code class="wrap">{or_dash(&v.id).to_string()}</code></td>
                                    <td><code class="wrap">{or_dash(&v.mount_path).to_string()}</code></td>
                                </tr>
                            }
                        />
                    </tbody>
                </table>
            </div>
        </Show>
    }
}
