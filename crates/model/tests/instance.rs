//! The Get Instance object (`instance.rs`): every fixture in tests/fixtures parses, and each one
//! shows the leniency it exists for; the instance's tone, name and root-fs limit.

use instance_model::instance::Node;
use instance_model::{BillingMode, Instance, InstanceParseError, Status, StatusError, Tone};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn parse(name: &str) -> Instance {
    Instance::from_json(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_file_parses() {
    let dir = format!("{}/../../tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read fixture");
            // A list fixture (fleet.json: what List Instances holds) is a list of instances;
            // a List Instances body (demo-fleet.json) is read by tests/list.rs.
            let value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let records = match value {
                serde_json::Value::Array(records) => records,
                body if body.get("instances").is_some() => continue,
                one => vec![one],
            };
            for record in records {
                Instance::from_value(record).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
            count += 1;
        }
    }
    assert!(count >= 9, "expected the fixture set, found {count} files");
}

#[test]
fn full_object_keeps_every_field() {
    let i = parse("full");
    assert_eq!(i.id, "7f3e2a9c1b4d5e60");
    assert_eq!(i.name, "llama-finetune-a100");
    assert_eq!(i.cluster_id, "us-ca-1");
    assert_eq!(i.cluster_name, "US-CA-1 (California)");
    assert_eq!(i.image_url, "ghcr.io/example/llama-train:2.4.1-cuda12.4");
    assert_eq!(i.image_auth_id, "auth_9d2f61");
    assert!(i.command.starts_with("python -m torch.distributed.run"));
    assert_eq!(i.entrypoint, "/opt/entry.sh");
    assert_eq!(
        (i.cpu_num.as_str(), i.memory.as_str(), i.gpu_num.as_str()),
        ("16", "64", "2")
    );
    assert_eq!(i.status, Status::Running);
    assert_eq!(i.status_error, None);
    let net = i.network.as_ref().expect("network");
    assert_eq!(
        (net.id.as_str(), net.ip.as_str()),
        ("vpc-4a1b9e", "10.12.3.45")
    );
    assert_eq!(i.port_mappings.len(), 4);
    assert_eq!(i.port_mappings[0].port, Some(8888));
    assert_eq!(i.port_mappings[0].kind, "http");
    assert_eq!(
        i.port_mappings[2].endpoint,
        "proxy.us-ca-6.gpu-instance.novita.ai:62248"
    );
    assert_eq!(i.volume_mounts.len(), 2);
    assert_eq!(i.volume_mounts[1].kind, "network");
    assert_eq!(i.volume_mounts[1].size, Some(500.0));
    assert_eq!(i.volume_mounts[1].id, "nfs-2c81f0a7");
    assert_eq!(i.volume_mounts[1].mount_path, "/network/datasets");
    assert_eq!(i.max_rootfs_size(), Some(120.0));
    assert_eq!(i.jobs.len(), 1);
    assert_eq!(i.jobs[0].kind, "saveImage");
    assert_eq!(i.envs.len(), 5);
    let ssh = i.ssh.as_ref().expect("ssh");
    assert!(ssh.is_running);
    assert_eq!(ssh.password, "Xk29vLq7pZ");
    let term = i.web_terminal.as_ref().expect("web terminal");
    assert_eq!(term.username, "root");
    let jupyter = i.jupyter.as_ref().expect("jupyter");
    assert_eq!(jupyter.port, Some(8888));
    assert!(jupyter.is_running);
    let logs = i.logs.as_ref().expect("logs");
    assert!(logs.system_log_address.ends_with("/system"));
    assert_eq!(i.kind, "gpu");
    assert_eq!(i.billing_mode, BillingMode::OnDemand);
    assert_eq!(i.end_time, "-1");
    assert_eq!(i.free_storage_size, Some(30.0));
    assert_eq!(i.keep_data_day, Some(7.0));
    assert_eq!(i.tone(), Tone::Ok);
}

#[test]
fn minimal_object_defaults_everything_else() {
    let i = parse("minimal");
    assert_eq!(i.id, "min-0001");
    assert_eq!(i.status, Status::Running);
    assert!(i.port_mappings.is_empty() && i.volume_mounts.is_empty() && i.envs.is_empty());
    assert!(i.ssh.is_none() && i.jupyter.is_none() && i.network.is_none());
    assert_eq!(i.free_storage_size, None);
}

#[test]
fn nulls_everywhere_become_not_reported() {
    let i = parse("nulls");
    assert_eq!(i.id, "nulls-0001");
    assert_eq!(i.name, "");
    assert_eq!(i.display_name(), "nulls-0001");
    assert_eq!(i.status, Status::Unknown(String::new()));
    assert_eq!(i.status.label(), "Status not reported");
    assert_eq!(i.tone(), Tone::Unknown);
    assert!(i.port_mappings.is_empty() && i.node.is_empty() && i.jobs.is_empty());
    assert_eq!(i.billing_mode.label(), "Not reported");
    assert_eq!(i.keep_data_day, None);
}

#[test]
fn empty_strings_do_not_pretend_to_be_values() {
    let i = parse("empty-strings");
    assert_eq!(i.port_mappings.len(), 1);
    assert_eq!(i.port_mappings[0].port, None);
    assert_eq!(i.volume_mounts[0].size, None);
    assert_eq!(i.max_rootfs_size(), None);
    assert!(i.status_error.as_ref().is_some_and(|e| e.is_empty()));
    assert!(!i.ssh.as_ref().expect("ssh").is_running);
    assert_eq!(i.free_storage_size, None);
    assert_eq!(i.status.tone(), Tone::Unknown);
}

#[test]
fn numbers_for_strings_and_strings_for_numbers() {
    let i = parse("numbers-for-strings");
    assert_eq!(i.id, "4242");
    assert_eq!(i.name, "12345");
    assert_eq!(i.cpu_num, "8");
    assert_eq!(i.memory, "32.5");
    assert_eq!(i.port_mappings[0].port, Some(8080));
    assert_eq!(i.port_mappings[1].port, Some(22));
    assert_eq!(i.volume_mounts[0].size, Some(250.0));
    assert_eq!(i.volume_mounts[0].id, "991");
    assert_eq!(i.max_rootfs_size(), Some(100.0));
    assert_eq!(i.envs[0].value, "8080");
    assert_eq!(i.envs[1].value, "true");
    let ssh = i.ssh.as_ref().expect("ssh");
    assert_eq!(ssh.password, "123456");
    assert!(!ssh.is_running, "\"false\" must read as false");
    assert!(!i.jupyter.as_ref().expect("jupyter").is_running);
    assert_eq!(i.end_time, "1798761600");
    assert_eq!(i.free_storage_size, Some(20.0));
    assert_eq!(i.keep_data_day, Some(3.0));
    assert_eq!(i.billing_mode, BillingMode::Monthly);
}

#[test]
fn unknown_status_is_kept_verbatim() {
    let i = parse("unknown-status");
    assert_eq!(i.status, Status::Unknown("pending".into()));
    assert_eq!(i.status.as_api_str(), "pending");
    assert_eq!(i.status.label(), "Unknown status: pending");
    assert_eq!(
        i.tone(),
        Tone::Error,
        "an unknown status with a statusError reads as an error"
    );
    assert_eq!(i.billing_mode.label(), "prepaid");
}

#[test]
fn stopped_with_error_reads_as_error() {
    let i = parse("stopped-with-error");
    assert_eq!(i.status, Status::Exited);
    assert_eq!(i.status.tone(), Tone::Stopped);
    assert_eq!(i.tone(), Tone::Error);
    let e = i.status_error.as_ref().expect("statusError");
    assert_eq!(e.state, "pullImageFailed");
}

#[test]
fn starting_is_in_progress() {
    let i = parse("starting");
    assert!(i.status.is_in_progress());
    assert_eq!(i.tone(), Tone::Progress);
    assert_eq!(i.billing_mode.label(), "Spot");
    assert!(i.jobs.is_empty(), "null jobs become an empty list");
}

#[test]
fn hostile_strings_survive_as_data() {
    let i = parse("hostile");
    assert!(i.name.starts_with("<img"));
    assert!(i.name.chars().count() > 300);
    assert_eq!(i.port_mappings.len(), 8);
    for p in &i.port_mappings {
        assert!(
            instance_model::links::safe_http_url(&p.endpoint).is_none()
                || p.endpoint.starts_with("https://ok.example.com/"),
            "{} must not become a link",
            p.endpoint
        );
    }
}

#[test]
fn bodies_that_are_not_instances_say_why() {
    use std::error::Error;
    let err = Instance::from_json("  ").expect_err("empty");
    assert!(matches!(err, InstanceParseError::Empty));
    assert_eq!(err.to_string(), "the answer was empty");

    let err = Instance::from_json("<html><body>Login</body></html>").expect_err("HTML");
    assert!(matches!(err, InstanceParseError::WebPage { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "the answer was a web page (HTML), not JSON"
    );
    assert!(
        err.source().is_some(),
        "the parser's error is kept as the source"
    );

    let full = fixture("full");
    let truncated = &full[..full.len() * 6 / 10];
    let err = Instance::from_json(truncated).expect_err("cut off");
    let InstanceParseError::NotJson { source } = &err else {
        panic!("expected NotJson, got {err:?}");
    };
    // Typed, not flattened: the parser's own classification and position survive.
    assert!(source.is_eof(), "{source}");
    assert!(source.line() > 1);
    assert_eq!(
        err.to_string(),
        format!("the answer was not valid JSON ({source})")
    );
    assert!(err.source().is_some());

    let err = Instance::from_json("[]").expect_err("a list");
    assert!(matches!(
        err,
        InstanceParseError::NotAnObject {
            found: "an empty list"
        }
    ));
    assert_eq!(
        err.to_string(),
        "the answer was JSON an empty list, not an instance object"
    );
    assert!(matches!(
        Instance::from_json("\"running\""),
        Err(InstanceParseError::NotAnObject { found: "a string" })
    ));
    let envelope = r#"{"code":0,"reason":"","message":"instance is being created"}"#;
    let err = Instance::from_json(envelope).expect_err("no instance fields");
    assert!(
        matches!(&err, InstanceParseError::OnlyMessage { message } if message == "instance is being created"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the answer held no instance, only the message \"instance is being created\""
    );
    let err = Instance::from_json("{}").expect_err("empty object");
    assert!(matches!(err, InstanceParseError::NoInstanceFields));
    assert_eq!(
        err.to_string(),
        "the answer was a JSON object with no instance fields"
    );
}

#[test]
fn odd_shapes_inside_an_instance_degrade_field_by_field() {
    let body = r#"{
        "id": "odd", "status": 5, "portMappings": {"port": 1},
        "volumeMounts": ["not an object", {"size": "-3", "mountPath": ["x"]}],
        "connectComponentSSH": "ssh root@x", "network": [],
        "statusError": "boom", "freeStorageSize": "lots", "keepDataDay": -1,
        "envs": [null, {"key": {"a": 1}, "value": null}]
    }"#;
    let i = Instance::from_json(body).expect("lenient");
    assert_eq!(i.status, Status::Unknown("5".into()));
    assert!(i.port_mappings.is_empty());
    assert_eq!(i.volume_mounts.len(), 1);
    assert_eq!(i.volume_mounts[0].size, None);
    assert_eq!(i.volume_mounts[0].mount_path, "");
    assert!(i.ssh.is_none() && i.network.is_none() && i.status_error.is_none());
    assert_eq!((i.free_storage_size, i.keep_data_day), (None, None));
    assert_eq!(i.envs.len(), 1);
    assert_eq!((i.envs[0].key.as_str(), i.envs[0].value.as_str()), ("", ""));
}

#[test]
fn serde_deserialize_reads_the_same_instance_leniently() {
    for name in ["full", "numbers-for-strings", "nulls", "hostile"] {
        let text = fixture(name);
        let via_serde: Instance =
            serde_json::from_str(&text).expect("Deserialize never fails on an object");
        assert_eq!(via_serde, parse(name), "{name}");
    }
    let not_an_object: Instance = serde_json::from_str("[1, 2]").expect("a list reads as empty");
    assert_eq!(not_an_object, Instance::default());
}

fn instance_with(status: Status, error: Option<(&str, &str)>) -> Instance {
    Instance {
        id: "i-1".into(),
        status,
        status_error: error.map(|(state, message)| StatusError {
            state: state.into(),
            message: message.into(),
        }),
        ..Instance::default()
    }
}

#[test]
fn instance_tone_escalates_to_error_only_when_not_running() {
    let failed = Some(("pullImageFailed", "image not found"));
    assert_eq!(instance_with(Status::Exited, failed).tone(), Tone::Error);
    assert_eq!(
        instance_with(Status::Exited, Some(("", "disk full"))).tone(),
        Tone::Error
    );
    assert_eq!(
        instance_with(Status::Exited, Some(("oom", ""))).tone(),
        Tone::Error
    );
    assert_eq!(instance_with(Status::Removed, failed).tone(), Tone::Error);
    assert_eq!(instance_with(Status::Starting, failed).tone(), Tone::Error);
    assert_eq!(
        instance_with(Status::from_api("pending"), failed).tone(),
        Tone::Error
    );
    assert_eq!(instance_with(Status::Running, failed).tone(), Tone::Ok);
    // An empty statusError (blank state and message) does not escalate.
    assert_eq!(
        instance_with(Status::Exited, Some(("", ""))).tone(),
        Tone::Stopped
    );
    assert_eq!(
        instance_with(Status::Exited, Some((" ", "\t"))).tone(),
        Tone::Stopped
    );
    assert_eq!(
        instance_with(Status::Starting, Some(("", ""))).tone(),
        Tone::Progress
    );
    assert_eq!(instance_with(Status::Exited, None).tone(), Tone::Stopped);
    assert_eq!(
        instance_with(Status::from_api("x"), None).tone(),
        Tone::Unknown
    );
}

#[test]
fn status_error_is_empty_only_when_both_parts_are_blank() {
    let e = |state: &str, message: &str| StatusError {
        state: state.into(),
        message: message.into(),
    };
    assert!(e("", "").is_empty());
    assert!(e("  ", "\n").is_empty());
    assert!(!e("failed", "").is_empty());
    assert!(!e("", "reason").is_empty());
}

#[test]
fn display_name_falls_back_to_the_id_and_rootfs_takes_the_first_reported_node() {
    let mut i = instance_with(Status::Running, None);
    assert_eq!(i.display_name(), "i-1");
    i.name = "  ".into();
    assert_eq!(i.display_name(), "i-1");
    i.name = "trainer".into();
    assert_eq!(i.display_name(), "trainer");

    assert_eq!(i.max_rootfs_size(), None);
    i.node = vec![
        Node {
            max_rootfs_size: None,
        },
        Node {
            max_rootfs_size: Some(80.0),
        },
        Node {
            max_rootfs_size: Some(120.0),
        },
    ];
    assert_eq!(i.max_rootfs_size(), Some(80.0));
}
