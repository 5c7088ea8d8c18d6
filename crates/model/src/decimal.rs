//! Decimal numbers read and written by hand, for the few places the page needs them (sizes in
//! GB, `endTime`, metric values sent as strings).
//!
//! Why not `str::parse::<f64>` and `format!("{:.2}")`: in the wasm those pull in the standard
//! library's exact float reader and printer with their power-of-ten tables, about 15 KB of
//! download, for numbers that only ever need a couple of decimals. These two functions are a
//! few hundred bytes. The reader is exact for up to 15 significant digits and powers of ten up
//! to 10^22 (one correctly rounded multiply or divide); beyond that it may be off in the last
//! digit, which nothing shown here can notice.

/// Reads a plain decimal number: optional sign, digits with an optional `.` fraction, an
/// optional exponent (`1e3`, `2.5E-2`), surrounding whitespace ignored. `inf`, `NaN`, hex,
/// `_` separators, empty text, anything else, and numbers too large for a double are `None`.
pub fn parse(text: &str) -> Option<f64> {
    let bytes = text.trim().as_bytes();
    let (negative, rest) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    let mut mantissa: u64 = 0;
    let mut exponent: i32 = 0;
    let mut digits = 0;
    let mut seen_point = false;
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            d @ b'0'..=b'9' => {
                digits += 1;
                // Past 19 digits the mantissa would overflow: keep the magnitude only.
                if mantissa < 1_000_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(d - b'0');
                    if seen_point {
                        exponent -= 1;
                    }
                } else if !seen_point {
                    exponent += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < rest.len() {
        if !matches!(rest[i], b'e' | b'E') {
            return None;
        }
        exponent = exponent.saturating_add(parse_exponent(&rest[i + 1..])?);
    }
    let magnitude = scale(mantissa as f64, exponent);
    magnitude
        .is_finite()
        .then_some(if negative { -magnitude } else { magnitude })
}

/// The digits after an `e`: optional sign, at least one digit, nothing after.
fn parse_exponent(bytes: &[u8]) -> Option<i32> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i32 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.saturating_mul(10).saturating_add(i32::from(b - b'0'));
    }
    Some(if negative { -value } else { value })
}

/// `value` × 10^`exponent`: one multiply or divide while the power is exact (up to 10^22,
/// the largest a double holds exactly), a few more beyond.
fn scale(mut value: f64, exponent: i32) -> f64 {
    let mut remaining = exponent.unsigned_abs().min(400);
    while remaining > 0 {
        let step = remaining.min(22);
        let mut power = 1.0;
        for _ in 0..step {
            power *= 10.0;
        }
        value = if exponent < 0 {
            value / power
        } else {
            value * power
        };
        remaining -= step;
    }
    value
}

/// `n` with at most two decimals, rounded half up, without trailing zeros: "12.5", "3",
/// "0.33", "-3". Numbers of 10^15 and more are whole numbers (their hundredths mean nothing);
/// beyond what an integer holds, "1.5e20". Infinity and NaN are "—".
pub fn format(n: f64) -> String {
    if !n.is_finite() {
        return "—".into();
    }
    let magnitude = n.abs();
    if magnitude >= 9.2e18 {
        let (mut mantissa, mut exponent) = (magnitude, 0);
        while mantissa >= 10.0 {
            mantissa /= 10.0;
            exponent += 1;
        }
        let sign = if n < 0.0 { "-" } else { "" };
        return format!("{sign}{}e{exponent}", format(mantissa));
    }
    // Positive, so the casts' truncation is `floor`; the fraction is taken apart from the
    // whole part so that large numbers do not lose their hundredths to rounding.
    let mut whole = magnitude as u64;
    let mut fraction = if magnitude >= 1e15 {
        0
    } else {
        ((magnitude - whole as f64) * 100.0 + 0.5) as u64
    };
    if fraction == 100 {
        whole += 1;
        fraction = 0;
    }
    let sign = if n < 0.0 && (whole, fraction) != (0, 0) {
        "-"
    } else {
        ""
    };
    match fraction {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{}{}", f / 10, f % 10),
    }
}
