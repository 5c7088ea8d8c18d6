//! Status words and tones (`status.rs`): the docs' table of 18 statuses, unknown statuses kept
//! verbatim, and billing modes.

use instance_model::{BillingMode, Status, Tone};

/// The docs' table, in the docs' order: API string, badge label, tone.
const STATUS_TABLE: [(&str, &str, Tone); 18] = [
    ("toCreate", "Pending creation", Tone::Progress),
    ("creating", "Creating", Tone::Progress),
    ("pulling", "Pulling image", Tone::Progress),
    ("running", "Running", Tone::Ok),
    ("toStart", "Pending start", Tone::Progress),
    ("starting", "Starting", Tone::Progress),
    ("toStop", "Pending stop", Tone::Progress),
    ("stopping", "Stopping", Tone::Progress),
    ("exited", "Stopped", Tone::Stopped),
    ("toRestart", "Pending restart", Tone::Progress),
    ("restarting", "Restarting", Tone::Progress),
    ("toRemove", "Pending deletion", Tone::Progress),
    ("removing", "Deleting", Tone::Progress),
    ("removed", "Deleted", Tone::Stopped),
    ("toReset", "Pending reset", Tone::Progress),
    ("resetting", "Resetting", Tone::Progress),
    ("migrating", "Migrating", Tone::Progress),
    ("freezing", "Freezing", Tone::Progress),
];

#[test]
fn every_documented_status_round_trips_through_its_api_string() {
    assert_eq!(Status::DOCUMENTED.len(), 18);
    for status in Status::DOCUMENTED {
        let raw = status.as_api_str().to_string();
        assert_eq!(Status::from_api(&raw), status, "{raw}");
        assert!(!matches!(status, Status::Unknown(_)), "{raw} is documented");
    }
    let sent: Vec<&str> = Status::DOCUMENTED.iter().map(Status::as_api_str).collect();
    let docs: Vec<&str> = STATUS_TABLE.iter().map(|(raw, _, _)| *raw).collect();
    assert_eq!(
        sent, docs,
        "DOCUMENTED is the docs' list, in the docs' order"
    );
}

#[test]
fn label_and_tone_of_all_18_statuses() {
    for (raw, label, tone) in STATUS_TABLE {
        let status = Status::from_api(raw);
        assert_eq!(
            (status.label().as_str(), status.tone()),
            (label, tone),
            "status {raw}"
        );
    }
}

#[test]
fn spot_checks_of_the_status_table() {
    assert_eq!(Status::from_api("running"), Status::Running);
    assert_eq!(Status::Running.label(), "Running");
    assert_eq!(Status::Running.tone(), Tone::Ok);
    assert_eq!(Status::Exited.label(), "Stopped");
    assert_eq!(Status::Exited.tone(), Tone::Stopped);
    assert_eq!(Status::Removed.label(), "Deleted");
    assert_eq!(Status::Removed.tone(), Tone::Stopped);
    assert_eq!(Status::Pulling.label(), "Pulling image");
    assert_eq!(Status::Pulling.tone(), Tone::Progress);
    assert_eq!(Status::ToCreate.label(), "Pending creation");
    assert_eq!(Status::Removing.label(), "Deleting");
}

#[test]
fn unknown_statuses_are_kept_verbatim() {
    let cases = [
        ("Running", "Unknown status: Running"),
        ("RUNNING", "Unknown status: RUNNING"),
        ("pending", "Unknown status: pending"),
        (" running ", "Unknown status:  running "),
        ("", "Status not reported"),
        ("   ", "Status not reported"),
    ];
    for (raw, label) in cases {
        let status = Status::from_api(raw);
        assert_eq!(status, Status::Unknown(raw.to_string()), "{raw:?}");
        assert_eq!(status.as_api_str(), raw, "verbatim: {raw:?}");
        assert_eq!(status.label(), label, "{raw:?}");
        assert_eq!(status.tone(), Tone::Unknown, "{raw:?}");
        assert!(!status.is_in_progress(), "{raw:?}");
    }
    assert_eq!(Status::default(), Status::Unknown(String::new()));
    assert_eq!(Status::default().label(), "Status not reported");
}

#[test]
fn in_progress_is_exactly_the_progress_statuses() {
    let in_progress: Vec<&str> = Status::DOCUMENTED
        .iter()
        .filter(|s| s.is_in_progress())
        .map(Status::as_api_str)
        .collect();
    assert_eq!(
        in_progress,
        [
            "toCreate",
            "creating",
            "pulling",
            "toStart",
            "starting",
            "toStop",
            "stopping",
            "toRestart",
            "restarting",
            "toRemove",
            "removing",
            "toReset",
            "resetting",
            "migrating",
            "freezing",
        ]
    );
    assert!(!Status::Running.is_in_progress());
    assert!(!Status::Exited.is_in_progress());
    assert!(!Status::Removed.is_in_progress());
}

#[test]
fn tone_strings_are_the_contract_values_and_icons_differ() {
    let tones = [
        Tone::Ok,
        Tone::Progress,
        Tone::Stopped,
        Tone::Error,
        Tone::Unknown,
    ];
    let strs: Vec<&str> = tones.iter().map(|t| t.as_str()).collect();
    assert_eq!(strs, ["ok", "progress", "stopped", "error", "unknown"]);
    let icons: Vec<&str> = tones.iter().map(|t| t.icon()).collect();
    assert_eq!(icons, ["●", "◐", "■", "▲", "?"]);
}

#[test]
fn billing_mode_labels() {
    assert_eq!(BillingMode::from_api("onDemand"), BillingMode::OnDemand);
    assert_eq!(BillingMode::from_api("monthly"), BillingMode::Monthly);
    assert_eq!(BillingMode::from_api("spot"), BillingMode::Spot);
    assert_eq!(BillingMode::OnDemand.label(), "On Demand");
    assert_eq!(BillingMode::Monthly.label(), "Subscription");
    assert_eq!(BillingMode::Spot.label(), "Spot");
    assert_eq!(
        BillingMode::from_api("OnDemand"),
        BillingMode::Other("OnDemand".into()),
        "exact match only"
    );
    assert_eq!(BillingMode::from_api("prepaid").label(), "prepaid");
    assert_eq!(BillingMode::from_api("").label(), "Not reported");
    assert_eq!(BillingMode::from_api("  ").label(), "Not reported");
    assert_eq!(BillingMode::default().label(), "Not reported");
}
