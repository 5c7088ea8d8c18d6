//! Issue 15, any static host, any path: the build names its files relative to the page, so it
//! works served from a sub-path by a plain static server, under its CSP `<meta>` alone (a static
//! host sends no policy of its own), and that `<meta>` says what the bundled server's header
//! says.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use e2e::{check, dist_dir, run, Setup, INSTANCE_PATH, TEST_API_KEY};
use novita_viewer_server::security_headers::content_security_policy;
use serde_json::{json, Value};

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

/// A static host with no config.json talks to the default API base: the built `<meta>` is the
/// policy the bundled server sends for a deployment whose config.json names that base (the
/// same loader hash, `'self'` and `https://api.novita.ai` in connect-src), less
/// frame-ancestors, which a `<meta>` cannot carry. (The bundled server rewrites the `<meta>`
/// of the page it serves to its own policy: `crates/server/tests/static_files.rs`.)
#[test]
fn the_built_meta_is_the_bundled_servers_policy_for_the_default_api_base() {
    let html = built_index();
    let header = content_security_policy(&html, Some("https://api.novita.ai"), &[]);
    let expected = header.replace(" frame-ancestors 'none';", "");
    assert_ne!(expected, header, "the server's policy has frame-ancestors");
    assert!(
        expected.contains("connect-src 'self' https://api.novita.ai;"),
        "{expected}"
    );
    assert_eq!(
        meta_policy(&html),
        expected,
        "dist/index.html's CSP <meta> should be the bundled server's policy for this very file \
         (same loader hash), without frame-ancestors"
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

/// The repository's source index.html with Trunk's work done by hand: the `<link
/// data-trunk rel="rust">` replaced by an inline loader, as Trunk replaces it.
fn source_index_as_trunk_writes_it() -> String {
    let source = std::fs::read_to_string(repo().join("index.html")).expect("reading index.html");
    let link = source
        .lines()
        .find(|l| l.contains("data-trunk rel=\"rust\""))
        .expect("index.html links the Rust app");
    source.replace(
        link,
        "<script type=\"module\">\nimport init from './app-0123456789abcdef.js';\nawait init();\n</script>",
    )
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the build's hook (scripts/csp-meta.py) on `html` with `VIEWER_CONNECT_SRC`; returns
/// whether it succeeded and the file afterwards.
fn run_the_hook(html: &str, connect_src: &str) -> (bool, String) {
    let file = std::env::temp_dir().join(format!(
        "e2e-csp-meta-{}-{}.html",
        std::process::id(),
        connect_src.len()
    ));
    std::fs::write(&file, html).expect("writing the test index.html");
    let status = Command::new("python3")
        .arg(repo().join("scripts/csp-meta.py"))
        .arg(&file)
        .env("VIEWER_CONNECT_SRC", connect_src)
        .status()
        .expect("running python3 scripts/csp-meta.py");
    let after = std::fs::read_to_string(&file).expect("reading it back");
    let _ = std::fs::remove_file(&file);
    (status.success(), after)
}

fn sorted_sources(policy: &str, directive: &str) -> Vec<String> {
    let mut sources: Vec<String> = policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(directive))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    sources.sort();
    sources
}

#[test]
fn an_api_origin_set_at_build_time_takes_the_default_bases_place_in_the_meta_as_the_server_does() {
    let html = source_index_as_trunk_writes_it();
    let (ok, built) = run_the_hook(&html, "https://proxy.example.com");
    assert!(ok, "the hook should accept an https origin");
    let meta = meta_policy(&built);
    // What the bundled server sends for a dist whose config.json names that proxy.
    let header = content_security_policy(&built, Some("https://proxy.example.com"), &[]);
    assert_eq!(
        sorted_sources(&meta, "connect-src"),
        sorted_sources(&header, "connect-src"),
        "meta {meta:?} and header {header:?} should allow the same connections"
    );
    assert_eq!(
        sorted_sources(&meta, "script-src"),
        sorted_sources(&header, "script-src"),
        "the hook and the server should hash the same loader"
    );

    // Anything that could end the directive or the attribute is refused, the file untouched.
    for bad in [
        "https://x; script-src *",
        "https://x\"",
        "javascript:alert(1)",
        "*",
    ] {
        let (ok, after) = run_the_hook(&html, bad);
        assert!(
            !ok && after == html,
            "VIEWER_CONNECT_SRC={bad:?} should be refused"
        );
    }
}

#[tokio::test]
async fn the_app_works_from_a_sub_path_of_a_plain_static_host() {
    run(Setup::static_host_at(SUB_PATH), |t| async move {
        t.open("/").await;
        // Its config.json, beside index.html under the sub-path, is read.
        let base = t.value("api-base").await;
        check!(t, base == t.api.base_url(), "api-base should show the sub-path's config.json ({}), shows {base:?}", t.api.base_url());
        // The stylesheet is inlined in index.html (one round trip less before the first paint),
        // so styled means its rules apply under the `<meta>` policy's hash.
        let styled = t
            .js("return [...document.styleSheets].some(s => s.cssRules.length > 0) \
                 && getComputedStyle(document.querySelector('.app-header')).borderBottomStyle === 'solid';")
            .await;
        let styled = styled == json!(true);
        check!(t, styled, "the page should be styled from a sub-path, under its CSP <meta>");

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

/// Issue 16: index.html draws the start screen's frame (`#app-shell`) so a slow network shows
/// the form before the wasm arrives. Once the app is up the copy is gone (one header, one
/// `h1`, one `main`), and the copy the host serves is the app's start screen word for word
/// and box for box (so the swap neither shifts the layout nor changes a word), claims nothing
/// only the app knows, takes no input, and carries no hook or id a test or script could find
/// instead of the app's. From a sub-path of a plain static host, under the build's `<meta>`
/// policy alone; every other test runs it under the bundled server's header.
#[tokio::test]
async fn the_start_screen_drawn_by_index_html_is_the_apps_and_gives_way_to_it() {
    run(Setup::static_host_at(SUB_PATH), |t| async move {
        t.open("/").await;
        let seen = t
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
const count = css => document.querySelectorAll(css).length;
const words = e => e ? e.textContent.replace(/\s+/g, '') : null;
const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
  return [r.x, r.y, r.width, r.height].map(v => Math.round(v * 2) / 2); };
const after = { header: count('header'), h1: count('h1'), main: count('main'), shell: count('#app-shell') };
fetch('./', { cache: 'no-store' }).then(r => r.text()).then(html => {
  const served = new DOMParser().parseFromString(html, 'text/html').getElementById('app-shell');
  if (!served) return done({ after, served: null });
  const shell = document.importNode(served, true);
  // Laid out where the app is, unseen: the page's own stylesheet applies to both.
  Object.assign(shell.style, { position: 'absolute', top: '0', left: '0', right: '0', visibility: 'hidden' });
  document.body.append(shell);
  const app = document.getElementById('main').parentElement;
  const apps = css => [...app.querySelectorAll(css)].filter(e => !shell.contains(e));
  const pairs = ['header', 'h1', '.load-form', '.load-form .field', '.load-form label', '.load-form input',
                 '.load-form button', '.load-form .hint', '.settings', '.empty-state', '.empty-state h2',
                 '.empty-state p'].flatMap(css => {
    const mine = apps(css);
    const its = [...shell.querySelectorAll(css)];
    return mine.length === its.length ? mine.map((e, i) => ({ css: `${css}[${i}]`, app: box(e), shell: box(its[i]) }))
                                      : [{ css, app: mine.length, shell: its.length }];
  });
  const inputs = list => list.map(i => `${i.type} ${i.placeholder}`);
  const result = {
    after, served: true, inert: shell.hasAttribute('inert'),
    marked: [...shell.querySelectorAll('[data-testid], [id], [aria-label], [for]')].map(e => e.outerHTML.slice(0, 80)),
    words: ['h1', '.load-form', '.empty-state'].map(css => [css, words(apps(css)[0]), words(shell.querySelector(css))]),
    summary: [words(apps('.settings summary')[0]), words(shell.querySelector('.settings summary'))],
    inputs: [inputs(apps('.load-form input')), inputs([...shell.querySelectorAll('.load-form input')])],
    pairs,
  };
  shell.remove();
  done(result);
}, e => done({ after, error: String(e) }));"#,
                vec![],
            )
            .await
            .expect("comparing the served start screen with the app's");
        let after = &seen["after"];
        check!(t, after == &json!({ "header": 1, "h1": 1, "main": 1, "shell": 0 }), "once the app is up, the page should hold its header, h1 and main alone, index.html's copy removed: {after}");
        check!(t, seen["served"] == json!(true), "the served index.html should draw the start screen in #app-shell: {seen}");
        check!(t, seen["inert"] == json!(true), "the drawn start screen should be inert (no typing into a form about to be replaced)");
        check!(t, seen["marked"] == json!([]), "the drawn start screen should carry no data-testid, id, aria-label or for (the app's hooks are the only ones): {}", seen["marked"]);
        for part in seen["words"].as_array().map(Vec::as_slice).unwrap_or_default() {
            check!(t, part[1].is_string() && part[1] == part[2], "{} should say what the app's says, word for word: app {} / index.html {}", part[0], part[1], part[2]);
        }
        // The app adds which API base is in force, which only it knows.
        let summary = &seen["summary"];
        check!(t, summary[1] == json!("Settings") && summary[0].as_str().is_some_and(|s| s.starts_with("Settings")), "the drawn Settings should say only \"Settings\": {summary}");
        check!(t, seen["inputs"][0] == seen["inputs"][1], "the drawn inputs should be the app's (type, placeholder): {}", seen["inputs"]);
        let pairs = seen["pairs"].as_array().cloned().unwrap_or_default();
        check!(t, pairs.len() > 12, "the comparison should cover every part of the start screen: {pairs:?}");
        for pair in &pairs {
            check!(t, pair["app"].is_array() && pair["app"] == pair["shell"], "{} should sit where the app's does (x, y, width, height): app {} / index.html {}", pair["css"], pair["app"], pair["shell"]);
        }
    })
    .await;
}

/// The app swaps itself in only once the browser has recorded the drawn start screen's first
/// paint as the largest paint, so its identical start screen, drawn a few milliseconds later on
/// a fast load, is not taken for the first screen (`appShellPainted` in index.html). Checked
/// where the browser reports largest paints (Chromium and Firefox; WebKit reports none, and
/// there the app does not wait).
#[tokio::test]
async fn the_largest_paint_is_the_drawn_start_screen_not_the_apps_copy() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.wait_for("load").await;
        let seen = t
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
const kinds = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
if (!kinds.includes('largest-contentful-paint')) return done({ reported: false });
new PerformanceObserver(list => {
  // The drawn screen is gone by now: its entries name no element (removed), the app's would.
  done({ reported: true, entries: list.getEntries().map(e => e.element ? e.element.outerHTML.slice(0, 80) : null) });
}).observe({ type: 'largest-contentful-paint', buffered: true });"#,
                vec![],
            )
            .await
            .expect("reading the page's largest paints");
        if seen["reported"] == json!(false) {
            check!(t, e2e::Engine::current() == e2e::Engine::Webkit, "only WebKit should report no largest paints: {seen}");
            return;
        }
        let entries = seen["entries"].as_array().cloned().unwrap_or_default();
        check!(t, !entries.is_empty(), "the page should have a largest paint: {seen}");
        check!(
            t,
            entries.iter().all(Value::is_null),
            "every largest paint should be the drawn start screen's (removed since), none the app's: {seen}"
        );
    })
    .await;
}
