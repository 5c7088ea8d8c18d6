"""Shortens the names the wasm imports its JS functions by (scripts/post_build.py calls it).

wasm-bindgen names each JS function the wasm calls `__wbg_<method>_<16 hex digits>`, and writes
every name twice: in the wasm's import section and as a key of the JS glue's import object. The
hex digits do not compress, so the 218 names cost 3.6 KB of gzipped wasm and 2.8 KB of gzipped
JS. Here each becomes `a`, `b`, ... `ba`, in both files; nothing else in either file changes.

Checked on every build, or the build stops: each import is a function; each name is found
exactly once in the JS, as a key (`name:` or `name(`); the renamed wasm reads back with the
same imports in the same order under the new names."""
import re

from wasm_binary import MAGIC, Error, read_u32 as _read_u32, sections as _sections, u32 as _u32

IMPORT_SECTION = 2
FUNCTION_IMPORT = 0


def _short(n: int) -> str:
    """The n-th short name: a ... z, A ... Z, aa, ab, ..."""
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    name = ""
    n += 1
    while n:
        n -= 1
        name = letters[n % len(letters)] + name
        n //= len(letters)
    return name


def _imports(body: bytes):
    """(module, name, description bytes) of each function import in an import section."""
    count, pos = _read_u32(body, 0)
    imports = []
    for _ in range(count):
        length, pos = _read_u32(body, pos)
        module = body[pos : pos + length]
        pos += length
        length, pos = _read_u32(body, pos)
        name = body[pos : pos + length].decode("utf-8")
        pos += length
        kind = body[pos]
        if kind != FUNCTION_IMPORT:
            raise Error("import %r is not a function (kind %d)" % (name, kind))
        _, end = _read_u32(body, pos + 1)
        imports.append((module, name, body[pos:end]))
        pos = end
    if pos != len(body):
        raise Error("the import section has bytes after its imports")
    return imports


def _import_section(imports) -> bytes:
    body = bytearray(_u32(len(imports)))
    for module, name, description in imports:
        encoded = name.encode("utf-8")
        body += _u32(len(module)) + module + _u32(len(encoded)) + encoded + description
    return bytes(body)


def import_names(wasm: bytes) -> list[str]:
    return [name for section, body in _sections(wasm) if section == IMPORT_SECTION
            for _, name, _ in _imports(body)]


def shorten(wasm: bytes, js: str) -> tuple[bytes, str]:
    """`wasm` and its JS glue `js` with every import's name shortened in both."""
    out = bytearray(MAGIC)
    renamed = {}
    for section, body in _sections(wasm):
        if section == IMPORT_SECTION:
            imports = _imports(body)
            for _, name, _ in imports:
                if name in renamed:
                    raise Error("import %r is there twice" % name)
                renamed[name] = _short(len(renamed))
            body = _import_section([(m, renamed[n], d) for m, n, d in imports])
        out += bytes([section]) + _u32(len(body)) + body
    if not renamed:
        raise Error("the wasm imports nothing: is this wasm-bindgen's output?")
    # The new names need not be new words in the JS: they are keys of the import object, whose
    # other keys are the other imports (all renamed) and `__proto__`.
    for old, new in renamed.items():
        key = re.compile(r"\b%s\b(?=\s*[:(])" % re.escape(old))
        found = len(re.findall(r"\b%s\b" % re.escape(old), js))
        if found != 1 or len(key.findall(js)) != 1:
            raise Error("import %r is in the JS glue %d times, expected once as a key"
                        % (old, found))
        js = key.sub(new, js)
    if import_names(bytes(out)) != list(renamed.values()):
        raise Error("the renamed wasm does not read back with the new names")
    return bytes(out), js
