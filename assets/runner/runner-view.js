// The in-page runner's view of a cell (loaded before runner.js, which uses window.scratchnnRunnerView):
// - el(): build DOM nodes; no HTML strings;
// - editors on demand: a cell shows the book's highlighted code until the reader focuses, clicks or edits it (or
//   presses Run); only then is its CodeMirror editor created, and the focus moves into it. The highlighted block
//   is reached with Tab like the editor it stands for, and carries the editor's name;
// - outputSink(): a cell's outputs, where HTML from Python is sanitised first (no script, no event handler, no
//   frame, no javascript: URL), so an output can never run code in the page.
(function () {
  "use strict";

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

  // ---- editors on demand ---------------------------------------------------------------------------------------

  function editorLabel(cell) {
    return `Code of cell ${cell.index + 1} (Python). Shift+Enter runs it, Tab leaves the editor.`;
  }

  // Make the book's highlighted code stand in for the editor until the reader wants it.
  function prepareView(cell, hooks) {
    const view = cell.highlight;
    view.classList.add("runner-code-view");
    view.tabIndex = 0;
    view.setAttribute("role", "textbox");
    view.setAttribute("aria-multiline", "true");
    view.setAttribute("aria-label", editorLabel(cell));
    const open = () => {
      if (!cell.editor) hooks.ensureEditor(cell, true);
    };
    view.addEventListener("focus", open);
    view.addEventListener("mousedown", (event) => {
      event.preventDefault(); // the editor takes the focus, not the block that is about to disappear
      open();
    });
  }

  // Create the cell's CodeMirror editor (once); focus it when asked.
  function createEditor(cell, value, hooks, focus) {
    if (cell.editor) return cell.editor;
    const host = el("div", { class: "runner-editor" });
    cell.highlight.before(host);
    cell.highlight.hidden = true;
    cell.editor = window.CodeMirror(host, {
      value,
      mode: "python",
      indentUnit: 4,
      viewportMargin: Infinity,
      // Long lines wrap: an editor that scrolled sideways would be a scrollable region that the keyboard cannot
      // reach (axe: scrollable-region-focusable), and a phone would show a sliver of each line.
      lineWrapping: true,
      screenReaderLabel: editorLabel(cell),
      extraKeys: {
        "Shift-Enter": () => hooks.requestRun(cell),
        Tab: false, // no keyboard trap: Tab moves the focus on; Ctrl+] and Ctrl+[ indent
        "Shift-Tab": false,
      },
    });
    cell.editor.on("change", () => hooks.changed(cell));
    const details = host.closest("details");
    if (details) details.addEventListener("toggle", () => cell.editor.refresh());
    if (focus) {
      cell.editor.focus();
      cell.editor.setCursor(cell.editor.lineCount(), 0);
    }
    return cell.editor;
  }

  // ---- outputs ---------------------------------------------------------------------------------------------------

  const DROPPED_TAGS = new Set(["SCRIPT", "IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "LINK", "META", "BASE", "FORM"]);
  const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "srcset", "background"]);

  // HTML from Python (a checker's table, a DataFrame) as inert nodes: parsed in a <template> (nothing runs, nothing
  // loads), then every element that could run or load code is dropped, with every on* attribute and script URL.
  function sanitisedHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_ELEMENT);
    const drop = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (DROPPED_TAGS.has(node.tagName.toUpperCase())) {
        drop.push(node);
        continue;
      }
      for (const attr of Array.from(node.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
        const imageData = name === "src" && node.tagName === "IMG" && value.startsWith("data:image/");
        if (name.startsWith("on") || (URL_ATTRIBUTES.has(name) && /^(javascript|data|vbscript):/.test(value) && !imageData)) {
          node.removeAttribute(attr.name);
        }
      }
    }
    for (const node of drop) node.remove();
    return template.content;
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
      else if (kind === "html") cell.output.append(el("div", { class: "runner-html" }, sanitisedHtml(data)));
      else if (kind === "image") {
        cell.output.append(el("img", { class: "runner-image", src: `data:image/png;base64,${data.png}`, alt: data.alt }));
      } else if (kind === "error") cell.output.append(el("pre", { class: "runner-error", text: data }));
      else if (kind === "notice") cell.output.append(el("p", { class: "runner-error-title", text: data }));
    };
  }

  window.scratchnnRunnerView = { el, prepareView, createEditor, outputSink, sanitisedHtml };
})();
