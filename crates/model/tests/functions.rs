//! The pure functions the page uses, pinned to exact outputs: status words and tones, which
//! strings may become links, secret detection and masking, human numbers and times, the
//! request URL and error classification, and the API base setting.

use instance_model::api::{self, ApiError, ErrorKind, TIMEOUT_SECS};
use instance_model::format::{self, Expiry};
use instance_model::instance::Node;
use instance_model::links::{self, Launch};
use instance_model::secrets;
use instance_model::settings::{self, Config, DEFAULT_API_BASE};
use instance_model::{BillingMode, Instance, Status, StatusError, Tone};

// ---------------------------------------------------------------------------------------------
// status
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// links
// ---------------------------------------------------------------------------------------------

#[test]
fn safe_http_url_accepts_http_and_https_and_trims() {
    let cases = [
        ("https://example.com", "https://example.com"),
        ("http://example.com/", "http://example.com/"),
        ("HTTPS://EXAMPLE.COM/Path", "HTTPS://EXAMPLE.COM/Path"),
        ("HtTp://example.com", "HtTp://example.com"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("\thttps://example.com/x\n", "https://example.com/x"),
        (
            "https://h.example.com:8443/p?q=1#f",
            "https://h.example.com:8443/p?q=1#f",
        ),
        ("http://127.0.0.1:9090", "http://127.0.0.1:9090"),
        ("https://[::1]:8080/", "https://[::1]:8080/"),
        ("https://example.com?x=1", "https://example.com?x=1"),
        ("https://example.com#top", "https://example.com#top"),
        (
            "https://07ed667185a895bb-8888.us-ca-1.gpu-instance.novita.ai",
            "https://07ed667185a895bb-8888.us-ca-1.gpu-instance.novita.ai",
        ),
    ];
    for (raw, want) in cases {
        assert_eq!(links::safe_http_url(raw), Some(want), "{raw:?}");
    }
}

#[test]
fn safe_http_url_rejects_everything_else() {
    let rejected = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example",
        "//evil.example/path",
        "http://",
        "https://",
        "HTTPS://",
        "https:///path",
        "http://?q",
        "http://#f",
        "http://:80",
        "http://user@",
        "https:example.com",
        "http:/example.com",
        "ftp://x",
        "file:///etc/passwd",
        "example.com",
        "localhost",
        "words",
        "https://example.com/a b",
        "https://example.com/a\nb",
        "https://example.com/a\tb",
        "https://example.com/\u{0}",
        "http://exa mple.com",
        "http://é.example",
        "https://ex%41mple.com",
        "ééééééééé",
        "",
        "   ",
    ];
    for raw in rejected {
        assert_eq!(links::safe_http_url(raw), None, "{raw:?} must stay text");
    }
}

#[test]
fn host_port_reads_tcp_endpoints() {
    assert_eq!(
        links::host_port("proxy.us-ca-6.gpu-instance.novita.ai:62248"),
        Some(("proxy.us-ca-6.gpu-instance.novita.ai", 62248))
    );
    assert_eq!(
        links::host_port("  35.164.116.189:38597 "),
        Some(("35.164.116.189", 38597))
    );
    assert_eq!(links::host_port("host:65535"), Some(("host", 65535)));
    assert_eq!(links::host_port("my_host-1:22"), Some(("my_host-1", 22)));
    for bad in [
        "host",
        "host:",
        ":22",
        "host:65536",
        "host:99999999",
        "host:-1",
        "host:22/x",
        "host:2 2",
        "host: 22",
        "ho st:22",
        "https://host:443",
        "tcp://host:22",
        "user@host:22",
        "host;rm -rf /:22",
        "",
    ] {
        assert_eq!(links::host_port(bad), None, "{bad:?}");
    }
}

#[test]
fn ssh_line_for_builds_the_proxy_command() {
    assert_eq!(
        links::ssh_line_for("proxy.us-ca-6.gpu-instance.novita.ai:62248").as_deref(),
        Some("ssh -p 62248 root@proxy.us-ca-6.gpu-instance.novita.ai")
    );
    assert_eq!(
        links::ssh_line_for(" 10.0.0.5:22 ").as_deref(),
        Some("ssh -p 22 root@10.0.0.5")
    );
    assert_eq!(links::ssh_line_for("host:70000"), None);
    assert_eq!(links::ssh_line_for("host;reboot:22"), None);
    assert_eq!(links::ssh_line_for("https://h.example.com:22"), None);
}

#[test]
fn is_http_kind_is_http_or_https_in_any_case() {
    for yes in ["http", "https", "HTTP", "Https", " http ", "\thttps\n"] {
        assert!(links::is_http_kind(yes), "{yes:?}");
    }
    for no in ["tcp", "udp", "", " ", "http2", "ws", "h ttp", "https:"] {
        assert!(!links::is_http_kind(no), "{no:?}");
    }
}

#[test]
fn launch_covers_every_branch_in_order() {
    assert_eq!(
        links::launch("Jupyter", None, true),
        Launch::Unavailable("No Jupyter address: the API did not provide one.".into())
    );
    assert_eq!(
        links::launch("Jupyter", Some("   "), true),
        Launch::Unavailable("No Jupyter address: the API did not provide one.".into())
    );
    assert_eq!(
        links::launch("web terminal", Some("javascript:alert(1)"), true),
        Launch::Unavailable(
            "The web terminal address is not an http(s) link, so it is not opened.".into()
        )
    );
    // An unsafe address is reported as such even when the component is not running.
    assert_eq!(
        links::launch("Jupyter", Some("data:text/html,hi"), false),
        Launch::Unavailable(
            "The Jupyter address is not an http(s) link, so it is not opened.".into()
        )
    );
    assert_eq!(
        links::launch("Jupyter", Some("https://x.example.com/lab"), false),
        Launch::Unavailable("Jupyter is not running on this instance.".into())
    );
    assert_eq!(
        links::launch("web terminal", Some("https://x.example.com/t"), false),
        Launch::Unavailable("Web terminal is not running on this instance.".into())
    );
    assert_eq!(
        links::launch(
            "Jupyter",
            Some("  https://x.example.com/lab?token=t  "),
            true
        ),
        Launch::Ready("https://x.example.com/lab?token=t".into())
    );
}

#[test]
fn with_query_picks_question_mark_or_ampersand() {
    assert_eq!(
        links::with_query("https://log.example.com/system", "follow=1&sse=1"),
        "https://log.example.com/system?follow=1&sse=1"
    );
    assert_eq!(
        links::with_query("https://log.example.com/system?token=abc", "timestamps=1"),
        "https://log.example.com/system?token=abc&timestamps=1"
    );
}

// ---------------------------------------------------------------------------------------------
// secrets
// ---------------------------------------------------------------------------------------------

#[test]
fn secret_keys_are_recognised() {
    for key in [
        "HF_TOKEN",
        "WANDB_API_KEY",
        "JUPYTER_PASSWORD",
        "DB_PASS",
        "apiKey",
        "AWS_SECRET_ACCESS_KEY",
        "PRIVATE_KEY",
        "DBPASSWORD",
        "SESSION_COOKIE",
        "hfToken",
        "dbPass",
        "my-api-key",
        "db.passwd",
        "OPENAI_APIKEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "SENTRY_DSN",
        "S3Key",
        "<b>SECRET_TOKEN</b>",
    ] {
        assert!(secrets::is_secret_key(key), "{key} is a secret");
    }
}

#[test]
fn ordinary_keys_are_not_secrets() {
    for key in [
        "HF_HOME",
        "MODEL_NAME",
        "KEYBOARD_LAYOUT",
        "MONKEY_COUNT",
        "PATH",
        "PORT",
        "DEBUG",
        "PASSPORT_ID",
        "CUDA_VISIBLE_DEVICES",
        "",
    ] {
        assert!(!secrets::is_secret_key(key), "{key} is not a secret");
    }
}

#[test]
fn secret_key_edges_as_they_are() {
    // "PAT" is not one of the secret words: a GitHub personal access token named *_PAT is
    // shown in the clear. Three letters are too ambiguous to add as a fragment.
    assert!(!secrets::is_secret_key("GITHUB_PAT"));
    // "TOKEN" is matched anywhere, so token-count settings of LLM servers are masked too.
    // That over-masks (the safe direction); the value is one click away.
    assert!(secrets::is_secret_key("MAX_TOKENS"));
    assert!(secrets::is_secret_key("TOKENIZERS_PARALLELISM"));
}

#[test]
fn mask_hides_short_values_and_keeps_two_chars_each_side_of_long_ones() {
    assert_eq!(secrets::mask(""), "");
    assert_eq!(secrets::mask("a"), "••••••");
    assert_eq!(secrets::mask("abc"), "••••••");
    assert_eq!(secrets::mask("abcdef"), "••••••");
    assert_eq!(secrets::mask("abcdefg"), "ab••••••fg");
    assert_eq!(secrets::mask("Xk29vLq7pZ"), "Xk••••••pZ");
    assert_eq!(
        secrets::mask("sk_live_0123456789abcdefghijklmnopqrstuvwxyz"),
        "sk••••••yz",
        "the mask does not tell the length"
    );
}

#[test]
fn mask_never_splits_a_multi_byte_character() {
    assert_eq!(secrets::mask("🔑🔐secret🔒🔓"), "🔑🔐••••••🔒🔓");
    assert_eq!(secrets::mask("ééééééé"), "éé••••••éé");
    assert_eq!(secrets::mask("🔑🔑🔑🔑🔑🔑"), "••••••");
    assert_eq!(secrets::mask("a😀bcde😀f"), "a😀••••••😀f");
}

// ---------------------------------------------------------------------------------------------
// format
// ---------------------------------------------------------------------------------------------

/// 2027-01-01 00:00:00 UTC: 57 years after 1970 with 14 leap days, 20819 days.
const NEW_YEAR_2027: i64 = 1_798_761_600;

#[test]
fn expiry_reads_end_time() {
    assert_eq!(format::expiry("-1"), Expiry::Never);
    assert_eq!(format::expiry("-5"), Expiry::Never);
    assert_eq!(format::expiry(""), Expiry::NotReported);
    assert_eq!(format::expiry("   "), Expiry::NotReported);
    assert_eq!(format::expiry("0"), Expiry::NotReported);
    assert_eq!(format::expiry("soon"), Expiry::Unreadable("soon".into()));
    assert_eq!(format::expiry(" soon "), Expiry::Unreadable("soon".into()));
    assert_eq!(format::expiry("NaN"), Expiry::Unreadable("NaN".into()));
    assert_eq!(format::expiry("inf"), Expiry::Unreadable("inf".into()));
    assert_eq!(format::expiry("1798761600"), Expiry::At(NEW_YEAR_2027));
    assert_eq!(format::expiry(" 1798761600 "), Expiry::At(NEW_YEAR_2027));
    assert_eq!(format::expiry("1798761600.9"), Expiry::At(NEW_YEAR_2027));
    // Milliseconds are recognised because seconds that large would be after the year 5000.
    assert_eq!(format::expiry("1798761600000"), Expiry::At(NEW_YEAR_2027));
    assert_eq!(format::expiry("95617584000"), Expiry::At(95_617_584_000));
    assert_eq!(format::expiry("1e20"), Expiry::Unreadable("1e20".into()));
}

#[test]
fn describe_expiry_in_words() {
    assert_eq!(format::describe_expiry("-1", NEW_YEAR_2027), "no expiry");
    assert_eq!(format::describe_expiry("", NEW_YEAR_2027), "not reported");
    assert_eq!(format::describe_expiry("0", NEW_YEAR_2027), "not reported");
    assert_eq!(
        format::describe_expiry("soon", NEW_YEAR_2027),
        "unreadable (soon)"
    );
    // now = 1_795_000_000: 3_761_600 s before, 43 whole days (43 × 86_400 = 3_715_200).
    assert_eq!(
        format::describe_expiry("1798761600", 1_795_000_000),
        "2027-01-01 00:00 UTC (in 43 days)"
    );
    assert_eq!(
        format::describe_expiry("1798761600000", 1_795_000_000),
        "2027-01-01 00:00 UTC (in 43 days)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 35 * 86_400),
        "2027-01-01 00:00 UTC (in 35 days)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 7 * 86_400 + 5_000),
        "2027-01-01 00:00 UTC (expired 7 days ago)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 86_400),
        "2027-01-01 00:00 UTC (in 1 day)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 86_400),
        "2027-01-01 00:00 UTC (expired 1 day ago)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 3 * 3_600 - 59),
        "2027-01-01 00:00 UTC (in 3 hours)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 3_600),
        "2027-01-01 00:00 UTC (in 1 hour)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 2 * 3_600),
        "2027-01-01 00:00 UTC (expired 2 hours ago)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 - 59 * 60),
        "2027-01-01 00:00 UTC (in less than an hour)"
    );
    assert_eq!(
        format::describe_expiry("1798761600", NEW_YEAR_2027 + 1),
        "2027-01-01 00:00 UTC (expired less than an hour ago)"
    );
}

#[test]
fn utc_date_time_is_the_proleptic_gregorian_calendar() {
    assert_eq!(format::utc_date_time(0), "1970-01-01 00:00 UTC");
    assert_eq!(format::utc_date_time(59), "1970-01-01 00:00 UTC");
    assert_eq!(format::utc_date_time(1_709_164_800), "2024-02-29 00:00 UTC");
    assert_eq!(format::utc_date_time(1_709_210_040), "2024-02-29 12:34 UTC");
    assert_eq!(format::utc_date_time(1_709_251_200), "2024-03-01 00:00 UTC");
    assert_eq!(format::utc_date_time(951_782_400), "2000-02-29 00:00 UTC");
    assert_eq!(format::utc_date_time(NEW_YEAR_2027), "2027-01-01 00:00 UTC");
    assert_eq!(
        format::utc_date_time(NEW_YEAR_2027 - 1),
        "2026-12-31 23:59 UTC"
    );
    assert_eq!(format::utc_date_time(-1), "1969-12-31 23:59 UTC");
    assert_eq!(format::utc_date_time(-86_400), "1969-12-31 00:00 UTC");
    assert_eq!(format::utc_date_time(-31_536_000), "1969-01-01 00:00 UTC");
    // 1900 is not a leap year: 28 February is followed by 1 March.
    assert_eq!(
        format::utc_date_time(-2_208_988_800),
        "1900-01-01 00:00 UTC"
    );
    assert_eq!(
        format::utc_date_time(-2_208_988_800 + 59 * 86_400),
        "1900-03-01 00:00 UTC"
    );
    assert_eq!(
        format::utc_date_time(95_617_584_000),
        "5000-01-01 00:00 UTC"
    );
}

#[test]
fn number_drops_pointless_zeros_and_keeps_two_decimals() {
    assert_eq!(format::number(12.5), "12.5");
    assert_eq!(format::number(12.0), "12");
    assert_eq!(format::number(0.333), "0.33");
    assert_eq!(format::number(0.0), "0");
    assert_eq!(format::number(-3.0), "-3");
    assert_eq!(format::number(2.999), "3");
    assert_eq!(format::number(0.1 + 0.2), "0.3");
    assert_eq!(format::number(99.999), "100");
    assert_eq!(format::number(1_234_567.891), "1234567.89");
    assert_eq!(format::number(1e15), "1000000000000000");
}

#[test]
fn gigabytes_memory_and_or_dash() {
    assert_eq!(format::gigabytes(None), "—");
    assert_eq!(format::gigabytes(Some(500.0)), "500 GB");
    assert_eq!(format::gigabytes(Some(12.5)), "12.5 GB");
    assert_eq!(format::gigabytes(Some(0.333)), "0.33 GB");
    assert_eq!(format::gigabytes(Some(0.0)), "0 GB");

    assert_eq!(format::memory("64"), "64 GB");
    assert_eq!(format::memory(" 32.5 "), "32.5 GB");
    assert_eq!(format::memory("64.0"), "64 GB");
    assert_eq!(format::memory(""), "—");
    assert_eq!(format::memory("  "), "—");
    assert_eq!(format::memory("64Gi"), "64Gi");
    assert_eq!(format::memory(" lots "), "lots");
    assert_eq!(format::memory("NaN"), "NaN");

    assert_eq!(format::or_dash(""), "—");
    assert_eq!(format::or_dash(" \t"), "—");
    assert_eq!(format::or_dash("us-ca-1"), "us-ca-1");
    assert_eq!(format::or_dash(" x "), " x ", "kept as sent, not trimmed");
}

#[test]
fn ago_in_words() {
    let now = 1_700_000_000_000.0;
    let cases = [
        (0.0, "just now"),
        (1_500.0, "just now"),
        (1_999.0, "just now"),
        (2_000.0, "2 s ago"),
        (12_000.0, "12 s ago"),
        (59_999.0, "59 s ago"),
        (60_000.0, "1 min ago"),
        (61_000.0, "1 min ago"),
        (3_599_000.0, "59 min ago"),
        (3_600_000.0, "1 h ago"),
        (7_200_000.0, "2 h ago"),
        (86_399_000.0, "23 h ago"),
        (86_400_000.0, "1 day ago"),
        (172_799_000.0, "1 day ago"),
        (172_800_000.0, "2 days ago"),
        (3.0 * 86_400_000.0, "3 days ago"),
    ];
    for (elapsed_ms, want) in cases {
        assert_eq!(format::ago(now - elapsed_ms, now), want, "{elapsed_ms} ms");
    }
    // A `then` in the future (a clock that moved back) is not a negative age.
    assert_eq!(format::ago(now + 5_000.0, now), "just now");
    assert_eq!(format::ago(now + 3_600_000.0, now), "just now");
    assert_eq!(format::ago(f64::NAN, now), "just now");
}

#[test]
fn keep_data_days_and_job_kind() {
    assert_eq!(format::keep_data_days(None), "—");
    assert_eq!(format::keep_data_days(Some(1.0)), "1 day after stop");
    assert_eq!(format::keep_data_days(Some(7.0)), "7 days after stop");
    assert_eq!(format::keep_data_days(Some(0.0)), "not kept after stop");
    assert_eq!(format::keep_data_days(Some(1.5)), "1.5 days after stop");

    assert_eq!(format::job_kind("saveImage"), "Saving image");
    assert_eq!(format::job_kind(""), "Job");
    assert_eq!(format::job_kind("migrate"), "migrate");
    assert_eq!(
        format::job_kind("SaveImage"),
        "SaveImage",
        "exact match only"
    );
}

// ---------------------------------------------------------------------------------------------
// api
// ---------------------------------------------------------------------------------------------

const GET_PATH: &str = "/gpu-instance/openapi/v1/gpu/instance?instanceId=";

#[test]
fn instance_url_joins_base_path_and_encoded_id() {
    let want = format!("https://api.novita.ai{GET_PATH}abc");
    assert_eq!(api::instance_url("https://api.novita.ai", "abc"), want);
    assert_eq!(api::instance_url("https://api.novita.ai/", "abc"), want);
    assert_eq!(api::instance_url("https://api.novita.ai//", "abc"), want);
    assert_eq!(api::instance_url(" https://api.novita.ai/ ", " abc "), want);
    assert_eq!(api::instance_url(DEFAULT_API_BASE, "abc"), want);
    assert_eq!(api::instance_url("", "abc"), format!("{GET_PATH}abc"));
    assert_eq!(api::instance_url("/", "abc"), format!("{GET_PATH}abc"));
    assert_eq!(
        api::instance_url("/api/", "abc"),
        format!("/api{GET_PATH}abc")
    );
    assert_eq!(
        api::instance_url("https://cors.example.com/https://api.novita.ai/", "abc"),
        format!("https://cors.example.com/https://api.novita.ai{GET_PATH}abc")
    );
    assert_eq!(
        api::instance_url("https://api.novita.ai", "ins tance&#/é😀"),
        format!("https://api.novita.ai{GET_PATH}ins%20tance%26%23%2F%C3%A9%F0%9F%98%80")
    );
    assert_eq!(
        api::instance_url("https://api.novita.ai", "a&instanceId=b"),
        format!("https://api.novita.ai{GET_PATH}a%26instanceId%3Db"),
        "an ID cannot add query parameters"
    );
}

#[test]
fn encode_component_matches_encode_uri_component() {
    // Expected values produced by node's encodeURIComponent.
    let ascii: String = (0u8..128).map(char::from).collect();
    assert_eq!(
        api::encode_component(&ascii),
        "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B\
         %1C%1D%1E%1F%20!%22%23%24%25%26'()*%2B%2C-.%2F0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHI\
         JKLMNOPQRSTUVWXYZ%5B%5C%5D%5E_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%7F"
    );
    assert_eq!(api::encode_component(""), "");
    assert_eq!(api::encode_component("abc-123_X.y"), "abc-123_X.y");
    assert_eq!(api::encode_component("a b&c#d/e"), "a%20b%26c%23d%2Fe");
    assert_eq!(api::encode_component("100%"), "100%25");
    assert_eq!(api::encode_component("é"), "%C3%A9");
    assert_eq!(api::encode_component("😀"), "%F0%9F%98%80");
    assert_eq!(
        api::encode_component("ü/ß?x=1&y=2"),
        "%C3%BC%2F%C3%9F%3Fx%3D1%26y%3D2"
    );
}

#[test]
fn classify_failure_by_status() {
    assert_eq!(
        api::classify_failure(401, "", None),
        ApiError::Unauthorized {
            detail: "HTTP 401 Unauthorized".into()
        }
    );
    assert_eq!(
        api::classify_failure(
            401,
            r#"{"code":401,"reason":"INVALID_API_KEY","message":"invalid api key"}"#,
            None
        ),
        ApiError::Unauthorized {
            detail: "invalid api key".into()
        }
    );
    assert_eq!(
        api::classify_failure(403, "", None),
        ApiError::Forbidden {
            detail: "HTTP 403 Forbidden".into()
        }
    );
    assert_eq!(
        api::classify_failure(404, "Not Found", None),
        ApiError::NotFound {
            detail: "HTTP 404 Not Found".into()
        }
    );
    assert_eq!(
        api::classify_failure(400, r#"{"reason":"RESOURCE_NOT_FOUND"}"#, None),
        ApiError::NotFound {
            detail: "RESOURCE_NOT_FOUND".into()
        }
    );
    assert_eq!(
        api::classify_failure(
            400,
            r#"{"code":400,"reason":"RESOURCE_NOT_FOUND","message":"instance not found","metadata":{}}"#,
            None
        ),
        ApiError::NotFound {
            detail: "instance not found".into()
        }
    );
    assert_eq!(
        api::classify_failure(
            400,
            r#"{"reason":"INVALID_ARGUMENT","message":"instanceId is required"}"#,
            None
        ),
        ApiError::BadRequest {
            status: 400,
            detail: "instanceId is required".into()
        }
    );
    assert_eq!(
        api::classify_failure(400, "", None),
        ApiError::BadRequest {
            status: 400,
            detail: "HTTP 400 Bad Request".into()
        }
    );
    assert_eq!(
        api::classify_failure(418, "I'm a teapot", None),
        ApiError::BadRequest {
            status: 418,
            detail: "HTTP 418".into()
        }
    );
    assert_eq!(
        api::classify_failure(
            500,
            "<html><body><h1>500 Internal Server Error</h1></body></html>",
            None
        ),
        ApiError::Server {
            status: 500,
            detail: "HTTP 500 Internal Server Error".into()
        }
    );
    assert_eq!(
        api::classify_failure(503, "", None),
        ApiError::Server {
            status: 503,
            detail: "HTTP 503 Service Unavailable".into()
        }
    );
    assert_eq!(
        api::classify_failure(504, "upstream timed out", None),
        ApiError::Server {
            status: 504,
            detail: "HTTP 504 Gateway Timeout".into()
        }
    );
    assert_eq!(
        api::classify_failure(599, "", None),
        ApiError::Server {
            status: 599,
            detail: "HTTP 599".into()
        }
    );
}

#[test]
fn classify_failure_reads_retry_after() {
    let limited = api::classify_failure(429, "", Some("30"));
    assert_eq!(
        limited,
        ApiError::RateLimited {
            detail: "HTTP 429 Too Many Requests".into(),
            retry_after_secs: Some(30),
        }
    );
    assert_eq!(limited.kind(), ErrorKind::RateLimited);
    assert_eq!(limited.retry_after_secs(), Some(30));
    assert_eq!(limited.advice(""), "Wait 30 seconds and try again.");
    assert!(limited.advice("").contains("30 seconds"));

    let dated = api::classify_failure(429, "", Some("Wed, 21 Oct 2015 07:28:00 GMT"));
    assert_eq!(dated.retry_after_secs(), None);
    assert_eq!(dated.advice(""), "Wait a minute and try again.");
    assert_eq!(
        api::classify_failure(429, "", None).retry_after_secs(),
        None
    );

    let wait = |s: u64| {
        ApiError::RateLimited {
            detail: String::new(),
            retry_after_secs: Some(s),
        }
        .advice("")
    };
    assert_eq!(wait(0), "Wait a second and try again.");
    assert_eq!(wait(1), "Wait a second and try again.");
    assert_eq!(wait(2), "Wait 2 seconds and try again.");
    assert_eq!(wait(119), "Wait 119 seconds and try again.");
    assert_eq!(wait(120), "Wait 2 minutes and try again.");
    assert_eq!(wait(121), "Wait 3 minutes and try again.");
    assert_eq!(
        wait(u64::MAX),
        format!("Wait {} minutes and try again.", u64::MAX.div_ceil(60))
    );

    // Only retry-after carries seconds.
    assert_eq!(
        api::classify_failure(503, "", Some("30")).retry_after_secs(),
        None
    );
}

#[test]
fn parse_retry_after_reads_delta_seconds_only() {
    assert_eq!(api::parse_retry_after("30"), Some(30));
    assert_eq!(api::parse_retry_after(" 30 "), Some(30));
    assert_eq!(api::parse_retry_after("0"), Some(0));
    assert_eq!(api::parse_retry_after(""), None);
    assert_eq!(api::parse_retry_after("-1"), None);
    assert_eq!(api::parse_retry_after("1.5"), None);
    assert_eq!(
        api::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        None
    );
}

#[test]
fn classify_failure_prefers_message_then_reason_then_status_line() {
    let detail = |body: &str| {
        api::classify_failure(400, body, None)
            .detail()
            .map(str::to_string)
    };
    assert_eq!(
        detail(r#"{"reason":"INVALID_ARGUMENT","message":"bad id"}"#).as_deref(),
        Some("bad id")
    );
    assert_eq!(
        detail(r#"{"reason":"INVALID_ARGUMENT"}"#).as_deref(),
        Some("INVALID_ARGUMENT")
    );
    assert_eq!(
        detail(r#"{"reason":"INVALID_ARGUMENT","message":"   "}"#).as_deref(),
        Some("INVALID_ARGUMENT"),
        "a blank message is no message"
    );
    assert_eq!(
        detail(r#"{"reason":"INVALID_ARGUMENT","message":42}"#).as_deref(),
        Some("INVALID_ARGUMENT"),
        "a message that is not a string is ignored"
    );
    assert_eq!(
        detail(r#"{"message":"  padded  "}"#).as_deref(),
        Some("padded")
    );
    assert_eq!(
        detail(r#"["not","an","object"]"#).as_deref(),
        Some("HTTP 400 Bad Request")
    );
    assert_eq!(
        detail("plain text").as_deref(),
        Some("HTTP 400 Bad Request")
    );
}

#[test]
fn long_messages_are_truncated_to_300_characters() {
    let body = format!(r#"{{"message":"{}"}}"#, "x".repeat(10_000));
    let err = api::classify_failure(500, &body, None);
    let want = format!("{}…", "x".repeat(300));
    assert_eq!(
        err,
        ApiError::Server {
            status: 500,
            detail: want
        }
    );
    assert_eq!(err.detail().map(|d| d.chars().count()), Some(301));

    // Exactly 300 characters is kept whole.
    let body = format!(r#"{{"message":"{}"}}"#, "y".repeat(300));
    assert_eq!(
        api::classify_failure(500, &body, None).detail(),
        Some("y".repeat(300).as_str())
    );

    // Multi-byte characters are cut on a character boundary.
    let body = format!(r#"{{"reason":"{}"}}"#, "é".repeat(400));
    assert_eq!(
        api::classify_failure(400, &body, None).detail(),
        Some(format!("{}…", "é".repeat(300)).as_str())
    );
}

#[test]
fn error_kind_strings_are_the_contract_kinds() {
    let kinds = [
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::BadRequest,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::BadResponse,
    ];
    let strs: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        strs,
        [
            "unauthorized",
            "forbidden",
            "not-found",
            "rate-limited",
            "server",
            "bad-request",
            "network",
            "timeout",
            "bad-response",
        ]
    );
}

/// One of each variant.
fn every_error() -> Vec<ApiError> {
    vec![
        ApiError::Unauthorized {
            detail: "invalid api key".into(),
        },
        ApiError::Forbidden {
            detail: String::new(),
        },
        ApiError::NotFound {
            detail: "RESOURCE_NOT_FOUND".into(),
        },
        ApiError::RateLimited {
            detail: "slow down".into(),
            retry_after_secs: Some(30),
        },
        ApiError::RateLimited {
            detail: String::new(),
            retry_after_secs: None,
        },
        ApiError::Server {
            status: 502,
            detail: "HTTP 502 Bad Gateway".into(),
        },
        ApiError::BadRequest {
            status: 422,
            detail: "bad".into(),
        },
        ApiError::Network,
        ApiError::Timeout {
            after_secs: TIMEOUT_SECS,
        },
        ApiError::BadResponse {
            detail: "the answer was a web page (HTML), not JSON".into(),
        },
        ApiError::Input {
            detail: "The instance ID is empty.".into(),
        },
    ]
}

#[test]
fn each_error_has_its_kind_and_title() {
    let got: Vec<(&str, String)> = every_error()
        .iter()
        .map(|e| (e.kind().as_str(), e.title()))
        .collect();
    let want = [
        ("unauthorized", "The API did not accept the API key (401)"),
        ("forbidden", "This API key may not read this instance (403)"),
        ("not-found", "No instance with this ID was found"),
        (
            "rate-limited",
            "Too many requests: the API is rate limiting (429)",
        ),
        (
            "rate-limited",
            "Too many requests: the API is rate limiting (429)",
        ),
        ("server", "The API had a problem on its side (502)"),
        ("bad-request", "The API rejected the request (422)"),
        ("network", "The browser could not reach the API"),
        ("timeout", "The API did not answer within 20 seconds"),
        (
            "bad-response",
            "The API answered with something that is not an instance",
        ),
        ("bad-request", "The request could not be sent"),
    ];
    let want: Vec<(&str, String)> = want.iter().map(|(k, t)| (*k, t.to_string())).collect();
    assert_eq!(got, want);
    assert_eq!(TIMEOUT_SECS, 20);
}

#[test]
fn detail_and_display() {
    let shown: Vec<String> = every_error().iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "The API did not accept the API key (401): invalid api key",
            "This API key may not read this instance (403)",
            "No instance with this ID was found: RESOURCE_NOT_FOUND",
            "Too many requests: the API is rate limiting (429): slow down",
            "Too many requests: the API is rate limiting (429)",
            "The API had a problem on its side (502): HTTP 502 Bad Gateway",
            "The API rejected the request (422): bad",
            "The browser could not reach the API",
            "The API did not answer within 20 seconds",
            "The API answered with something that is not an instance: the answer was a web page (HTML), not JSON",
            "The request could not be sent: The instance ID is empty.",
        ]
    );
    assert_eq!(ApiError::Network.detail(), None);
    assert_eq!(ApiError::Timeout { after_secs: 5 }.detail(), None);
    assert_eq!(
        ApiError::Forbidden {
            detail: String::new()
        }
        .detail(),
        None
    );
    assert_eq!(
        ApiError::Forbidden {
            detail: "no".into()
        }
        .detail(),
        Some("no")
    );
    // The std::error::Error impl is there for `?` and boxing.
    let boxed: Box<dyn std::error::Error> = Box::new(ApiError::Network);
    assert_eq!(boxed.to_string(), "The browser could not reach the API");
}

#[test]
fn advice_names_the_api_base_where_it_is_the_likely_cause() {
    let base = "https://proxy.example.com";
    assert_eq!(
        ApiError::Network.advice(base),
        "Check your connection and the API base URL in Settings (now https://proxy.example.com). \
         If the API does not allow calls from browsers (CORS), set the API base URL to a CORS \
         proxy or to the server that hosts this app."
    );
    assert!(ApiError::Network
        .advice("")
        .contains("(now this page's own server)"));
    assert!(ApiError::Network.advice(DEFAULT_API_BASE).contains("CORS"));
    assert!(ApiError::Network
        .advice(DEFAULT_API_BASE)
        .contains("https://api.novita.ai"));
    assert!(ApiError::Timeout { after_secs: 20 }
        .advice(base)
        .contains("the proxy at https://proxy.example.com"));
    assert!(ApiError::BadResponse {
        detail: String::new()
    }
    .advice(base)
    .contains("(now https://proxy.example.com)"));

    let unauthorized = ApiError::Unauthorized {
        detail: String::new(),
    }
    .advice(base);
    assert!(
        unauthorized.starts_with("Check the API key"),
        "{unauthorized}"
    );
    assert!(
        !unauthorized.contains(base),
        "the base is not the cause of a 401"
    );
    assert!(ApiError::NotFound {
        detail: String::new()
    }
    .advice(base)
    .starts_with("Check the instance ID"));
    assert_eq!(
        ApiError::Input {
            detail: String::new()
        }
        .advice(base),
        "Correct the value and load again."
    );
}

#[test]
fn error_texts_never_hold_a_key_and_never_panic() {
    // No function here takes the API key, so no text can contain one. The bodies below are
    // what a server sends; the key itself is never part of the input.
    let mut errors = every_error();
    for status in [
        0,
        100,
        204,
        302,
        400,
        401,
        403,
        404,
        408,
        429,
        500,
        503,
        600,
        u16::MAX,
    ] {
        for body in [
            "",
            "{",
            "null",
            r#"{"message":null}"#,
            "<html>",
            "\u{0}\u{202e}",
        ] {
            errors.push(api::classify_failure(status, body, Some("abc")));
        }
    }
    for e in &errors {
        for text in [
            e.title(),
            e.advice(""),
            e.advice(DEFAULT_API_BASE),
            e.to_string(),
        ] {
            assert!(!text.is_empty());
            assert!(!text.contains("sk_"), "{text}");
            assert!(!text.contains("Bearer"), "{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// settings
// ---------------------------------------------------------------------------------------------

#[test]
fn normalize_api_base_accepts_empty_paths_and_http_urls() {
    let cases = [
        ("", ""),
        ("   ", ""),
        ("/", ""),
        ("///", ""),
        ("/api", "/api"),
        ("/api/", "/api"),
        (" /api/v2// ", "/api/v2"),
        ("https://api.novita.ai", "https://api.novita.ai"),
        ("https://api.novita.ai///", "https://api.novita.ai"),
        ("https://proxy.example.com/", "https://proxy.example.com"),
        (
            "https://cors.example.com/https://api.novita.ai/",
            "https://cors.example.com/https://api.novita.ai",
        ),
        ("http://127.0.0.1:9090/", "http://127.0.0.1:9090"),
        ("HTTPS://P.EXAMPLE.COM", "HTTPS://P.EXAMPLE.COM"),
    ];
    for (raw, want) in cases {
        assert_eq!(
            settings::normalize_api_base(raw),
            Ok(want.to_string()),
            "{raw:?}"
        );
    }
}

#[test]
fn normalize_api_base_rejects_other_schemes_and_off_origin_paths() {
    for raw in [
        "ftp://x",
        "javascript:alert(1)",
        "api.novita.ai",
        "//evil.example",
        "//evil.example/",
        "///evil.example",
        // Browsers read `\` as `/` in http(s) URLs, so this is `//evil.example` too.
        "/\\evil.example",
        "/\\evil.example/api",
        "data:text/plain,x",
        "http://",
    ] {
        let err = settings::normalize_api_base(raw).expect_err(raw);
        assert!(err.contains("is not an http(s) URL"), "{raw:?}: {err}");
        assert!(
            err.contains("https://api.novita.ai"),
            "the error shows an example: {err}"
        );
    }
    assert_eq!(
        settings::normalize_api_base("https://api.novita.ai/x y"),
        Err("The API base URL cannot contain spaces.".into())
    );
    assert_eq!(
        settings::normalize_api_base("/api\npath"),
        Err("The API base URL cannot contain spaces.".into())
    );
    assert_eq!(
        settings::normalize_api_base("ftp://x"),
        Err(
            "\"ftp://x\" is not an http(s) URL. Use something like https://api.novita.ai, \
             a proxy's https:// address, or leave it empty for this page's own server."
                .into()
        )
    );
}

const INSECURE: &str =
    "This API base uses plain http: the API key would cross the network unencrypted. Use https://.";

#[test]
fn insecure_base_warning_for_plain_http_off_loopback() {
    for base in [
        "http://10.0.0.5",
        "HTTP://10.0.0.5:8080/api",
        "http://proxy.example.com",
        "http://user@10.0.0.5",
        "http://127.0.0.1@evil.example",
        "http://localhost.evil.example",
        "http://127.evil.example",
        "http://127.0.0.1.evil.example",
        "http://evil.example\\@127.0.0.1",
    ] {
        assert_eq!(
            settings::insecure_base_warning(base).as_deref(),
            Some(INSECURE),
            "{base}"
        );
    }
    for base in [
        "http://127.0.0.1:9090",
        "http://127.1.2.3",
        "http://localhost:8080",
        "http://LOCALHOST/api",
        "http://[::1]:80",
        "http://[::1]",
        "https://x",
        "https://10.0.0.5",
        "",
        "/api",
    ] {
        assert_eq!(settings::insecure_base_warning(base), None, "{base}");
    }
}

#[test]
fn parse_config_reads_api_base_and_ignores_the_rest() {
    assert_eq!(
        settings::parse_config(r#"{"apiBase":"https://p.example.com/"}"#),
        Ok(Config {
            api_base: Some("https://p.example.com".into()),
            ..Config::default()
        })
    );
    assert_eq!(
        settings::parse_config(
            r#" {"apiBase":"https://p.example.com","theme":"dark","refresh":[5,10]} "#
        ),
        Ok(Config {
            api_base: Some("https://p.example.com".into()),
            ..Config::default()
        })
    );
    assert_eq!(
        settings::parse_config(r#"{"apiBase":"/"}"#),
        Ok(Config {
            api_base: Some(String::new()),
            ..Config::default()
        }),
        "an explicit same-origin base"
    );
    assert_eq!(settings::parse_config("{}"), Ok(Config::default()));
    assert_eq!(
        settings::parse_config(r#"{"apiBase":null}"#),
        Ok(Config::default())
    );
    assert_eq!(
        settings::parse_config(r#"{"other":1}"#),
        Ok(Config::default())
    );
}

#[test]
fn parse_config_errors_say_what_is_wrong() {
    for text in ["{", "", "apiBase=https://x", "{\"apiBase\":}"] {
        let err = settings::parse_config(text).expect_err(text);
        assert!(err.starts_with("config.json is not valid JSON ("), "{err}");
        assert!(err.ends_with("; using the defaults."), "{err}");
    }
    assert_eq!(
        settings::parse_config("[]"),
        Err("config.json is not a JSON object; using the defaults.".into())
    );
    assert_eq!(
        settings::parse_config(r#""https://x""#),
        Err("config.json is not a JSON object; using the defaults.".into())
    );
    for text in [
        r#"{"apiBase":5}"#,
        r#"{"apiBase":true}"#,
        r#"{"apiBase":["https://x"]}"#,
    ] {
        assert_eq!(
            settings::parse_config(text),
            Err("config.json apiBase must be a string; using the default.".into()),
            "{text}"
        );
    }
    let err = settings::parse_config(r#"{"apiBase":"javascript:x"}"#).expect_err("javascript");
    assert!(
        err.starts_with("config.json apiBase is unusable: "),
        "{err}"
    );
    assert!(
        err.contains("\"javascript:x\" is not an http(s) URL"),
        "{err}"
    );
    assert!(err.ends_with(" Using the default."), "{err}");
    assert!(settings::parse_config(r#"{"apiBase":"//evil.example"}"#).is_err());
}

#[test]
fn file_stems_keep_only_safe_characters() {
    use instance_model::format::file_stem;
    assert_eq!(file_stem("7f3e2a9c1b4d5e60"), "7f3e2a9c1b4d5e60");
    assert_eq!(file_stem(" a/b\\c..d e "), "a_b_c__d_e");
    assert_eq!(file_stem("big-500_x"), "big-500_x");
    assert_eq!(file_stem("é<>"), "___");
    assert_eq!(file_stem("   "), "unknown");
}
