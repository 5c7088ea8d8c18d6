#!/usr/bin/env python3
"""Unit tests of the build's Python scripts (run by scripts/test.sh). The scripts check
themselves on every build; these cover the inputs a build rarely meets."""
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from post_build import trunk_hash  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
