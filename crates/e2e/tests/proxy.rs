//! Issue 4, end to end: the app served by the bundled server, which forwards the API from the
//! same origin, works with no CORS at all, and passes only what it should.

use std::time::Duration;

use e2e::{check, run, Setup, TEST_API_KEY};
use fake_novita::METRICS_PATH;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

#[tokio::test]
async fn the_app_works_through_the_bundled_server_with_no_cors() {
    // The default set-up: the bundled server with its own config.json.
    run(Setup::default(), |t| async move {
        // Its config.json points the app at its own origin (the empty base).
        t.open("/").await;
        let base = t.value("api-base").await;
        check!(
            t,
            base.is_empty(),
            "the api-base field should show the same-origin (empty) base, shows {base:?}"
        );
        let config = t
            .site
            .requests()
            .into_iter()
            .filter(|r| r == "/config.json")
            .count();
        check!(
            t,
            config >= 1,
            "the page should read the bundled server's config.json"
        );

        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        let name = t.text("instance-name").await;
        check!(
            t,
            name.contains("llama-finetune-a100"),
            "the instance should show through the proxy, name is {name:?}"
        );

        let requests = t.api.requests();
        let preflights = requests.iter().filter(|r| r.method == "OPTIONS").count();
        check!(
            t,
            preflights == 0,
            "a same-origin call needs no preflight, the API saw {preflights}"
        );
        // Metrics go through the proxy too (their own path), and draw under its CSP.
        t.wait_count("metric-chart", 5, Duration::from_secs(20)).await;
        let requests = t.api.requests();
        let metrics: Vec<_> = requests.iter().filter(|r| r.path == METRICS_PATH).collect();
        let metrics_query = format!("instanceId={FULL_ID}&startTime=");
        check!(
            t,
            !metrics.is_empty()
                && metrics
                    .iter()
                    .all(|r| r.query.as_deref().is_some_and(|q| q.starts_with(&metrics_query))),
            "metrics through the proxy, query unchanged: {:?}",
            metrics.iter().map(|r| r.query.clone()).collect::<Vec<_>>()
        );
        let gets: Vec<_> = requests.iter().filter(|r| r.method == "GET").collect();
        check!(
            t,
            !gets.is_empty(),
            "the API stand-in saw no GET through the proxy"
        );
        let expected = format!("Bearer {TEST_API_KEY}");
        for get in &gets {
            check!(
                t,
                get.authorization.as_deref() == Some(expected.as_str()),
                "the proxy should pass the Authorization header on unchanged (it did not)"
            );
            check!(
                t,
                get.origin.is_none(),
                "the proxy should not forward Origin, it sent {:?}",
                get.origin
            );
            // The key was typed before Load, so the fleet may have been listed on the way; the
            // metrics panel asks for its own window.
            let sent = if get.path == fake_novita::LIST_PATH {
                Some("pageSize=100&pageNum=0".to_string())
            } else if get.path == METRICS_PATH {
                None
            } else {
                Some(format!("instanceId={FULL_ID}"))
            };
            check!(
                t,
                sent.is_none() || get.query == sent,
                "the query of {} should pass through unchanged as {sent:?}, it was {:?}",
                get.path,
                get.query
            );
        }
        let site = t.site.requests();
        let through_the_site = site
            .iter()
            .filter(|r| r.starts_with("/gpu-instance/openapi/"))
            .count();
        let instance_gets = gets.iter().filter(|g| g.path != METRICS_PATH).count();
        check!(
            t,
            through_the_site == instance_gets,
            "every API call should go through the page's own origin ({through_the_site} of {instance_gets})"
        );
        let metrics_through_the_site = site
            .iter()
            .filter(|r| r.starts_with("/openapi/v1/metrics/"))
            .count();
        check!(
            t,
            metrics_through_the_site >= metrics.len(),
            "metrics calls go through the page's own origin too ({metrics_through_the_site} of {})",
            metrics.len()
        );

        // An API failure comes back through the proxy as the same error kind.
        t.load(TEST_API_KEY, "fail-429").await;
        let (kind, text) = t.wait_error(Duration::from_secs(10)).await;
        check!(
            t,
            kind == "rate-limited",
            "a 429 through the proxy should be rate-limited, is {kind}"
        );
        check!(
            t,
            text.contains("30 seconds"),
            "Retry-After should pass through the proxy: {text:?}"
        );
    })
    .await;
}
