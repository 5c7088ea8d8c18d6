#!/usr/bin/env python3
"""Run last by Trunk's post-build hook (scripts/post_build.py): writes the hashes of
index.html's inline scripts and styles into its Content-Security-Policy <meta>, so a static host
runs only the app's own code.

Trunk writes the inline module script that loads the app (and, under `trunk serve`, its
reload script) into index.html, and their text changes with every build. The <meta> in the
source index.html says `INLINE-SCRIPT-HASHES` and `INLINE-STYLE-HASHES` where those hashes go;
this replaces them with a 'sha256-...' source per inline element, hashed exactly as a browser
does (the bytes between the tags), the same way the bundled server hashes index.html for its
header (crates/server/src/security_headers.rs), so the two policies agree
(crates/e2e/tests/static_host.rs checks it).

The <meta> lets the page connect to its own origin and to the default API base,
https://api.novita.ai. A host whose config.json names an API base on another origin sets the
origins the page may connect to instead:
`VIEWER_CONNECT_SRC="https://proxy.example.com" scripts/build.sh` makes the <meta>'s
connect-src `'self' https://proxy.example.com` (origins separated by spaces), or edit that line
of dist/index.html.

Usage: Trunk runs it with TRUNK_STAGING_DIR set; by hand: scripts/csp-meta.py dist/index.html
(on an index.html that still has the placeholders).
"""
import base64
import hashlib
import os
import re
import sys

PLACEHOLDERS = {"script": "INLINE-SCRIPT-HASHES", "style": "INLINE-STYLE-HASHES"}
# An http(s) origin, possibly with a `*.` wildcard host, and nothing that could end the
# directive or the attribute: the rule the bundled server applies to --connect-src.
ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]+)?$")


def inline_hashes(html: str, tag: str) -> list:
    """'sha256-…' of the body of every inline <tag> (for scripts, those without src)."""
    hashes = []
    pattern = re.compile(r"<%s(\s[^>]*)?>(.*?)</%s" % (tag, tag), re.S | re.I)
    for match in pattern.finditer(html):
        attributes = match.group(1) or ""
        if tag == "script" and re.search(r"(^|\s)src\s*=", attributes, re.I):
            continue
        digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
        hashes.append("'sha256-%s'" % base64.b64encode(digest).decode("ascii"))
    return hashes


def main() -> int:
    if len(sys.argv) > 1:
        path = sys.argv[1]
    else:
        staging = os.environ.get("TRUNK_STAGING_DIR")
        if not staging:
            print("csp-meta: give the index.html to fix, or run as a Trunk hook", file=sys.stderr)
            return 2
        path = os.path.join(staging, "index.html")
    extra = os.environ.get("VIEWER_CONNECT_SRC", "").split()
    bad = [origin for origin in extra if not ORIGIN.match(origin)]
    if bad:
        print(
            "csp-meta: VIEWER_CONNECT_SRC holds %s, not an http(s) origin such as "
            "https://proxy.example.com" % ", ".join(repr(b) for b in bad),
            file=sys.stderr,
        )
        return 1
    with open(path, encoding="utf-8", newline="") as f:
        html = f.read()
    if not inline_hashes(html, "script"):
        print("csp-meta: %s has no inline loader script to hash" % path, file=sys.stderr)
        return 1
    for tag, placeholder in PLACEHOLDERS.items():
        found = html.count(placeholder)
        if found != 1:
            print(
                "csp-meta: %s should appear once in %s's CSP <meta>, found %d times"
                % (placeholder, path, found),
                file=sys.stderr,
            )
            return 1
        sources = " ".join(inline_hashes(html, tag))
        # With nothing to add, drop the placeholder and the space before it.
        html = html.replace(" " + placeholder, " " + sources if sources else "")
    if extra:
        directive = re.search(r"http-equiv=\"Content-Security-Policy\"[^>]*(connect-src[^;\"]*)", html)
        if not directive:
            print("csp-meta: the CSP <meta> in %s has no connect-src" % path, file=sys.stderr)
            return 1
        # The named origins replace the default API base's: the page connects to its own
        # origin and to them, as the bundled server allows for a config.json naming them.
        sources = "connect-src 'self'" + "".join(" " + origin for origin in extra)
        html = html[: directive.start(1)] + sources + html[directive.end(1) :]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
