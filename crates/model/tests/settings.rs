//! The API base setting and `config.json` (`settings.rs`).

use instance_model::settings::{self, Config};

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
            api_base: Some("https://p.example.com".into())
        })
    );
    assert_eq!(
        settings::parse_config(
            r#" {"apiBase":"https://p.example.com","theme":"dark","refresh":[5,10]} "#
        ),
        Ok(Config {
            api_base: Some("https://p.example.com".into())
        })
    );
    assert_eq!(
        settings::parse_config(r#"{"apiBase":"/"}"#),
        Ok(Config {
            api_base: Some(String::new())
        }),
        "an explicit same-origin base"
    );
    assert_eq!(settings::parse_config("{}"), Ok(Config { api_base: None }));
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
