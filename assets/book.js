// The course's script on every page (copied by scripts/vendor.py, listed in _config.yml).
//
// A block that scrolls must be reachable with Tab (WCAG 2.1.1), and one that does not should not be a Tab stop:
// tabindex 0 if it scrolls, else -1. The theme did this for code and outputs by measuring every block when the page
// loaded and again after every change to the page, which forced the browser to lay the whole page out, block by
// block (the longest task of a chapter's load on a phone), and could not measure the blocks of sections the browser
// has not laid out yet (assets/book.css: content-visibility). The build turns the theme's measure off
// (scripts/site_html.py); here every such block, and every display formula (which scrolls when wider than the
// column, assets/book.css), is measured when it or its first child changes size (a ResizeObserver: laid out for
// the first time, window resized, content changed), just after the browser laid it out, so no layout is forced.
// A font that arrives late changes what a formula holds but not the size of its box (as wide as the column): when
// fonts finish loading, every block is observed afresh, which measures it again after the next layout. Until it is
// measured (its section not laid out yet) a block is a Tab stop.
(function () {
  "use strict";

  // The theme's list of blocks that may scroll (pydata-sphinx-theme.js), and KaTeX's display formulas.
  const BLOCKS = [
    "pre",
    ".nboutput > .output_area",
    ".cell_output > .output",
    ".jp-RenderedHTMLCommon",
    ".pst-scrollable-table-container",
    "div.math > .katex-display",
  ].join(", ");

  // Laid out by the browser: not in a section it skips for now (a browser without checkVisibility has no
  // content-visibility either).
  const laidOut = (block) => !block.checkVisibility || block.checkVisibility({ contentVisibilityAuto: true });
  const scrolls = (block) =>
    block.scrollWidth > block.clientWidth ||
    (block.scrollHeight > block.clientHeight && getComputedStyle(block).overflowY !== "hidden");

  const observed = new Set();
  const sizes = new ResizeObserver((entries) => {
    const blocks = new Set();
    for (const { target } of entries) {
      for (const element of [target, target.parentElement]) {
        if (element && observed.has(element) && laidOut(element)) blocks.add(element);
      }
    }
    // Every size is read first, then every tabindex written: no layout between them.
    const measured = Array.from(blocks, (block) => [block, scrolls(block) ? 0 : -1]);
    for (const [block, tabIndex] of measured) if (block.tabIndex !== tabIndex) block.tabIndex = tabIndex;
  });

  function observe(block) {
    if (observed.has(block)) return;
    observed.add(block);
    block.tabIndex = 0;
    sizes.observe(block);
    if (block.firstElementChild) sizes.observe(block.firstElementChild);
  }

  // A ResizeObserver reports every element it starts observing, after the next layout.
  function measureAgain() {
    for (const block of observed) {
      sizes.unobserve(block);
      if (block.isConnected) sizes.observe(block);
      else observed.delete(block);
    }
  }

  // A section the browser skips keeps an estimated height (book.css), and its content may be taller. A tool that
  // reads the layout of that content (axe, in Lighthouse) has it laid out where it is, overflowing the estimate
  // onto the sections below: text over another section's Run button, a contrast failure no reader sees. While
  // skipped, a section clips what it holds (book.css: section.skipped); laid out, it holds all of it anyway.
  function markSkipped() {
    for (const section of document.querySelectorAll(".bd-article section section")) {
      section.classList.toggle("skipped", !laidOut(section.firstElementChild || section)); // its content is skipped
      section.addEventListener("contentvisibilityautostatechange", (event) =>
        section.classList.toggle("skipped", event.skipped),
      );
    }
  }

  function observeAll() {
    markSkipped();
    document.querySelectorAll(BLOCKS).forEach(observe);
    document.fonts.addEventListener("loadingdone", measureAgain);
    // Blocks added later: outputs of cells run in the page, widgets.
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          if (node.matches(BLOCKS)) observe(node);
          node.querySelectorAll(BLOCKS).forEach(observe);
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", observeAll);
  else observeAll();
})();
