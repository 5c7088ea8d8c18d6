//! The request URL and error classification (`api.rs`), pinned to exact outputs.

use instance_model::api::{self, ApiError, ErrorKind, UpstreamFailure, TIMEOUT_SECS};
use instance_model::settings::DEFAULT_API_BASE;

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
        ("timeout", "The API did not answer within 25 seconds"),
        (
            "bad-response",
            "The API answered with something that is not an instance",
        ),
        ("bad-request", "The request could not be sent"),
    ];
    let want: Vec<(&str, String)> = want.iter().map(|(k, t)| (*k, t.to_string())).collect();
    assert_eq!(got, want);
    assert_eq!(TIMEOUT_SECS, 25);
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
            "The API did not answer within 25 seconds",
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
        502,
        503,
        504,
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
            r#"{"reason":"UPSTREAM_UNREACHABLE"}"#,
            r#"{"reason":"UPSTREAM_TIMEOUT","message":""}"#,
            r#"{"reason":"UPSTREAM_BAD_RESPONSE"}"#,
            r#"{"reason":"UPSTREAM_RESPONSE_TOO_LARGE"}"#,
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

/// The bundled server's (and deploy/nginx.conf's) own answers when it cannot get one from
/// Novita: Novita's error shape with a reason of its own.
fn proxy_body(code: u16, reason: &str, message: &str) -> String {
    format!(r#"{{"code":{code},"reason":"{reason}","message":"{message}","metadata":{{}}}}"#)
}

#[test]
fn the_servers_own_upstream_failures_are_told_apart_from_the_apis() {
    let unreachable = api::classify_failure(
        502,
        &proxy_body(
            502,
            "UPSTREAM_UNREACHABLE",
            "The Novita API could not be reached (via this server's proxy)",
        ),
        None,
    );
    assert_eq!(
        unreachable,
        ApiError::Upstream {
            status: 502,
            failure: UpstreamFailure::Unreachable,
            detail: "The Novita API could not be reached (via this server's proxy)".into(),
        }
    );
    // The kind stays the contract's: a 5xx is `server`.
    assert_eq!(unreachable.kind(), ErrorKind::Server);
    assert_eq!(
        unreachable.title(),
        "This app's server could not reach the Novita API (502)"
    );
    assert_eq!(
        unreachable.advice(""),
        "Your key and the instance ID are not the problem: the server hosting this page could \
         not connect to the Novita API. On that machine, check its internet access, DNS, \
         firewall or outbound proxy, and the address it forwards to (--upstream, by default \
         https://api.novita.ai); then try again."
    );
    assert!(unreachable
        .advice("https://api-proxy.example.com")
        .contains("the proxy at https://api-proxy.example.com could not connect"));
    assert!(!unreachable.advice("").contains("usually temporary"));

    let timeout = api::classify_failure(
        504,
        &proxy_body(
            504,
            "UPSTREAM_TIMEOUT",
            "The Novita API did not answer within 20 s",
        ),
        None,
    );
    assert_eq!(
        timeout,
        ApiError::Upstream {
            status: 504,
            failure: UpstreamFailure::Timeout,
            detail: "The Novita API did not answer within 20 s".into(),
        }
    );
    assert_eq!(timeout.kind(), ErrorKind::Server);
    assert_eq!(
        timeout.title(),
        "The Novita API did not answer this app's server in time (504)"
    );
    assert_eq!(
        timeout.advice(""),
        "The server hosting this page reached the Novita API but got no answer in time. Try \
         again in a minute; if it keeps happening, check that machine's network path to \
         api.novita.ai, its time limit (--upstream-timeout) and Novita's status page."
    );
    assert!(timeout
        .advice("https://p.example.com")
        .starts_with("The proxy at https://p.example.com reached the Novita API"));

    let broken = api::classify_failure(502, &proxy_body(502, "UPSTREAM_BAD_RESPONSE", "x"), None);
    assert_eq!(broken.kind(), ErrorKind::Server);
    assert_eq!(
        broken.title(),
        "The Novita API sent this app's server an answer it could not read (502)"
    );
    let too_large = api::classify_failure(
        502,
        &proxy_body(502, "UPSTREAM_RESPONSE_TOO_LARGE", "x"),
        None,
    );
    assert_eq!(
        too_large.title(),
        "The Novita API's answer was too large for this app's server (502)"
    );
    assert!(too_large.advice("").contains("--max-response-body"));
    for e in [&timeout, &broken, &too_large] {
        assert!(!e.advice("").contains("usually temporary"), "{e:?}");
        assert!(!e.title().contains("The API had a problem"), "{e:?}");
    }
}

#[test]
fn only_the_servers_reasons_on_a_5xx_are_upstream_failures() {
    // A gateway's own 502 without the reason is the API's side, as before.
    assert!(matches!(
        api::classify_failure(502, "<html>Bad Gateway</html>", None),
        ApiError::Server { status: 502, .. }
    ));
    // The reason on a status that is not 5xx is not the server's upstream failure.
    assert!(matches!(
        api::classify_failure(400, &proxy_body(400, "UPSTREAM_UNREACHABLE", "x"), None),
        ApiError::BadRequest { status: 400, .. }
    ));
    // Reasons are exact: no prefix or case games.
    assert!(matches!(
        api::classify_failure(502, &proxy_body(502, "upstream_unreachable", "x"), None),
        ApiError::Server { status: 502, .. }
    ));
    // The message falls back to the reason, then the status line, as for every error.
    assert_eq!(
        api::classify_failure(502, r#"{"reason":"UPSTREAM_UNREACHABLE"}"#, None).detail(),
        Some("UPSTREAM_UNREACHABLE")
    );
}
