//! Issue 2: the page loads, shows the form, and loads an instance with the key sent only where
//! it belongs.

use e2e::{check, run, Setup, TEST_API_KEY};

#[tokio::test]
async fn loads_an_instance_and_sends_the_key_only_in_the_authorization_header() {
    run(Setup::default(), |t| async move {
        t.open("/").await;
        let key_input = t.wait_for("api-key").await;
        let kind = t.attr_of(&key_input, "type", "api-key").await;
        check!(t, kind.as_deref() == Some("password"), "api-key should be an input type=password, has type {kind:?}");
        t.wait_for("instance-id").await;
        t.load(TEST_API_KEY, "7f3e2a9c1b4d5e60").await;
        t.wait_view("7f3e2a9c1b4d5e60").await;
        let name = t.text("instance-name").await;
        check!(t, name.contains("llama-finetune-a100"), "instance-name should show llama-finetune-a100, shows {name:?}");
    })
    .await;
}
