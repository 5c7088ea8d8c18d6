#!/usr/bin/env bash
# Runs every test suite, after installing whatever is missing (scripts/setup.sh):
#   1. formatting and lints (native crates, and the app for wasm32);
#   2. the release build of the app, and its download size, which must stay within the budget
#      in size-budget.txt (sizes are exact, so they are checked; timings never are: the
#      benchmark, scripts/bench.sh, is a separate command);
#   3. native tests: the page's state rules, the pure model, the local API stand-in, the server;
#   4. browser tests: headless Chromium against the built app and the stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "toolchain"
scripts/setup.sh

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --exclude novita-instance-viewer --all-targets -- -D warnings
cargo clippy -p novita-instance-viewer --target wasm32-unknown-unknown -- -D warnings
# The app's state rules also build natively, for their tests (tests/state/).
cargo clippy -p novita-instance-viewer --tests -- -D warnings

step "release build"
scripts/build.sh
scripts/size.sh --check

step "tests (native and browser)"
# The app's own tests are its state rules, run natively on a fake browser.
cargo test -p novita-instance-viewer --tests
cargo test --workspace --exclude novita-instance-viewer
