//! The API base setting and `config.json` (`settings.rs`).

use instance_model::settings::{self, ApiBaseError, Config, ConfigError, ConfigWarning};

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
        "data:text/plain,x",
        "http://",
    ] {
        let err = settings::normalize_api_base(raw).expect_err(raw);
        assert_eq!(err, ApiBaseError::NotHttp(raw.trim_end_matches('/').into()));
        let words = err.to_string();
        assert!(words.contains("is not an http(s) URL"), "{raw:?}: {words}");
        assert!(
            words.contains("https://api.novita.ai"),
            "the error shows an example: {words}"
        );
    }
    // Browsers read `\` as `/` in http(s) URLs, so this is `//evil.example` too.
    for raw in ["/\\evil.example", "/\\evil.example/api"] {
        assert_eq!(
            settings::normalize_api_base(raw),
            Err(ApiBaseError::Backslash(raw.into()))
        );
    }
    assert_eq!(
        settings::normalize_api_base("https://api.novita.ai/x y"),
        Err(ApiBaseError::Spaces)
    );
    assert_eq!(
        settings::normalize_api_base("/api\npath"),
        Err(ApiBaseError::Spaces)
    );
    assert_eq!(
        ApiBaseError::Spaces.to_string(),
        "The API base URL cannot contain spaces."
    );
    assert_eq!(
        settings::normalize_api_base("ftp://x")
            .expect_err("ftp")
            .to_string(),
        "\"ftp://x\" is not an http(s) URL. Use something like https://api.novita.ai, \
         a proxy's https:// address, or leave it empty for this page's own server."
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

fn base(api_base: &str) -> Config {
    Config {
        api_base: Some(api_base.into()),
        ..Config::default()
    }
}

#[test]
fn parse_config_reads_api_base_and_ignores_the_rest() {
    assert_eq!(
        settings::parse_config(r#"{"apiBase":"https://p.example.com/"}"#).expect("valid"),
        base("https://p.example.com")
    );
    assert_eq!(
        settings::parse_config(
            r#" {"apiBase":"https://p.example.com","theme":"dark","refresh":[5,10]} "#
        )
        .expect("valid"),
        base("https://p.example.com")
    );
    assert_eq!(
        settings::parse_config(r#"{"apiBase":"/"}"#).expect("valid"),
        base(""),
        "an explicit same-origin base"
    );
    for text in ["{}", r#"{"apiBase":null}"#, r#"{"other":1}"#] {
        assert_eq!(
            settings::parse_config(text).expect(text),
            Config::default(),
            "{text}"
        );
    }
}

#[test]
fn parse_config_reads_proxy_logs_and_read_only() {
    let config = settings::parse_config(r#"{"apiBase":"","proxyLogs":true,"readOnly":true}"#)
        .expect("valid");
    assert_eq!(
        config,
        Config {
            api_base: Some(String::new()),
            proxy_logs: true,
            read_only: true,
            warnings: vec![],
        }
    );
    let config = settings::parse_config(r#"{"proxyLogs":false,"readOnly":false}"#).expect("valid");
    assert_eq!(config, Config::default());
    let config = settings::parse_config(r#"{"proxyLogs":null,"readOnly":null}"#).expect("valid");
    assert_eq!(config, Config::default(), "null is not set");
}

#[test]
fn wrong_types_warn_and_fall_back_to_the_safe_side() {
    for value in [r#""true""#, "1", "0", r#""yes""#, "[]", "{}"] {
        let text = format!(
            r#"{{"apiBase":"https://p.example.com","proxyLogs":{value},"readOnly":{value}}}"#
        );
        let config = settings::parse_config(&text).expect(&text);
        assert_eq!(
            config,
            Config {
                api_base: Some("https://p.example.com".into()),
                // The page then opens only https: log addresses itself.
                proxy_logs: false,
                // Whoever set readOnly meant actions off.
                read_only: true,
                warnings: vec![
                    ConfigWarning::ProxyLogsNotBoolean,
                    ConfigWarning::ReadOnlyNotBoolean
                ],
            },
            "{text}"
        );
    }
    assert_eq!(
        ConfigWarning::ProxyLogsNotBoolean.to_string(),
        "config.json proxyLogs must be true or false; log streams are opened at their own addresses."
    );
    assert_eq!(
        ConfigWarning::ReadOnlyNotBoolean.to_string(),
        "config.json readOnly must be true or false; actions are switched off to be safe."
    );
}

#[test]
fn parse_config_errors_say_what_is_wrong() {
    for text in ["{", "", "apiBase=https://x", "{\"apiBase\":}"] {
        let err = settings::parse_config(text).expect_err(text);
        assert!(
            matches!(err, ConfigError::NotJson { .. }),
            "{text}: {err:?}"
        );
        // The parser's error is kept as the source, and its words are in the message.
        let source = std::error::Error::source(&err).expect("the JSON error is the source");
        let words = err.to_string();
        assert!(
            words.starts_with("config.json is not valid JSON ("),
            "{words}"
        );
        assert!(words.contains(&source.to_string()), "{words}");
        assert!(words.ends_with("; using the defaults."), "{words}");
    }
    for text in ["[]", r#""https://x""#, "5", "null"] {
        let err = settings::parse_config(text).expect_err(text);
        assert!(matches!(err, ConfigError::NotAnObject), "{text}: {err:?}");
        assert_eq!(
            err.to_string(),
            "config.json is not a JSON object; using the defaults."
        );
    }
}

#[test]
fn an_unusable_api_base_warns_and_keeps_the_other_fields() {
    for text in [
        r#"{"apiBase":5,"readOnly":true}"#,
        r#"{"apiBase":true,"readOnly":true}"#,
        r#"{"apiBase":["https://x"],"readOnly":true}"#,
    ] {
        let config = settings::parse_config(text).expect(text);
        assert_eq!(config.api_base, None, "{text}");
        assert!(config.read_only, "{text}");
        assert_eq!(config.warnings, [ConfigWarning::ApiBaseNotText], "{text}");
        assert_eq!(
            config.warnings[0].to_string(),
            "config.json apiBase must be a string; using the default."
        );
    }
    let config = settings::parse_config(r#"{"apiBase":"javascript:x","proxyLogs":true}"#)
        .expect("valid JSON");
    assert_eq!(config.api_base, None);
    assert!(config.proxy_logs);
    assert_eq!(
        config.warnings,
        [ConfigWarning::ApiBaseUnusable(ApiBaseError::NotHttp(
            "javascript:x".into()
        ))]
    );
    let words = config.warnings[0].to_string();
    assert!(
        words
            .starts_with("config.json apiBase is unusable: \"javascript:x\" is not an http(s) URL"),
        "{words}"
    );
    assert!(words.ends_with(" Using the default."), "{words}");
    let source = std::error::Error::source(&config.warnings[0]).expect("typed source");
    assert!(source.to_string().starts_with("\"javascript:x\""));
    for evil in [
        r#"{"apiBase":"//evil.example"}"#,
        r#"{"apiBase":"https://api.novita.ai@evil"}"#,
    ] {
        let config = settings::parse_config(evil).expect(evil);
        assert_eq!(
            (config.api_base, config.warnings.len()),
            (None, 1),
            "{evil}"
        );
    }
}

#[test]
fn an_api_base_with_userinfo_or_a_backslash_is_refused() {
    for raw in [
        "https://api.novita.ai@evil",
        "https://api.novita.ai@evil/",
        "https://user:pass@api.novita.ai",
        "https://evil.example\\@x.novita.ai",
        "https://api.novita.ai\\evil",
    ] {
        assert!(settings::normalize_api_base(raw).is_err(), "{raw:?}");
    }
    assert_eq!(
        settings::normalize_api_base("https://api.novita.ai@evil"),
        Err(ApiBaseError::UserInfo("https://api.novita.ai@evil".into()))
    );
    assert_eq!(
        settings::normalize_api_base("https://evil.example\\@x.novita.ai"),
        Err(ApiBaseError::Backslash(
            "https://evil.example\\@x.novita.ai".into()
        ))
    );
    assert!(ApiBaseError::UserInfo("https://api.novita.ai@evil".into())
        .to_string()
        .contains("browsers would send the key to the host after the @"));
}

#[test]
fn the_loopback_check_is_the_same_for_every_spelling_of_ipv6_loopback() {
    for base in [
        "http://[0::1]",
        "http://[0:0:0:0:0:0:0:1]:8080/api",
        "http://[::0001]",
        "http://127.255.255.254",
    ] {
        assert_eq!(settings::insecure_base_warning(base), None, "{base}");
    }
    for base in [
        "http://[::2]",
        "http://[::]",
        "http://2130706433",
        "http://0127.0.0.1",
        "http://127.0.0.1.",
        "http://[0::1]@evil.example",
    ] {
        assert_eq!(
            settings::insecure_base_warning(base).as_deref(),
            Some(INSECURE),
            "{base}"
        );
    }
}
