//! Which values are secrets, and how they are shown until revealed.

/// Whole words that mark a secret in an environment variable's name.
const SECRET_WORDS: [&str; 16] = [
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "TOKEN",
    "SECRET",
    "KEY",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTH",
    "PRIVATE",
    "SIGNATURE",
    "COOKIE",
    "SESSION",
    "DSN",
];

/// Fragments that mark a secret even inside a longer word (`DBPASSWORD`, `HFTOKEN`).
const SECRET_FRAGMENTS: [&str; 4] = ["PASSWORD", "TOKEN", "SECRET", "APIKEY"];

/// Whether an environment variable's key looks like it names a secret. Matches whole words
/// (split on `_`, `-`, `.` and camelCase) so `KEYBOARD` or `MONKEY` are not secrets, plus a
/// few long fragments that are unambiguous anywhere.
pub fn is_secret_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    if SECRET_FRAGMENTS.iter().any(|f| upper.contains(f)) {
        return true;
    }
    words(key).any(|w| SECRET_WORDS.contains(&w.to_ascii_uppercase().as_str()))
}

fn words(key: &str) -> impl Iterator<Item = String> + '_ {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            out.push(std::mem::take(&mut current));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    out.push(current);
    out.into_iter().filter(|w| !w.is_empty())
}

/// The mask shown until a secret is revealed: first two and last two characters around a
/// fixed run of dots (so the mask does not tell the length). Values of six characters or
/// fewer are hidden entirely, since showing four of them would give most of it away.
pub fn mask(secret: &str) -> String {
    const DOTS: &str = "••••••";
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() <= 6 {
        return DOTS.into();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{DOTS}{tail}")
}
