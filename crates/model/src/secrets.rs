//! Which values are secrets, and how they are shown until revealed: by name (environment
//! variables, JSON fields), by content (credentials inside a URL or a connection string), and
//! in the raw JSON text as received ([`mask_json`]).

use std::ops::Range;

/// Whole words that mark a secret in a name, also in the plural (`KEYS`, `CREDS`).
const SECRET_WORDS: [&str; 11] = [
    "PASS",
    "PWD",
    "KEY",
    "AUTH",
    "PRIVATE",
    "SIGNATURE",
    "SIG",
    "COOKIE",
    "SESSION",
    "DSN",
    "CRED",
];

/// Fragments that mark a secret anywhere in a name once its separators are gone, so
/// compounds count however they are written (`DBPASSWORD`, `SSH_PRIVATEKEY`,
/// `minioAccessKey`, `CONNECTION_STRING`).
const SECRET_FRAGMENTS: [&str; 13] = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "TOKEN",
    "SECRET",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "WEBHOOK",
    "DATABASEURL",
    "DATABASEURI",
    "CONNECTIONSTRING",
];

/// What a hidden value (or the hidden part of one) shows instead.
const DOTS: &str = "••••••";

/// Whether a name (an environment variable's key, a JSON field, a query parameter) looks like
/// it names a secret. Matches whole words (split on `_`, `-`, `.` and camelCase, singular or
/// plural) so `KEYBOARD` or `MONKEY` are not secrets, plus fragments that are unambiguous
/// anywhere once the separators are gone.
pub fn is_secret_key(key: &str) -> bool {
    let is_secret_word = |w: &str| {
        SECRET_WORDS.contains(&w)
            || w.strip_suffix('S')
                .is_some_and(|s| SECRET_WORDS.contains(&s))
    };
    let mut squashed = String::with_capacity(key.len());
    let mut word = String::new();
    let mut secret_word = false;
    let mut prev_lower = false;
    // A space after the last character ends the last word.
    for c in key.chars().chain([' ']) {
        let alphanumeric = c.is_ascii_alphanumeric();
        if !alphanumeric || (c.is_ascii_uppercase() && prev_lower) {
            secret_word |= is_secret_word(&word);
            word.clear();
        }
        if alphanumeric {
            squashed.push(c.to_ascii_uppercase());
            word.push(c.to_ascii_uppercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    secret_word || SECRET_FRAGMENTS.iter().any(|f| squashed.contains(f))
}

/// Whether an environment variable is secret: by its name, or because its value holds
/// credentials whatever the name (`DB=postgres://user:pass@host`).
pub fn is_secret_env(key: &str, value: &str) -> bool {
    is_secret_key(key) || holds_credentials(value)
}

/// Whether a value holds credentials: the userinfo of a URL (`postgres://user:pass@host`,
/// `https://token@host`), or a `name=value` whose name looks secret (`?token=...`,
/// `Password=...;`, `--api-key=...`).
pub fn holds_credentials(value: &str) -> bool {
    !credential_spans(value).is_empty()
}

/// The value with each credential (see [`holds_credentials`]) replaced by dots, the rest as it
/// is: `https://host/lab?token=••••••`.
pub fn mask_credentials(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut from = 0;
    for span in credential_spans(value) {
        out.push_str(&value[from..span.start]);
        out.push_str(DOTS);
        from = span.end;
    }
    out.push_str(&value[from..]);
    out
}

/// Byte ranges of the credentials in `value`, in order, not overlapping. One pass over the
/// `:` and `=` in it: each span starts after the character that found it, so they come in
/// order (a `=` inside userinfo found after its `://` starts later too).
fn credential_spans(value: &str) -> Vec<Range<usize>> {
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (at, found) in value.match_indices([':', '=']) {
        let span = if found == ":" {
            // Userinfo: from after `://` to the last `@` before the authority ends.
            let Some(rest) = value[at..].strip_prefix("://") else {
                continue;
            };
            let start = at + 3;
            let authority = rest
                .split(|c: char| {
                    matches!(c, '/' | '?' | '#' | '\\' | '"' | '\'') || c.is_whitespace()
                })
                .next()
                .unwrap_or("");
            match authority.bytes().rposition(|b| b == b'@') {
                Some(end) if end > 0 => start..start + end,
                _ => continue,
            }
        } else {
            // `name=value`, where the name looks secret.
            let name_start = value[..at]
                .char_indices()
                .rev()
                .find(|(_, c)| !name_char(*c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let start = at + 1;
            let end = value[start..]
                .find(|c: char| {
                    matches!(c, '&' | ';' | '#' | ',' | '"' | '\'') || c.is_whitespace()
                })
                .map_or(value.len(), |len| start + len);
            if name_start == at || end == start || !is_secret_key(&value[name_start..at]) {
                continue;
            }
            start..end
        };
        match spans.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => spans.push(span),
        }
    }
    spans
}

/// The mask shown until a secret is revealed: first two and last two characters around a
/// fixed run of dots (so the mask does not tell the length). Values of six characters or
/// fewer are hidden entirely, since showing four of them would give most of it away.
pub fn mask(secret: &str) -> String {
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

/// A JSON text with its secrets hidden, and how many values were.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskedJson {
    pub text: String,
    pub masked: usize,
}

/// How deep arrays and objects may nest; the same limit as serde_json's, so every body the
/// page could parse can be masked, and a hostile one cannot exhaust the stack.
const MAX_DEPTH: u32 = 128;

/// The JSON text exactly as received, except that each secret string or number is replaced
/// by its mask (as a JSON string, so the text stays JSON): values of secret-named fields
/// ([`is_secret_key`], read after unescaping, so `"\u0070assword"` counts), everything inside
/// an object or array held by one, the `value` of a `{"key": NAME, "value": ...}` pair whose
/// name is secret (the environment variables), and the credentials inside any other string
/// ([`mask_credentials`]). Field names, layout and everything else are untouched, and a
/// repeated field is masked every time it appears.
///
/// `None` when the text is not one JSON value (then nothing should be shown until revealed).
pub fn mask_json(raw: &str) -> Option<MaskedJson> {
    let mut scan = JsonScan {
        raw,
        at: 0,
        scalars: Vec::new(),
    };
    let top = scan.value(false, 0)?;
    scan.decide(top, false);
    scan.skip_space();
    if scan.at != raw.len() {
        return None;
    }
    let mut text = String::with_capacity(raw.len());
    let mut from = 0;
    let mut masked = 0;
    for (span, shown) in &scan.scalars {
        if let Some(shown) = shown {
            text.push_str(&raw[from..span.start]);
            push_json_string(&mut text, shown);
            from = span.end;
            masked += 1;
        }
    }
    text.push_str(&raw[from..]);
    Some(MaskedJson { text, masked })
}

/// A scalar value just read: its index in [`JsonScan::scalars`] and its text (a string
/// unescaped, a number as written), or `None` for containers, booleans and null.
type Scalar = Option<(usize, String)>;

/// A one-pass reader of a JSON text that records where each string and number value is, and
/// what to show instead when it is secret.
struct JsonScan<'a> {
    raw: &'a str,
    at: usize,
    /// Every string and number value in order: its byte range and, once decided, its mask.
    scalars: Vec<(Range<usize>, Option<String>)>,
}

impl JsonScan<'_> {
    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.raw.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// One value. `secret`: it is held (directly or deeper) by a secret-named field, so every
    /// scalar inside is secret. Scalars are returned undecided: their object decides them.
    fn value(&mut self, secret: bool, depth: u32) -> Option<Scalar> {
        self.skip_space();
        let start = self.at;
        match self.peek()? {
            b'{' | b'[' if depth >= MAX_DEPTH => None,
            b'{' => self.object(secret, depth + 1).map(|()| None),
            b'[' => {
                self.at += 1;
                self.skip_space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Some(None);
                }
                loop {
                    let item = self.value(secret, depth + 1)?;
                    self.decide(item, secret);
                    self.skip_space();
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(None);
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => {
                let text = self.string()?;
                self.scalars.push((start..self.at, None));
                Some(Some((self.scalars.len() - 1, text)))
            }
            b'-' | b'0'..=b'9' => {
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.at += 1;
                }
                self.scalars.push((start..self.at, None));
                Some(Some((
                    self.scalars.len() - 1,
                    self.raw[start..self.at].into(),
                )))
            }
            _ => {
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| self.raw[start..].starts_with(w))?;
                self.at += word.len();
                Some(None)
            }
        }
    }

    /// An object, deciding its scalar fields once all are read: a `{"key": NAME, "value": V}`
    /// pair needs both, in whichever order they came.
    fn object(&mut self, secret: bool, depth: u32) -> Option<()> {
        self.at += 1;
        let mut fields: Vec<(String, Scalar)> = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Some(());
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return None;
            }
            let name = self.string()?;
            self.eat(b':')?;
            let held_secret = secret || is_secret_key(&name);
            let value = self.value(held_secret, depth)?;
            fields.push((name, value));
            self.skip_space();
            match self.peek()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    break;
                }
                _ => return None,
            }
        }
        let is_name = |name: &str| name == "key" || name == "name";
        let pair_name = fields
            .iter()
            .any(|(name, _)| name == "value")
            .then(|| {
                fields
                    .iter()
                    .find(|(name, _)| is_name(name))
                    .and_then(|(_, v)| v.as_ref().map(|(_, text)| text.clone()))
            })
            .flatten();
        for (name, value) in fields {
            let named_secret = match &pair_name {
                Some(pair) if name == "value" => is_secret_key(pair),
                Some(_) if is_name(&name) => false,
                _ => is_secret_key(&name),
            };
            self.decide(value, secret || named_secret);
        }
        Some(())
    }

    /// Records what a scalar shows: its mask when secret, its credentials masked when it
    /// holds any, or itself (nothing recorded).
    fn decide(&mut self, value: Scalar, secret: bool) {
        let Some((index, text)) = value else {
            return;
        };
        let is_string = self.raw.as_bytes()[self.scalars[index].0.start] == b'"';
        let shown = if secret {
            Some(mask(&text))
        } else if is_string && holds_credentials(&text) {
            Some(mask_credentials(&text))
        } else {
            None
        };
        self.scalars[index].1 = shown;
    }

    /// A string literal at `self.at`, unescaped by serde_json (already in the app for the
    /// instance itself, so the escapes are read exactly as the page reads them). `None` when
    /// it is not valid JSON.
    fn string(&mut self) -> Option<String> {
        let bytes = self.raw.as_bytes();
        let mut end = self.at + 1;
        loop {
            match *bytes.get(end)? {
                b'"' => break,
                b'\\' => end += 2,
                _ => end += 1,
            }
        }
        let literal = &self.raw[self.at..=end];
        self.at = end + 1;
        match serde_json::from_str(literal) {
            Ok(serde_json::Value::String(text)) => Some(text),
            _ => None,
        }
    }
}

/// Appends `text` as a JSON string literal.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[n >> 4]));
                out.push(char::from(HEX[n & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
