//! Issue 2: the page loads, shows the form, and loads an instance, with the key sent only where
//! it belongs: the `Authorization` header of the call to the API base (here on another origin,
//! called with CORS; `proxy.rs` has the same-origin case).

use e2e::{check, run, ConfigJson, Setup, INSTANCE_PATH, TEST_API_KEY};

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

#[tokio::test]
async fn loads_an_instance_and_sends_the_key_only_in_the_authorization_header() {
    run(
        Setup::with_config(ConfigJson::CrossOriginFake),
        |t| async move {
            t.open("/").await;

            // The form.
            let key_input = t.wait_for("api-key").await;
            let tag = t.tag(&key_input, "api-key").await;
            let kind = t.attr_of(&key_input, "type", "api-key").await;
            check!(
            t,
            tag == "input" && kind.as_deref() == Some("password"),
            "[data-testid=api-key] should be an <input type=password>, is <{tag} type={kind:?}>"
        );
            let id_input = t.wait_for("instance-id").await;
            let tag = t.tag(&id_input, "instance-id").await;
            check!(
                t,
                tag == "input",
                "[data-testid=instance-id] should be an <input>, is <{tag}>"
            );
            t.wait_for("load").await;

            // A load.
            t.load(TEST_API_KEY, FULL_ID).await;
            t.wait_view(FULL_ID).await;
            let name = t.text("instance-name").await;
            check!(
                t,
                name.contains("llama-finetune-a100"),
                "[data-testid=instance-name] should show \"llama-finetune-a100\", shows {name:?}"
            );

            // What the stand-in saw: one GET, cross-origin, with the key in Authorization only.
            let gets = t.instance_gets();
            check!(
                t,
                gets.len() == 1,
                "expected exactly one GET {INSTANCE_PATH}, the stand-in saw {}",
                gets.len()
            );
            let get = &gets[0];
            let expected_auth = format!("Bearer {TEST_API_KEY}");
            check!(
                t,
                get.authorization.as_deref() == Some(expected_auth.as_str()),
                "the GET should carry `Authorization: Bearer <the key>`; it carried {}",
                match &get.authorization {
                    None => "no Authorization header".to_string(),
                    Some(a) if a.contains(TEST_API_KEY) =>
                        "the key, but not as exactly `Bearer <the key>`".to_string(),
                    Some(a) => format!("{a:?}"),
                }
            );
            check!(
                t,
                get.query.as_deref() == Some(&format!("instanceId={FULL_ID}")[..]),
                "the GET's query should be instanceId={FULL_ID}, was {:?}",
                get.query
            );
            check!(
                t,
                get.origin.as_deref() == Some(t.site.url().as_str()),
                "the GET should come cross-origin from the app's page ({}), Origin was {:?}",
                t.site.url(),
                get.origin
            );
            for request in t.api.requests() {
                let (method, path) = (&request.method, &request.path);
                for (place, text) in [
                    ("path", Some(path.clone())),
                    ("query", request.query.clone()),
                    ("body", Some(request.body.clone())),
                    ("Origin header", request.origin.clone()),
                ] {
                    check!(
                        t,
                        !text.unwrap_or_default().contains(TEST_API_KEY),
                        "the key appeared in the {place} of {method} {path} to the API"
                    );
                }
                if method != "GET" {
                    check!(
                        t,
                        request.authorization.is_none(),
                        "{method} {path} (not the GET) carried an Authorization header"
                    );
                }
            }

            // Nowhere else: not the app's own server, the address bar, the page text, the console.
            for target in t.site.requests() {
                check!(
                    t,
                    !target.contains(TEST_API_KEY),
                    "the key appeared in a request to the app's own server"
                );
            }
            let url = t.url().await;
            check!(
                t,
                !url.contains(TEST_API_KEY),
                "the key appeared in the page's URL"
            );
            let text = t.body_text().await;
            check!(
                t,
                !text.contains(TEST_API_KEY),
                "the key appeared in the page's visible text (document.body.innerText)"
            );
            let title = t.js("return document.title;").await;
            check!(
                t,
                !title.to_string().contains(TEST_API_KEY),
                "the key appeared in the page title"
            );
            // The recorder hears the page's console (so an empty list means nothing was written).
            t.js("console.info('e2e: the console recorder hears this'); return true;")
                .await;
            let console = t.console_messages().await;
            check!(
            t,
            console.iter().any(|l| l == "e2e: the console recorder hears this"),
            "the in-page console recorder should have caught a console.info, it has {} message(s)",
            console.len()
        );
            for line in console {
                check!(
                    t,
                    !line.contains(TEST_API_KEY),
                    "the key appeared in a console message"
                );
            }
        },
    )
    .await;
}

#[tokio::test]
async fn enter_in_the_form_loads_like_the_button() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.fill("api-key", TEST_API_KEY).await;
        t.fill("instance-id", &format!("{FULL_ID}\u{E007}")).await;
        t.wait_view(FULL_ID).await;
        let gets = t.instance_gets().len();
        check!(
            t,
            gets == 1,
            "Enter should load once; the stand-in saw {gets} GETs"
        );
    })
    .await;
}

/// A Load asks the API first and draws afterwards: the Get Instance request is sent in the
/// click itself, before the page has drawn anything for it (the loading line). Drawing first
/// would add the drawing's time to every load's wait for the answer.
#[tokio::test]
async fn a_load_sends_its_request_before_drawing_anything() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.fill("api-key", TEST_API_KEY).await;
        t.fill("instance-id", FULL_ID).await;
        // Notes, for each Get Instance call, whether the loading line was already drawn.
        t.js(&format!(
            "window.__e2eDrawnAtRequest = [];
             const fetch = window.fetch;
             window.fetch = function (url, init) {{
               if (String(url).includes('{INSTANCE_PATH}')) {{
                 window.__e2eDrawnAtRequest.push(!!document.querySelector('.loading'));
               }}
               return fetch.call(this, url, init);
             }};
             return true;"
        ))
        .await;
        t.click("load").await;
        t.wait_view(FULL_ID).await;
        let drawn = t.js("return window.__e2eDrawnAtRequest;").await;
        // The first is the Load's; a refresh may follow on a slow machine (it draws no
        // loading line either way).
        check!(
            t,
            drawn.get(0) == Some(&serde_json::json!(false)),
            "the Load's Get Instance request should be sent before the loading line is drawn; \
             [drawn already?] per request: {drawn}"
        );
    })
    .await;
}

/// A key typed and a Load pressed before config.json has arrived wait for it: the key goes to
/// no API base but the one the deployment chose (here the bundled server's own; the default
/// base is outside its `connect-src`, so a request there would be a CSP violation, which fails
/// the test). WebKit restoring a form after a navigation types too.
#[tokio::test]
async fn what_is_asked_before_config_json_arrives_waits_for_its_api_base() {
    run(
        Setup::with_config(ConfigJson::Late(Box::new(ConfigJson::HostDefault))),
        |t| async move {
            t.goto("/").await;
            t.wait_for("load").await;
            t.load(TEST_API_KEY, FULL_ID).await;
            let base = t.value("api-base").await;
            check!(
                t,
                base.starts_with("https://api.novita.ai"),
                "config.json should not have been applied yet (it is 4 s late), the API base is {base:?}: the test typed too slowly to test anything"
            );
            check!(
                t,
                t.instance_gets().is_empty(),
                "nothing may be asked before config.json: {:?}",
                t.instance_gets()
            );
            t.wait_view(FULL_ID).await;
            let gets = t.instance_gets();
            check!(
                t,
                gets.len() == 1,
                "the Load is sent once, when config.json has arrived: {gets:?}"
            );
        },
    )
    .await;
}

/// config.json cut off by the network is tried again, and nothing is sent until it has been
/// read: the page says so meanwhile, and then goes on as if it had come at once.
#[tokio::test]
async fn a_config_json_that_does_not_arrive_is_tried_again_and_nothing_is_sent_meanwhile() {
    run(
        Setup::with_config(ConfigJson::CutOff(Box::new(ConfigJson::HostDefault))),
        |t| async move {
            t.goto(&format!("/?instance={FULL_ID}")).await;
            t.wait_for("load").await;
            let warnings = "return [...document.querySelectorAll('.warning')].map(e => e.innerText).join(' | ');";
            t.wait_js(
                "a warning that config.json is being tried again",
                "return [...document.querySelectorAll('.warning')].some(e => e.innerText.includes('config.json could not be fetched; trying again'));",
                vec![],
            )
            .await;
            t.fill("api-key", TEST_API_KEY).await;
            check!(
                t,
                t.instance_gets().is_empty(),
                "nothing may be asked before config.json: {:?}",
                t.instance_gets()
            );
            t.wait_view(FULL_ID).await;
            let configs = t
                .site
                .requests()
                .iter()
                .filter(|r| r.as_str() == "/config.json")
                .count();
            check!(
                t,
                configs == e2e::CONFIG_CUT_OFF + 1,
                "config.json is asked for until it arrives whole: asked {configs} times"
            );
            let left = t.js(warnings).await;
            check!(t, left == serde_json::json!(""), "the warning goes once it is read: {left}");
            check!(t, t.instance_gets().len() == 1, "loaded once: {:?}", t.instance_gets());
        },
    )
    .await;
}
