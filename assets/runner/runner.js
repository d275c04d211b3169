// Run and edit the code cells of a chapter in the page itself: Python (Pyodide) runs in the reader's browser,
// from files this site serves (see scripts/vendor.py). Nothing of Python is downloaded before the first Run.
//
// Each code cell gets an editor (CodeMirror 5, Python mode; Shift+Enter runs, Tab leaves the editor), a "Run"
// button, and an output area under the book's output. The cells of a page share one Python session, in a Web
// Worker (runner-worker.js); running a cell first runs the cells above it that have not run yet, including the
// cells the page does not show (their code is in cells/<page>.json, written by scripts/runner_cells.py). A cell
// tagged `no-browser` says so and is skipped. Edits are kept in localStorage per page until reset.
(function () {
  "use strict";

  const script = document.currentScript;
  const here = new URL(".", script.src);
  const siteRoot = new URL("../../../", here);
  const NO_BROWSER = "tag_no-browser";
  const storeKey = "scratchnn-runner:" + location.pathname;

  const state = {
    cells: [], // one per div.cell shown on the page: {el, index, editor, original, output, bar, runButton, ...}
    book: null, // cells/<page>.json: {cells: [{source, shown, browser, tags}], files}
    shownToBook: [], // DOM cell i -> index into book.cells
    worker: null,
    ready: null, // Promise of a started worker
    ran: new Set(), // book cell indices run in this session
    queue: Promise.resolve(),
    nextId: 1,
    pending: new Map(), // run id -> {sink, resolve}
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function pagePath() {
    // "book/04_training" for .../book/04_training.html
    let rel = decodeURIComponent(location.pathname).slice(decodeURIComponent(siteRoot.pathname).length);
    return rel.replace(/\.html$/, "");
  }

  function loadEdits() {
    try {
      return JSON.parse(localStorage.getItem(storeKey) || "{}");
    } catch (error) {
      return {};
    }
  }

  function saveEdits() {
    const edits = {};
    for (const cell of state.cells) {
      if (cell.editor && cell.editor.getValue() !== cell.original) edits[cell.index] = cell.editor.getValue();
    }
    try {
      if (Object.keys(edits).length) localStorage.setItem(storeKey, JSON.stringify(edits));
      else localStorage.removeItem(storeKey);
    } catch (error) {
      // Storage full or disabled: edits then last until the page is closed.
    }
  }

  // ---- the page's controls -------------------------------------------------------------------------------

  function announce(text) {
    state.status.textContent = text;
  }

  function setProgress(loaded, total) {
    const mb = (bytes) => (bytes / 1e6).toFixed(0);
    state.progress.hidden = false;
    state.progress.max = total;
    state.progress.value = Math.min(loaded, total);
    state.status.textContent = `Loading Python, ${mb(Math.min(loaded, total))} of ${mb(total)} MB`;
  }

  function buildPanel(first) {
    state.status = el("span", { class: "runner-status-text", text: "Python is not loaded yet." });
    state.progress = el("progress", { class: "runner-progress", "aria-hidden": "true" });
    state.progress.hidden = true;
    const panel = el(
      "section",
      { class: "runner-panel", "aria-label": "Run this page's code in your browser" },
      el(
        "p",
        {},
        "Every code cell of this page can be edited and run here, in your browser: Python (Pyodide, about " +
          "27 MB) loads when you first press Run and is cached for the next pages. Running a cell first runs " +
          "the cells above it that have not run yet, like a notebook, including a few cells the page does not " +
          "show. In an editor, Shift+Enter runs the cell and Tab moves on. Your edits stay in this browser " +
          "until you reset them.",
      ),
      el(
        "div",
        { class: "runner-panel-controls" },
        el("button", { type: "button", class: "runner-button runner-run", text: "Run all cells", onclick: runAll }),
        el("button", { type: "button", class: "runner-button", text: "Restart Python", onclick: restart }),
        el("button", { type: "button", class: "runner-button", text: "Reset all cells to the book's code", onclick: resetAll }),
      ),
      el("div", { class: "runner-status", role: "status", "aria-live": "polite" }, state.progress, state.status),
    );
    first.before(panel);
  }

  function addControls(cellEl, index) {
    const input = cellEl.querySelector(".cell_input");
    const highlight = input && input.querySelector("div[class*='highlight-']");
    const cell = { el: cellEl, index, original: null, editor: null, noBrowser: cellEl.classList.contains(NO_BROWSER) };
    cellEl.classList.add("runner-cell");
    cellEl.dataset.runnerIndex = String(index);
    if (highlight) cell.original = highlight.querySelector("pre").textContent.replace(/\n$/, "");
    const label = `cell ${index + 1}`;
    const bar = el("div", { class: "runner-bar" });
    if (cell.noBrowser) {
      bar.append(
        el("p", {
          class: "runner-note",
          text:
            "This cell does not run in the browser (it times code, or needs a package the page does not " +
            "have): the output shown is the book's.",
        }),
      );
    } else {
      cell.runButton = el("button", {
        type: "button",
        class: "runner-button runner-run",
        "aria-label": `Run ${label}`,
        text: "Run",
        onclick: () => requestRun(cell),
      });
      cell.resetButton = el("button", {
        type: "button",
        class: "runner-button",
        "aria-label": `Reset to the book's code (${label})`,
        text: "Reset to the book's code",
        onclick: () => resetCell(cell),
      });
      cell.resetButton.hidden = true;
      cell.note = el("span", { class: "runner-cell-note" });
      bar.append(cell.runButton, cell.resetButton, cell.note);
    }
    cell.output = el("div", {
      class: "runner-output",
      role: "group",
      "aria-label": `Output of ${label}, run in your browser`,
    });
    cell.output.hidden = true;
    const anchor = input ? input.closest("details") || input : null;
    if (anchor && anchor.parentElement === cellEl) anchor.after(bar);
    else cellEl.prepend(bar);
    cellEl.append(cell.output);
    cell.highlight = highlight;
    return cell;
  }

  function makeEditor(cell, edits) {
    if (!cell.highlight || cell.noBrowser) return;
    const host = el("div", { class: "runner-editor" });
    cell.highlight.before(host);
    cell.highlight.hidden = true;
    const value = Object.prototype.hasOwnProperty.call(edits, cell.index) ? edits[cell.index] : cell.original;
    cell.editor = window.CodeMirror(host, {
      value,
      mode: "python",
      indentUnit: 4,
      viewportMargin: Infinity,
      // Long lines wrap: an editor that scrolled sideways would be a scrollable region that the keyboard cannot
      // reach (axe: scrollable-region-focusable), and a phone would show a sliver of each line.
      lineWrapping: true,
      screenReaderLabel: `Code of cell ${cell.index + 1} (Python). Shift+Enter runs it, Tab leaves the editor.`,
      extraKeys: {
        "Shift-Enter": () => requestRun(cell),
        Tab: false, // no keyboard trap: Tab moves the focus on; Ctrl+] and Ctrl+[ indent
        "Shift-Tab": false,
      },
    });
    cell.editor.on("change", () => {
      markEdited(cell);
      saveEdits();
    });
    markEdited(cell);
    const details = host.closest("details");
    if (details) details.addEventListener("toggle", () => cell.editor.refresh());
  }

  function markEdited(cell) {
    const edited = cell.editor.getValue() !== cell.original;
    cell.resetButton.hidden = !edited;
    cell.el.classList.toggle("runner-edited", edited);
  }

  function resetCell(cell) {
    cell.editor.setValue(cell.original);
    cell.runButton.focus();
  }

  function resetAll() {
    for (const cell of state.cells) if (cell.editor) cell.editor.setValue(cell.original);
    try {
      localStorage.removeItem(storeKey);
    } catch (error) {
      // nothing stored
    }
    announce("Every cell shows the book's code again.");
  }

  function restart() {
    if (state.worker) state.worker.terminate();
    for (const { resolve } of state.pending.values()) resolve(false);
    state.pending.clear();
    state.worker = null;
    state.ready = null;
    state.ran.clear();
    state.queue = Promise.resolve();
    for (const cell of state.cells) if (cell.runButton) setBusy(cell, false);
    announce("Python restarted: the next Run starts a fresh session and first runs the cells above it again.");
  }

  // ---- Python -----------------------------------------------------------------------------------------------

  async function loadBook() {
    if (state.book) return state.book;
    const url = new URL(`cells/${pagePath()}.json`, here);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the code of this page (${url.pathname}) could not be loaded`);
    const book = await response.json();
    const shown = [];
    book.cells.forEach((cell, i) => cell.shown && shown.push(i));
    if (shown.length !== state.cells.length) {
      throw new Error(`the page shows ${state.cells.length} code cells, its notebook has ${shown.length}`);
    }
    state.shownToBook = shown;
    state.book = book;
    return book;
  }

  function startWorker() {
    if (state.ready) return state.ready;
    state.ready = new Promise((resolve, reject) => {
      const worker = new Worker(new URL("runner-worker.js", here));
      state.worker = worker;
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "progress") setProgress(message.loaded, message.total);
        else if (message.type === "ready") {
          state.progress.hidden = true;
          state.loadSeconds = message.seconds;
          announce(`Python is ready (loaded in ${message.seconds.toFixed(1)} s).`);
          resolve(worker);
        } else if (message.type === "failed") {
          state.progress.hidden = true;
          announce(`Python could not be loaded: ${message.message}`);
          reject(new Error(message.message));
        } else if (message.type === "output") {
          const run = state.pending.get(message.id);
          if (message.kind === "event") {
            // Python called scratchnn_page.send(kind, data): tell the page's other scripts (see pageApi below).
            document.dispatchEvent(new CustomEvent(`scratchnn:${message.data.kind}`, { detail: message.data.data }));
          } else if (run) run.sink(message.kind, message.data);
        } else if (message.type === "done") {
          const run = state.pending.get(message.id);
          state.pending.delete(message.id);
          if (run) run.resolve(message.ok);
        }
      };
      worker.onerror = (event) => {
        announce(`Python stopped: ${event.message}`);
        reject(new Error(event.message));
      };
      announce("Loading Python…");
      worker.postMessage({ type: "start", files: state.book.files || {} });
    });
    state.ready.catch(() => {
      state.ready = null;
    });
    return state.ready;
  }

  function runCode(code, name, sink) {
    const id = state.nextId++;
    return new Promise((resolve) => {
      state.pending.set(id, { sink, resolve });
      state.worker.postMessage({ type: "run", id, code, name });
    });
  }

  function outputSink(cell) {
    cell.output.replaceChildren();
    cell.output.hidden = false;
    const original = cell.el.querySelector(".cell_output");
    if (original) original.hidden = true;
    let stream = null;
    return (kind, data) => {
      if (kind === "stream") {
        if (!stream || stream.dataset.name !== data.name) {
          stream = el("pre", { class: `runner-stream runner-${data.name}` });
          stream.dataset.name = data.name;
          cell.output.append(stream);
        }
        stream.textContent += data.text;
        return;
      }
      stream = null;
      if (kind === "text") cell.output.append(el("pre", { class: "runner-text", text: data }));
      else if (kind === "html") {
        const box = el("div", { class: "runner-html" });
        box.innerHTML = data;
        cell.output.append(box);
      } else if (kind === "image") {
        cell.output.append(el("img", { class: "runner-image", src: `data:image/png;base64,${data.png}`, alt: data.alt }));
      } else if (kind === "error") cell.output.append(el("pre", { class: "runner-error", text: data }));
    };
  }

  function setBusy(cell, busy) {
    cell.runButton.disabled = busy;
    cell.runButton.textContent = busy ? "Running…" : "Run";
    cell.el.classList.toggle("runner-busy", busy);
  }

  async function runChain(target) {
    const book = await loadBook();
    await startWorker();
    const last = state.shownToBook[target.index];
    let earlier = 0;
    let hiddenProblems = [];
    for (let i = 0; i <= last; i++) {
      if (i < last && state.ran.has(i)) continue;
      const entry = book.cells[i];
      const shownAt = state.shownToBook.indexOf(i);
      const cell = shownAt >= 0 ? state.cells[shownAt] : null;
      state.ran.add(i);
      if (!entry.browser || (cell && cell.noBrowser)) continue;
      if (i < last) earlier += 1;
      if (cell) {
        const code = cell.editor ? cell.editor.getValue() : entry.source;
        cell.el.dataset.runnerState = "running";
        const ok = await runCode(code, `cell ${cell.index + 1}`, outputSink(cell));
        cell.el.dataset.runnerState = ok ? "done" : "error";
      } else {
        const problems = [];
        const ok = await runCode(entry.source, `hidden cell ${i + 1}`, (kind, data) => {
          if (kind === "error") problems.push(data);
        });
        if (!ok) hiddenProblems = hiddenProblems.concat(problems);
      }
    }
    if (hiddenProblems.length) {
      target.output.hidden = false;
      target.output.append(
        el("p", { class: "runner-error-title", text: "A cell that the page does not show (one of the book's checks) failed:" }),
        ...hiddenProblems.map((text) => el("pre", { class: "runner-error", text })),
      );
    }
    target.note.textContent = earlier ? `First ran ${earlier} earlier cell(s) that had not run yet.` : "";
  }

  function requestRun(cell) {
    if (cell.runButton.disabled) return;
    setBusy(cell, true);
    state.queue = state.queue
      .then(() => runChain(cell))
      .catch((error) => {
        cell.el.dataset.runnerState = "error";
        cell.output.hidden = false;
        cell.output.append(el("pre", { class: "runner-error", text: `The cell could not run: ${error.message}` }));
        announce(`The cell could not run: ${error.message}`);
      })
      .finally(() => {
        setBusy(cell, false);
        if (state.ready) announce(`Cell ${cell.index + 1} ran.`);
      });
    return state.queue;
  }

  function runAll() {
    const runnable = state.cells.filter((cell) => cell.runButton);
    if (runnable.length) return requestRun(runnable[runnable.length - 1]);
  }

  // ---- start-up ----------------------------------------------------------------------------------------------

  // CodeMirror's files are UMD modules: on a page with require.js (the widget pages) a plain <script> would call
  // require.js's anonymous define() and break it. Run them with define, module and exports hidden instead.
  async function loadScript(src) {
    const response = await fetch(src);
    if (!response.ok) throw new Error(`could not load ${src}`);
    const source = await response.text();
    new Function("define", "module", "exports", `${source}\n//# sourceURL=${src}`)(undefined, undefined, undefined);
  }

  async function init() {
    const cellEls = Array.from(document.querySelectorAll("div.cell")).filter((node) =>
      node.querySelector(":scope > .cell_input, :scope > details > .cell_input, :scope > .cell_output"),
    );
    if (!cellEls.length) return;
    state.cells = cellEls.map((node, i) => addControls(node, i));
    buildPanel(cellEls[0]);
    document.head.append(el("link", { rel: "stylesheet", href: new URL("codemirror.css", here).href }));
    await loadScript(new URL("codemirror.js", here).href);
    await loadScript(new URL("python.js", here).href);
    const edits = loadEdits();
    for (const cell of state.cells) makeEditor(cell, edits);
    document.documentElement.dataset.runnerReady = "true";
  }

  // ---- the page's Python, for the page's other scripts ---------------------------------------------------------
  // python(): a Promise of the started session (starts it: the first call loads Python).
  // run(code, name, onOutput): queue code in the page's one session, after any cell already queued; resolves to
  //   true when it raised no exception. onOutput(kind, data) gets the kernel's outputs (kernel.py's docstring).
  // Python code reaches the page with scratchnn_page.send(kind, data): a `scratchnn:<kind>` CustomEvent on
  // document, whose detail is data (converted to plain JavaScript objects).
  function python() {
    return loadBook().then(startWorker);
  }

  function run(code, name, onOutput) {
    const result = state.queue.then(async () => {
      await python();
      return runCode(code, name, onOutput || (() => {}));
    });
    state.queue = result.catch(() => {});
    return result;
  }

  window.scratchnnRunner = { state, requestRun, runAll, python, run };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
