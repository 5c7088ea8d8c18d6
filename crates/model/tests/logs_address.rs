//! Log addresses (`logs/address.rs`): which ones the page opens, the stream and download URLs,
//! and the download's file name.

use instance_model::logs::{
    download_file_name, download_url, openable_log_address, stream_url, LogKind, LogSource,
    DEFAULT_TAIL,
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
fn https_addresses_may_be_opened() {
    for ok in [
        "https://logs.novita.ai/x",
        "HTTPS://LOGS.EXAMPLE.COM/x?y=1",
        " https://10.0.0.1:8443/logs ",
        "https://[2001:db8::1]/logs",
    ] {
        assert_eq!(openable_log_address(ok), Some(ok.trim()), "{ok}");
    }
}

#[test]
fn plain_http_only_on_loopback() {
    for ok in [
        "http://127.0.0.1:9090/logs/trickle/system",
        "http://127.5.6.7/logs",
        "http://localhost:8080/x",
        "http://LocalHost/x",
        "http://[::1]:9090/logs",
        "http://[::1]/logs",
        "http://[0:0:0:0:0:0:0:1]:80/logs",
        "http://[0::1]/logs",
        "http://[::0001]/logs",
        "http://127.255.255.254/logs",
    ] {
        assert_eq!(openable_log_address(ok), Some(ok), "{ok}");
    }
    for refused in [
        "http://logs.example.com/x",
        "http://10.0.0.1/logs",
        "http://192.168.1.2:9090/logs",
        "http://127.0.0.1.evil.com/logs",
        "http://localhost.evil.com/logs",
        "http://127.0.0.1@evil.com/logs",
        "http://user@127.0.0.1/logs",
        "http://evil.com\\@127.0.0.1/logs",
        "http://[::2]/logs",
        "http://[::ffff:10.0.0.1]/logs",
        "http://127.0.0.1:99999999/logs",
        "http://2130706433/logs",
        "http://127.0.0.256/logs",
        "http://127.0.0/logs",
        "http://127.0.0.1./logs",
        "http://0127.0.0.1/logs",
        "http://127.0.0.0x1/logs",
        "http://[::]/logs",
        "http://[1::1]/logs",
        "http://[0:0:0:0:0:0:0:0:1]/logs",
        "http://[::1/logs",
        "http://[::1]x/logs",
        "http://[:::1]/logs",
        "http://[00000::1]/logs",
    ] {
        assert_eq!(openable_log_address(refused), None, "{refused}");
    }
}

#[test]
fn other_schemes_and_garbage_are_refused() {
    for refused in [
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
    ] {
        assert_eq!(openable_log_address(refused), None, "{refused:?}");
    }
}

#[test]
fn log_source_says_why_there_is_no_stream() {
    assert_eq!(
        LogSource::new(" https://h/logs ", true),
        LogSource::Ready("https://h/logs".into())
    );
    assert_eq!(LogSource::new("", true), LogSource::Missing);
    assert_eq!(LogSource::new("  ", false), LogSource::Missing);
    assert_eq!(
        LogSource::new("https://h/logs", false),
        LogSource::NotRunning
    );
    assert_eq!(LogSource::new("http://h/logs", true), LogSource::Refused);
    assert_eq!(LogSource::new("javascript:x", true), LogSource::Refused);

    assert_eq!(LogSource::Ready("x".into()).message(LogKind::System), None);
    assert_eq!(
        LogSource::Missing.message(LogKind::System).unwrap(),
        "No system log address: the API did not provide one."
    );
    assert_eq!(
        LogSource::NotRunning.message(LogKind::Instance).unwrap(),
        "isRunning is false: logs are not being collected."
    );
    assert!(LogSource::Refused
        .message(LogKind::Instance)
        .unwrap()
        .starts_with("The instance log address is not an https: link"));
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
