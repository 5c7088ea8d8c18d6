//! Issue 3, the instance view: every hook of CONTRACT.md's "Instance view" on the fixtures
//! that exercise it, and the demo, which must need neither a key nor the network.

use std::time::Duration;

use e2e::{check, run, ConfigJson, Session, Setup, TEST_API_KEY};
use fantoccini::Locator;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";
const STARTING_ID: &str = "5a6b7c8d9e0f1a2b";
const FAILED_ID: &str = "3c9d0e1f2a3b4c5d";

const JUPYTER_URL: &str = "https://07ed667185a895bb-8888.us-ca-1.gpu-instance.novita.ai";
const SSH_COMMAND: &str = "ssh -p 62248 root@proxy.us-ca-6.gpu-instance.novita.ai";
const HF_TOKEN: &str = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const TERMINAL_PASSWORD: &str = "wT8mQ2rN5s";
const SSH_PASSWORD: &str = "Xk29vLq7pZ";

async fn open_and_load(t: &Session, id: &str) {
    t.open("/").await;
    t.load(TEST_API_KEY, id).await;
    t.wait_view(id).await;
}

#[tokio::test]
async fn running_instance_shows_its_name_and_status() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, FULL_ID).await;
        let id = t.attr("instance-view", "data-instance-id").await;
        check!(
            t,
            id.as_deref() == Some(FULL_ID),
            "instance-view data-instance-id should be {FULL_ID}, is {id:?}"
        );
        let name = t.text("instance-name").await;
        check!(
            t,
            name.contains("llama-finetune-a100"),
            "instance-name should show llama-finetune-a100, shows {name:?}"
        );

        let status = t.attr("status-badge", "data-status").await;
        let tone = t.attr("status-badge", "data-tone").await;
        let label = t.text("status-badge").await;
        check!(
            t,
            status.as_deref() == Some("running"),
            "status-badge data-status should be \"running\", is {status:?}"
        );
        check!(
            t,
            tone.as_deref() == Some("ok"),
            "status-badge data-tone should be \"ok\" for running, is {tone:?}"
        );
        check!(
            t,
            label.contains("Running"),
            "status-badge should say \"Running\" in words, says {label:?}"
        );
        check!(
            t,
            !t.exists("status-error").await,
            "status-error should be absent when statusError is null"
        );
    })
    .await;
}

#[tokio::test]
async fn starting_instance_has_progress_tone_and_inert_terminal_launcher() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, STARTING_ID).await;
        let status = t.attr("status-badge", "data-status").await;
        let tone = t.attr("status-badge", "data-tone").await;
        check!(t, status.as_deref() == Some("starting"), "status-badge data-status should be \"starting\", is {status:?}");
        check!(t, tone.as_deref() == Some("progress"), "status-badge data-tone should be \"progress\" while starting, is {tone:?}");

        let terminal = t.wait_for("launch-terminal").await;
        let running = t.attr_of(&terminal, "data-running", "launch-terminal").await;
        let href = t.attr_of(&terminal, "href", "launch-terminal").await;
        check!(t, running.as_deref() == Some("false"), "launch-terminal data-running should be \"false\" (terminal not running), is {running:?}");
        check!(t, href.is_none(), "launch-terminal must not be a working link while the terminal is not running; it has href {href:?}");
        let jupyter = t.wait_for("launch-jupyter").await;
        let running = t.attr_of(&jupyter, "data-running", "launch-jupyter").await;
        let href = t.attr_of(&jupyter, "href", "launch-jupyter").await;
        check!(t, running.as_deref() == Some("false"), "launch-jupyter data-running should be \"false\", is {running:?}");
        check!(t, href.is_none(), "launch-jupyter has no address in this fixture, so no href; it has {href:?}");
    })
    .await;
}

#[tokio::test]
async fn stopped_instance_shows_its_status_error() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, FAILED_ID).await;
        let status = t.attr("status-badge", "data-status").await;
        let tone = t.attr("status-badge", "data-tone").await;
        check!(t, status.as_deref() == Some("exited"), "status-badge data-status should be the raw \"exited\", is {status:?}");
        check!(t, tone.as_deref() == Some("error"), "status-badge data-tone should be \"error\" for an exit with a statusError, is {tone:?}");
        let error = t.text("status-error").await;
        check!(t, error.contains("pullImageFailed"), "status-error should show the state \"pullImageFailed\", shows {error:?}");
        check!(
            t,
            error.contains("failed to pull image registry.example.com/render/sdxl:1.0"),
            "status-error should show the message, shows {error:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn ports_are_links_only_for_https_endpoints() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, FULL_ID).await;
        t.wait_count("port-row", 4, Duration::from_secs(5)).await;
        let rows = t.client.find_all(Locator::Css("[data-testid=\"port-row\"]")).await.expect("port rows");
        let mut ports = Vec::new();
        for row in &rows {
            let port = t.attr_of(row, "data-port", "port-row").await.unwrap_or_default();
            let links = row.find_all(Locator::Css("[data-testid=\"port-link\"]")).await.expect("port-link lookup");
            let endpoints = row.find_all(Locator::Css("[data-testid=\"port-endpoint\"]")).await.expect("port-endpoint lookup");
            let text = t.text_of(row, "port-row").await;
            match port.as_str() {
                "8888" | "7860" => {
                    check!(t, links.len() == 1 && endpoints.is_empty(), "port {port} (https) should have one port-link and no port-endpoint; has {} and {}", links.len(), endpoints.len());
                    let link = &links[0];
                    let tag = t.tag(link, "port-link").await;
                    let href = t.attr_of(link, "href", "port-link").await.unwrap_or_default();
                    let target = t.attr_of(link, "target", "port-link").await;
                    let rel = t.attr_of(link, "rel", "port-link").await.unwrap_or_default();
                    let want = format!("https://07ed667185a895bb-{port}.us-ca-1.gpu-instance.novita.ai");
                    check!(t, tag == "a", "port-link of port {port} should be an <a>, is <{tag}>");
                    check!(t, href.trim_end_matches('/') == want, "port-link of port {port} should point at {want}, points at {href:?}");
                    check!(t, target.as_deref() == Some("_blank"), "port-link of port {port} should have target=_blank, has {target:?}");
                    let words: Vec<&str> = rel.split_whitespace().collect();
                    check!(t, words.contains(&"noopener") && words.contains(&"noreferrer"), "port-link of port {port} should have rel with noopener and noreferrer, has {rel:?}");
                }
                "22" | "6006" => {
                    check!(t, links.is_empty() && endpoints.len() == 1, "port {port} (tcp) should have one port-endpoint and no port-link; has {} links and {} endpoints", links.len(), endpoints.len());
                    let endpoint = t.text_of(&endpoints[0], "port-endpoint").await;
                    let want = if port == "22" { "proxy.us-ca-6.gpu-instance.novita.ai:62248" } else { "proxy.us-ca-6.gpu-instance.novita.ai:62249" };
                    check!(t, endpoint.contains(want), "port-endpoint of port {port} should show {want}, shows {endpoint:?}");
                    if port == "22" {
                        check!(t, text.contains(SSH_COMMAND), "the port-22 row should show `{SSH_COMMAND}`, shows {text:?}");
                    }
                }
                other => check!(t, false, "unexpected port-row data-port {other:?}"),
            }
            ports.push(port);
        }
        check!(t, ports == ["8888", "7860", "22", "6006"], "port-row data-port values should be 8888, 7860, 22, 6006 in order, are {ports:?}");
    })
    .await;
}

/// No ports, volumes or env vars: each section says so in words and shows no empty table;
/// with them, the words are gone and the tables shown.
#[tokio::test]
async fn empty_lists_say_so_in_words_and_full_ones_show_their_tables() {
    run(Setup::default(), |t| async move {
        // What a person sees of each: the words shown, and whether its table is rendered.
        const SHOWN: &str = "return ['ports', 'volumes', 'envs'].map(cls => {
            const table = document.querySelector('table.' + cls);
            return [cls, !!table && table.getClientRects().length > 0];
        }).concat([[document.querySelector('[data-testid=\"instance-view\"]').innerText]]);";
        const WORDS: [&str; 3] = [
            "No ports are mapped.",
            "No volumes are mounted.",
            "No environment variables are set.",
        ];
        open_and_load(&t, "min-0001").await;
        let shown = t.js(SHOWN).await;
        let text = shown[3][0].as_str().unwrap_or_default().to_owned();
        for (i, words) in WORDS.iter().enumerate() {
            check!(
                t,
                text.contains(words),
                "with none, the view should say {words:?}; it shows {text:?}"
            );
            check!(
                t,
                shown[i][1] == false,
                "with none, no {} table should be shown: {shown}",
                shown[i][0]
            );
        }

        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        t.wait_count("env-row", 5, Duration::from_secs(5)).await;
        let shown = t.js(SHOWN).await;
        let text = shown[3][0].as_str().unwrap_or_default().to_owned();
        for (i, words) in WORDS.iter().enumerate() {
            check!(
                t,
                !text.contains(words),
                "with some, the view should not say {words:?}"
            );
            check!(
                t,
                shown[i][1] == true,
                "with some, the {} table should be shown: {shown}",
                shown[i][0]
            );
        }
    })
    .await;
}

#[tokio::test]
async fn volumes_and_envs_with_secrets_masked_until_revealed() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, FULL_ID).await;
        t.wait_count("volume-row", 2, Duration::from_secs(5)).await;
        t.wait_count("env-row", 5, Duration::from_secs(5)).await;

        let body = t.body_text().await;
        for (what, secret) in [
            ("the HF_TOKEN value", HF_TOKEN),
            (
                "the WANDB_API_KEY value",
                "8f14e45fceea167a5a36dedd4bea2543",
            ),
            ("the JUPYTER_PASSWORD value", "s3cret-jupyter"),
            ("the web terminal password", TERMINAL_PASSWORD),
            ("the SSH password", SSH_PASSWORD),
        ] {
            check!(
                t,
                !body.contains(secret),
                "{what} is shown in clear before being revealed"
            );
        }
        check!(
            t,
            body.contains("/workspace/.cache/huggingface"),
            "a non-secret env value (HF_HOME) should be shown as is"
        );

        let rows = t
            .client
            .find_all(Locator::Css("[data-testid=\"env-row\"]"))
            .await
            .expect("env rows");
        let mut hf_row = None;
        for row in rows {
            if t.text_of(&row, "env-row").await.contains("HF_TOKEN") {
                hf_row = Some(row);
            }
        }
        let Some(row) = hf_row else {
            panic!("{}", t.with_page("no env-row shows HF_TOKEN").await);
        };
        let text = t.text_of(&row, "env-row HF_TOKEN").await;
        check!(
            t,
            !text.contains(HF_TOKEN),
            "the HF_TOKEN env-row shows the full token before it is revealed: {text:?}"
        );
        let reveal = match row
            .find(Locator::Css("button.reveal, button[aria-label^=\"Show\"]"))
            .await
        {
            Ok(button) => button,
            Err(err) => panic!(
                "{}",
                t.with_page(&format!("the HF_TOKEN env-row has no reveal button: {err}"))
                    .await
            ),
        };
        t.click_on(&reveal, "the HF_TOKEN reveal button").await;
        let text = t.text_of(&row, "env-row HF_TOKEN").await;
        check!(
            t,
            text.contains(HF_TOKEN),
            "after Show, the HF_TOKEN env-row should show the token; shows {text:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn connect_launchers_and_ssh_command() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, FULL_ID).await;
        let jupyter = t.wait_for("launch-jupyter").await;
        let tag = t.tag(&jupyter, "launch-jupyter").await;
        let href = t
            .attr_of(&jupyter, "href", "launch-jupyter")
            .await
            .unwrap_or_default();
        let running = t.attr_of(&jupyter, "data-running", "launch-jupyter").await;
        let target = t.attr_of(&jupyter, "target", "launch-jupyter").await;
        let rel = t
            .attr_of(&jupyter, "rel", "launch-jupyter")
            .await
            .unwrap_or_default();
        check!(t, tag == "a", "launch-jupyter should be an <a>, is <{tag}>");
        check!(
            t,
            href.trim_end_matches('/') == JUPYTER_URL,
            "launch-jupyter should link to {JUPYTER_URL}, links to {href:?}"
        );
        check!(
            t,
            running.as_deref() == Some("true"),
            "launch-jupyter data-running should be \"true\", is {running:?}"
        );
        check!(
            t,
            target.as_deref() == Some("_blank"),
            "launch-jupyter should open a new tab (target=_blank), has {target:?}"
        );
        check!(
            t,
            rel.contains("noopener") && rel.contains("noreferrer"),
            "launch-jupyter rel should include noopener and noreferrer, is {rel:?}"
        );

        let terminal = t.wait_for("launch-terminal").await;
        let running = t
            .attr_of(&terminal, "data-running", "launch-terminal")
            .await;
        check!(
            t,
            running.as_deref() == Some("true"),
            "launch-terminal data-running should be \"true\", is {running:?}"
        );

        let ssh = t.text("ssh-command").await;
        check!(
            t,
            ssh.contains(SSH_COMMAND),
            "ssh-command should show `{SSH_COMMAND}`, shows {ssh:?}"
        );
        let body = t.body_text().await;
        check!(
            t,
            !body.contains(TERMINAL_PASSWORD),
            "the web terminal password is shown in clear before being revealed"
        );
        check!(
            t,
            !body.contains(SSH_PASSWORD),
            "the SSH password is shown in clear before being revealed"
        );
    })
    .await;
}

#[tokio::test]
async fn raw_json_refreshed_at_and_refresh() {
    run(Setup::default(), |t| async move {
        open_and_load(&t, FULL_ID).await;
        let before = t.body_text().await;
        check!(
            t,
            !before.contains("\"portMappings\""),
            "the raw JSON should be hidden until asked for"
        );
        t.click("raw-json").await;
        t.wait_js(
            "the raw JSON (with \"portMappings\") to be shown after clicking raw-json",
            "return document.body.innerText.includes('\"portMappings\"');",
            vec![],
        )
        .await;

        let refreshed = t.wait_for("refreshed-at").await;
        let text = t.text_of(&refreshed, "refreshed-at").await;
        check!(
            t,
            !text.trim().is_empty(),
            "refreshed-at should say when the data was fetched; it is empty"
        );

        let gets = t.instance_gets().len();
        check!(
            t,
            gets == 1,
            "expected 1 GET before Refresh, the stand-in saw {gets}"
        );
        t.click("refresh").await;
        t.wait_gets(2).await;
        t.wait_view(FULL_ID).await;
        let gets = t.instance_gets();
        check!(
            t,
            gets.len() == 2,
            "Refresh should make exactly one more GET; the stand-in saw {} in all",
            gets.len()
        );
        check!(
            t,
            gets[1].query.as_deref() == Some(&format!("instanceId={FULL_ID}")[..]),
            "the refresh GET should ask for {FULL_ID}, asked {:?}",
            gets[1].query
        );
    })
    .await;
}

#[tokio::test]
async fn demo_makes_no_request_even_with_an_api_configured() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        t.api.clear_requests();
        t.click("demo").await;
        t.wait_view(FULL_ID).await;
        let name = t.text("instance-name").await;
        check!(
            t,
            name.contains("llama-finetune-a100"),
            "the demo should show llama-finetune-a100, shows {name:?}"
        );
        t.wait_count("port-row", 4, Duration::from_secs(5)).await;
        // Give a stray request time to arrive before counting.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let seen = t.api.requests();
        check!(
            t,
            seen.is_empty(),
            "the demo needs no network, yet the stand-in saw {} request(s): {:?}",
            seen.len(),
            seen.iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect::<Vec<_>>()
        );
    })
    .await;
}

#[tokio::test]
async fn demo_works_with_the_network_gone_and_no_config_or_key() {
    run(Setup::with_config(ConfigJson::Missing), |t| async move {
        t.open("/").await;
        // The network goes away: the page stays, every server it came from stops. (Engine
        // neutral: only Chromium's driver can switch a page offline.)
        t.stop_site().await;
        t.click("demo").await;
        t.wait_view(FULL_ID).await;
        let name = t.text("instance-name").await;
        check!(
            t,
            name.contains("llama-finetune-a100"),
            "the demo should show llama-finetune-a100 with the network gone, shows {name:?}"
        );
        t.wait_count("port-row", 4, Duration::from_secs(5)).await;
        check!(
            t,
            !t.exists("error").await,
            "the demo should not show an error panel"
        );
        let seen = t.api.requests();
        check!(
            t,
            seen.is_empty(),
            "the stand-in saw {} request(s) during a demo with no config.json",
            seen.len()
        );
    })
    .await;
}
