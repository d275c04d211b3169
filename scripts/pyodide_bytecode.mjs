// Precompiled bytecode for the page's Python (issue 21): run by scripts/pyodide_supply.py at every `make vendor`.
//
//     node scripts/pyodide_bytecode.mjs <pyodide dir>     (the folder pyodide_supply.py has just filled)
//
// The wheels of Pyodide 0.27.7 ship .py files only, so the page compiled numpy, matplotlib and scratchnn from source
// at every start (measured under Node: the imports of 04_training's first cell took 2.5 times as long). Here the
// same Pyodide (npm pyodide@0.27.7, the bytes the site ships) loads the same wheels, imports what a chapter's
// first cell and the runner's kernel import, and compiles every one of those modules that lives in site-packages to
// an unchecked-hash .pyc (valid whatever the file dates after unpacking; it belongs to exactly these wheels).
// They are written to <pyodide dir>/bytecode.zip (paths from /), which the worker unpacks after the packages.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const dir = path.resolve(process.argv[2]);
const require = createRequire(import.meta.url);
const { loadPyodide } = require(path.resolve("node_modules/pyodide/pyodide.js"));
const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf-8"));
const pyodide = await loadPyodide({
  indexURL: dir + "/",
  lockFileURL: path.join(dir, "pyodide-lock.json"),
  packages: manifest.load,
  stdout: () => {},
  stderr: () => {},
});
const listing = pyodide.runPython(`
import importlib.util, io, os, py_compile, sys, zipfile
os.environ["MPLBACKEND"] = "Agg"
# What the chapters' first cells and the runner's kernel import (more is harmless: each module is one small file).
import ast, base64, contextlib, traceback, types, textwrap, time, warnings
import numpy, scratchnn, scratchnn.plotting, scratchnn.exercises
import matplotlib.pyplot, matplotlib.lines, matplotlib.colors, matplotlib.figure, matplotlib.backends.backend_agg
SITE = "/lib/python3.12/site-packages/"
buffer = io.BytesIO()
count = 0
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
    for module in sorted(list(sys.modules.values()), key=lambda m: getattr(m, "__name__", "")):
        source = getattr(module, "__file__", None)
        if not source or not source.endswith(".py") or not source.startswith(SITE):
            continue
        cached = importlib.util.cache_from_source(source)
        py_compile.compile(source, cfile=cached, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        info = zipfile.ZipInfo(cached.lstrip("/"), (2020, 1, 1, 0, 0, 0))
        with open(cached, "rb") as handle:
            archive.writestr(info, handle.read(), zipfile.ZIP_DEFLATED)
        count += 1
(buffer.getvalue(), count)
`);
const [data, count] = listing.toJs();
writeFileSync(path.join(dir, "bytecode.zip"), Buffer.from(data));
console.log(`${count} modules compiled to bytecode.zip (${(data.length / 1e6).toFixed(1)} MB)`);
