#!/usr/bin/env python3
"""Unit tests of the build's Python scripts (run by scripts/test.sh). The scripts check
themselves on every build; these cover the inputs a build rarely meets."""
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glue_classes  # noqa: E402
from post_build import trunk_hash  # noqa: E402
from wasm_binary import MAGIC, u32  # noqa: E402


class TrunkNames(unittest.TestCase):
    def test_a_full_hash(self):
        self.assertEqual(
            trunk_hash("novita-instance-viewer-74fe6251beef8137.js",
                       "novita-instance-viewer-74fe6251beef8137_bg.wasm"),
            "74fe6251beef8137")

    def test_a_hash_trunk_wrote_without_its_leading_zero(self):
        # Seen on a build: Trunk formats its u64 hash with `{:x}`, so 1 build in 16 has 15 digits.
        self.assertEqual(
            trunk_hash("novita-instance-viewer-4805c135a0f870e.js",
                       "novita-instance-viewer-4805c135a0f870e_bg.wasm"),
            "4805c135a0f870e")

    def test_names_that_are_not_a_pair(self):
        for script, module in [
            ("app-0123456789abcdef.js", "app-0123456789abcdee_bg.wasm"),
            ("app-0123456789abcdef.js", "other-0123456789abcdef_bg.wasm"),
            ("app-0123456789abcdef0.js", "app-0123456789abcdef0_bg.wasm"),
            ("app-0123456789abcdeg.js", "app-0123456789abcdeg_bg.wasm"),
            ("app.js", "app_bg.wasm"),
        ]:
            self.assertIsNone(trunk_hash(script, module), script)


def wasm_exporting(*names: str) -> bytes:
    """A wasm binary with just an export section (functions 0, 1, ...)."""
    body = bytearray(u32(len(names)))
    for index, name in enumerate(names):
        body += u32(len(name)) + name.encode() + b"\0" + u32(index)
    return MAGIC + bytes([glue_classes.EXPORT_SECTION]) + u32(len(body)) + bytes(body)


# The shape wasm-bindgen 0.2.130 writes.
GLUE = """export class Kept {
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_kept_free(ptr, 0);
    }
}
if (Symbol.dispose) Kept.prototype[Symbol.dispose] = Kept.prototype.free;

export class IntoUnderlyingSink {
    __destroy_into_raw() {
        IntoUnderlyingSinkFinalization.unregister(this);
    }
    close() {
        const ret = wasm.intounderlyingsink_close(this.__wbg_ptr);
        return ret;
    }
}
if (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;
function __wbg_get_imports() {}
const KeptFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_kept_free(ptr, 1));
const IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsink_free(ptr, 1));
export { initSync, __wbg_init as default };
"""


class GlueClasses(unittest.TestCase):
    def test_the_exports_are_read(self):
        self.assertEqual(glue_classes.exports(wasm_exporting("main", "kept_get")),
                         {"main", "kept_get"})

    def test_a_class_without_wasm_code_goes_and_one_with_stays(self):
        glue, dropped = glue_classes.drop_unused(GLUE, wasm_exporting("main", "__wbg_kept_free"))
        self.assertEqual(dropped, ["IntoUnderlyingSink"])
        self.assertNotIn("IntoUnderlying", glue)
        self.assertIn("export class Kept {", glue)
        self.assertIn("const KeptFinalization", glue)
        self.assertIn("function __wbg_get_imports() {}\n", glue)
        self.assertTrue(glue.endswith("export { initSync, __wbg_init as default };\n"))

    def test_a_class_whose_methods_are_exported_stays(self):
        wasm = wasm_exporting("__wbg_kept_free", "intounderlyingsink_close")
        self.assertEqual(glue_classes.drop_unused(GLUE, wasm), (GLUE, []))

    def test_a_class_still_named_elsewhere_stops_the_build(self):
        glue = GLUE + "new IntoUnderlyingSink();\n"
        with self.assertRaises(glue_classes.Error):
            glue_classes.drop_unused(glue, wasm_exporting("__wbg_kept_free"))

    def test_a_glue_of_another_shape_stops_the_build(self):
        glue = GLUE.replace("if (Symbol.dispose) IntoUnderlyingSink", "if (1) IntoUnderlyingSink")
        with self.assertRaises(glue_classes.Error):
            glue_classes.drop_unused(glue, wasm_exporting("__wbg_kept_free"))


if __name__ == "__main__":
    unittest.main()
