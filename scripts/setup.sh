#!/usr/bin/env bash
# Installs what building and testing the app needs, skipping whatever is already there, so a
# second run takes seconds. Everything comes from crates.io, npm or Debian: the machines here
# reach nothing else (see ../shared/TOOLCHAIN.md for why each step is done this way).
#
# `scripts/setup.sh --build-only` installs only what building the app needs (steps 1-4b), for a
# machine that deploys the app without testing it (deploy/github-pages.yml).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
TERSER_VERSION=5.51.4
GECKODRIVER_VERSION=0.37.1
CARGO_DENY_VERSION=0.20.2
# Where Debian's webkit2gtk-driver expects the browser (the e2e harness uses the same path).
WEBKIT_MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
export PATH="$HOME/.cargo/bin:$PATH"

BUILD_ONLY=
case "${1:-}" in
  "") ;;
  --build-only) BUILD_ONLY=1 ;;
  *) die "unknown option ${1}: the only one is --build-only" ;;
esac

command -v cargo >/dev/null || die "cargo is not installed: this project needs a Rust toolchain (rustup)."

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $*"; fi
}

# 1. The wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. Trunk, at the version that builds with this machine's rustc.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes several minutes the first time)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 3. wasm-bindgen CLI, exactly the version in Cargo.lock (Trunk uses it only on an exact match).
[ -f Cargo.lock ] || cargo generate-lockfile
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WBG_VERSION" ] || die "could not read the wasm-bindgen version from Cargo.lock"
grep -q "wasm_bindgen = \"$WBG_VERSION\"" Trunk.toml ||
  die "Trunk.toml pins a wasm_bindgen version other than Cargo.lock's $WBG_VERSION: update Trunk.toml"
# `cargo install --locked` cannot be used as published: the crate's own Cargo.lock pins
# webpki-roots 1.0.11, which the registry these machines reach does not have. So the install
# is made reproducible with a lock file of ours (scripts/locks/: the crate's own, with only that
# one package moved to 1.0.10, made by `cargo update -p webpki-roots --precise 1.0.10`): the
# crate's source is downloaded from crates.io, checked against the SHA-256 the registry index
# gives for it, and installed from that with our lock, --locked.
WBG_LOCK="scripts/locks/wasm-bindgen-cli-$WBG_VERSION.lock"
WBG_SUM="scripts/locks/wasm-bindgen-cli-$WBG_VERSION.crate.sha256"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ]; then
  [ -f "$WBG_LOCK" ] && [ -f "$WBG_SUM" ] ||
    die "no pinned lock for wasm-bindgen-cli $WBG_VERSION ($WBG_LOCK, $WBG_SUM): see scripts/locks/README"
  say "installing wasm-bindgen-cli $WBG_VERSION with the lock file in $WBG_LOCK"
  WBG_WORK=$(mktemp -d)
  curl -fsSL --retry 3 -o "$WBG_WORK/wasm-bindgen-cli-$WBG_VERSION.crate" \
    "https://static.crates.io/crates/wasm-bindgen-cli/wasm-bindgen-cli-$WBG_VERSION.crate" ||
    die "could not download wasm-bindgen-cli $WBG_VERSION from crates.io"
  (cd "$WBG_WORK" && sha256sum --check --quiet) < "$WBG_SUM" ||
    die "wasm-bindgen-cli-$WBG_VERSION.crate does not match $WBG_SUM"
  tar -xzf "$WBG_WORK/wasm-bindgen-cli-$WBG_VERSION.crate" -C "$WBG_WORK"
  cp "$WBG_LOCK" "$WBG_WORK/wasm-bindgen-cli-$WBG_VERSION/Cargo.lock"
  cargo install --path "$WBG_WORK/wasm-bindgen-cli-$WBG_VERSION" --locked --force
  rm -rf "$WBG_WORK"
fi

# 4. wasm-opt from npm's binaryen (Debian's is too old).
if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  command -v npm >/dev/null || die "npm is needed to install wasm-opt (binaryen)"
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
  as_root npm install -g "binaryen@$BINARYEN_VERSION"
fi

# 4b. terser from npm: the build's post-build hook (scripts/post_build.py) minifies the JS glue
#     wasm-bindgen writes with it (-2.2 KB gzipped of the download).
if [ "$(terser --version 2>/dev/null)" != "terser $TERSER_VERSION" ]; then
  command -v npm >/dev/null || die "npm is needed to install terser"
  say "installing terser (npm terser@$TERSER_VERSION)"
  as_root npm install -g "terser@$TERSER_VERSION"
fi

if [ -n "$BUILD_ONLY" ]; then
  say "build tools ready: $(trunk --version), wasm-bindgen $WBG_VERSION, $(wasm-opt --version | head -1)"
  exit 0
fi

# 5. Chromium and its driver, from Debian, for the browser tests and screenshots.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing chromium and chromium-driver"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 6. Firefox ESR and WebKitGTK for the browser tests in the other two engines (README, "Tests").
#    Firefox's WebDriver, geckodriver, comes from crates.io (npm's package of that name downloads
#    a binary from elsewhere, which fails here). WebKitGTK's driver, WebKitWebDriver, drives its
#    MiniBrowser, which has no headless mode: the tests run it on an Xvfb display of their own.
if [ ! -x /usr/bin/firefox-esr ]; then
  say "installing firefox-esr"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
fi
if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$GECKODRIVER_VERSION" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION (builds in about 2 minutes)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
fi
if [ ! -x /usr/bin/WebKitWebDriver ] || [ ! -x "$WEBKIT_MINIBROWSER" ] || [ ! -x /usr/bin/Xvfb ]; then
  say "installing webkit2gtk-driver and xvfb"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq webkit2gtk-driver xvfb >/dev/null
fi
[ -x "$WEBKIT_MINIBROWSER" ] || die "WebKitGTK's MiniBrowser is not at $WEBKIT_MINIBROWSER after installing webkit2gtk-driver"

# 7. nginx, for the test that runs deploy/nginx.conf (crates/server/tests/nginx.rs), and openssl
#    for the certificates that test makes. The test starts its own nginx; the package's must not
#    start (it would hold port 80): Debian's package starts it unless policy-rc.d says no, so
#    where no policy-rc.d exists (container images usually have one), one is put in place for
#    the install and removed after, and a systemd machine gets the service disabled.
if [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null; then
  say "installing nginx and openssl (for the nginx deployment test; the service is not started)"
  NGINX_POLICY_ADDED=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# Added by scripts/setup.sh while it installs nginx: start no service.\nexit 101\n' |
      as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    NGINX_POLICY_ADDED=1
  fi
  as_root apt-get update -qq
  NGINX_INSTALL=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null || NGINX_INSTALL=$?
  [ -z "$NGINX_POLICY_ADDED" ] || as_root rm -f /usr/sbin/policy-rc.d
  [ "$NGINX_INSTALL" = 0 ] || die "apt-get install nginx openssl failed"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    as_root systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi
[ -x /usr/sbin/nginx ] || die "nginx is not at /usr/sbin/nginx after installing it"

# 8. cargo-deny, for the dependency check in scripts/test.sh (licences, bans, sources; deny.toml).
#    Its own lock file holds (--locked), so it builds the same everywhere.
if [ "$(cargo deny --version 2>/dev/null | awk '{print $2}')" != "$CARGO_DENY_VERSION" ]; then
  say "installing cargo-deny $CARGO_DENY_VERSION (builds in about 3 minutes)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
fi

say "toolchain ready: $(trunk --version), wasm-bindgen $WBG_VERSION, $(wasm-opt --version | head -1)"
say "browsers: $(/usr/bin/chromium --version 2>/dev/null | head -1); $(/usr/bin/firefox-esr --version 2>/dev/null | head -1), geckodriver $GECKODRIVER_VERSION; WebKitGTK $(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null)"
