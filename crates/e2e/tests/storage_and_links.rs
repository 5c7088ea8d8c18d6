//! Where the key is kept (sessionStorage by default, localStorage only when asked, gone on
//! Forget), links people share (`?instance=`, back/forward), and config.json.

use std::time::Duration;

use e2e::{check, run, ConfigJson, Session, Setup, TEST_API_KEY};
use serde_json::json;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";
const STARTING_ID: &str = "5a6b7c8d9e0f1a2b";
const DEFAULT_BASE: &str = "https://api.novita.ai";

/// Whether any value in the named storage contains the test key. Only a boolean comes back,
/// so no message can ever print the key.
async fn storage_has_key(t: &Session, storage: &str) -> bool {
    let script = format!(
        "return Object.values({{...window.{storage}}}).some(v => String(v).includes(arguments[0]));"
    );
    t.js_with(&script, vec![json!(TEST_API_KEY)]).await == json!(true)
}

async fn key_field_holds_key(t: &Session) -> bool {
    t.value("api-key").await == TEST_API_KEY
}

async fn remember_ticked(t: &Session) -> bool {
    t.js("return document.querySelector('[data-testid=\"remember-key\"]').checked;")
        .await
        == json!(true)
}

#[tokio::test]
async fn key_storage_follows_remember_and_forget() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.fill("api-key", TEST_API_KEY).await;
        check!(
            t,
            storage_has_key(&t, "sessionStorage").await,
            "after typing the key, sessionStorage should hold the key"
        );
        check!(
            t,
            !storage_has_key(&t, "localStorage").await,
            "by default localStorage must not hold the key"
        );
        check!(
            t,
            !remember_ticked(&t).await,
            "remember-key should start unticked"
        );

        t.click("remember-key").await;
        check!(
            t,
            storage_has_key(&t, "localStorage").await,
            "after ticking remember-key, localStorage should hold the key"
        );
        t.click("remember-key").await;
        check!(
            t,
            !storage_has_key(&t, "localStorage").await,
            "after unticking remember-key, localStorage should no longer hold the key"
        );
        t.click("remember-key").await;
        check!(
            t,
            storage_has_key(&t, "localStorage").await,
            "after ticking remember-key again, localStorage should hold the key"
        );

        t.reload().await;
        t.wait_for("api-key").await;
        t.wait_js(
            "the key field to be filled from storage after a reload",
            "return document.querySelector('[data-testid=\"api-key\"]').value === arguments[0];",
            vec![json!(TEST_API_KEY)],
        )
        .await;
        check!(
            t,
            remember_ticked(&t).await,
            "after a reload with a remembered key, remember-key should still be ticked"
        );

        t.click("forget-key").await;
        check!(
            t,
            !storage_has_key(&t, "sessionStorage").await,
            "after forget-key, sessionStorage still holds the key"
        );
        check!(
            t,
            !storage_has_key(&t, "localStorage").await,
            "after forget-key, localStorage still holds the key"
        );
        let value = t.value("api-key").await;
        check!(
            t,
            value.is_empty(),
            "after forget-key the key field should be empty; it holds {} characters",
            value.chars().count()
        );

        t.reload().await;
        t.wait_for("api-key").await;
        check!(
            t,
            !key_field_holds_key(&t).await,
            "after forget-key and a reload, the key came back"
        );
    })
    .await;
}

#[tokio::test]
async fn deep_link_loads_at_once_and_history_follows_the_instance() {
    run(Setup::default(), |t| async move {
        // A key remembered on this device, through the UI.
        t.open("/").await;
        t.fill("api-key", TEST_API_KEY).await;
        t.click("remember-key").await;
        check!(
            t,
            storage_has_key(&t, "localStorage").await,
            "the key should be remembered before following the link"
        );

        t.open(&format!("/?instance={FULL_ID}")).await;
        t.wait_view(FULL_ID).await;
        let id = t.value("instance-id").await;
        check!(
            t,
            id == FULL_ID,
            "the deep link should fill instance-id with {FULL_ID}; it holds {id:?}"
        );
        let gets = t.instance_gets().len();
        check!(
            t,
            gets == 1,
            "the deep link should load with one GET and no click; the stand-in saw {gets}"
        );

        t.fill("instance-id", STARTING_ID).await;
        t.click("load").await;
        t.wait_view(STARTING_ID).await;
        t.wait_js(
            &format!("the address bar to say ?instance={STARTING_ID}"),
            "return new URLSearchParams(location.search).get('instance') === arguments[0];",
            vec![json!(STARTING_ID)],
        )
        .await;

        t.js("history.back(); return null;").await;
        t.wait_view(FULL_ID).await;
        t.wait_js(
            &format!("the address bar to say ?instance={FULL_ID} after going back"),
            "return new URLSearchParams(location.search).get('instance') === arguments[0];",
            vec![json!(FULL_ID)],
        )
        .await;
        let url = t.url().await;
        check!(
            t,
            !url.contains(TEST_API_KEY),
            "the key appeared in the page's URL"
        );
    })
    .await;
}

#[tokio::test]
async fn url_parameters_cannot_change_where_the_key_goes() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.fill("api-key", TEST_API_KEY).await;
        let evil = "http://127.0.0.1:9";
        t.goto(&format!(
            "/?instance={FULL_ID}&apiBase={evil}&api_base={evil}&base={evil}&api={evil}&config={evil}/config.json"
        ))
        .await;
        t.wait_js(
            "the deep link to end in the instance view or an error",
            "return !!document.querySelector('[data-testid=\"instance-view\"], [data-testid=\"error\"]');",
            vec![],
        )
        .await;
        let base = t.value("api-base").await;
        check!(t, Some(&base) == t.expected_base.as_ref(), "URL parameters changed the API base to {base:?}");
        t.wait_view(FULL_ID).await;
        let gets = t.instance_gets().len();
        check!(t, gets == 1, "the load should have gone to the configured API base; it saw {gets} GETs");
    })
    .await;
}

#[tokio::test]
async fn api_base_shows_the_value_from_config_json() {
    run(
        Setup::with_config(ConfigJson::CrossOriginFake),
        |t| async move {
            t.open("/").await;
            let base = t.value("api-base").await;
            check!(
                t,
                base == t.api.base_url(),
                "api-base should show config.json's {}, shows {base:?}",
                t.api.base_url()
            );
        },
    )
    .await;
}

#[tokio::test]
async fn missing_config_json_is_normal() {
    run(Setup::with_config(ConfigJson::Missing), |t| async move {
        t.open("/").await;
        // config.json is fetched at start-up; give its answer time to be applied.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let base = t.value("api-base").await;
        check!(t, base == DEFAULT_BASE, "with no config.json api-base should show the default {DEFAULT_BASE}, shows {base:?}");
        let alerts = t
            .js("return [...document.querySelectorAll('[role=alert], .warning')].map(e => e.innerText).join(' | ');")
            .await;
        let alerts = alerts.as_str().unwrap_or_default().to_owned();
        check!(t, !alerts.contains("config.json"), "a missing config.json is normal, yet the page warns: {alerts:?}");
    })
    .await;
}

#[tokio::test]
async fn malformed_config_json_warns_and_the_page_still_works() {
    let config = ConfigJson::Raw("{\"apiBase\": \"http://127.0.0.1:1\",".to_string());
    run(Setup::with_config(config), |t| async move {
        t.open("/").await;
        t.wait_js(
            "a visible warning that mentions config.json",
            "return document.body.innerText.includes('config.json');",
            vec![],
        )
        .await;
        for hook in ["api-key", "instance-id", "load", "demo"] {
            t.wait_for(hook).await;
        }
        let base = t.value("api-base").await;
        check!(
            t,
            base == DEFAULT_BASE,
            "a malformed config.json should leave the default API base, api-base shows {base:?}"
        );
        t.click("demo").await;
        t.wait_view(FULL_ID).await;
    })
    .await;
}

#[tokio::test]
async fn plain_http_api_base_off_loopback_gets_a_visible_warning() {
    // TEST-NET-1: never reached, only shown.
    let config = ConfigJson::Raw(json!({ "apiBase": "http://192.0.2.10" }).to_string());
    run(Setup::with_config(config), |t| async move {
        t.open("/").await;
        // innerText holds only what is rendered, so a warning hidden in a closed panel fails.
        t.wait_js(
            "a visible warning that the key would cross the network unencrypted (http: API base off loopback)",
            "return /unencrypted|not encrypted|plain http|insecure/i.test(document.body.innerText);",
            vec![],
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn deep_link_without_a_key_fills_the_id_and_waits() {
    run(Setup::default(), |t| async move {
        t.open(&format!("/?instance={FULL_ID}")).await;
        t.wait_js(
            &format!("instance-id to be filled with {FULL_ID} from the link"),
            "return document.querySelector('[data-testid=\"instance-id\"]').value === arguments[0];",
            vec![json!(FULL_ID)],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let seen = t.api.requests().len();
        check!(t, seen == 0, "with no key held the link must not call the API; the stand-in saw {seen} request(s)");
        check!(t, !t.exists("instance-view").await, "with no key held no instance can be shown");
        t.fill("api-key", TEST_API_KEY).await;
        t.click("load").await;
        t.wait_view(FULL_ID).await;
    })
    .await;
}

#[tokio::test]
async fn api_base_set_by_the_user_wins_over_config_json() {
    let config_base = e2e::closed_port_base();
    let config = ConfigJson::Raw(json!({ "apiBase": config_base }).to_string());
    // The deployment allows the stand-in's origin (as `--connect-src` would): an API base
    // typed into Settings is otherwise blocked by the page's policy.
    let setup = Setup {
        allow_stand_in: true,
        ..Setup::with_config(config)
    };
    run(setup, |t| async move {
        t.open("/").await;
        // The field lives in the Settings panel; open it as a person would.
        t.js("document.querySelector('[data-testid=\"api-base\"]').closest('details').open = true; return null;")
            .await;
        let fake = t.api.base_url();
        t.fill("api-base", &format!("{fake}\u{E007}")).await;
        t.reload().await;
        t.wait_for("load").await;
        t.wait_js(
            "api-base to show the user's own value after a reload",
            "return document.querySelector('[data-testid=\"api-base\"]').value.replace(/\\/+$/, '') === arguments[0];",
            vec![json!(fake)],
        )
        .await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        let gets = t.instance_gets().len();
        check!(t, gets == 1, "the load should go to the user's API base (the stand-in); it saw {gets} GETs");
    })
    .await;
}
