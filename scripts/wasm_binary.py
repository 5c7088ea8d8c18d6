"""Reading and writing the wasm binary format's basics, for scripts/wasm_imports.py,
scripts/glue_classes.py and scripts/wasm-sizes.py:
https://webassembly.github.io/spec/core/binary/modules.html"""

MAGIC = b"\0asm\1\0\0\0"


class Error(Exception):
    pass


def read_u32(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 number at `pos`: (value, position after it)."""
    value = shift = 0
    while True:
        if pos >= len(data):
            raise Error("a number runs past the end of the wasm")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def u32(value: int) -> bytes:
    """`value` as an unsigned LEB128 number."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sections(wasm: bytes):
    """(id, body) of each section, in order."""
    if not wasm.startswith(MAGIC):
        raise Error("not a wasm module (version 1)")
    pos = len(MAGIC)
    while pos < len(wasm):
        section = wasm[pos]
        size, start = read_u32(wasm, pos + 1)
        if start + size > len(wasm):
            raise Error("section %d runs past the end of the wasm" % section)
        yield section, wasm[start : start + size]
        pos = start + size
