#!/usr/bin/env bash
# Prints the raw and gzipped bytes of what a browser downloads from dist/ (wasm, JS, CSS, HTML).
# Usage: scripts/size.sh [--check]
#   --check  also fails when the gzipped total is over the budget in size-budget.txt
#            (scripts/test.sh runs it so after every build).
# Gzip is `gzip -9 -n`: no file name or time in the header, so one build always gives the same
# bytes. scripts/bench.sh's size table uses the same command.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: scripts/size.sh [--check]" >&2; exit 2 ;;
esac

[ -d dist ] || { echo "dist/ is missing: run scripts/build.sh first" >&2; exit 1; }
total_raw=0; total_gz=0; files=0
printf '%-8s %10s %10s  %s\n' kind raw gzip file
for kind in wasm js css html; do
  # Sub-folders too (wasm-bindgen's snippets/), hidden ones (Trunk's .stage) not.
  while IFS= read -r f; do
    raw=$(wc -c <"$f"); gz=$(gzip -9 -n -c "$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); files=$((files + 1))
    printf '%-8s %10d %10d  %s\n' "$kind" "$raw" "$gz" "${f#dist/}"
  done < <(find dist -name '.*' -prune -o -type f -name "*.$kind" -print | sort)
done
printf '%-8s %10d %10d\n' total "$total_raw" "$total_gz"

$check || exit 0
[ "$files" -gt 0 ] || { echo "size: dist/ holds no wasm, JS, CSS or HTML: nothing to check" >&2; exit 1; }
budget_file=size-budget.txt
[ -f "$budget_file" ] || { echo "size: $budget_file is missing" >&2; exit 1; }
budget=$(grep -v '^[[:space:]]*#' "$budget_file" | tr -d '[:space:]')
[[ "$budget" =~ ^[0-9]+$ ]] ||
  { echo "size: $budget_file must hold the budget as one whole number of bytes" >&2; exit 1; }
if [ "$total_gz" -gt "$budget" ]; then
  printf '\033[1;31msize: over budget: the gzipped download (wasm + JS + CSS + HTML) is %d bytes, %d over the %d in %s.\033[0m\n' \
    "$total_gz" "$((total_gz - budget))" "$budget" "$budget_file" >&2
  echo "size: make it smaller, or raise the budget in $budget_file and say why in that commit." >&2
  exit 1
fi
echo "size: within budget: $total_gz of $budget bytes gzipped ($((budget - total_gz)) to spare)"
