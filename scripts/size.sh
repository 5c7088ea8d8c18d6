#!/usr/bin/env bash
# Prints the raw and gzipped bytes of what a browser downloads from dist/ (wasm, JS, CSS, HTML).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d dist ] || { echo "dist/ is missing: run scripts/build.sh first" >&2; exit 1; }
total_raw=0; total_gz=0
printf '%-8s %10s %10s  %s\n' kind raw gzip file
for f in dist/*.wasm dist/*.js dist/*.css dist/*.html; do
  [ -f "$f" ] || continue
  raw=$(wc -c <"$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-8s %10d %10d  %s\n' "${f##*.}" "$raw" "$gz" "${f#dist/}"
done
printf '%-8s %10d %10d\n' total "$total_raw" "$total_gz"
