//! The instances List Instances answers with: which ones (a preset [`Fleet`]), and how an
//! instance looks in the list as opposed to Get.
//!
//! A fleet member is described by one record: the Get Instance object plus the five fields
//! only the list carries (`productId`, `productName`, `rootfsSize`, `spotStatus`,
//! `spotReclaimTime`). The server stores the Get part with every other instance, so Get
//! answers for the member and every change (a status script, an action, `set_status`,
//! `put_instance`) shows in both calls; the list-only part is kept beside it.

use serde_json::{json, Map, Value};

use crate::big::hex16;
use crate::metrics::Metrics;

/// `tests/fixtures/fleet.json`: the sixteen records of [`Fleet::Mixed`].
pub(crate) const MIXED: &str = include_str!("../../../tests/fixtures/fleet.json");

/// The largest [`Fleet::Generated`]: far beyond any page-size cap, still quick to build.
pub const MAX_GENERATED: usize = 10_000;

/// Fields only the list carries.
const LIST_ONLY: [&str; 5] = [
    "productId",
    "productName",
    "rootfsSize",
    "spotStatus",
    "spotReclaimTime",
];

/// Fields only Get carries.
const GET_ONLY: [&str; 7] = [
    "network",
    "node",
    "jobs",
    "connectComponentSSH",
    "connectComponentWebTerminal",
    "connectComponentJupyter",
    "connectComponentLog",
];

/// Which instances the list holds, in the order it returns them.
#[derive(Clone, Debug, PartialEq)]
pub enum Fleet {
    /// No instances at all.
    Empty,
    /// The first of [`Fleet::Mixed`]: `a1c4e7f0b3d62958`, running, busy.
    One,
    /// `tests/fixtures/fleet.json` (the default): sixteen instances in the states an operator
    /// meets, with their metrics cases. See the crate docs for the table.
    Mixed,
    /// N instances made up deterministically (at most [`MAX_GENERATED`]); see the crate docs.
    Generated(usize),
    /// These records, in this order: Get objects, optionally with the list-only fields.
    Custom(Vec<Value>),
}

/// What a preset puts in place: the records, and the metrics case of those members that are
/// not plain busy.
pub(crate) struct Members {
    pub(crate) records: Vec<Value>,
    pub(crate) metrics: Vec<(String, Metrics)>,
}

impl Fleet {
    /// # Panics
    /// When `fleet.json` is not an array (the crate's own tests catch that first), or a
    /// generated fleet is over [`MAX_GENERATED`]: both are mistakes to report at once.
    pub(crate) fn members(self) -> Members {
        match self {
            Fleet::Empty => Members {
                records: Vec::new(),
                metrics: Vec::new(),
            },
            Fleet::One => {
                let mut mixed = mixed();
                mixed.records.truncate(1);
                mixed.metrics.clear();
                mixed
            }
            Fleet::Mixed => mixed(),
            Fleet::Generated(count) => {
                assert!(
                    count <= MAX_GENERATED,
                    "Fleet::Generated({count}): at most {MAX_GENERATED} instances"
                );
                generated(count)
            }
            Fleet::Custom(records) => Members {
                records,
                metrics: Vec::new(),
            },
        }
    }
}

fn mixed() -> Members {
    let records = match serde_json::from_str::<Value>(MIXED) {
        Ok(Value::Array(records)) => records,
        _ => panic!("tests/fixtures/fleet.json must be a JSON array of instance records"),
    };
    // The running members that are not plain busy, so the fleet has something to flag.
    let metrics = [
        ("b2d5f8a1c4e73069", Metrics::Idle),
        ("c3e6a9b2d5f8417a", Metrics::EightGpusOneBusy),
        ("4b0e27dafd16c9f2", Metrics::Gaps),
        ("6d2049fc1f38eb14", Metrics::Garbage),
    ]
    .into_iter()
    .map(|(id, metrics)| (id.to_owned(), metrics))
    .collect();
    Members { records, metrics }
}

const PRODUCTS: [(&str, &str, u32); 4] = [
    ("RTX-4090-24GB", "NVIDIA GeForce RTX 4090 24GB", 1),
    ("A100-SXM4-80GB", "NVIDIA A100 80GB", 2),
    ("H100-SXM5-80GB", "NVIDIA H100 80GB HBM3", 8),
    ("L40S-48GB", "NVIDIA L40S 48GB", 1),
];
const CLUSTERS: [(&str, &str); 3] = [
    ("us-ca-1", "US-CA-1 (California)"),
    ("us-tx-2", "US-TX-2 (Dallas)"),
    ("eu-de-1", "EU-DE-1 (Frankfurt)"),
];

/// The status of generated instance `index`, out of every twenty: 13 running, 3 exited (one
/// with a `statusError`), one each pulling, starting, stopping, and one spot instance notified
/// of its reclaim.
fn generated_status(index: usize) -> (&'static str, bool) {
    match index % 20 {
        13 | 14 => ("exited", false),
        15 => ("exited", true),
        16 => ("pulling", false),
        17 => ("starting", false),
        18 => ("stopping", false),
        _ => ("running", false),
    }
}

fn generated(count: usize) -> Members {
    let mut records = Vec::with_capacity(count);
    let mut metrics = Vec::new();
    for index in 0..count {
        let id = hex16(index as u64 ^ 0xf1ee_7000);
        let (product_id, product, gpus) = PRODUCTS[index % PRODUCTS.len()];
        let (cluster_id, cluster) = CLUSTERS[index / 7 % CLUSTERS.len()];
        let (status, with_error) = generated_status(index);
        let spot = index % 20 == 19;
        let running = status == "running";
        let port = 30_000 + index;
        records.push(json!({
            "id": id,
            "name": format!("job-{index:04}-{}", product_id.to_ascii_lowercase()),
            "clusterId": cluster_id,
            "clusterName": cluster,
            "imageUrl": format!("ghcr.io/example/worker:{}", index % 12),
            "imageAuthId": "",
            "command": "",
            "entrypoint": "",
            "cpuNum": (gpus * 16).to_string(),
            "memory": (gpus * 64).to_string(),
            "gpuNum": gpus.to_string(),
            "status": status,
            "statusError": with_error.then(|| json!({
                "state": "startFailed",
                "message": format!("container exited with code {}", 1 + index % 125),
            })),
            "network": { "id": "", "ip": "" },
            "portMappings": [
                { "port": 8888, "endpoint": format!("https://{id}-8888.{cluster_id}.gpu-instance.novita.ai"), "type": "http" },
                { "port": 22, "endpoint": format!("proxy.{cluster_id}.gpu-instance.novita.ai:{port}"), "type": "tcp" },
            ],
            "volumeMounts": [ { "type": "local", "size": 60, "id": "", "mountPath": "/workspace" } ],
            "node": [ { "maxRootfsSize": 120 } ],
            "jobs": [],
            "envs": [],
            "connectComponentSSH": { "sshCommand": format!("ssh -p {port} root@proxy.{cluster_id}.gpu-instance.novita.ai"), "password": "", "isRunning": running },
            "connectComponentWebTerminal": { "address": "", "username": "root", "password": "", "isRunning": false },
            "connectComponentJupyter": { "port": 8888, "address": format!("https://{id}-8888.{cluster_id}.gpu-instance.novita.ai"), "isRunning": running },
            "connectComponentLog": { "systemLogAddress": "", "instanceLogAddress": "", "isRunning": false },
            "kind": "gpu",
            "billingMode": if spot { "spot" } else { "onDemand" },
            "endTime": "-1",
            "freeStorageSize": 30,
            "keepDataDay": 7,
            "productId": product_id,
            "productName": product,
            "rootfsSize": 60,
            "spotStatus": if spot { "notified" } else { "" },
            "spotReclaimTime": if spot { "1767225600" } else { "0" },
        }));
        // One running instance in ten sits idle, so the idle filter has something to count.
        if running && index % 10 == 1 {
            metrics.push((id, Metrics::Idle));
        }
    }
    Members { records, metrics }
}

/// A record split into what Get answers and what only the list adds.
pub(crate) fn split(mut record: Value) -> (Value, Map<String, Value>) {
    let mut list_only = Map::new();
    if let Some(object) = record.as_object_mut() {
        for field in LIST_ONLY {
            if let Some(value) = object.remove(field) {
                list_only.insert(field.to_owned(), value);
            }
        }
    }
    (record, list_only)
}

/// The list's view of a stored instance: Get's fields but the Get-only ones, volume sizes as
/// strings, and the list-only fields (the stored instance's own win, so a test can change
/// them with `put_instance`; missing ones get the values the API uses for "none").
pub(crate) fn list_item(mut instance: Value, list_only: Option<&Map<String, Value>>) -> Value {
    let Some(object) = instance.as_object_mut() else {
        return instance;
    };
    for field in GET_ONLY {
        object.remove(field);
    }
    if let Some(Value::Array(volumes)) = object.get_mut("volumeMounts") {
        for volume in volumes.iter_mut() {
            if let Some(size @ Value::Number(_)) = volume.get_mut("size") {
                *size = Value::String(size.to_string());
            }
        }
    }
    let defaults = [
        ("productId", json!("")),
        ("productName", json!("")),
        ("rootfsSize", json!(0)),
        ("spotStatus", json!("")),
        ("spotReclaimTime", json!("0")),
    ];
    for (field, default) in defaults {
        if object.contains_key(field) {
            continue;
        }
        let value = list_only
            .and_then(|extra| extra.get(field).cloned())
            .unwrap_or(default);
        object.insert(field.to_owned(), value);
    }
    instance
}
