//! Secret detection and masking (`secrets.rs`).

use instance_model::secrets;

#[test]
fn secret_keys_are_recognised() {
    for key in [
        "HF_TOKEN",
        "WANDB_API_KEY",
        "JUPYTER_PASSWORD",
        "DB_PASS",
        "apiKey",
        "AWS_SECRET_ACCESS_KEY",
        "PRIVATE_KEY",
        "DBPASSWORD",
        "SESSION_COOKIE",
        "hfToken",
        "dbPass",
        "my-api-key",
        "db.passwd",
        "OPENAI_APIKEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "SENTRY_DSN",
        "S3Key",
        "<b>SECRET_TOKEN</b>",
    ] {
        assert!(secrets::is_secret_key(key), "{key} is a secret");
    }
}

#[test]
fn ordinary_keys_are_not_secrets() {
    for key in [
        "HF_HOME",
        "MODEL_NAME",
        "KEYBOARD_LAYOUT",
        "MONKEY_COUNT",
        "PATH",
        "PORT",
        "DEBUG",
        "PASSPORT_ID",
        "CUDA_VISIBLE_DEVICES",
        "",
    ] {
        assert!(!secrets::is_secret_key(key), "{key} is not a secret");
    }
}

#[test]
fn secret_key_edges_as_they_are() {
    // "PAT" is not one of the secret words: a GitHub personal access token named *_PAT is
    // shown in the clear. Three letters are too ambiguous to add as a fragment.
    assert!(!secrets::is_secret_key("GITHUB_PAT"));
    // "TOKEN" is matched anywhere, so token-count settings of LLM servers are masked too.
    // That over-masks (the safe direction); the value is one click away.
    assert!(secrets::is_secret_key("MAX_TOKENS"));
    assert!(secrets::is_secret_key("TOKENIZERS_PARALLELISM"));
}

#[test]
fn mask_hides_short_values_and_keeps_two_chars_each_side_of_long_ones() {
    assert_eq!(secrets::mask(""), "");
    assert_eq!(secrets::mask("a"), "••••••");
    assert_eq!(secrets::mask("abc"), "••••••");
    assert_eq!(secrets::mask("abcdef"), "••••••");
    assert_eq!(secrets::mask("abcdefg"), "ab••••••fg");
    assert_eq!(secrets::mask("Xk29vLq7pZ"), "Xk••••••pZ");
    assert_eq!(
        secrets::mask("sk_live_0123456789abcdefghijklmnopqrstuvwxyz"),
        "sk••••••yz",
        "the mask does not tell the length"
    );
}

#[test]
fn mask_never_splits_a_multi_byte_character() {
    assert_eq!(secrets::mask("🔑🔐secret🔒🔓"), "🔑🔐••••••🔒🔓");
    assert_eq!(secrets::mask("ééééééé"), "éé••••••éé");
    assert_eq!(secrets::mask("🔑🔑🔑🔑🔑🔑"), "••••••");
    assert_eq!(secrets::mask("a😀bcde😀f"), "a😀••••••😀f");
}
