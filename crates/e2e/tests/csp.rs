//! Issue 11 item 9: every browser test runs the app under the bundled server's real
//! Content-Security-Policy (and the build's CSP `<meta>`), and any violation a page reports
//! fails the test. These tests prove the harness does both, in every engine.

use std::time::{Duration, Instant};

use e2e::{check, run, Setup};

/// A policy as a sorted list of its directives, each with its sources in order.
fn directives(policy: &str) -> Vec<String> {
    let mut list: Vec<String> = policy
        .split(';')
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .collect();
    list.sort();
    list
}

#[tokio::test]
async fn the_page_runs_under_the_bundled_servers_header_and_the_meta_agrees_with_it() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        let seen = t
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch('./', { cache: 'no-store' }).then(r => done({ \
                   header: r.headers.get('content-security-policy'), \
                   meta: document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content, \
                 }), e => done({ error: String(e) }));",
                vec![],
            )
            .await
            .expect("reading the page's policies");
        let header = seen["header"].as_str().unwrap_or_default().to_owned();
        let meta = seen["meta"].as_str().unwrap_or_default().to_owned();
        check!(t, header.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "index.html should come with the bundled server's CSP header (the loader by hash), it came with {header:?} ({seen})");
        check!(t, header.contains("frame-ancestors 'none'"), "the header should forbid framing: {header:?}");
        check!(t, !header.contains("unsafe-inline") && !meta.contains("unsafe-inline"), "no 'unsafe-inline' anywhere: {header:?} / {meta:?}");
        // The API and the log streams both come through the server: the page may connect to
        // its own origin and nowhere else.
        check!(t, header.contains("connect-src 'self';") && meta.contains("connect-src 'self';"), "connect-src should be 'self' alone: {header:?} / {meta:?}");
        // The <meta> says what the header says, less frame-ancestors (a <meta> cannot carry it).
        let header_less_framing: Vec<String> = directives(&header)
            .into_iter()
            .filter(|d| !d.starts_with("frame-ancestors"))
            .collect();
        check!(t, directives(&meta) == header_less_framing, "the CSP <meta> and the bundled server's header should agree:\n  meta:   {meta}\n  header: {header}");
    })
    .await;
}

#[tokio::test]
#[should_panic(expected = "style-src-attr blocked inline")]
async fn an_inline_style_the_policy_blocks_fails_the_test() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.js("document.body.setAttribute('style', 'outline: 1px solid red'); return true;")
            .await;
        t.wait_js(
            "the page to record the violation",
            "return window.__e2e.violations.length > 0;",
            vec![],
        )
        .await;
    })
    .await;
}

#[tokio::test]
#[should_panic(expected = "connect-src blocked http://127.0.0.1:9")]
async fn a_violation_on_a_page_left_behind_still_fails_the_test() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        // Port 9 is not in connect-src: the browser refuses before any connection is made.
        t.js("fetch('http://127.0.0.1:9/').catch(() => {}); return true;")
            .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !t.site.reports().iter().any(|r| r.kind() == "violation") {
            assert!(
                Instant::now() < deadline,
                "the probe should send the violation to the harness"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // A new page knows nothing of it: only the harness does.
        t.open("/").await;
        let here = t.js("return window.__e2e.violations.length;").await;
        check!(
            t,
            here == 0,
            "a fresh page starts with no violations, has {here}"
        );
    })
    .await;
}
