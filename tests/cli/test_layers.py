"""The layer rule of ARCHITECTURE.md (cli -> core -> cache, services -> core/base):
scripts/check_layers.py holds on the tree, and fails on a copy with an include
that points upwards, one that points sideways, or a source file outside its library."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(SOURCE, "scripts", "check_layers.py")


def check(root):
    return subprocess.run([sys.executable, CHECK, root], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class Layers(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="thd-layers-")
        self.addCleanup(self._tmp.cleanup)
        self.root = self._tmp.name
        for d in ("core", "cache", "services", "report", "cli"):
            shutil.copytree(os.path.join(SOURCE, d), os.path.join(self.root, d))
        shutil.copy(os.path.join(SOURCE, "CMakeLists.txt"), self.root)

    def append(self, rel, text):
        with open(os.path.join(self.root, rel), "a") as f:
            f.write(text)

    def test_the_tree_keeps_the_rule(self):
        r = check(SOURCE)
        self.assertEqual(r.returncode, 0, r.stdout)

    def test_an_include_from_base_up_to_core_is_refused(self):
        self.append("core/base/text.hpp", '#include "core/pipeline.hpp"\n')
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("core/base/text.hpp", r.stdout)
        self.assertIn("core/pipeline.hpp (core)", r.stdout)

    def test_cache_and_services_do_not_include_each_other(self):
        self.append("cache/scan.cpp", '#include "services/providers/registry.hpp"\n')
        self.append("services/limits.cpp", '#include "cache/file_storage.hpp"\n')
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("cache/scan.cpp", r.stdout)
        self.assertIn("services/limits.cpp", r.stdout)

    def test_a_provider_module_does_not_include_the_engine_above_it(self):
        self.append("services/providers/fmp.cpp", '#include "services/http_engine.hpp"\n')
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("services/providers/fmp.cpp", r.stdout)
        self.assertIn("services/http_engine.hpp (services)", r.stdout)

    def test_core_may_not_include_cli(self):
        self.append("core/planner.cpp", '#include "cli/app.hpp"\n')
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("core/planner.cpp", r.stdout)

    def test_report_reads_the_document_not_core_and_core_does_not_include_report(self):
        # report/ sits on core/base/ alone (beside core/, under cli/): it renders the JSON text.
        self.append("report/format.cpp", '#include "core/discovery.hpp"\n')
        self.append("core/pipeline.cpp", '#include "report/render.hpp"\n')
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("report/format.cpp (report) includes core/discovery.hpp (core)", r.stdout)
        self.assertIn("core/pipeline.cpp (core) includes report/render.hpp (report)", r.stdout)

    def test_a_report_file_outside_thd_report_is_refused(self):
        with open(os.path.join(self.root, "report", "extra.cpp"), "w") as f:
            f.write("// a new renderer, not registered in CMakeLists.txt\n")
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("report/extra.cpp: not in thd_report", r.stdout)

    def test_a_source_file_outside_its_library_is_refused(self):
        with open(os.path.join(self.root, "services", "providers", "extra.cpp"), "w") as f:
            f.write("// a new provider, not registered in CMakeLists.txt\n")
        r = check(self.root)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("services/providers/extra.cpp: not in thd_services", r.stdout)


if __name__ == "__main__":
    unittest.main()
