//! Median, min and max of repeated runs, and the plain-text tables they are printed in.

use serde_json::{json, Value};

/// Repeated measurements of one figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// None for no values (a measure that failed before its first run).
    pub fn of(values: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Summary {
            n,
            median,
            min: sorted[0],
            max: sorted[n - 1],
        })
    }

    /// `{"n", "median", "min", "max", "runs": [...]}`, the raw runs kept for later comparison.
    pub fn json(values: &[f64]) -> Value {
        match Summary::of(values) {
            Some(s) => json!({
                "n": s.n, "median": round3(s.median), "min": round3(s.min), "max": round3(s.max),
                "runs": values.iter().map(|v| round3(*v)).collect::<Vec<_>>(),
            }),
            None => Value::Null,
        }
    }
}

/// Three decimals are plenty for milliseconds and ratios, and keep the JSON readable.
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// A table printed with aligned columns: the first left-aligned, the rest right-aligned.
pub struct Table {
    title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    notes: Vec<String>,
}

impl Table {
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// A row for one figure: its name, then median, min and max with `unit`, then `extra`.
    pub fn summary_row(&mut self, name: &str, values: &[f64], digits: usize, extra: Vec<String>) {
        let mut cells = vec![name.to_owned()];
        match Summary::of(values) {
            Some(s) => {
                cells.push(format!("{:.digits$}", s.median));
                cells.push(format!("{:.digits$}", s.min));
                cells.push(format!("{:.digits$}", s.max));
                cells.push(s.n.to_string());
            }
            None => cells.extend(["-", "-", "-", "0"].map(String::from)),
        }
        cells.extend(extra);
        self.rows.push(cells);
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    pub fn print(&self) {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0);
        let mut widths = vec![0; columns];
        for row in self.rows.iter().chain([&self.headers]) {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        println!("\n{}", self.title);
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                if i == 0 {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            println!("  {}", out.trim_end());
        };
        line(&self.headers);
        let total: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
        println!("  {}", "-".repeat(total));
        for row in &self.rows {
            line(row);
        }
        for note in &self.notes {
            println!("  {note}");
        }
    }
}

/// `12345678` as `12,345,678`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.0, 1.0, 3.0, 3));
        let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
