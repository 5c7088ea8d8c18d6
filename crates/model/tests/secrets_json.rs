//! The raw JSON view's masking (`secrets::mask_json`): the same values the page masks, hidden
//! in the response text as received, on hostile input too.

use instance_model::secrets::{mask_json, MaskedJson};

fn masked(raw: &str) -> MaskedJson {
    mask_json(raw).unwrap_or_else(|| panic!("{raw:?} should be readable JSON"))
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

#[test]
fn the_full_fixture_hides_every_secret_the_page_hides_and_nothing_else_changes() {
    let raw = fixture("full");
    let out = masked(&raw);
    for secret in [
        "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        "8f14e45fceea167a5a36dedd4bea2543",
        "s3cret-jupyter",
        "Xk29vLq7pZ",
        "wT8mQ2rN5s",
    ] {
        assert!(raw.contains(secret));
        assert!(!out.text.contains(secret), "{secret} is still in the text");
    }
    // imageAuthId is named like a secret (AUTH) and is masked too.
    assert_eq!(out.masked, 6);
    assert!(
        out.text.contains(r#""value": "hf••••••45""#),
        "{}",
        out.text
    );
    assert!(out.text.contains(r#""password": "Xk••••••pZ""#));
    // Names and everything else exactly as received.
    for kept in [
        r#"{ "key": "HF_TOKEN", "value": "#,
        r#"{ "key": "HF_HOME", "value": "/workspace/.cache/huggingface" }"#,
        r#""sshCommand": "ssh -p 62248 root@proxy.us-ca-6.gpu-instance.novita.ai""#,
        r#""username": "root""#,
        r#""port": 8888"#,
    ] {
        assert!(out.text.contains(kept), "{kept} should be unchanged");
    }
    assert!(out
        .text
        .starts_with("{\n  \"id\": \"7f3e2a9c1b4d5e60\",\n  \"name\""));
    // Still JSON, so the view can pretty-print it.
    let value: serde_json::Value = serde_json::from_str(&out.text).expect("still JSON");
    assert_eq!(value["envs"][1]["key"], "HF_TOKEN");
}

#[test]
fn a_document_without_secrets_comes_back_byte_for_byte() {
    for raw in [
        r#"{"id":"x","envs":[{"key":"HF_HOME","value":"/w"}],"n":[1,2.5e3,-0,true,null]}"#,
        "  [ ]  ",
        "\"just a string\"",
        "42",
        "{}",
    ] {
        let out = masked(raw);
        assert_eq!(out.text, raw);
        assert_eq!(out.masked, 0);
    }
}

#[test]
fn escaped_quotes_and_backslashes_neither_end_a_string_nor_leak() {
    let raw = r#"{"password":"a\"b\\\"c\\","note":"say \"password\": \"x\""}"#;
    let out = masked(raw);
    assert_eq!(
        out.text,
        r#"{"password":"a\"••••••c\\","note":"say \"password\": \"x\""}"#
    );
    assert_eq!(out.masked, 1);
    serde_json::from_str::<serde_json::Value>(&out.text).expect("still JSON");
}

#[test]
fn unicode_escapes_in_names_and_values_are_read_as_what_they_mean() {
    // "\u0070assword" is "password"; "HF_\u0054OKEN" is "HF_TOKEN".
    let raw = r#"{"\u0070assword":"hunter2hunter2","envs":[{"key":"HF_\u0054OKEN","value":"\u0068f_0123456789"}]}"#;
    let out = masked(raw);
    assert_eq!(
        out.text,
        r#"{"\u0070assword":"hu••••••r2","envs":[{"key":"HF_\u0054OKEN","value":"hf••••••89"}]}"#
    );
    // A surrogate pair is one character.
    let raw = r#"{"token":"\ud83d\udd11abcdef\ud83d\udd12"}"#;
    assert_eq!(masked(raw).text, "{\"token\":\"🔑a••••••f🔒\"}");
    // A lone surrogate is refused, as the page's parser refuses the whole body.
    assert!(mask_json(r#"{"secret":"\ud800xxxxxxx"}"#).is_none());
}

#[test]
fn nested_objects_and_arrays_under_a_secret_name_are_hidden_whole() {
    let raw = r#"{"credentials":{"user":"admin","pass":"p","nested":[["deep-secret-1"],{"x":12345678}]},"apiKeys":["k-0000001","k-0000002"],"tags":["a","b"]}"#;
    let out = masked(raw);
    assert_eq!(
        out.text,
        r#"{"credentials":{"user":"••••••","pass":"••••••","nested":[["de••••••-1"],{"x":"12••••••78"}]},"apiKeys":["k-••••••01","k-••••••02"],"tags":["a","b"]}"#
    );
    assert_eq!(out.masked, 6);
}

#[test]
fn secrets_in_arrays_and_url_credentials_anywhere_are_hidden() {
    let raw = r#"[{"key":"DATABASE_URL","value":"postgres://u:p@db/app"},"postgres://admin:pw@h/x",{"address":"https://j.example/lab?token=abc123"},{"key":"URLS","value":["mysql://r:s@h"]}]"#;
    let out = masked(raw);
    assert_eq!(
        out.text,
        r#"[{"key":"DATABASE_URL","value":"po••••••pp"},"postgres://••••••@h/x",{"address":"https://j.example/lab?token=••••••"},{"key":"URLS","value":["mysql://••••••@h"]}]"#
    );
}

#[test]
fn a_repeated_name_is_masked_every_time() {
    // A parser keeps only the last of repeated names; the text shows both.
    let raw = r#"{"password":"first-secret","password":"second-secret"}"#;
    let out = masked(raw);
    assert_eq!(
        out.text,
        r#"{"password":"fi••••••et","password":"se••••••et"}"#
    );
}

#[test]
fn a_pair_named_key_is_not_itself_a_secret_but_a_lone_key_is() {
    let out = masked(r#"{"key":"HF_TOKEN","value":"hf_0123456789"}"#);
    assert_eq!(out.text, r#"{"key":"HF_TOKEN","value":"hf••••••89"}"#);
    let out = masked(r#"{"value":"plain","name":"MODEL"}"#);
    assert_eq!(out.masked, 0);
    let out = masked(r#"{"key":"sk-live-0123456789"}"#);
    assert_eq!(out.text, r#"{"key":"sk••••••89"}"#);
}

#[test]
fn control_characters_in_a_masked_value_are_escaped_in_the_mask() {
    let raw = r#"{"password":"\"\n\u0001middle\\\t"}"#;
    let out = masked(raw);
    assert_eq!(out.text, r#"{"password":"\"\n••••••\\\t"}"#);
    serde_json::from_str::<serde_json::Value>(&out.text).expect("still JSON");
}

#[test]
fn what_is_not_json_is_refused_not_half_masked() {
    for raw in [
        "",
        "{",
        r#"{"password":"x""#,
        r#"{"password":"x"} trailing"#,
        r#"{"password" "x"}"#,
        r#"{"a":1,}"#,
        "[1,]",
        "\"unterminated",
        "\"bad \\q escape\"",
        "\"bad \\u12G4 escape\"",
        "\"raw\ncontrol\"",
        "nul",
        "<html>",
        &"[".repeat(10_000),
        &format!("{}{}", "{\"a\":".repeat(200), "1}".repeat(200)),
    ] {
        assert!(mask_json(raw).is_none(), "{raw:?}");
    }
    // Deep but reasonable nesting is fine.
    let deep = format!("{}\"secret\"{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(masked(&deep).text, deep);
}
