// The unit tests of scratchnn inside Pyodide under Node.js: the Python (3.12), numpy (2.0.2) and matplotlib (3.8.4)
// that the book's pages run in the reader's browser, from the very files the site ships (_vendor/vendor/pyodide/,
// written by scripts/vendor.py: the trimmed lock, the checked wheels, the scratchnn wheel built from src/).
//
//     node tests/pyodide/run_unit_tests.mjs [pytest arguments]      (after `make vendor`; `make pyodide-unit`)
//
// pytest and the other pure-Python test tools come from the project's .venv, mounted and put at the END of sys.path
// (numpy, matplotlib and scratchnn come from Pyodide's own site-packages); hypothesis, whose .venv release has a
// compiled core, from the pure-Python wheels in .cache/pyodide-test/ (tests/pyodide/requirements.txt, downloaded
// by `make pyodide-unit`), put BEFORE .venv. Exit status: pytest's.
import { createRequire } from "node:module";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const vendor = path.join(root, "_vendor", "vendor", "pyodide");
if (!existsSync(path.join(root, ".cache", "pyodide-test"))) {
  console.error("no .cache/pyodide-test/: run `make pyodide-unit` (it downloads tests/pyodide/requirements.txt)");
  process.exit(2);
}
if (!existsSync(path.join(vendor, "pyodide.js"))) {
  console.error(`${vendor}/pyodide.js is missing: run \`make vendor\` first`);
  process.exit(2);
}
const lib = path.join(root, ".venv", "lib");
const pythonDir = existsSync(lib) ? readdirSync(lib).find((name) => name.startsWith("python3")) : undefined;
if (!pythonDir) {
  console.error(`no ${lib}/python3.*: run \`make setup\` first`);
  process.exit(2);
}
const sitePackages = path.join(lib, pythonDir, "site-packages");

const { loadPyodide } = createRequire(import.meta.url)(path.join(vendor, "pyodide.js"));
const started = performance.now();
const pyodide = await loadPyodide({
  indexURL: vendor + path.sep,
  lockFileURL: path.join(vendor, "pyodide-lock.json"),
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
await pyodide.loadPackage(["numpy", "matplotlib", "scratchnn"], { messageCallback: () => {} });
console.log(`Pyodide ${pyodide.version} with numpy, matplotlib and scratchnn loaded in ` +
  `${((performance.now() - started) / 1000).toFixed(1)} s`);

const { FS } = pyodide;
const testWheels = path.join(root, ".cache", "pyodide-test");
const mounts = [[root, "/project"], [sitePackages, "/host-site-packages"], [testWheels, "/test-wheels"]];
for (const [host, mountPoint] of mounts) {
  FS.mkdirTree(mountPoint);
  FS.mount(FS.filesystems.NODEFS, { root: host }, mountPoint);
}
pyodide.globals.set("pytest_args", pyodide.toPy(process.argv.slice(2)));
// Pyodide has no file-descriptor capture (os.fstat on pytest's temporary files fails): --capture=sys.
let status;
try {
  status = await pyodide.runPythonAsync(String.raw`
import os, sys
# Only the plugins the tests use: the others installed in .venv (nbval, ...) pull in compiled modules.
os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
sys.path += [f"/test-wheels/{name}" for name in sorted(os.listdir("/test-wheels")) if name.endswith(".whl")]
sys.path.append("/host-site-packages")
os.chdir("/project")
import numpy, matplotlib, scratchnn
assert scratchnn.__file__.startswith(sys.prefix), f"scratchnn imported from {scratchnn.__file__}, not the wheel"
print(f"Python {sys.version.split()[0]}, numpy {numpy.__version__}, matplotlib {matplotlib.__version__}, "
      f"scratchnn from {os.path.dirname(scratchnn.__file__)}")
import pytest
int(pytest.main(["-p", "no:cacheprovider", "-p", "_hypothesis_pytestplugin", "--capture=sys", *pytest_args]))
`);
} catch (error) {
  console.error(error.message); // a Python traceback; the default report would print pyodide.asm.js's source line
  process.exit(3);
}
process.exit(status);
