//! Environment variables; values whose key looks secret are masked until revealed.

use super::secret::Secret;
use instance_model::instance::EnvVar;
use instance_model::secrets::is_secret_key;
use leptos::prelude::*;

#[component]
pub fn Envs(envs: Vec<EnvVar>) -> impl IntoView {
    if envs.is_empty() {
        return view! { <p class="empty">"No environment variables are set."</p> }.into_any();
    }
    let rows = envs
        .into_iter()
        .map(|e| {
            let secret = is_secret_key(&e.key);
            let value = if secret {
                view! { <Secret value=e.value.clone() what=format!("value of {}", e.key) /> }
                    .into_any()
            } else {
                view! { <code class="wrap">{e.value.clone()}</code> }.into_any()
            };
            view! {
                <tr data-testid="env-row" data-secret=secret.to_string()>
                    <th scope="row"><code class="wrap">{e.key.clone()}</code></th>
                    <td>{value}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="envs">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
