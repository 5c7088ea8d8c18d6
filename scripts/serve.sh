#!/usr/bin/env bash
# Builds the app and serves it at http://127.0.0.1:8080 with the bundled server, which also
# forwards the Novita API paths to https://api.novita.ai from the same origin: paste a key and
# an instance ID and it works, no CORS set-up. Extra arguments go to the server
# (e.g. --listen 0.0.0.0:8080 --allow-host ops.example.com; see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh
scripts/build.sh
cargo build --release -p novita-viewer-server
exec target/release/novita-viewer-server --dist dist "$@"
