#!/usr/bin/env bash
# Runs every test suite, after installing whatever is missing (scripts/setup.sh):
#   1. formatting and lints (native crates, and the app for wasm32), and the dependencies'
#      licences and sources (cargo deny);
#   2. the release build of the app, and its download size, which must stay within the budget
#      in size-budget.txt (sizes are exact, so they are checked; timings never are: the
#      benchmark, scripts/bench.sh, is a separate command);
#   3. native tests: the page's state rules, the pure model, the local API stand-in, the
#      bundled server (and nginx), the build's Python scripts;
#   4. browser tests, once in each engine: Chromium, Firefox and WebKit (E2E_BROWSER), against
#      the built app (served by the bundled server, or by a static host from a sub-path) and
#      the stand-in. Every engine runs even when an earlier one failed; the command fails if
#      any did, and prints each engine's time.
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

step "dependencies (cargo deny: licences, bans, sources)"
# Offline, and without advisories: their database is fetched from GitHub, which these machines
# cannot reach (README, Supply chain). Sources and licences come from Cargo.lock and the
# registry cache, so this check is real.
cargo deny --offline check bans licenses sources

step "release build"
scripts/build.sh
scripts/size.sh --check

step "tests (native)"
# The app's own tests are its state rules, run natively on a fake browser.
cargo test -p novita-instance-viewer --tests
cargo test --workspace --exclude novita-instance-viewer --exclude e2e
# The build's own Python scripts (the post-build hook's file naming and glue classes).
python3 scripts/test_build_scripts.py

failed=()
timings=()
for engine in chromium firefox webkit; do
  step "browser tests in $engine"
  started=$SECONDS
  if E2E_BROWSER=$engine cargo test -p e2e --no-fail-fast; then
    outcome=passed
  else
    outcome=FAILED
    failed+=("$engine")
  fi
  timings+=("$engine: $outcome in $((SECONDS - started)) s")
done

step "browser tests, per engine"
printf '%s\n' "${timings[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  printf '\033[1;31mbrowser tests failed in: %s\033[0m\n' "${failed[*]}" >&2
  exit 1
fi
