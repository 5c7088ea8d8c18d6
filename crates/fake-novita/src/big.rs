//! `big-N`: a running instance with N ports, volumes and envs, to see how the app copes with
//! far more rows than anyone would click through.

use serde_json::{json, Value};

use crate::fixtures::FULL;

pub(crate) const MAX_ROWS: usize = 5000;

/// The instance text for `big-N`, or None when the id is not one (or N is over the limit).
pub(crate) fn instance(id: &str) -> Option<String> {
    let rows = rows_in(id)?;
    let mut instance: Value = serde_json::from_str(FULL).ok()?;
    let host = hex16(rows as u64);
    instance["id"] = Value::String(id.to_owned());
    instance["name"] = Value::String(format!("many-ports-{rows}"));
    instance["portMappings"] = (0..rows).map(|row| port(&host, row)).collect();
    instance["volumeMounts"] = (0..rows).map(|row| volume(&host, row)).collect();
    instance["envs"] = (0..rows).map(env).collect();
    Some(instance.to_string())
}

/// Only the canonical spelling counts, so `big-007` or `big-+7` stay unknown ids.
fn rows_in(id: &str) -> Option<usize> {
    let digits = id.strip_prefix("big-")?;
    let rows: usize = digits.parse().ok()?;
    (rows <= MAX_ROWS && rows.to_string() == digits).then_some(rows)
}

fn port(host: &str, row: usize) -> Value {
    let port = 1000 + row;
    // Two HTTP services for every TCP one, as on real instances where SSH is the TCP one.
    if row % 3 == 2 {
        json!({
            "port": port,
            "endpoint": format!("proxy.us-ca-6.gpu-instance.novita.ai:{}", 30000 + row),
            "type": "tcp",
        })
    } else {
        json!({
            "port": port,
            "endpoint": format!("https://{host}-{port}.us-ca-1.gpu-instance.novita.ai"),
            "type": "http",
        })
    }
}

fn volume(host: &str, row: usize) -> Value {
    if row.is_multiple_of(2) {
        json!({ "type": "local", "size": 10 + row % 90, "id": "", "mountPath": format!("/workspace/disk-{row}") })
    } else {
        json!({
            "type": "network",
            "size": 100 + row % 900,
            "id": format!("nfs-{}", &host[..8]),
            "mountPath": format!("/network/share-{row}"),
        })
    }
}

fn env(row: usize) -> Value {
    match row % 4 {
        0 => json!({ "key": format!("TOKEN_{row}"), "value": hex16(row as u64 ^ 0x5eed) }),
        1 => {
            json!({ "key": format!("DB_PASSWORD_{row}"), "value": format!("pw-{row}-{}", &hex16(row as u64)[..6]) })
        }
        2 => {
            json!({ "key": format!("MODEL_DIR_{row}"), "value": format!("/workspace/models/{row}") })
        }
        _ => json!({ "key": format!("BATCH_SIZE_{row}"), "value": (row % 64 + 1).to_string() }),
    }
}

/// Deterministic, well-spread hex (splitmix64), so the same id always gives the same hosts.
pub(crate) fn hex16(seed: u64) -> String {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("{:016x}", z ^ (z >> 31))
}
