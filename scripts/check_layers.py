#!/usr/bin/env python3
"""Checks the layer rule of ARCHITECTURE.md on the source tree: every
#include "..." of ours points to the same layer or one below it, and every
source file of a layer is in that layer's library in CMakeLists.txt.

    cli/ -> core/ -> cache/, services/ -> core/base/
    cli/ -> report/ -> core/base/
    and inside services/: the engine and the fetcher -> services/providers/

Exit 0 when the rule holds; otherwise one line per breach and exit 1.
Usage: check_layers.py [SOURCE_DIR]
"""

import os
import re
import sys

# Layer of a path, and the layers each may include.
# services/providers/ (the provider modules, their registry and parsers) sits
# below the rest of services/ (engine, fetcher, network step) in the same
# library: a folder never includes a folder that includes it back.
LAYERS = [("core/base/", "base"), ("cache/", "cache"), ("services/providers/", "providers"),
          ("services/", "services"), ("core/", "core"), ("report/", "report"), ("cli/", "cli")]
ALLOWED = {
    "base": {"base"},
    "cache": {"cache", "base"},
    "providers": {"providers", "base"},
    "services": {"services", "providers", "base"},
    "core": {"core", "cache", "services", "providers", "base"},
    # report/ reads the discovery document's JSON text, not core's value: it needs nothing but base.
    "report": {"report", "base"},
    "cli": {"cli", "core", "report", "cache", "services", "providers", "base"},
}
LIBRARY = {"base": "thd_base", "cache": "thd_cache", "providers": "thd_services", "services": "thd_services",
           "core": "thd_core", "report": "thd_report", "cli": "thd_cli"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of(path):
    for prefix, name in LAYERS:
        if path.startswith(prefix):
            return name
    return None


def library_sources(cmake_text):
    """{library: set of source paths} from add_library(NAME STATIC ...)."""
    out = {}
    for m in re.finditer(r"add_library\((\w+)\s+STATIC\s+([^)]*)\)", cmake_text):
        out[m.group(1)] = set(m.group(2).split())
    return out


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    breaches = []
    sources = []
    for top in ("core", "cache", "services", "report", "cli"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".cpp", ".hpp")):
                    sources.append(os.path.relpath(os.path.join(dirpath, f), root))
    for rel in sorted(sources):
        layer = layer_of(rel)
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            target = m.group(1)
            target_layer = layer_of(target)
            if target_layer and target_layer not in ALLOWED[layer]:
                line = text.count("\n", 0, m.start()) + 1
                breaches.append("%s:%d: %s (%s) includes %s (%s): an include may only point to its own layer "
                                "or one below it" % (rel, line, rel, layer, target, target_layer))
    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
        libs = library_sources(f.read())
    for rel in sorted(sources):
        if not rel.endswith(".cpp") or rel == "cli/main.cpp":
            continue
        lib = LIBRARY[layer_of(rel)]
        if rel not in libs.get(lib, set()):
            breaches.append("%s: not in %s's source list in CMakeLists.txt" % (rel, lib))
    for line in breaches:
        print(line)
    if breaches:
        return 1
    print("layers: %d files, every include points down or sideways within its layer" % len(sources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
