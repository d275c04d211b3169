// Run and edit the code cells of a chapter in the page itself: Python (Pyodide) runs in the reader's browser,
// from files this site serves (see scripts/vendor.py). Nothing of Python is downloaded before the first Run.
//
// Each code cell gets an editor (CodeMirror 5, Python mode, created when the reader first focuses, clicks or runs
// the cell: runner-view.js; Shift+Enter runs, Tab leaves the editor), a "Run" button (a "Stop" button and the
// elapsed time while it runs), and an output area under the book's output. The cells of a page share one Python session, in a Web
// Worker (runner-worker.js); running a cell first runs the cells above it that have not run yet, including the
// cells the page does not show (their code is in cells/<page>.json, written by scripts/runner_cells.py). A cell
// tagged `no-browser` says so and is skipped. Edits are kept in localStorage per page until reset.
//
// Stop: where the page is cross-origin isolated (`make serve` sends COOP/COEP), Python is interrupted through a
// SharedArrayBuffer (KeyboardInterrupt; the session's variables stay); elsewhere the worker is ended and a fresh
// one starts at the next Run (the page says that the variables are gone). A stopped cell is not run again
// automatically when a later cell runs the cells above it: the page names it. A crashed worker is reported in
// words and replaced at the next Run; no edit is lost (edits live in the page and in localStorage).
(function () {
  "use strict";

  const view = window.scratchnnRunnerView;
  const el = view.el;

  const script = document.currentScript;
  const here = new URL(".", script.src);
  const siteRoot = new URL("../../../", here);
  const NO_BROWSER = "tag_no-browser";
  const storeKey = "scratchnn-runner:" + location.pathname;
  const RETURNING_KEY = "scratchnn-runner:python-started";
  const FILE_MESSAGE =
    "This page was opened as a file, and browsers do not run Python (WebAssembly, workers) from files. Serve " +
    "the book instead: run `make serve` in the project folder and open the address it prints.";

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
    stopped: new Set(), // book cell indices the reader stopped: not run again unless asked for by their own Run
    current: null, // {id, bookIndex} of the code running now
    interrupt: null, // Int32Array on a SharedArrayBuffer when the page is cross-origin isolated
    edits: {},
  };

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
      const code = codeOf(cell);
      if (code !== null && code !== cell.original) edits[cell.index] = code;
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
      cell.stopButton = el("button", {
        type: "button",
        class: "runner-button runner-stop",
        "aria-label": `Stop ${label}`,
        text: "Stop",
        onclick: () => stop(cell),
      });
      cell.stopButton.hidden = true;
      cell.elapsed = el("span", { class: "runner-elapsed" });
      cell.note = el("span", { class: "runner-cell-note" });
      bar.append(cell.runButton, cell.stopButton, cell.elapsed, cell.resetButton, cell.note);
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

  // The code a cell runs: its editor's, else the reader's stored edit, else the book's.
  function codeOf(cell) {
    if (cell.editor) return cell.editor.getValue();
    if (Object.prototype.hasOwnProperty.call(state.edits, cell.index)) return state.edits[cell.index];
    return cell.original;
  }

  const editorHooks = {
    requestRun: (cell) => requestRun(cell),
    changed: (cell) => {
      markEdited(cell);
      saveEdits();
      // For the page's other scripts (the progress badges): editors exist only once a cell is focused.
      document.dispatchEvent(new CustomEvent("scratchnn:cell-edited", { detail: { index: cell.index } }));
    },
    ensureEditor: (cell, focus) => ensureEditor(cell, focus),
  };

  function ensureEditor(cell, focus) {
    if (!cell.highlight || cell.noBrowser || !window.CodeMirror) return cell.editor;
    return view.createEditor(cell, codeOf(cell), editorHooks, focus);
  }

  function makeEditor(cell) {
    if (!cell.highlight || cell.noBrowser) return;
    view.prepareView(cell, editorHooks);
    // A cell the reader edited before shows their code at once: its editor is created now.
    if (Object.prototype.hasOwnProperty.call(state.edits, cell.index)) ensureEditor(cell, false);
    markEdited(cell);
  }

  function markEdited(cell) {
    const edited = codeOf(cell) !== cell.original;
    cell.resetButton.hidden = !edited;
    cell.el.classList.toggle("runner-edited", edited);
  }

  function resetCell(cell) {
    delete state.edits[cell.index];
    if (cell.editor) cell.editor.setValue(cell.original);
    markEdited(cell);
    saveEdits();
    cell.runButton.focus();
  }

  function resetAll() {
    state.edits = {};
    for (const cell of state.cells) {
      if (cell.editor) cell.editor.setValue(cell.original);
      if (cell.runButton) markEdited(cell);
    }
    try {
      localStorage.removeItem(storeKey);
    } catch (error) {
      // nothing stored
    }
    announce("Every cell shows the book's code again.");
  }

  // End the worker: every run waiting for it resolves as failed; the next Run starts a fresh session.
  function endWorker() {
    if (state.worker) state.worker.terminate();
    for (const { resolve } of state.pending.values()) resolve(false);
    state.pending.clear();
    state.worker = null;
    state.ready = null;
    state.current = null;
    state.ran.clear();
  }

  function restart() {
    endWorker();
    state.queue = Promise.resolve();
    for (const cell of state.cells) if (cell.runButton) setBusy(cell, false);
    announce("Python restarted: the next Run starts a fresh session and first runs the cells above it again.");
  }

  // Stop whatever runs now. Interrupt where possible (the variables stay); else end the worker. The code running
  // now is marked stopped, so that a later cell does not run it again on its way.
  function stop(cell) {
    if (state.current) state.stopped.add(state.current.bookIndex);
    cell.stopRequested = true;
    const running = state.current;
    if (state.interrupt && running) {
      state.interrupt[0] = 2; // SIGINT: Python raises KeyboardInterrupt at its next check
      announce(`Stopping cell ${cell.index + 1}…`);
      // Code stuck where Python cannot check (a long NumPy call) still gets ended, within about a second.
      setTimeout(() => {
        if (state.current === running) {
          endWorker();
          sayVariablesGone(cell, "it did not stop at once");
        }
      }, 1000);
      return;
    }
    endWorker();
    sayVariablesGone(cell, "this page cannot interrupt Python (it is not cross-origin isolated)");
  }

  function sayVariablesGone(cell, why) {
    const text =
      `Stopped: Python was ended because ${why}; the page's variables are gone. The next Run starts a fresh ` +
      "Python and first runs the cells above it again (not the stopped one).";
    cell.output.hidden = false;
    cell.output.append(el("p", { class: "runner-error-title", text }));
    announce(text);
  }

  function crashed(message) {
    const text =
      `Python crashed (${message}); its variables are gone. Your code is still here: press Run to start a ` +
      "fresh Python, which first runs the cells above again.";
    const running = state.current;
    endWorker();
    if (running && running.cell) {
      running.cell.output.hidden = false;
      running.cell.output.append(el("p", { class: "runner-error-title", text }));
    }
    announce(text);
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
      state.interrupt = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null;
      worker.onmessage = (event) => {
        if (state.worker !== worker) return; // an ended worker's last words
        const message = event.data;
        if (message.type === "progress") setProgress(message.loaded, message.total);
        else if (message.type === "ready") {
          state.progress.hidden = true;
          state.loadSeconds = message.seconds;
          state.loadParts = message.parts;
          state.loadFrom = message.from;
          state.loadInstaller = message.installer;
          announce(`Python is ready (loaded in ${message.seconds.toFixed(1)} s).`);
          try {
            localStorage.setItem(RETURNING_KEY, "1");
          } catch (error) {
            // no storage: no early start next time
          }
          resolve(worker);
        } else if (message.type === "failed") {
          state.progress.hidden = true;
          announce(`Python could not be loaded: ${message.message}`);
          reject(new Error(message.message));
        } else if (message.type === "crashed") {
          crashed(message.message);
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
        event.preventDefault();
        if (state.worker !== worker) return;
        const message = event.message || "the worker stopped";
        if (state.pending.size || state.current) crashed(message);
        else {
          endWorker();
          announce(`Python stopped: ${message}`);
        }
        reject(new Error(message));
      };
      announce("Loading Python…");
      worker.postMessage({ type: "start", files: (state.book && state.book.files) || {}, interrupt: state.interrupt });
    });
    state.ready.catch(() => {
      state.ready = null;
    });
    return state.ready;
  }

  function runCode(code, name, sink, current) {
    const id = state.nextId++;
    return new Promise((resolve) => {
      state.pending.set(id, { sink, resolve });
      state.current = Object.assign({ id }, current || { bookIndex: -1 });
      if (state.interrupt) state.interrupt[0] = 0;
      state.worker.postMessage({ type: "run", id, code, name });
    }).finally(() => {
      if (state.current && state.current.id === id) state.current = null;
    });
  }

  function setBusy(cell, busy) {
    cell.runButton.disabled = busy;
    cell.runButton.textContent = busy ? "Running…" : "Run";
    cell.stopButton.hidden = !busy;
    cell.el.classList.toggle("runner-busy", busy);
    clearInterval(cell.clock);
    if (busy) {
      const started = performance.now();
      const tick = () => {
        cell.elapsed.textContent = `${Math.floor((performance.now() - started) / 1000)} s`;
      };
      tick();
      cell.clock = setInterval(tick, 1000);
    } else cell.elapsed.textContent = "";
  }

  async function runChain(target) {
    const book = await loadBook();
    await startWorker();
    const last = state.shownToBook[target.index];
    state.stopped.delete(last); // the reader asked for this cell itself
    let earlier = 0;
    const skipped = [];
    let hiddenProblems = [];
    for (let i = 0; i <= last; i++) {
      if (target.stopRequested || !state.worker) return;
      if (i < last && state.ran.has(i)) continue;
      const entry = book.cells[i];
      const shownAt = state.shownToBook.indexOf(i);
      const cell = shownAt >= 0 ? state.cells[shownAt] : null;
      if (i < last && state.stopped.has(i)) {
        skipped.push(cell ? `cell ${cell.index + 1}` : `hidden cell ${i + 1}`);
        continue;
      }
      state.ran.add(i);
      if (!entry.browser || (cell && cell.noBrowser)) continue;
      if (i < last) earlier += 1;
      if (cell) {
        cell.el.dataset.runnerState = "running";
        // A cell whose input the book hides (remove-input) has no code on the page: it runs the book's.
        const code = codeOf(cell) ?? entry.source;
        const ok = await runCode(code, `cell ${cell.index + 1}`, view.outputSink(cell), { bookIndex: i, cell });
        cell.el.dataset.runnerState = state.stopped.has(i) ? "stopped" : ok ? "done" : "error";
      } else {
        const problems = [];
        const sink = (kind, data) => kind === "error" && problems.push(data);
        const ok = await runCode(entry.source, `hidden cell ${i + 1}`, sink, { bookIndex: i, cell: target });
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
    const notes = [];
    if (earlier) notes.push(`First ran ${earlier} earlier cell(s) that had not run yet.`);
    if (skipped.length) {
      notes.push(`Skipped ${skipped.join(", ")}: you stopped it; press its own Run to run it again.`);
    }
    target.note.textContent = notes.join(" ");
  }

  function requestRun(cell) {
    if (cell.runButton.disabled) return state.queue;
    if (location.protocol === "file:") {
      cell.output.hidden = false;
      cell.output.replaceChildren(el("p", { class: "runner-error-title", text: FILE_MESSAGE }));
      announce(FILE_MESSAGE);
      return state.queue;
    }
    ensureEditor(cell, false);
    setBusy(cell, true);
    cell.stopRequested = false;
    state.queue = state.queue
      .then(() => runChain(cell))
      .catch((error) => {
        cell.el.dataset.runnerState = "error";
        cell.output.hidden = false;
        cell.output.append(el("pre", { class: "runner-error", text: `The cell could not run: ${error.message}` }));
        announce(`The cell could not run: ${error.message}`);
      })
      .finally(() => {
        const hadFocus = document.activeElement === cell.stopButton;
        setBusy(cell, false);
        if (hadFocus) cell.runButton.focus();
        if (cell.stopRequested) cell.el.dataset.runnerState = "stopped";
        else if (state.ready) announce(`Cell ${cell.index + 1} ran.`);
      });
    return state.queue;
  }

  function runAll() {
    const runnable = state.cells.filter((cell) => cell.runButton);
    if (runnable.length) return requestRun(runnable[runnable.length - 1]);
  }

  // ---- start-up ----------------------------------------------------------------------------------------------

  // codemirror.js is built by scripts/vendor.py with CodeMirror and its Python mode wrapped so that they ignore
  // any AMD loader and set window.CodeMirror: a plain <script>, no eval.
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const node = el("script", { src });
      node.addEventListener("load", resolve);
      node.addEventListener("error", () => reject(new Error(`could not load ${src}`)));
      document.head.append(node);
    });
  }

  // Start Python a moment before the first Run when the reader is about to press it (see init).
  function startEarly() {
    if (location.protocol === "file:" || state.ready) return;
    python().catch(() => {});
  }

  async function init() {
    const cellEls = Array.from(document.querySelectorAll("div.cell")).filter((node) =>
      node.querySelector(":scope > .cell_input, :scope > details > .cell_input, :scope > .cell_output"),
    );
    if (!cellEls.length) return;
    state.cells = cellEls.map((node, i) => addControls(node, i));
    buildPanel(cellEls[0]);
    if (location.protocol === "file:") announce(FILE_MESSAGE);
    document.head.append(el("link", { rel: "stylesheet", href: new URL("codemirror.css", here).href }));
    await loadScript(new URL("codemirror.js", here).href);
    state.edits = loadEdits();
    for (const cell of state.cells) makeEditor(cell);
    let returning = false;
    try {
      returning = localStorage.getItem(RETURNING_KEY) === "1";
    } catch (error) {
      // no storage
    }
    // Only for a returning reader (the files are in the browser's cache: nothing is downloaded before a Run), and
    // only on a sign of intent: the pointer on a Run button, or the focus on it.
    if (returning) {
      for (const cell of state.cells) {
        if (!cell.runButton) continue;
        cell.runButton.addEventListener("pointerenter", startEarly, { once: true });
        cell.runButton.addEventListener("focus", startEarly, { once: true });
      }
    }
    document.documentElement.dataset.runnerReady = "true";
  }

  // ---- the page's Python, for the page's other scripts ---------------------------------------------------------
  // python(): a Promise of the started session (starts it: the first call loads Python).
  // run(code, name, onOutput): queue code in the page's one session, after any cell already queued; resolves to
  //   true when it raised no exception. onOutput(kind, data) gets the kernel's outputs (kernel.py's docstring).
  // editor(cell): the cell's CodeMirror editor, created if it is not yet (editors are created on demand).
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

  function editor(cell) {
    return ensureEditor(cell, false);
  }

  window.scratchnnRunner = { state, requestRun, runAll, python, run, stop, editor };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
