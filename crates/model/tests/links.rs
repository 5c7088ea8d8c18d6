//! Which API strings may become links (`links.rs`), TCP and SSH forms, and the launchers.

use instance_model::links::{self, Launch};

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

#[test]
fn a_backslash_ends_the_authority_and_userinfo_is_refused() {
    // Browsers read `\` as `/` in http(s) URLs: this one goes to evil.example, whatever the
    // text after it says.
    for raw in [
        "https://evil.example\\@x.novita.ai",
        "https://evil.example\\@x.novita.ai/lab",
        "https://x.novita.ai\\path",
        "https://api.novita.ai@evil",
        "https://api.novita.ai@evil/gpu-instance",
        "https://user:pass@x.novita.ai/",
        "https://a@b",
        "https://@x.novita.ai",
        "http://127.0.0.1@evil.example",
    ] {
        assert_eq!(links::safe_http_url(raw), None, "{raw:?} must stay text");
    }
}

#[test]
fn ports_and_ipv6_hosts_must_be_well_formed() {
    for raw in [
        "https://h.example:8443/x",
        "https://h.example:/x",
        "https://[2001:db8::1]/x",
        "https://[::ffff:10.0.0.1]:443",
    ] {
        assert_eq!(links::safe_http_url(raw), Some(raw), "{raw:?}");
    }
    for raw in [
        "https://h.example:84a3/x",
        "https://h.example:65536/x",
        "https://h.example:1:2/x",
        "https://[::1/x",
        "https://[::1]x/",
        "https://[]/x",
        "https://[javascript:x]/",
    ] {
        assert_eq!(links::safe_http_url(raw), None, "{raw:?}");
    }
}
