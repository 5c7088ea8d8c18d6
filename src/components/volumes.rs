//! Storage volumes: local disk or network (cloud) storage, size, cloud storage ID, mount path.
//! A long table (`long_table.rs`), like the ports.

use super::long_table::{add, el, fingerprint, row, DrawRows, LongTable, RowClick};
use crate::reactive::memo;
use instance_model::format::{gigabytes, or_dash};
use instance_model::{Instance, VolumeMount};
use leptos::prelude::*;
use std::sync::Arc;
use web_sys::Element;

const HEADINGS: &[&str] = &["Type", "Size", "Cloud storage ID", "Mount path"];

fn kind_label(kind: &str) -> &str {
    match kind.trim() {
        "local" => "Local",
        "network" => "Network (cloud storage)",
        "" => "—",
        other => other,
    }
}

fn code_cell(text: &str) -> Option<Element> {
    let td = el("td", "", "")?;
    add(&td, el("code", "wrap", or_dash(text)));
    Some(td)
}

fn volume_row(pos: usize, v: &VolumeMount, size: &str) -> Option<Element> {
    let tr = row(pos, "volume-row")?;
    add(&tr, el("td", "", kind_label(&v.kind)));
    add(&tr, el("td", "num", size));
    add(&tr, code_cell(&v.id));
    add(&tr, code_cell(&v.mount_path));
    Some(tr)
}

#[component]
pub fn Volumes(instance: Memo<Instance>) -> impl IntoView {
    let len = memo(move || instance.with(|i| i.volume_mounts.len()));
    let draw: DrawRows = Arc::new(move |window, drawn| {
        instance.with(|i| {
            let shown = &i.volume_mounts[window.start..window.end];
            let sizes: Vec<String> = shown.iter().map(|v| gigabytes(v.size)).collect();
            let keys: Vec<_> = shown
                .iter()
                .zip(&sizes)
                .enumerate()
                .map(|(k, (v, size))| {
                    (
                        window.start + k,
                        fingerprint(&[&v.kind, size, &v.id, &v.mount_path]),
                    )
                })
                .collect();
            drawn.draw(window, &keys, &mut |k| {
                volume_row(window.start + k, &shown[k], &sizes[k])
            });
        })
    });
    let on_click: RowClick = Arc::new(|_, _| {});
    view! {
        <LongTable class="volumes" headings=HEADINGS empty="No volumes are mounted." len=len draw=draw on_click=on_click />
    }
}
