#!/usr/bin/env bash
# Takes the README's screenshot: the demo view (built-in sample data, no key, no network),
# rendered by headless Chromium from the release build. Usage: scripts/screenshot.sh [out.png]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshot.png}
scripts/setup.sh >/dev/null
scripts/build.sh >/dev/null 2>&1 || scripts/build.sh
mkdir -p "$(dirname "$out")"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory dist >/dev/null 2>&1 &
server=$!
profile=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$profile"' EXIT
sleep 1
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --virtual-time-budget=5000 --window-size=1280,2000 \
  --hide-scrollbars --screenshot="$out" "http://127.0.0.1:$port/?demo=running" 2>/dev/null
echo "wrote $out"
