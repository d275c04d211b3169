// The in-page runner's Python session: Pyodide in a Web Worker, so a long cell never freezes the page and
// "Restart Python" is simply a new worker. Every file comes from this site (../pyodide/, written by
// scripts/vendor.py); each wheel is checked against the sha256 in the trimmed pyodide-lock.json before it is
// installed (by wheels.js, or Pyodide's loadPackage where wheels.js cannot work).
//
// Messages in:  {type: "start", files, interrupt}  load Python with numpy, matplotlib and scratchnn (their wheels
//                                                 are fetched while the interpreter starts or is restored from
//                                                 this browser's snapshot, see SAVED_CACHE), then
//                                                 kernel.py; `interrupt` (an Int32Array on a SharedArrayBuffer, or
//                                                 null) becomes Pyodide's interrupt buffer: the page's Stop
//               {type: "run", id, code, name}     run one cell
// Messages out: {type: "progress", loaded, total} bytes of the first load, as they arrive
//               {type: "ready", seconds, parts, from, installer} | {type: "failed", message}
//                                                 (`from`: how Python started; `installer`: what installed the
//                                                 wheels, wheels.js or Pyodide's loadPackage)
//               {type: "output", id, kind, data} | {type: "done", id, ok}
//               {type: "crashed", message}       Python itself failed (not the cell's code): the page ends this worker
"use strict";

const here = new URL(".", self.location.href);
const pyodideBase = new URL("../pyodide/", here).href;
let kernel = null;

// Count the bytes of every file fetched while Python loads (the wasm, the standard library, the wheels), so the
// page can say "loading Python, 12 of 27 MB". The bytes are counted on a copy: the caller gets the response itself,
// which Chromium needs to keep pyodide.asm.wasm compiled (its code cache, ~5 MB, not kept for a Response made in
// script): a later start then runs optimised code at once (README, "Python in the page").
function countingFetch(realFetch, onBytes) {
  return async (input, init) => {
    const response = await realFetch(input, init);
    if (response.ok && response.body) countBytes(response.clone().body, onBytes);
    return response;
  };
}

async function countBytes(body, onBytes) {
  try {
    const reader = body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) onBytes(part.value.byteLength);
  } catch (error) {
    // the response itself reports its failure to whoever reads it
  }
}

// What a start leaves in this browser's Cache Storage for the next ones (a reader's next page, or Restart):
// - the interpreter's memory right after it started (Pyodide 0.27's experimental snapshot API: `_makeSnapshot`,
//   `makeMemorySnapshot`, `_loadSnapshot`), restored in ~0.3 s instead of starting Python again (~1.7 s). It holds no
//   package (Pyodide cannot restore loaded C extensions);
// - the files the packages and bytecode.zip installed, in one archive (wheels.js, packInstalled), written back in
//   ~0.1 s instead of unpacking the wheels again (~0.7 s).
// Both are keyed by the sha256 of manifest.json (which names the lock, and so every wheel's sha256) and kept with
// their own sha256: bytes that are not the ones saved (Pyodide waits forever on a damaged snapshot), or a snapshot
// that fails to restore, are deleted and Python starts the usual way.
const SAVED_CACHE = "scratchnn-python-snapshot";
const SAVED_DIGEST = "x-scratchnn-sha256";
const SAVED_FILES_FORMAT = 1; // packInstalled's layout, and what a start installs: a change makes a new key

// Standard-library modules that installing the packages, kernel.py, numpy, matplotlib and scratchnn import at every
// start: imported before the snapshot is taken, they are restored with it instead of imported (compiled from the
// standard library's sources) again: ~0.5 s in a restored interpreter. The one state that must differ between starts,
// random's generator, is seeded again after each restore (RESEED_PY); uuid and tempfile make theirs on first use.
const PRELOAD_PY = `
import importlib
for _name in """__future__ argparse ast base64 bz2 calendar contextlib contextvars copy csv ctypes dataclasses datetime
        decimal difflib dis email.message email.parser fnmatch fractions gettext gzip hashlib hmac html importlib.abc
        importlib.metadata importlib.resources importlib.util inspect json locale logging lzma numbers pathlib pickle
        platform plistlib pprint random secrets shlex shutil string struct tempfile textwrap tokenize traceback typing
        unittest urllib.parse uuid warnings weakref xml.parsers.expat zipfile zoneinfo""".split():
    try:
        importlib.import_module(_name)
    except ImportError:
        pass
del _name
`;

// As a new process would (and as random itself does after a fork): from the operating system's randomness.
const RESEED_PY = "import random; random.seed()";

async function sha256Hex(data) {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

// The entry `key` of the cache if its bytes are the ones saved (else it is deleted): a Promise of a Uint8Array or null.
async function readSaved(cache, key, match = cache.match(key)) {
  try {
    const found = await match;
    if (!found) return null;
    const saved = await found.arrayBuffer();
    if ((await sha256Hex(saved)) === found.headers.get(SAVED_DIGEST)) return new Uint8Array(saved);
    await cache.delete(key);
  } catch (error) {
    // unreadable: as if there were none
  }
  return null;
}

// This site's saved start: {cache, snapshotKey, filesKey, snapshot (bytes or null), hasFiles, files (a Promise of
// bytes or null, read while the interpreter starts)}; null where Cache Storage or crypto.subtle is missing (they exist on
// https:// and 127.0.0.1 pages, and may still be refused, e.g. in private windows).
async function openSaved(manifestText) {
  if (!self.caches || !self.crypto || !crypto.subtle) return null;
  try {
    const cache = await caches.open(SAVED_CACHE);
    const digest = await sha256Hex(new TextEncoder().encode(manifestText));
    const snapshotKey = new URL(`snapshot-${digest}.bin`, pyodideBase).href;
    const filesKey = new URL(`files-${SAVED_FILES_FORMAT}-${digest}.bin`, pyodideBase).href;
    const filesMatch = cache.match(filesKey);
    const files = readSaved(cache, filesKey, filesMatch); // read and checked while the snapshot is, and after
    const snapshot = await readSaved(cache, snapshotKey);
    return { cache, snapshotKey, filesKey, snapshot, hasFiles: !!(await filesMatch), files };
  } catch (error) {
    return null;
  }
}

// Keep `bytes` under `key` (and forget what an older site saved); a full disk or a refused quota only means a slower
// next start.
async function save(saved, key, bytes) {
  try {
    const headers = { [SAVED_DIGEST]: await sha256Hex(bytes) };
    for (const old of await saved.cache.keys()) {
      if (![saved.snapshotKey, saved.filesKey].includes(old.url)) await saved.cache.delete(old);
    }
    await saved.cache.put(key, new Response(bytes, { headers }));
  } catch (error) {
    // no copy: the next start is simply slower
  }
}

// The bytes of a file of this site whose sha256 the manifest names; anything else is refused.
async function fetchVerified(url, expected) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const data = await response.arrayBuffer();
  const digest = await sha256Hex(data);
  if (digest !== expected) throw new Error(`${url} has sha256 ${digest}, the manifest says ${expected}`);
  return data;
}

// Start the interpreter: from this browser's snapshot if there is one, else from scratch, saving a snapshot before
// any package is installed.
async function startInterpreter(options, saved) {
  if (saved && saved.snapshot) {
    try {
      const pyodide = await loadPyodide({ ...options, _loadSnapshot: saved.snapshot });
      pyodide.runPython(RESEED_PY);
      return { pyodide, from: "snapshot" };
    } catch (error) {
      await saved.cache.delete(saved.snapshotKey).catch(() => {});
    }
  }
  if (!saved) return { pyodide: await loadPyodide(options), from: "start" };
  const pyodide = await loadPyodide({ ...options, _makeSnapshot: true });
  pyodide.runPython(PRELOAD_PY);
  // A copy of the memory, written while the packages install (start() waits for it before Python is ready).
  const saving = save(saved, saved.snapshotKey, pyodide.makeMemorySnapshot());
  return { pyodide, from: "start, snapshot saved", saving };
}

async function start(files, interrupt) {
  const started = performance.now();
  const parts = {};
  const lap = (name, since) => {
    parts[name] = (performance.now() - since) / 1000;
    return performance.now();
  };
  const manifestText = await (await fetch(pyodideBase + "manifest.json")).text();
  const manifest = JSON.parse(manifestText);
  let loaded = 0;
  const report = (bytes) => {
    loaded += bytes;
    postMessage({ type: "progress", loaded, total: manifest.total_bytes });
  };
  const realFetch = self.fetch.bind(self);
  const opening = openSaved(manifestText); // the saved copies are read while Pyodide's script loads
  importScripts(pyodideBase + "pyodide.js", new URL("wheels.js", here).href);
  const saved = await opening;
  self.fetch = countingFetch(realFetch, report);
  const kernelSource = realFetch(new URL("kernel.py", here).href).then((response) => response.text());
  const canVerify = !!(self.crypto && crypto.subtle);
  let bytecode = null;
  const bytecodeBytes = () => (bytecode = bytecode || fetchVerified(pyodideBase + manifest.bytecode.file, manifest.bytecode.sha256));
  if (canVerify && manifest.bytecode && !(saved && saved.hasFiles)) bytecodeBytes();
  let mark = performance.now();
  const options = { indexURL: pyodideBase, lockFileURL: pyodideBase + "pyodide-lock.json", stdout: () => {}, stderr: () => {} };
  // The wheels are fetched while the interpreter starts, unless they are not needed (saved files) or it is restored
  // (then they are in the HTTP cache, and reading them meanwhile would only slow the restore).
  const wheels = new Map();
  const wheelBytes = (file) => {
    if (!wheels.has(file)) wheels.set(file, fetch(pyodideBase + file).then((response) => {
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      return response.arrayBuffer();
    }));
    return wheels.get(file);
  };
  if (!(saved && (saved.snapshot || saved.hasFiles))) Object.keys(manifest.sizes).filter((file) => file.endsWith(".whl")).forEach(wheelBytes);
  const { pyodide, from, saving: savingSnapshot } = await startInterpreter(options, saved);
  mark = lap("interpreter", mark);
  const packed = saved && canInstallWheels(pyodide) ? await saved.files : null;
  let installer = "loadPackage";
  let saving = null;
  if (packed) {
    installer = "saved files";
    try {
      await installPacked(pyodide, packed);
    } catch (error) {
      await saved.cache.delete(saved.filesKey).catch(() => {}); // the next start unpacks the wheels again
      throw error;
    }
    mark = lap("packages", mark);
  } else if (canVerify && canInstallWheels(pyodide)) {
    installer = "wheels.js";
    const installed = await installWheels(pyodide, manifest.load, wheelBytes, sha256Hex);
    mark = lap("packages", mark);
    // Precompiled .pyc of the modules a first cell imports (scripts/pyodide_bytecode.mjs), next to their sources.
    if (manifest.bytecode) installed.paths.push(...writeZip(pyodide, new Uint8Array(await bytecodeBytes()), "/"));
    // Saved before Python is reported ready: a cell run then would hold this thread until it ends, and a reader who
    // leaves the page at once would leave nothing saved.
    if (saved) saving = save(saved, saved.filesKey, packInstalled(pyodide, installed));
    mark = lap("bytecode", mark);
  } else {
    await Promise.all(wheels.values()).catch(() => {}); // into the HTTP cache; a failed fetch is reported below
    self.fetch = realFetch;
    await pyodide.loadPackage(manifest.load, { messageCallback: () => {} });
    mark = lap("packages", mark);
    if (bytecode) writeZip(pyodide, new Uint8Array(await bytecode), "/");
    mark = lap("bytecode", mark);
  }
  self.fetch = realFetch; // the wheels' bytes were counted as they arrived
  report(manifest.sizes["pyodide.asm.js"]); // loaded by importScripts, not fetch
  if (interrupt) pyodide.setInterruptBuffer(interrupt);
  const source = await kernelSource;
  self.fetch = realFetch;
  const module = pyodide.runPython(`
import types
kernel = types.ModuleType("page_kernel")
kernel.__file__ = "kernel.py"
exec(compile(${JSON.stringify(source)}, "kernel.py", "exec"), kernel.__dict__)
kernel`);
  module.start(pyodide.toPy(files));
  lap("kernel", mark);
  kernel = module;
  self.interruptBuffer = interrupt;
  await Promise.all([savingSnapshot, saving]);
  postMessage({ type: "ready", seconds: (performance.now() - started) / 1000, parts, from, installer });
}

function run({ id, code, name }) {
  const emit = (kind, data) => {
    const value = data && typeof data.toJs === "function" ? data.toJs({ dict_converter: Object.fromEntries }) : data;
    postMessage({ type: "output", id, kind, data: value });
  };
  let ok = false;
  if (self.interruptBuffer) self.interruptBuffer[0] = 0;
  try {
    ok = kernel.run_cell(code, name, emit);
  } catch (error) {
    // run_cell catches every Python exception itself: what arrives here is Python failing (out of WebAssembly
    // memory, a fatal error), after which this interpreter cannot be trusted.
    postMessage({ type: "crashed", message: String(error.message || error).split("\n")[0] });
    return;
  }
  postMessage({ type: "done", id, ok });
  setTimeout(afterCell, 0);
}

// What the kernel put off until a cell's output is shown, a few milliseconds at a time: a cell run meanwhile is
// handled between two slices.
function afterCell() {
  let more = false;
  try {
    more = kernel.after_cell();
  } catch (error) {
    // it only completes matplotlib's docstrings: not a reason to end the session
  }
  if (more) setTimeout(afterCell, 0);
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "start") {
    try {
      await start(message.files || {}, message.interrupt || null);
    } catch (error) {
      postMessage({ type: "failed", message: String(error.message || error) });
    }
  } else if (message.type === "run") {
    run(message);
  }
};
