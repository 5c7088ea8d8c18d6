//! The top of the instance view: name, ID, status, what went wrong, and the facts an
//! operator checks first (cluster, image, size, billing, expiry, storage, network, jobs).
//!
//! Drawn by hand: its fixed markup goes in once, and one effect writes each fact's text when
//! the instance changes, only where it differs, so a refresh that changes one field changes
//! only it, and an unchanged one nothing. The badge and the error are drawn again only when
//! they change. As a reactive view, with a closure or derived signal per fact, it cost the wasm
//! more (README, Size). Text from the API only ever goes in as text.

use super::copy::{copy_text, flash_copied};
use super::long_table::closest;
use super::metrics::IdleFlag;
use super::status_badge::badge_element;
use super::{mount_under, Mounted};
use crate::browser::dom::{add, find, set_text};
use crate::components::click;
use crate::reactive::effect;
use crate::state::AppState;
use instance_model::format::{self, describe_expiry, gigabytes, job_kind, keep_data_days, or_dash};
use instance_model::{Instance, Status, Tone};
use leptos::prelude::*;
use web_sys::Element;

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

/// The overview's fixed parts. The facts are the `dd`s of its list, in this order: cluster,
/// image, command, entrypoint, then [`TEXT_FACTS`].
const MARKUP: &str = concat!(
    r#"<div class="title-row"><h2 class="instance-name" data-testid="instance-name"></h2>"#,
    r#"<div role="status" class="badge-region"></div></div>"#,
    r#"<p class="instance-id">ID <code></code><button type="button" class="copy" "#,
    r#"title="Copy instance ID" aria-label="Copy instance ID">Copy</button></p>"#,
    r#"<dl class="facts"><div><dt>Cluster</dt><dd></dd></div>"#,
    r#"<div class="wide"><dt>Image</dt><dd></dd></div>"#,
    r#"<div class="wide"><dt>Command</dt><dd></dd></div>"#,
    r#"<div class="wide"><dt>Entrypoint</dt><dd></dd></div>"#,
    r#"<div><dt>Resources</dt><dd></dd></div><div><dt>Billing</dt><dd></dd></div>"#,
    r#"<div><dt>Expiry</dt><dd></dd></div><div><dt>Free storage</dt><dd></dd></div>"#,
    r#"<div><dt>Data kept</dt><dd></dd></div><div><dt>VPC network · IP</dt><dd></dd></div>"#,
    r#"<div><dt>Root-fs limit</dt><dd></dd></div><div><dt>Kind</dt><dd></dd></div>"#,
    r#"<div><dt>Jobs running</dt><dd></dd></div></dl>"#,
);

/// The plain-text facts after entrypoint, in the markup's order.
const TEXT_FACTS: [fn(&Instance) -> String; 9] = [
    resources,
    |i| i.billing_mode.label(),
    |i| describe_expiry(&i.end_time, (js_sys::Date::now() / 1000.0) as i64),
    |i| gigabytes(i.free_storage_size),
    |i| keep_data_days(i.keep_data_day),
    network,
    |i| gigabytes(i.max_rootfs_size()),
    |i| or_dash(&i.kind).to_string(),
    jobs,
];

/// What the overview has drawn, to change only what differs.
struct Drawn {
    name: Element,
    badges: Element,
    badge: Option<(Status, Tone, Element)>,
    id: Element,
    facts: Element,
    /// The cluster, then [`TEXT_FACTS`]' elements.
    texts: Vec<Element>,
    /// Image, command, entrypoint: each a `<code>` or a dash.
    codes: [Element; 3],
    image_copy: Option<Element>,
    error: Option<((String, String), Element)>,
    /// The idle flag, a view of its own beside the badge.
    _idle: Mounted,
}

impl Drawn {
    fn new(root: &Element, owner: &Owner) -> Drawn {
        root.set_class_name("overview");
        root.set_inner_html(MARKUP);
        let dd = |n: usize| find(root, &format!("dl > div:nth-child({}) > dd", n + 1));
        let badges = find(root, ".badge-region");
        let idle = untrack(|| mount_under(owner, &badges, || view! { <IdleFlag /> }));
        Drawn {
            name: find(root, "h2"),
            badges,
            badge: None,
            id: find(root, ".instance-id code"),
            facts: find(root, "dl"),
            texts: std::iter::once(0).chain(4..13).map(dd).collect(),
            codes: [dd(1), dd(2), dd(3)],
            image_copy: None,
            error: None,
            _idle: idle,
        }
    }

    fn show(&mut self, i: &Instance) {
        set_text(&self.name, i.display_name());
        let (status, tone) = (i.status.clone(), i.tone());
        if self
            .badge
            .as_ref()
            .is_none_or(|(s, t, _)| *s != status || *t != tone)
        {
            if let Some((_, _, old)) = self.badge.take() {
                old.remove();
            }
            if let Some(badge) = badge_element(&status, tone) {
                let _ = self
                    .badges
                    .insert_before(&badge, self.badges.first_child().as_ref());
                self.badge = Some((status, tone, badge));
            }
        }
        set_text(&self.id, &i.id);
        self.show_error(i);
        set_text(&self.texts[0], &cluster(i));
        for (el, fact) in self.texts[1..].iter().zip(TEXT_FACTS) {
            set_text(el, &fact(i));
        }
        let image = i.image_url.trim();
        for (dd, text) in self.codes.iter().zip([image, &i.command, &i.entrypoint]) {
            code_or_dash(dd, text);
        }
        match (image.is_empty(), &self.image_copy) {
            (false, None) => {
                let attrs = [
                    ("type", "button"),
                    ("title", "Copy image"),
                    ("aria-label", "Copy image"),
                ];
                self.image_copy = Some(add(&self.codes[0], "button", &attrs, "Copy"));
                if let Some(b) = &self.image_copy {
                    b.set_class_name("copy");
                }
            }
            (true, Some(button)) => {
                button.remove();
                self.image_copy = None;
            }
            _ => {}
        }
    }

    /// What went wrong, in words: drawn again only when it changes.
    fn show_error(&mut self, i: &Instance) {
        let error = i
            .status_error
            .as_ref()
            .filter(|e| !e.is_empty())
            .map(|e| (e.state.trim().to_string(), e.message.trim().to_string()));
        if self.error.as_ref().map(|(e, _)| e) == error.as_ref() {
            return;
        }
        if let Some((_, old)) = self.error.take() {
            old.remove();
        }
        if let Some((state, message)) = error {
            let attrs = [("data-testid", "status-error"), ("role", "alert")];
            let Ok(div) = document().create_element("div") else {
                return;
            };
            div.set_class_name("status-error");
            for (name, value) in attrs {
                let _ = div.set_attribute(name, value);
            }
            add(
                &div,
                "strong",
                &[],
                if state.is_empty() { "Error" } else { &state },
            );
            if !message.is_empty() {
                add(&div, "span", &[], &format!(": {message}"));
            }
            let _ = self
                .facts
                .parent_node()
                .map(|p| p.insert_before(&div, Some(&self.facts)));
            self.error = Some(((state, message), div));
        }
    }
}

/// A value as `<code>`, or a plain dash when there is none. The element is replaced only when
/// the value becomes empty or stops being empty; a new value changes only its text.
fn code_or_dash(dd: &Element, text: &str) {
    let text = text.trim();
    let wanted = if text.is_empty() { "SPAN" } else { "CODE" };
    let shown = dd.first_element_child();
    let el = match shown.filter(|e| e.tag_name() == wanted) {
        Some(el) => el,
        None => {
            if let Some(old) = dd
                .first_element_child()
                .filter(|e| e.tag_name() != "BUTTON")
            {
                old.remove();
            }
            let (tag, class) = if text.is_empty() {
                ("span", "muted")
            } else {
                ("code", "wrap")
            };
            let Ok(el) = document().create_element(tag) else {
                return;
            };
            el.set_class_name(class);
            let _ = dd.insert_before(&el, dd.first_child().as_ref());
            el
        }
    };
    set_text(&el, if text.is_empty() { "—" } else { text });
}

#[component]
pub fn Overview(instance: Memo<Instance>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let root = NodeRef::<leptos::html::Header>::new();
    // The idle flag's view lives under this component's owner, not the effect's.
    let owner = Owner::current().unwrap_or_default();
    let drawn = StoredValue::new_local(None::<Drawn>);
    on_cleanup(move || drawn.set_value(None));
    effect(move || {
        let Some(root) = root.get() else { return };
        instance.with(|i| {
            drawn.update_value(|d| d.get_or_insert_with(|| Drawn::new(&root, &owner)).show(i))
        });
    });
    // The two copy buttons: the instance's ID, and its image.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into(t).ok())
        else {
            return;
        };
        let Some(button) = closest(&target, "button.copy") else {
            return;
        };
        let is_id = closest(&button, ".instance-id").is_some();
        let text = instance.with_untracked(|i| {
            if is_id {
                i.id.clone()
            } else {
                i.image_url.trim().to_string()
            }
        });
        copy_text(
            state,
            text,
            if is_id { "instance ID" } else { "image" }.to_string(),
        );
        flash_copied(&button);
    };
    view! { <header node_ref=root on:click={click(on_click)}></header> }
}
