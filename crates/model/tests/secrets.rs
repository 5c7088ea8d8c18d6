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

#[test]
fn plural_and_compound_names_are_secrets() {
    for key in [
        "API_KEYS",
        "ACCESS_KEYS",
        "SSH_PRIVATEKEY",
        "MINIO_ACCESSKEY",
        "minioAccessKey",
        "GPG_PASSPHRASE",
        "PASSPHRASE",
        "AWS_CREDS",
        "CREDS",
        "dbCreds",
        "SLACK_WEBHOOK",
        "SLACK_WEBHOOK_URL",
        "webhookUrl",
        "DATABASE_URL",
        "databaseUrl",
        "CONNECTION_STRING",
        "AZURE_STORAGE_CONNECTION_STRING",
        "AUTH_TOKENS",
        "SECRETS",
        "SESSION_COOKIES",
        "AZURE_SAS_SIG",
    ] {
        assert!(secrets::is_secret_key(key), "{key} is a secret");
    }
    for key in [
        "AUTHOR",
        "AUTHORS",
        "CREDIT_LIMIT",
        "SIGNAL_TIMEOUT",
        "DESIGN",
        "PASSES",
        "PASSPORT_ID",
        "DATABASE_NAME",
        "CONNECTION_TIMEOUT",
        "KEYBOARD_LAYOUT",
    ] {
        assert!(!secrets::is_secret_key(key), "{key} is not a secret");
    }
}

#[test]
fn values_holding_credentials_are_found_whatever_their_name() {
    for value in [
        "postgres://user:pass@db.internal:5432/app",
        "postgresql://app:s3cr3t@10.0.0.5/app?sslmode=require",
        "mongodb+srv://admin:hunter2@cluster0.example.net/db",
        "redis://:hunter2@cache:6379/0",
        "https://ghp_abcdef@github.com/org/repo.git",
        "amqp://guest:guest@rabbit",
        "--db postgres://u:p@h/x --verbose",
        "https://x.gpu-instance.novita.ai/lab?token=0a1b2c3d4e",
        "https://h.example/path?a=1&access_token=abc&b=2",
        "https://bucket.s3.amazonaws.com/k?X-Amz-Signature=deadbeef&X-Amz-Expires=60",
        "https://acct.blob.core.windows.net/c?sv=2020&sig=abc%2Bdef",
        "Server=db;Database=app;User Id=sa;Password=Pa55w0rd;",
        "--api-key=sk_live_123 --model x",
    ] {
        assert!(
            secrets::holds_credentials(value),
            "{value:?} holds credentials"
        );
        assert!(secrets::is_secret_env("SOME_SETTING", value), "{value:?}");
    }
    for value in [
        "/workspace/.cache/huggingface",
        "meta-llama/Llama-3.1-8B",
        "https://huggingface.co/meta-llama",
        "https://example.com/@user/page",
        "https://example.com/?q=1&page=2",
        "user@example.com",
        "ssh -p 62248 root@proxy.us-ca-6.gpu-instance.novita.ai",
        "a=b",
        "token=",
        "=value",
        "",
    ] {
        assert!(!secrets::holds_credentials(value), "{value:?} holds none");
    }
    assert!(secrets::is_secret_env("HF_TOKEN", "anything"));
    assert!(!secrets::is_secret_env("HF_HOME", "/workspace"));
}

#[test]
fn mask_credentials_hides_only_the_credentials() {
    let cases = [
        (
            "postgres://user:pass@db.internal:5432/app",
            "postgres://••••••@db.internal:5432/app",
        ),
        (
            "https://x.gpu-instance.novita.ai/lab?token=0a1b2c3d4e",
            "https://x.gpu-instance.novita.ai/lab?token=••••••",
        ),
        (
            "https://h.example/p?a=1&access_token=abc&b=2#f",
            "https://h.example/p?a=1&access_token=••••••&b=2#f",
        ),
        (
            "Server=db;User Id=sa;Password=Pa55w0rd;",
            "Server=db;User Id=sa;Password=••••••;",
        ),
        (
            "https://u:p=w@h.example/x?token=t",
            "https://••••••@h.example/x?token=••••••",
        ),
        // Nothing to hide: unchanged.
        ("https://example.com/?q=1", "https://example.com/?q=1"),
        // Multi-byte text around a credential is never split.
        ("é=1 ünïcødé_token=ß€crét ok", "é=1 ünïcødé_token=•••••• ok"),
        ("€€€://ü:ö@ä/x", "€€€://••••••@ä/x"),
    ];
    for (value, want) in cases {
        assert_eq!(secrets::mask_credentials(value), want, "{value:?}");
    }
}
