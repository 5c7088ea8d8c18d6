#!/usr/bin/env bash
# Builds the release app into dist/. Offline, so a tool version mismatch fails loudly
# instead of hanging on a download the machine cannot make.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Two builds at once would trample each other's staging files: take turns.
mkdir -p target
exec 9>target/.trunk-build.lock
flock 9
trunk build --release --offline "$@"
