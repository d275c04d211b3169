// The in-page runner's Python session: Pyodide in a Web Worker, so a long cell never freezes the page and
// "Restart Python" is simply a new worker. Every file comes from this site (../pyodide/, written by
// scripts/vendor.py); each wheel is checked against the sha256 in the trimmed pyodide-lock.json before it is
// installed (by wheels.js, or Pyodide's loadPackage where wheels.js cannot work).
//
// Messages in:  {type: "start", files, interrupt}  load Python with numpy, matplotlib and scratchnn (their wheels
//                                                 are fetched while the interpreter starts or is restored from
//                                                 this browser's snapshot, see SNAPSHOT_CACHE), then
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
// page can say "loading Python, 12 of 27 MB". The original response's headers (wasm MIME type) are kept.
function countingFetch(realFetch, onBytes) {
  return async (input, init) => {
    const response = await realFetch(input, init);
    if (!response.ok || !response.body) return response;
    const counter = new TransformStream({
      transform(chunk, controller) {
        onBytes(chunk.byteLength);
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

// The interpreter's memory right after it started, kept in this browser's Cache Storage: a reader's next page (or
// Restart) restores it in ~0.3 s instead of starting Python again (~1.7 s). Pyodide 0.27's experimental snapshot
// API (`_makeSnapshot`, `makeMemorySnapshot`, `_loadSnapshot`); the snapshot holds no package (Pyodide cannot
// restore loaded C extensions), so the wheels are still installed after it. One snapshot per vendored Pyodide
// (the key is the manifest's sha256); a snapshot whose bytes are not the ones saved (their sha256 is kept beside
// them), or that fails to restore, is deleted and Python starts the usual way.
const SNAPSHOT_CACHE = "scratchnn-python-snapshot";
const SNAPSHOT_DIGEST = "x-scratchnn-sha256";

// Standard-library modules that installing the packages, kernel.py, numpy, matplotlib and scratchnn import at every
// start: imported before the snapshot is taken, they are restored with it instead of imported again (~0.5 s in a
// restored interpreter). Only modules without state that must differ between starts (not random, uuid, tempfile).
const PRELOAD_PY = `
import importlib
for _name in """argparse ast base64 bz2 calendar contextlib contextvars copy csv dataclasses datetime decimal difflib
        dis email.message email.parser fnmatch fractions gettext gzip html importlib.abc importlib.metadata
        importlib.resources importlib.util inspect json locale logging lzma numbers pathlib pickle platform plistlib
        pprint shlex shutil string struct textwrap tokenize traceback typing unittest urllib.parse warnings weakref
        xml.parsers.expat zipfile zoneinfo""".split():
    try:
        importlib.import_module(_name)
    except ImportError:
        pass
del _name
`;

async function sha256Hex(data) {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

async function openSnapshots(manifestText) {
  // Cache Storage and crypto.subtle exist on https:// and 127.0.0.1 pages (and may still be refused, e.g. private
  // windows): elsewhere there is no snapshot.
  if (!self.caches || !self.crypto || !crypto.subtle) return null;
  try {
    const cache = await caches.open(SNAPSHOT_CACHE);
    const key = new URL(`snapshot-${await sha256Hex(new TextEncoder().encode(manifestText))}.bin`, pyodideBase).href;
    const found = await cache.match(key);
    let saved = found ? await found.arrayBuffer() : null;
    // Pyodide does not report a snapshot it cannot restore (it waits forever): restore only the bytes it saved.
    if (saved && (await sha256Hex(saved)) !== found.headers.get(SNAPSHOT_DIGEST)) {
      await cache.delete(key);
      saved = null;
    }
    return { cache, key, saved: saved && new Uint8Array(saved) };
  } catch (error) {
    return null;
  }
}

async function saveSnapshot(snapshots, bytes) {
  try {
    const headers = { [SNAPSHOT_DIGEST]: await sha256Hex(bytes) };
    for (const old of await snapshots.cache.keys()) await snapshots.cache.delete(old);
    await snapshots.cache.put(snapshots.key, new Response(bytes, { headers }));
  } catch (error) {
    // a full disk or a refused quota: no snapshot, the next start is simply slower
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
async function startInterpreter(options, snapshots) {
  if (snapshots && snapshots.saved) {
    try {
      return { pyodide: await loadPyodide({ ...options, _loadSnapshot: snapshots.saved }), from: "snapshot" };
    } catch (error) {
      await snapshots.cache.delete(snapshots.key).catch(() => {});
    }
  }
  if (!snapshots) return { pyodide: await loadPyodide(options), from: "start" };
  const pyodide = await loadPyodide({ ...options, _makeSnapshot: true });
  pyodide.runPython(PRELOAD_PY);
  saveSnapshot(snapshots, pyodide.makeMemorySnapshot()); // a copy of the memory: written while the packages install
  return { pyodide, from: "start, snapshot saved" };
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
  const snapshots = await openSnapshots(manifestText);
  self.fetch = countingFetch(realFetch, report);
  const kernelSource = realFetch(new URL("kernel.py", here).href).then((response) => response.text());
  const bytecode = manifest.bytecode && self.crypto && crypto.subtle ? fetchVerified(pyodideBase + manifest.bytecode.file, manifest.bytecode.sha256) : null;
  importScripts(pyodideBase + "pyodide.js", new URL("wheels.js", here).href);
  let mark = performance.now();
  const options = { indexURL: pyodideBase, lockFileURL: pyodideBase + "pyodide-lock.json", stdout: () => {}, stderr: () => {} };
  // The wheels are fetched while the interpreter starts; not when it is restored (then they are in the HTTP cache,
  // and reading them meanwhile would only slow the restore).
  const wheels = new Map();
  const wheelBytes = (file) => {
    if (!wheels.has(file)) wheels.set(file, fetch(pyodideBase + file).then((response) => {
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      return response.arrayBuffer();
    }));
    return wheels.get(file);
  };
  if (!(snapshots && snapshots.saved)) Object.keys(manifest.sizes).filter((file) => file.endsWith(".whl")).forEach(wheelBytes);
  const { pyodide, from } = await startInterpreter(options, snapshots);
  mark = lap("interpreter", mark);
  const installer = self.crypto && crypto.subtle && canInstallWheels(pyodide) ? "wheels.js" : "loadPackage";
  if (installer === "wheels.js") {
    await installWheels(pyodide, manifest.load, wheelBytes, sha256Hex);
  } else {
    await Promise.all(wheels.values()).catch(() => {}); // into the HTTP cache; a failed fetch is reported below
    self.fetch = realFetch;
    await pyodide.loadPackage(manifest.load, { messageCallback: () => {} });
  }
  self.fetch = realFetch; // the wheels' bytes were counted as they arrived
  mark = lap("packages", mark);
  report(manifest.sizes["pyodide.asm.js"]); // loaded by importScripts, not fetch
  if (interrupt) pyodide.setInterruptBuffer(interrupt);
  // Precompiled .pyc of the modules a first cell imports (scripts/pyodide_bytecode.mjs), next to their sources.
  if (bytecode) writeZip(pyodide, new Uint8Array(await bytecode), "/");
  mark = lap("bytecode", mark);
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
