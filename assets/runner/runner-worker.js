// The in-page runner's Python session: Pyodide in a Web Worker, so a long cell never freezes the page and
// "Restart Python" is simply a new worker. Every file comes from this site (../pyodide/, written by
// scripts/vendor.py); Pyodide checks each wheel against the sha256 in the trimmed pyodide-lock.json.
//
// Messages in:  {type: "start", files, interrupt}  load Python with numpy, matplotlib and scratchnn (their wheels
//                                                 are fetched and unpacked while the interpreter starts), then
//                                                 kernel.py; `interrupt` (an Int32Array on a SharedArrayBuffer, or
//                                                 null) becomes Pyodide's interrupt buffer: the page's Stop
//               {type: "run", id, code, name}     run one cell
// Messages out: {type: "progress", loaded, total} bytes of the first load, as they arrive
//               {type: "ready", seconds, parts} | {type: "failed", message}
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

// The bytes of a file of this site whose sha256 the manifest names; anything else is refused.
async function fetchVerified(url, expected) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const data = await response.arrayBuffer();
  const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", data)))
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
  if (digest !== expected) throw new Error(`${url} has sha256 ${digest}, the manifest says ${expected}`);
  return data;
}

async function start(files, interrupt) {
  const started = performance.now();
  const parts = {};
  const lap = (name, since) => {
    parts[name] = (performance.now() - since) / 1000;
    return performance.now();
  };
  const manifest = await (await fetch(pyodideBase + "manifest.json")).json();
  let loaded = 0;
  const report = (bytes) => {
    loaded += bytes;
    postMessage({ type: "progress", loaded, total: manifest.total_bytes });
  };
  const realFetch = self.fetch.bind(self);
  self.fetch = countingFetch(realFetch, report);
  const kernelSource = realFetch(new URL("kernel.py", here).href).then((response) => response.text());
  // (crypto.subtle exists on https:// and 127.0.0.1 pages; elsewhere the page simply compiles from source.)
  const bytecode = manifest.bytecode && self.crypto && crypto.subtle ? fetchVerified(pyodideBase + manifest.bytecode.file, manifest.bytecode.sha256) : null;
  importScripts(pyodideBase + "pyodide.js");
  let mark = performance.now();
  // `packages`: Pyodide fetches the wheels while the interpreter boots, instead of after it.
  const pyodide = await loadPyodide({
    indexURL: pyodideBase,
    lockFileURL: pyodideBase + "pyodide-lock.json",
    packages: manifest.load,
    stdout: () => {},
    stderr: () => {},
  });
  mark = lap("interpreter and packages", mark);
  report(manifest.sizes["pyodide.asm.js"]); // loaded by importScripts, not fetch
  if (interrupt) pyodide.setInterruptBuffer(interrupt);
  // Precompiled .pyc of the modules a first cell imports (scripts/pyodide_bytecode.mjs), next to their sources.
  if (bytecode) pyodide.unpackArchive(await bytecode, "zip", { extractDir: "/" });
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
  postMessage({ type: "ready", seconds: (performance.now() - started) / 1000, parts });
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
