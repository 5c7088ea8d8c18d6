//! Issue 3, errors: every `data-kind` of CONTRACT.md's error panel, each from the failure that
//! should cause it, and a later successful load clearing the panel. The API answers through
//! the bundled server's proxy, as deployed, except where the failure is a cross-origin one.

use std::time::{Duration, Instant};

use e2e::{check, closed_port_base, run, ConfigJson, Session, Setup, TEST_API_KEY};

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

/// Loads `id` with `key` and returns the error panel's text, after checking its kind.
async fn expect_error(t: &Session, key: &str, id: &str, kind: &str, timeout: Duration) -> String {
    t.open("/").await;
    t.load(key, id).await;
    let (seen, text) = t.wait_error(timeout).await;
    check!(
        t,
        seen == kind,
        "loading {id:?} should show the error panel with data-kind={kind:?}, it has data-kind={seen:?}"
    );
    check!(
        t,
        !t.exists("instance-view").await,
        "loading {id:?} failed, yet an instance-view is on screen"
    );
    check!(
        t,
        text.split_whitespace().count() >= 5,
        "the {kind} error panel should say what happened and what to do, in words; it says {text:?}"
    );
    check!(
        t,
        !text.contains(TEST_API_KEY),
        "the error panel shows the key"
    );
    text
}

async fn scenario(id: &'static str, kind: &'static str) {
    run(Setup::default(), |t| async move {
        expect_error(&t, TEST_API_KEY, id, kind, Duration::from_secs(10)).await;
    })
    .await;
}

#[tokio::test]
async fn wrong_key_is_unauthorized() {
    run(Setup::default(), |t| async move {
        expect_error(
            &t,
            "sk_wrong_0000000000000000",
            FULL_ID,
            "unauthorized",
            Duration::from_secs(10),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn fail_403_is_forbidden() {
    scenario("fail-403", "forbidden").await;
}

#[tokio::test]
async fn http_404_is_not_found() {
    scenario("http-404", "not-found").await;
}

#[tokio::test]
async fn unknown_instance_is_not_found() {
    // The real API answers 400 RESOURCE_NOT_FOUND, not 404.
    scenario("0000000000000000", "not-found").await;
}

#[tokio::test]
async fn fail_429_is_rate_limited_and_says_how_long_to_wait() {
    run(Setup::default(), |t| async move {
        let text = expect_error(&t, TEST_API_KEY, "fail-429", "rate-limited", Duration::from_secs(10)).await;
        check!(t, text.contains("30 seconds"), "the rate-limited panel should tell to wait 30 seconds (Retry-After: 30); it says {text:?}");
    })
    .await;
}

#[tokio::test]
async fn fail_500_html_is_server() {
    scenario("fail-500-html", "server").await;
}

#[tokio::test]
async fn fail_503_empty_is_server() {
    scenario("fail-503-empty", "server").await;
}

#[tokio::test]
async fn fail_400_is_bad_request() {
    scenario("fail-400", "bad-request").await;
}

#[tokio::test]
async fn ok_html_is_bad_response() {
    scenario("ok-html", "bad-response").await;
}

#[tokio::test]
async fn ok_truncated_is_bad_response() {
    scenario("ok-truncated", "bad-response").await;
}

#[tokio::test]
async fn ok_array_is_bad_response() {
    scenario("ok-array", "bad-response").await;
}

#[tokio::test]
async fn no_cors_is_network() {
    // Only a call to another origin needs CORS.
    run(
        Setup::with_config(ConfigJson::CrossOriginFake),
        |t| async move {
            expect_error(
                &t,
                TEST_API_KEY,
                "no-cors",
                "network",
                Duration::from_secs(10),
            )
            .await;
        },
    )
    .await;
}

#[tokio::test]
async fn refused_connection_is_network() {
    let config = ConfigJson::Raw(serde_json::json!({ "apiBase": closed_port_base() }).to_string());
    run(Setup::with_config(config), |t| async move {
        expect_error(
            &t,
            TEST_API_KEY,
            FULL_ID,
            "network",
            Duration::from_secs(10),
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn hang_times_out_after_25_seconds() {
    run(Setup::default(), |t| async move {
        let started = Instant::now();
        expect_error(&t, TEST_API_KEY, "hang", "timeout", Duration::from_secs(40)).await;
        let waited = started.elapsed();
        check!(
            t,
            waited >= Duration::from_secs(20),
            "the timeout panel came after {:.1} s; the app should wait about 25 s first",
            waited.as_secs_f64()
        );
    })
    .await;
}

#[tokio::test]
async fn a_successful_load_clears_the_old_error() {
    run(Setup::default(), |t| async move {
        expect_error(
            &t,
            TEST_API_KEY,
            "fail-403",
            "forbidden",
            Duration::from_secs(10),
        )
        .await;
        t.fill("instance-id", FULL_ID).await;
        t.click("load").await;
        t.wait_view(FULL_ID).await;
        t.wait_gone("error").await;
    })
    .await;
}
