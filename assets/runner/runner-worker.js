// The in-page runner's Python session: Pyodide in a Web Worker, so a long cell never freezes the page and
// "Restart Python" is simply a new worker. Every file comes from this site (../pyodide/, written by
// scripts/vendor.py); Pyodide checks each wheel against the sha256 in the trimmed pyodide-lock.json.
//
// Messages in:  {type: "start", files}          load Python, numpy, matplotlib, scratchnn, then kernel.py
//               {type: "run", id, code, name}   run one cell
// Messages out: {type: "progress", loaded, total} bytes of the first load, as they arrive
//               {type: "ready", seconds} | {type: "failed", message}
//               {type: "output", id, kind, data} | {type: "done", id, ok}
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

async function start(files) {
  const started = performance.now();
  const manifest = await (await fetch(pyodideBase + "manifest.json")).json();
  let loaded = 0;
  const report = (bytes) => {
    loaded += bytes;
    postMessage({ type: "progress", loaded, total: manifest.total_bytes });
  };
  const realFetch = self.fetch.bind(self);
  self.fetch = countingFetch(realFetch, report);
  importScripts(pyodideBase + "pyodide.js");
  const pyodide = await loadPyodide({
    indexURL: pyodideBase,
    lockFileURL: pyodideBase + "pyodide-lock.json",
    stdout: () => {},
    stderr: () => {},
  });
  report(manifest.sizes["pyodide.asm.js"]); // loaded by importScripts, not fetch
  await pyodide.loadPackage(manifest.load, { messageCallback: () => {}, errorCallback: () => {} });
  const source = await (await realFetch(new URL("kernel.py", here).href)).text();
  self.fetch = realFetch;
  const module = pyodide.runPython(`
import types
kernel = types.ModuleType("page_kernel")
kernel.__file__ = "kernel.py"
exec(compile(${JSON.stringify(source)}, "kernel.py", "exec"), kernel.__dict__)
kernel`);
  module.start(pyodide.toPy(files));
  kernel = module;
  postMessage({ type: "ready", seconds: (performance.now() - started) / 1000 });
}

function run({ id, code, name }) {
  const emit = (kind, data) => {
    const value = data && typeof data.toJs === "function" ? data.toJs({ dict_converter: Object.fromEntries }) : data;
    postMessage({ type: "output", id, kind, data: value });
  };
  let ok = false;
  try {
    ok = kernel.run_cell(code, name, emit);
  } catch (error) {
    postMessage({ type: "output", id, kind: "error", data: String(error.message || error) });
  }
  postMessage({ type: "done", id, ok });
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "start") {
    try {
      await start(message.files || {});
    } catch (error) {
      postMessage({ type: "failed", message: String(error.message || error) });
    }
  } else if (message.type === "run") {
    run(message);
  }
};
