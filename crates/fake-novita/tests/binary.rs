//! The `fake-novita` binary: argument errors are explained, and it really serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use fake_novita::TEST_API_KEY;

const BIN: &str = env!("CARGO_BIN_EXE_fake-novita");

#[test]
fn bad_arguments_are_explained_without_a_panic() {
    for args in [
        &["--port", "nope"][..],
        &["--port"][..],
        &["--port", "70000"][..],
        &["--verbose"][..],
        &["--fleet"][..],
        &["--fleet", "many"][..],
        &["--fleet=10001"][..],
        &["--port=80=80"][..],
    ] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("usage: fake-novita"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_prints_usage() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let usage = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        usage.contains("--port") && usage.contains("--fleet"),
        "{usage}"
    );
}

#[tokio::test]
async fn serves_on_a_free_port_and_keeps_the_key_out_of_its_output() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--fleet=25"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();

    let outcome = async move {
        assert!(
            line.starts_with("fake-novita listening on http://127.0.0.1:"),
            "{line}"
        );
        assert!(!line.contains(TEST_API_KEY), "{line}");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap();
        let response = reqwest::Client::new()
            .get(format!(
                "{base}/gpu-instance/openapi/v1/gpu/instance?instanceId=min-0001"
            ))
            .bearer_auth(TEST_API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let response = reqwest::Client::new()
            .get(format!(
                "{base}/gpu-instance/openapi/v1/gpu/instances?pageSize=100&pageNum=1"
            ))
            .bearer_auth(TEST_API_KEY)
            .send()
            .await
            .unwrap();
        let page: serde_json::Value =
            serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(page["total"], 25, "--fleet=25");
    };
    // Caught so the child is always stopped before the test fails.
    let result = tokio::spawn(outcome).await;

    // Ctrl-C is the documented way to stop it, and it must exit cleanly on it.
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|status| status.success());
    let mut exit = None;
    for _ in 0..100 {
        exit = child.try_wait().unwrap();
        if exit.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if exit.is_none() {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    if let Err(err) = result {
        std::panic::resume_unwind(err.into_panic());
    }
    assert!(interrupted, "kill -INT could not be sent");
    assert!(
        exit.is_some_and(|status| status.success()),
        "exit on Ctrl-C: {exit:?}"
    );
}
