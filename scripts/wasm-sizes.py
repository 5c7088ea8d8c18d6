#!/usr/bin/env python3
"""What costs bytes in a wasm file: code size per function, grouped by crate (a cargo-bloat
style view, from the wasm's own `name` section, with no tool to install).

Usage: scripts/wasm-sizes.py [file.wasm] [--top N] [--by crate|fn]
Default file: the release build before wasm-bindgen/wasm-opt, which still has its names."""
import os
import re
import sys
from collections import defaultdict

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wasm_binary import read_u32 as leb, sections  # noqa: E402


def parse(path):
    data = open(path, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"{path} is not a wasm file")
    imported = 0
    bodies = []
    names = {}
    for sid, body in sections(data):
        if sid == 2:  # imports: functions among them take the first indices
            count, p = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, p = leb(body, p)
                    p += n
                kind = body[p]
                p += 1
                if kind == 0:
                    _, p = leb(body, p)
                    imported += 1
                elif kind == 1:
                    p += 1
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 2:
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 3:
                    p += 2
        elif sid == 10:  # code
            count, p = leb(body, 0)
            for _ in range(count):
                size, p = leb(body, p)
                bodies.append(size)
                p += size
        elif sid == 0:
            n, p = leb(body, 0)
            if body[p:p + n] != b"name":
                continue
            p += n
            while p < len(body):
                sub = body[p]
                size, p = leb(body, p + 1)
                end = p + size
                if sub == 1:
                    count, q = leb(body, p)
                    for _ in range(count):
                        idx, q = leb(body, q)
                        n, q = leb(body, q)
                        names[idx] = body[q:q + n].decode("utf-8", "replace")
                        q += n
                p = end
    return imported, bodies, names, len(data)


LEGACY = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$RF$": "&", "$C$": ",", "$LP$": "(",
          "$RP$": ")", "$u7b$": "{", "$u7d$": "}", "$BP$": "*", "$u27$": "'", "$u5b$": "[",
          "$u5d$": "]", "$u3b$": ";", "..": "::"}


def demangle(name):
    """Enough demangling to read a path: legacy `_ZN..E` names fully, v0 `_R` names to the
    crates they mention."""
    if name.startswith("_ZN"):
        parts, p = [], 3
        while p < len(name) and name[p].isdigit():
            q = p
            while name[q].isdigit():
                q += 1
            n = int(name[p:q])
            parts.append(name[q:q + n])
            p = q + n
        if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
            parts.pop()
        text = "::".join(parts)
        for k, v in LEGACY.items():
            text = text.replace(k, v)
        return text
    if name.startswith("_R"):
        crates = []
        for m in re.finditer(r"C[a-zA-Z0-9]*_(\d+)", name):
            n = int(m.group(1))
            crates.append(name[m.end():m.end() + n])
        return "::".join(crates) + " (v0)"
    return name


def crate_of(name):
    text = demangle(name)
    text = re.sub(r"^_?<?(impl )?", "", text).lstrip("<&*( ")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", text)
    return m.group(1) if m else "?"


def main():
    args = sys.argv[1:]
    path = "target/wasm32-unknown-unknown/release/novita-instance-viewer.wasm"
    top, by = 30, "crate"
    while args:
        a = args.pop(0)
        if a == "--top":
            top = int(args.pop(0))
        elif a == "--by":
            by = args.pop(0)
        else:
            path = a
    imported, bodies, names, total = parse(path)
    groups = defaultdict(int)
    for i, size in enumerate(bodies):
        name = names.get(imported + i, f"func[{imported + i}]")
        groups[crate_of(name) if by == "crate" else demangle(name)] += size
    code = sum(bodies)
    print(f"{path}: {total} bytes, code {code} bytes in {len(bodies)} functions")
    for key, size in sorted(groups.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{size:>9} {100 * size / code:5.1f}%  {key[:150]}")


if __name__ == "__main__":
    main()
