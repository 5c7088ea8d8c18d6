#!/usr/bin/env bash
# The benchmark (not part of scripts/test.sh: timings are never asserted, machines are noisy).
# Builds the release app and a baseline page (bench/baseline: one Leptos input, same stack and
# release profile), serves both on loopback with the bundled server (the app's API forwarded
# to the local stand-in, fake-novita), and measures in headless Chromium: download size, time
# to usable, load overhead (on loopback and with the API's answer held 100 ms), scale, the
# 1,000-instance fleet, refresh cost, a 1,000-refresh soak and the log burst; and the first
# screen under Lighthouse's mobile profile (simulated slow 4G, 4x slower CPU).
# Prints the tables and writes everything to bench-results/<UTC time>.json.
#
# Usage: scripts/bench.sh [options]        scripts/bench.sh --help lists the options
# e.g.   scripts/bench.sh --only sizes,usable --runs 5
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf '\033[1;31m[bench] %s\033[0m\n' "$*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in -h | --help) exec cargo run --quiet --release -p bench -- --help ;; esac
done

step "toolchain"
scripts/setup.sh

# Lighthouse (npm) is only the benchmark's: not in scripts/setup.sh, so the test command never
# needs it. Installed once per version into a cache every checkout shares (it is about 180 MB),
# skipped when present, and only when the Lighthouse measure is asked for.
LIGHTHOUSE_VERSION=13.5.0
wants_lighthouse=yes
previous=
for arg in "$@"; do
  only=
  case "$arg" in --only=*) only=${arg#--only=} ;; esac
  [ "$previous" = --only ] && only=$arg
  if [ -n "$only" ]; then
    case ",$only," in *,lighthouse,*) wants_lighthouse=yes ;; *) wants_lighthouse=no ;; esac
  fi
  previous=$arg
done
if [ "$wants_lighthouse" = yes ]; then
  step "Lighthouse $LIGHTHOUSE_VERSION (npm)"
  lighthouse_prefix="${XDG_CACHE_HOME:-$HOME/.cache}/novita-viewer/lighthouse-$LIGHTHOUSE_VERSION"
  export LIGHTHOUSE="$lighthouse_prefix/node_modules/.bin/lighthouse"
  if [ -x "$LIGHTHOUSE" ]; then
    echo "lighthouse $LIGHTHOUSE_VERSION: present ($lighthouse_prefix)"
  else
    command -v npm >/dev/null || die "npm is missing: run scripts/setup.sh"
    mkdir -p "$lighthouse_prefix"
    npm install --prefix "$lighthouse_prefix" --no-save --no-audit --no-fund --loglevel=error \
      "lighthouse@$LIGHTHOUSE_VERSION"
    [ -x "$LIGHTHOUSE" ] || die "npm installed no $LIGHTHOUSE"
  fi
fi

step "release build of the app"
scripts/build.sh

step "release build of the baseline page (bench/baseline)"
# The baseline is only a fair floor if it is built from the same parts as the app.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}
for crate in leptos wasm-bindgen; do
  version=$(locked_version "$crate")
  grep -q "^$crate = .*\"=$version\"" bench/baseline/Cargo.toml ||
    die "bench/baseline/Cargo.toml must pin $crate = \"=$version\" (the root Cargo.lock's version)"
done
release_profile() {
  awk '/^\[profile\.release\]$/ { on = 1; next } /^\[/ { on = 0 } on && NF && !/^#/' "$1"
}
[ "$(release_profile Cargo.toml)" = "$(release_profile bench/baseline/Cargo.toml)" ] ||
  die "bench/baseline/Cargo.toml's [profile.release] differs from the root's: make them equal"
tool_pins() { grep -E '^(wasm_bindgen|wasm_opt) = ' "$1"; }
[ "$(tool_pins Trunk.toml)" = "$(tool_pins bench/baseline/Trunk.toml)" ] ||
  die "bench/baseline/Trunk.toml's [tools] pins differ from the root Trunk.toml's: make them equal"
# Every dependency the two share resolves to the app's version (cargo drops the rest).
cp Cargo.lock bench/baseline/Cargo.lock
(
  # Builds take turns (as in scripts/build.sh): two at once on two cores only slow both.
  exec 9>target/.trunk-build.lock
  flock 9
  cd bench/baseline
  CARGO_TARGET_DIR=../../target/bench-baseline trunk build --release --offline
)

step "benchmark"
mkdir -p bench-results
out="bench-results/$(date -u +%Y%m%dT%H%M%SZ).json"
cargo run --release -p bench -- --dist dist --baseline-dist bench/baseline/dist --out "$out" "$@"
