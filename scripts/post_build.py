#!/usr/bin/env python3
"""Trunk's post-build hook (Trunk.toml): makes the built page smaller, then writes its CSP hashes.

In Trunk's staging directory, in this order:
0. the names the wasm imports its JS functions by are shortened in the wasm and the JS glue
   (scripts/wasm_imports.py: -3.6 KB gzipped wasm, -2.8 KB gzipped JS), and index.html's
   `integrity` for the wasm is recomputed, and the glue's classes whose wasm code wasm-opt
   removed are dropped (scripts/glue_classes.py: -0.35 KB gzipped JS);
1. the JS glue wasm-bindgen wrote is minified with terser (scripts/setup.sh installs it), and
   index.html's `integrity` for it is recomputed (58.7 KB to 27 KB raw, -2.2 KB gzipped);
2. index.html's inline stylesheet is minified (scripts/minify_css.py, -1.5 KB gzipped), and
   its HTML comments (notes for whoever reads the source) are taken out;
3. the JS and wasm file names get the hash of what is served (Trunk's is of its build before this
   hook, and those names are cached for a year);
4. scripts/csp-meta.py writes the hashes of the inline script and style into the CSP <meta>,
   so they are the hashes of the bytes the page carries.

Trunk's own `--minify` was tried instead: it also rewrites index.html, and its unquoted
attributes broke the CSP <meta>'s handling (README, Size)."""
import base64
import glob
import hashlib
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import glue_classes  # noqa: E402
import wasm_imports  # noqa: E402
from minify_css import minify_inline_styles  # noqa: E402


def fail(message: str) -> int:
    print("post_build: " + message, file=sys.stderr)
    return 1


def trunk_hash(script: str, module: str):
    """The hash in Trunk's names for the glue and the wasm (`NAME-HASH.js`, `NAME-HASH_bg.wasm`),
    or None if they are not such a pair. Trunk writes its 64-bit hash in hex without leading
    zeros: one build in 16 has 15 digits or fewer."""
    found = re.fullmatch(r"(.*)-([0-9a-f]{1,16})\.js", script)
    if not found or module != "%s-%s_bg.wasm" % found.groups():
        return None
    return found.group(2)


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def main() -> int:
    staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "")
    if not staging:
        return fail("run as a Trunk hook, or give the directory holding index.html")
    index = os.path.join(staging, "index.html")
    with open(index, encoding="utf-8", newline="") as f:
        html = f.read()

    scripts = glob.glob(os.path.join(staging, "*.js"))
    modules = glob.glob(os.path.join(staging, "*.wasm"))
    if len(scripts) != 1 or len(modules) != 1:
        return fail("expected one JS and one wasm file in %s, found %d and %d"
                    % (staging, len(scripts), len(modules)))
    script, module = scripts[0], modules[0]
    with open(script, "rb") as f:
        before = f.read()
    with open(module, "rb") as f:
        wasm = f.read()
    old, old_wasm = sri(before), sri(wasm)
    for name, integrity in ((script, old), (module, old_wasm)):
        if html.count(integrity) != 1:
            return fail("index.html should name %s's integrity %s once" % (name, integrity))
    try:
        wasm, glue = wasm_imports.shorten(wasm, before.decode("utf-8"))
    except wasm_imports.Error as err:
        return fail("shortening the wasm's import names: %s" % err)
    try:
        glue, _ = glue_classes.drop_unused(glue, wasm)
    except glue_classes.Error as err:
        return fail("dropping the glue's unused classes: %s" % err)
    with open(module, "wb") as f:
        f.write(wasm)
    html = html.replace(old_wasm, sri(wasm))
    minified = subprocess.run(
        ["terser", "--module", "--compress", "--mangle"],
        input=glue.encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if minified.returncode != 0 or not minified.stdout:
        return fail("terser failed on %s: %s" % (script, minified.stderr.decode(errors="replace")))
    with open(script, "wb") as f:
        f.write(minified.stdout)
    html = html.replace(old, sri(minified.stdout))

    html = minify_inline_styles(html)
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)

    # Trunk's `-<hash>` in the two names hashes the build before this hook (and before
    # wasm-opt), but the bundled server and the hosting notes cache such names for a year: the
    # name must change whenever what is served does. Both get the hash of both files as served
    # (they belong together: the glue calls the wasm's imports by their shortened names).
    built_hash = trunk_hash(os.path.basename(script), os.path.basename(module))
    if built_hash is None:
        return fail("expected Trunk's NAME-HASH.js and NAME-HASH_bg.wasm, found %s and %s"
                    % (os.path.basename(script), os.path.basename(module)))
    served_hash = hashlib.sha256(wasm + minified.stdout).hexdigest()[:16]
    if html.count(built_hash) != 4:
        return fail("index.html should name %s four times (two links, the loader's two paths)"
                    % built_hash)
    html = html.replace(built_hash, served_hash)
    for path in (script, module):
        name = os.path.basename(path).replace(built_hash, served_hash)
        os.replace(path, os.path.join(os.path.dirname(path), name))
    with open(index, "w", encoding="utf-8", newline="") as f:
        f.write(html)
    return subprocess.run([sys.executable, os.path.join(HERE, "csp-meta.py"), index]).returncode


if __name__ == "__main__":
    sys.exit(main())
