//! Download size: raw, gzip and brotli bytes of every wasm, JS, CSS and HTML file a page is
//! built into, each and in total. Gzip is `gzip -9 -n`, the very command `scripts/size.sh`
//! (and so the size budget) uses; brotli is quality 11, window 22, as the bundled server
//! compresses.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::stats::{thousands, Table};
use crate::Result;

/// The kinds a browser downloads to show the page, as `scripts/size.sh` counts them.
const KINDS: [&str; 4] = ["wasm", "js", "css", "html"];

pub struct FileSize {
    /// Relative to the dist folder.
    pub name: String,
    pub kind: &'static str,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

pub struct PageSize {
    pub files: Vec<FileSize>,
}

impl PageSize {
    pub fn measure(dist: &Path) -> Result<PageSize> {
        let mut paths = Vec::new();
        collect(dist, &mut paths)?;
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let Some(kind) = kind_of(&path) else {
                continue;
            };
            let content =
                fs::read(&path).map_err(|err| format!("reading {}: {err}", path.display()))?;
            files.push(FileSize {
                name: path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                kind,
                raw: content.len() as u64,
                gzip: gzip_size(&path)?,
                brotli: brotli_size(&content)?,
            });
        }
        if files.is_empty() {
            return Err(format!(
                "{} holds no wasm, JS, CSS or HTML: build it first",
                dist.display()
            ));
        }
        Ok(PageSize { files })
    }

    pub fn total(&self) -> (u64, u64, u64) {
        self.files.iter().fold((0, 0, 0), |(r, g, b), f| {
            (r + f.raw, g + f.gzip, b + f.brotli)
        })
    }

    /// Totals by kind, in [`KINDS`] order (kinds with no file left out).
    fn by_kind(&self) -> Vec<(&'static str, u64, u64, u64)> {
        KINDS
            .iter()
            .filter_map(|kind| {
                let of_kind: Vec<&FileSize> =
                    self.files.iter().filter(|f| f.kind == *kind).collect();
                (!of_kind.is_empty()).then(|| {
                    of_kind.iter().fold((*kind, 0, 0, 0), |(k, r, g, b), f| {
                        (k, r + f.raw, g + f.gzip, b + f.brotli)
                    })
                })
            })
            .collect()
    }

    pub fn json(&self) -> Value {
        let (raw, gzip, brotli) = self.total();
        json!({
            "files": self.files.iter().map(|f| json!({
                "file": f.name, "kind": f.kind, "raw": f.raw, "gzip": f.gzip, "brotli": f.brotli,
            })).collect::<Vec<_>>(),
            "by_kind": self.by_kind().iter().map(|(kind, raw, gzip, brotli)| {
                json!({ "kind": kind, "raw": raw, "gzip": gzip, "brotli": brotli })
            }).collect::<Vec<_>>(),
            "total": { "raw": raw, "gzip": gzip, "brotli": brotli },
        })
    }

    pub fn add_rows(&self, table: &mut Table, page: &str) {
        for f in &self.files {
            table.row(vec![
                format!("{page}: {}", f.name),
                f.kind.to_owned(),
                thousands(f.raw),
                thousands(f.gzip),
                thousands(f.brotli),
            ]);
        }
        let (raw, gzip, brotli) = self.total();
        table.row(vec![
            format!("{page}: total"),
            String::new(),
            thousands(raw),
            thousands(gzip),
            thousands(brotli),
        ]);
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|err| format!("reading {}: {err}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|err| format!("reading {}: {err}", dir.display()))?;
        let path = entry.path();
        // Trunk's `.stage` and other hidden entries are not served.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn kind_of(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?;
    KINDS.iter().copied().find(|k| *k == ext)
}

fn gzip_size(path: &Path) -> Result<u64> {
    let output = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()
        .map_err(|err| format!("running gzip on {}: {err}", path.display()))?;
    if !output.status.success() {
        return Err(format!(
            "gzip failed on {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout.len() as u64)
}

fn brotli_size(content: &[u8]) -> Result<u64> {
    // The bundled server's own encoder and settings, so the figure is what it sends.
    match novita_viewer_server::static_files::brotli(content).len() {
        0 if !content.is_empty() => Err("brotli compression failed".to_string()),
        n => Ok(n as u64),
    }
}
