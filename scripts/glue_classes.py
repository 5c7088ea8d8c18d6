"""Drops from the JS glue the classes whose wasm code is gone (scripts/post_build.py calls it).

wasm-bindgen writes a JS class for each Rust type exported to JS, whether or not anything makes
one. Leptos's server_fn brings wasm-streams, whose three stream classes nothing here makes;
index.html has wasm-opt remove their wasm exports, and with them their code. Their JS classes
(about 0.35 KB gzipped) stayed, calling wasm functions that no longer exist.

A class is dropped when the wasm exports none of its functions (`<class in lower case>_...`,
`__wbg_<class in lower case>_free`): the class, its `Symbol.dispose` line and its
`FinalizationRegistry`. Checked, or the build stops: each part is found exactly once, and
nothing in the glue names the class afterwards."""
import re

from wasm_binary import Error, read_u32, sections

EXPORT_SECTION = 7


def exports(wasm: bytes) -> set[str]:
    """The names the wasm exports."""
    names = set()
    for section, body in sections(wasm):
        if section != EXPORT_SECTION:
            continue
        count, pos = read_u32(body, 0)
        for _ in range(count):
            length, pos = read_u32(body, pos)
            names.add(body[pos : pos + length].decode("utf-8"))
            pos += length + 1  # the kind
            _, pos = read_u32(body, pos)  # the index
    return names


def drop_unused(glue: str, wasm: bytes) -> tuple[str, list[str]]:
    """The glue without the classes whose wasm functions are all gone, and their names."""
    exported = exports(wasm)
    dropped = []
    for name in re.findall(r"^export class (\w+) \{$", glue, flags=re.M):
        lower = name.lower()
        if any(e.startswith(lower + "_") or e == "__wbg_%s_free" % lower for e in exported):
            continue
        parts = [
            (r"^export class %s \{\n.*?^\}\n" % name, re.M | re.S),
            (r"^if \(Symbol\.dispose\) %s\.prototype\[Symbol\.dispose\] = %s\.prototype\.free;\n"
             % (name, name), re.M),
            (r"^const %sFinalization = \(typeof FinalizationRegistry === 'undefined'\)\n.*\n.*\n"
             % name, re.M),
        ]
        for part, flags in parts:
            glue, found = re.subn(part, "", glue, flags=flags)
            if found != 1:
                raise Error("class %s: expected one match of %r, found %d" % (name, part, found))
        if re.search(r"\b%s(Finalization)?\b" % name, glue):
            raise Error("class %s has no wasm code left, but the glue still names it" % name)
        dropped.append(name)
    return glue, dropped
