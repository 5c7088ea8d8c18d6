//! Log addresses (`logs/address.rs`): which ones the page opens, the stream and download URLs,
//! and the download's file name.

use instance_model::logs::{
    direct_log_address, download_file_name, download_url, proxied_log_address, stream_url, LogKind,
    LogSource, DEFAULT_TAIL,
};

#[test]
fn stream_url_adds_the_query_with_the_right_separator() {
    assert_eq!(
        stream_url("https://logs.example.com/s/abc", DEFAULT_TAIL),
        "https://logs.example.com/s/abc?follow=1&sse=1&timestamps=1&tail=500"
    );
    assert_eq!(
        stream_url("https://logs.example.com/s?token=x%2By", 100),
        "https://logs.example.com/s?token=x%2By&follow=1&sse=1&timestamps=1&tail=100"
    );
}

#[test]
fn stream_url_handles_trailing_separators_fragments_and_spaces() {
    assert_eq!(
        stream_url("https://h/s?", 5),
        "https://h/s?follow=1&sse=1&timestamps=1&tail=5"
    );
    assert_eq!(
        stream_url("https://h/s?a=1&", 5),
        "https://h/s?a=1&follow=1&sse=1&timestamps=1&tail=5"
    );
    assert_eq!(
        stream_url("  https://h/s#top ", 5),
        "https://h/s?follow=1&sse=1&timestamps=1&tail=5"
    );
    assert_eq!(
        stream_url("https://h/s?t=1#x?y", 5),
        "https://h/s?t=1&follow=1&sse=1&timestamps=1&tail=5"
    );
}

#[test]
fn download_url_asks_for_timestamps_only() {
    assert_eq!(
        download_url("https://h/logs/1"),
        "https://h/logs/1?timestamps=1"
    );
    assert_eq!(
        download_url("https://h/logs/1?token=abc"),
        "https://h/logs/1?token=abc&timestamps=1"
    );
}

#[test]
fn https_addresses_may_be_opened_directly() {
    for ok in [
        "https://logs.novita.ai/x",
        "HTTPS://LOGS.EXAMPLE.COM/x?y=1",
        " https://10.0.0.1:8443/logs ",
        "https://[2001:db8::1]/logs",
    ] {
        assert_eq!(direct_log_address(ok), Some(ok.trim()), "{ok}");
    }
}

#[test]
fn plain_http_is_never_opened_directly_not_even_on_loopback() {
    for refused in [
        "http://127.0.0.1:9090/logs/trickle/system",
        "http://localhost:8080/x",
        "http://[::1]:9090/logs",
        "http://[0::1]/logs",
        "http://logs.example.com/x",
        "http://10.0.0.1/logs",
    ] {
        assert_eq!(direct_log_address(refused), None, "{refused}");
    }
}

/// Every address no mode opens: other schemes, userinfo, backslashes, garbage.
const GARBAGE: [&str; 16] = [
    "",
    "   ",
    "javascript:alert(1)",
    "data:text/plain,hi",
    "ws://127.0.0.1/logs",
    "wss://logs.example.com/x",
    "//logs.example.com/x",
    "logs.example.com/x",
    "https://logs.example.com/a b",
    "https://",
    "ftp://127.0.0.1/x",
    "https://user:pass@logs.example.com/x",
    "https://logs.example.com@evil.example/x",
    "https://evil.example\\@logs.novita.ai/x",
    "http://127.0.0.1@evil.example/logs",
    "https://logs.example.com:99999/x",
];

#[test]
fn other_schemes_userinfo_backslashes_and_garbage_are_refused() {
    for refused in GARBAGE {
        assert_eq!(direct_log_address(refused), None, "{refused:?}");
        assert_eq!(proxied_log_address("", refused), None, "{refused:?}");
        assert_eq!(
            proxied_log_address("https://api.example.com", refused),
            None,
            "{refused:?}"
        );
    }
}

#[test]
fn proxied_addresses_go_through_the_servers_log_stream_route() {
    let cases = [
        // An empty API base is this origin: a relative URL.
        (
            "",
            "https://07ed-logs.us-ca-1.gpu-instance.novita.ai/system?token=abc",
            "/log-stream/https/07ed-logs.us-ca-1.gpu-instance.novita.ai/system?token=abc",
        ),
        (
            "",
            "http://127.0.0.1:9090/logs/trickle/system",
            "/log-stream/http/127.0.0.1:9090/logs/trickle/system",
        ),
        (
            "https://proxy.example.com",
            "https://logs.novita.ai/a/b",
            "https://proxy.example.com/log-stream/https/logs.novita.ai/a/b",
        ),
        (
            "https://proxy.example.com/",
            "https://logs.novita.ai/a/b",
            "https://proxy.example.com/log-stream/https/logs.novita.ai/a/b",
        ),
        (
            "/api",
            "http://127.0.0.1:8080/x?y=1&z=2",
            "/api/log-stream/http/127.0.0.1:8080/x?y=1&z=2",
        ),
        // Scheme and host in lower case; the path and query exactly as given.
        (
            "",
            " HTTPS://Logs.Example.COM/Sys%2FTem?Token=A%2BB ",
            "/log-stream/https/logs.example.com/Sys%2FTem?Token=A%2BB",
        ),
        // No path: the root; the fragment (never sent) dropped.
        ("", "https://h.example", "/log-stream/https/h.example/"),
        (
            "",
            "https://h.example?x=1",
            "/log-stream/https/h.example/?x=1",
        ),
        (
            "",
            "https://h.example/s#top",
            "/log-stream/https/h.example/s",
        ),
        (
            "",
            "http://[::1]:9090/logs",
            "/log-stream/http/[::1]:9090/logs",
        ),
    ];
    for (base, address, want) in cases {
        assert_eq!(
            proxied_log_address(base, address).as_deref(),
            Some(want),
            "{base:?} {address:?}"
        );
    }
}

#[test]
fn a_proxied_path_cannot_climb_out_of_the_log_stream_route() {
    // The browser would resolve these dot segments, and the request would land elsewhere on
    // the server (its API paths) instead of its log-stream route.
    for address in [
        "https://h.example/../../gpu-instance/openapi/v1/gpu/instance",
        "https://h.example/a/..",
        "https://h.example/./x",
        "https://h.example/%2e%2e/x",
        "https://h.example/%2E./x",
        "https://h.example/.%2E/x",
        "https://h.example/%2e/x",
    ] {
        assert_eq!(proxied_log_address("", address), None, "{address}");
    }
    // Dots inside a name are fine.
    assert_eq!(
        proxied_log_address("", "https://h.example/a..b/.hidden/x.log").as_deref(),
        Some("/log-stream/https/h.example/a..b/.hidden/x.log")
    );
}

#[test]
fn stream_and_download_urls_add_their_query_to_the_proxied_address() {
    let proxied =
        proxied_log_address("", "http://127.0.0.1:9090/logs/plain/system?k=v").expect("proxied");
    assert_eq!(
        stream_url(&proxied, 500),
        "/log-stream/http/127.0.0.1:9090/logs/plain/system?k=v&follow=1&sse=1&timestamps=1&tail=500"
    );
    assert_eq!(
        download_url(&proxied),
        "/log-stream/http/127.0.0.1:9090/logs/plain/system?k=v&timestamps=1"
    );
}

#[test]
fn log_source_says_why_there_is_no_stream() {
    assert_eq!(
        LogSource::new(" https://h/logs ", true, None),
        LogSource::Ready("https://h/logs".into())
    );
    assert_eq!(LogSource::new("", true, None), LogSource::Missing);
    assert_eq!(LogSource::new("  ", false, Some("")), LogSource::Missing);
    assert_eq!(
        LogSource::new("https://h/logs", false, None),
        LogSource::NotRunning
    );
    assert_eq!(
        LogSource::new("http://h/logs", true, None),
        LogSource::PlainHttp
    );
    assert_eq!(
        LogSource::new("http://127.0.0.1:9/logs", true, None),
        LogSource::PlainHttp
    );
    assert_eq!(
        LogSource::new("javascript:x", true, None),
        LogSource::Refused
    );
    assert_eq!(
        LogSource::new("https://a@h/logs", true, Some("")),
        LogSource::Refused
    );
    // Through the server, https and loopback http go by its log-stream route; plain http
    // across the network goes nowhere.
    assert_eq!(
        LogSource::new("http://127.0.0.1:9/logs", true, Some("")),
        LogSource::Ready("/log-stream/http/127.0.0.1:9/logs".into())
    );
    assert_eq!(
        LogSource::new("http://h/logs", true, Some("")),
        LogSource::PlainHttp
    );
    assert_eq!(proxied_log_address("", "http://logs.example.com/x"), None);
    assert_eq!(
        LogSource::new("https://h/logs", true, Some("https://p.example")),
        LogSource::Ready("https://p.example/log-stream/https/h/logs".into())
    );

    assert_eq!(LogSource::Ready("x".into()).message(LogKind::System), None);
    assert_eq!(
        LogSource::Missing.message(LogKind::System).as_deref(),
        Some("No system log address: the API did not provide one.")
    );
    assert_eq!(
        LogSource::NotRunning.message(LogKind::Instance).as_deref(),
        Some("isRunning is false: logs are not being collected.")
    );
    assert_eq!(
        LogSource::PlainHttp.message(LogKind::Instance).as_deref(),
        Some(
            "The instance log address is not an https: link, so it is not opened: the log \
             would cross the network unencrypted."
        )
    );
    assert_eq!(
        LogSource::Refused.message(LogKind::System).as_deref(),
        Some(
            "The system log address is not an http(s) address this page can open (it has a \
             user name, a backslash, an odd host or another scheme), so it is not opened."
        )
    );
}

#[test]
fn download_file_names_are_safe() {
    assert_eq!(
        download_file_name("7f3e2a9c1b4d5e60", LogKind::System),
        "instance-7f3e2a9c1b4d5e60-system-log.txt"
    );
    assert_eq!(
        download_file_name("../a b/c", LogKind::Instance),
        "instance-___a_b_c-instance-log.txt"
    );
    assert_eq!(
        download_file_name("", LogKind::Instance),
        "instance-unknown-instance-log.txt"
    );
    assert_eq!(LogKind::System.label(), "System");
    assert_eq!(LogKind::Instance.slug(), "instance");
}

#[test]
fn tail_choices_offer_the_default_and_never_more_than_is_kept() {
    use instance_model::logs::{DEFAULT_TAIL, MAX_LINES, TAIL_CHOICES};
    assert!(TAIL_CHOICES.contains(&DEFAULT_TAIL));
    assert!(TAIL_CHOICES.iter().all(|n| *n as usize <= MAX_LINES));
    assert!(
        TAIL_CHOICES.windows(2).all(|w| w[0] < w[1]),
        "offered in order"
    );
}
