// The reader's progress (issue 22), kept in this browser only (localStorage of this site; nothing is sent).
//
// - A checker run in the page (Python in the browser, runner.js) records itself: scratchnn's
//   exercises/_recording.py calls scratchnn_page.send("check", {label, state, diagnosis, checker, time}), which
//   runner.js fires as a `scratchnn:check` event. We store it under the exercise's label.
// - Chapter pages: each exercise that has a checker shows its state next to its title: not tried, the mistake the
//   checker named, passed, or changed since it passed (the reader edited its stub cell after the pass).
// - The "Your progress" page (book/progress.md, table written at build time by scripts/progress_page.py): the
//   state of every exercise, and export to a file / import from a file / clear.
// The file and the stored value have one format, the same as scratchnn.exercises.export_progress() writes.
(function () {
  "use strict";

  const KEY = "scratchnn-progress";
  const FORMAT = "scratchnn-progress";
  const here = new URL(".", document.currentScript.src);

  function empty() {
    return { format: FORMAT, version: 1, exercises: {} };
  }

  function valid(data) {
    return data && typeof data === "object" && data.format === FORMAT && data.exercises && typeof data.exercises === "object";
  }

  function load() {
    try {
      const data = JSON.parse(localStorage.getItem(KEY) || "null");
      return valid(data) ? data : empty();
    } catch (error) {
      return empty();
    }
  }

  function save(data) {
    try {
      localStorage.setItem(KEY, JSON.stringify(data));
      return true;
    } catch (error) {
      return false; // storage disabled or full: the state lasts until the page closes
    }
  }

  function describe(item) {
    if (!item) return { state: "none", text: "Not tried yet" };
    if (item.state === "passed" && item.changed) return { state: "changed", text: "Changed since it passed" };
    if (item.state === "passed") return { state: "passed", text: "Passed" };
    return { state: "mistake", text: `Mistake: ${item.diagnosis || "other"}` };
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  }

  // ---- chapter pages ---------------------------------------------------------------------------------------

  const badges = new Map(); // label -> badge element

  function showBadge(label) {
    const badge = badges.get(label);
    if (!badge) return;
    const { state, text } = describe(load().exercises[label]);
    badge.dataset.state = state;
    badge.textContent = text;
  }

  async function catalogue() {
    const response = await fetch(new URL("catalogue.json", here));
    if (!response.ok) throw new Error("the list of exercises could not be loaded");
    return response.json();
  }

  function watchStubs(exercises) {
    const runner = window.scratchnnRunner;
    if (!runner) return;
    // The runner creates a cell's editor only when the reader focuses it, and tells the page of every edit.
    document.addEventListener("scratchnn:cell-edited", (event) => {
      const cell = runner.state.cells[event.detail.index];
      if (!cell || !cell.original || cell.el.closest(".solution")) return;
      for (const ex of exercises) {
        if (!ex.stub || !cell.original.includes(`def ${ex.stub}(`)) continue;
        const data = load();
        const item = data.exercises[ex.label];
        if (item && item.state === "passed" && !item.changed) {
          item.changed = true;
          save(data);
          showBadge(ex.label);
        }
      }
    });
  }

  async function chapterPage() {
    const boxes = document.querySelectorAll(".exercise.admonition[id]");
    if (!boxes.length) return;
    const data = await catalogue();
    const checked = new Map();
    for (const page of data.pages) for (const ex of page.exercises) if (ex.checker) checked.set(ex.label, ex);
    const onPage = [];
    for (const box of boxes) {
      const ex = checked.get(box.id);
      const title = box.querySelector(".admonition-title");
      if (!ex || !title) continue;
      const badge = el("span", { class: "progress-badge", "aria-live": "polite" });
      title.append(" ", badge);
      badges.set(ex.label, badge);
      showBadge(ex.label);
      onPage.push(ex);
    }
    if (!onPage.length) return;
    const root = document.documentElement;
    if (root.dataset.runnerReady === "true") watchStubs(onPage);
    else {
      const observer = new MutationObserver(() => {
        if (root.dataset.runnerReady === "true") {
          observer.disconnect();
          watchStubs(onPage);
        }
      });
      observer.observe(root, { attributes: true, attributeFilter: ["data-runner-ready"] });
    }
  }

  // Only the reader's own runs count: a check run by a cell of a solution dropdown (the book's solution) or by
  // a cell the page does not show (the book's hidden "the solution passes" checks, run before a later cell)
  // says nothing about the reader. runner.js marks the shown cell that runs with data-runner-state="running".
  function fromReadersCell() {
    const running = document.querySelector("div.runner-cell[data-runner-state='running']");
    return Boolean(running) && !running.closest(".solution");
  }

  document.addEventListener("scratchnn:check", (event) => {
    const entry = event.detail || {};
    if (typeof entry.label !== "string" || !entry.label || !fromReadersCell()) return;
    const data = load();
    data.exercises[entry.label] = {
      state: entry.state === "passed" ? "passed" : "failed",
      diagnosis: entry.state === "passed" ? null : entry.diagnosis || "other",
      checker: entry.checker || null,
      time: entry.time || new Date().toISOString(),
    };
    save(data);
    showBadge(entry.label);
    refreshTable();
  });

  // ---- the progress page ---------------------------------------------------------------------------------------

  let status = null;

  function labelOfRow(row) {
    const link = row.querySelector("a[href*='#']");
    return link ? decodeURIComponent(new URL(link.href).hash.slice(1)) : null;
  }

  function refreshTable() {
    const exercises = load().exercises;
    let passed = 0;
    let total = 0;
    for (const cell of document.querySelectorAll(".progress-state-cell.progress-checked")) {
      const label = labelOfRow(cell.closest("tr"));
      const { state, text } = describe(exercises[label]);
      total += 1;
      if (state === "passed") passed += 1;
      cell.dataset.state = state;
      cell.querySelector("p").textContent = text;
    }
    const summary = document.querySelector(".progress-summary");
    if (summary) summary.textContent = `${passed} of ${total} checked exercises passed.`;
  }

  function announce(text) {
    if (status) status.textContent = text;
  }

  function exportFile() {
    const blob = new Blob([JSON.stringify(load(), null, 1) + "\n"], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "scratchnn-progress.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    announce("Your progress was saved as scratchnn-progress.json.");
  }

  async function importFile(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    let theirs;
    try {
      theirs = JSON.parse(await file.text());
    } catch (error) {
      theirs = null;
    }
    input.value = "";
    if (!valid(theirs)) {
      announce(`${file.name} is not a progress file of this course (expected "format": "${FORMAT}"). Nothing changed.`);
      return;
    }
    const mine = load();
    let count = 0;
    for (const [label, item] of Object.entries(theirs.exercises)) {
      if (!item || typeof item !== "object") continue;
      const current = mine.exercises[label];
      if (!current || String(item.time || "") > String(current.time || "")) {
        mine.exercises[label] = item;
        count += 1;
      }
    }
    save(mine);
    refreshTable();
    announce(`Imported ${file.name}: ${count} exercise(s) updated (the newer result of each exercise is kept).`);
  }

  function clearAll() {
    if (!window.confirm("Forget every exercise result kept in this browser?")) return;
    try {
      localStorage.removeItem(KEY);
    } catch (error) {
      // nothing stored
    }
    refreshTable();
    announce("Your progress was cleared in this browser.");
  }

  function progressPage() {
    const controls = document.querySelector(".progress-controls");
    if (!controls) return;
    const button = (text, onclick) => {
      const node = el("button", { type: "button", class: "progress-button" }, text);
      node.addEventListener("click", onclick);
      return node;
    };
    const fileInput = el("input", { type: "file", id: "progress-import", accept: ".json,application/json" });
    fileInput.addEventListener("change", () => importFile(fileInput));
    status = el("p", { class: "progress-status", role: "status", "aria-live": "polite" });
    controls.replaceChildren(
      el("p", { class: "progress-summary" }),
      el("div", { class: "progress-buttons" }),
      status,
    );
    const row = controls.querySelector(".progress-buttons");
    row.append(
      button("Export my progress to a file", exportFile),
      el("label", { for: "progress-import", class: "progress-import-label" }, "Import progress from a file:"),
      fileInput,
      button("Clear my progress", clearAll),
    );
    refreshTable();
  }

  window.addEventListener("storage", (event) => {
    if (event.key !== KEY) return;
    for (const label of badges.keys()) showBadge(label);
    refreshTable();
  });

  function init() {
    progressPage();
    chapterPage().catch(() => {
      // Without the list of exercises the page still works; it shows no states.
    });
  }

  window.scratchnnProgress = { load, save, describe };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
