//! Environment variables; values whose key looks secret, or that hold credentials (a URL with
//! a password in it), are masked until revealed.

use super::secret::Secret;
use instance_model::instance::EnvVar;
use instance_model::secrets::is_secret_env;
use leptos::prelude::*;

#[component]
pub fn Envs(envs: Memo<Vec<EnvVar>>) -> impl IntoView {
    let empty = Memo::new(move |_| envs.with(Vec::is_empty));
    view! {
        <Show when=move || !empty.get() fallback=|| view! { <p class="empty">"No environment variables are set."</p> }>
            <div class="table-wrap">
                <table class="envs">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th></tr></thead>
                    <tbody>
                        <For
                            each=move || envs.get().into_iter().enumerate()
                            key=|(i, e)| (*i, e.key.clone(), e.value.clone())
                            children=|(_, e)| {
                                let secret = is_secret_env(&e.key, &e.value);
                                let value = if secret {
                                    view! { <Secret value=e.value.clone() what=format!("value of {}", e.key) /> }.into_any()
                                } else {
                                    view! { <code class="wrap">{e.value.clone()}</code> }.into_any()
                                };
                                view! {
                                    <tr data-testid="env-row" data-secret=secret.to_string()>
                                        <th scope="row"><code class="wrap">{e.key.clone()}</code></th>
                                        <td>{value}</td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </div>
        </Show>
    }
}
