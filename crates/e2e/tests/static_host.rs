//! Issue 15, any static host, any path: the build names its files relative to the page, so it
//! works served from a sub-path by a plain static server, under its CSP `<meta>` alone (a static
//! host sends no policy of its own), and that `<meta>` says what the bundled server's header
//! says.

use std::time::Duration;

use e2e::{check, dist_dir, run, Setup, INSTANCE_PATH, TEST_API_KEY};
use novita_viewer_server::security_headers::{content_security_policy, DEFAULT_CONNECT_SOURCES};
use serde_json::json;

const SUB_PATH: &str = "/some/sub/path/";
const FULL_ID: &str = "7f3e2a9c1b4d5e60";
const STARTING_ID: &str = "5a6b7c8d9e0f1a2b";

fn built_index() -> String {
    std::fs::read_to_string(dist_dir().join("index.html")).expect("reading dist/index.html")
}

/// The `content` of index.html's CSP `<meta>`.
fn meta_policy(html: &str) -> String {
    let marker = "http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html
        .find(marker)
        .expect("dist/index.html should carry a Content-Security-Policy <meta>")
        + marker.len();
    let len = html[start..].find('"').expect("the <meta>'s content ends");
    html[start..start + len].to_owned()
}

#[test]
fn the_built_meta_says_what_the_bundled_server_sends_less_frame_ancestors() {
    let html = built_index();
    let defaults: Vec<String> = DEFAULT_CONNECT_SOURCES
        .iter()
        .map(|s| s.to_string())
        .collect();
    let header = content_security_policy(&html, None, &defaults);
    let expected = header.replace(" frame-ancestors 'none';", "");
    assert_ne!(expected, header, "the server's policy has frame-ancestors");
    assert_eq!(
        meta_policy(&html),
        expected,
        "dist/index.html's CSP <meta> should be the bundled server's policy for this very file \
         (same loader hash), without frame-ancestors, which a <meta> cannot carry"
    );
    assert!(
        !html.contains("INLINE-SCRIPT-HASHES") && !html.contains("INLINE-STYLE-HASHES"),
        "the build should have filled in the hashes (Trunk's post_build hook, scripts/csp-meta.py)"
    );
}

#[test]
fn the_built_page_names_its_files_relative_to_itself() {
    let html = built_index();
    for absolute in ["href=\"/", "src=\"/", "from '/", "module_or_path: '/"] {
        assert!(
            !html.contains(absolute),
            "dist/index.html names a file from the site root ({absolute}…), which breaks under a \
             sub-path: Trunk.toml's public_url should be \"./\""
        );
    }
    assert!(
        html.contains("from './") && html.contains("module_or_path: './"),
        "the loader should import the app relative to the page"
    );
}

#[tokio::test]
async fn the_app_works_from_a_sub_path_of_a_plain_static_host() {
    run(Setup::static_host_at(SUB_PATH), |t| async move {
        t.open("/").await;
        // Its config.json, beside index.html under the sub-path, is read.
        let base = t.value("api-base").await;
        check!(t, base == t.api.base_url(), "api-base should show the sub-path's config.json ({}), shows {base:?}", t.api.base_url());
        let styled = t
            .js_with(
                "return [...document.styleSheets].some(s => s.href && new URL(s.href).pathname.startsWith(arguments[0]) && s.cssRules.length > 0);",
                vec![json!(SUB_PATH)],
            )
            .await;
        let styled = styled == json!(true);
        check!(t, styled, "the stylesheet should load from under {SUB_PATH}");

        // The demo.
        t.click("demo").await;
        t.wait_view(FULL_ID).await;

        // A load, cross-origin to the API base (a static host cannot forward the API).
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        t.wait_gets(1).await;
        let get = &t.instance_gets()[0];
        check!(t, get.origin.as_deref() == Some(t.site.origin().as_str()), "the API call should come from the static host's page, Origin was {:?}", get.origin);
        t.wait_js(
            "the address bar to keep the sub-path and say ?instance=",
            "return location.pathname === arguments[0] && new URLSearchParams(location.search).get('instance') === arguments[1];",
            vec![json!(SUB_PATH), json!(FULL_ID)],
        )
        .await;

        // A deep link, opened fresh (the key is still held by this tab).
        t.open(&format!("/?instance={STARTING_ID}")).await;
        t.wait_view_for(STARTING_ID, Duration::from_secs(10)).await;
        let path = t.js("return location.pathname;").await;
        check!(t, path == json!(SUB_PATH), "the deep link should stay under {SUB_PATH}, is at {path}");

        // Every file came from under the sub-path: nothing was asked of the site root.
        let outside: Vec<String> = t
            .site
            .requests()
            .into_iter()
            .filter(|r| !r.starts_with(SUB_PATH) && !r.starts_with("/__e2e/"))
            .collect();
        check!(t, outside.is_empty(), "requests outside {SUB_PATH}: {outside:?}");
        let configs = t.site.requests().iter().filter(|r| *r == &format!("{SUB_PATH}config.json")).count();
        check!(t, configs >= 2, "each page load should read {SUB_PATH}config.json, it was read {configs} times");
        let gets = t.instance_gets().len();
        check!(t, gets == 2, "two loads of {INSTANCE_PATH} (the form, the deep link), the stand-in saw {gets}");
    })
    .await;
}
