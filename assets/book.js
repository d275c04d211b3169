// The course's script on every page (copied by scripts/vendor.py, listed in _config.yml).
//
// A block that scrolls sideways must be reachable with Tab (WCAG 2.1.1), and one that does not should not be a tab
// stop. The theme does this for code and outputs by measuring them when the page loads or changes; two cases it
// misses are handled here, by the same rule (tabindex 0 if the block scrolls, else -1):
// - the sections of a chapter are laid out only near the screen (assets/book.css, content-visibility: auto). In a
//   section not laid out yet the theme cannot measure, so the build has it leave those blocks focusable
//   (scripts/site_html.py); they are measured when the section is laid out;
// - formulas wider than the column scroll (assets/book.css); the theme only knows MathJax's. They are measured
//   after the page is laid out and its fonts are loaded, when the window changes size and when their section is
//   laid out.
(function () {
  "use strict";
  // A browser without checkVisibility (older than 2022-2024): the theme's own measures stand.
  if (!Element.prototype.checkVisibility) return;

  // The theme's list of blocks that may scroll (pydata-sphinx-theme.js), and KaTeX's display formulas.
  const THEME_BLOCKS = "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, .pst-scrollable-table-container";
  const FORMULAS = "div.math > .katex-display";

  // tabindex 0 for a block that scrolls, -1 for one that does not, and 0 for one whose section is not laid out yet
  // (reachable until it can be measured, as the theme's blocks there are). Every size is read first, then written: one
  // layout, not one per block.
  function measure(root, selector) {
    const blocks = Array.from(root.querySelectorAll(selector)).filter((block) => block.checkVisibility()); // not hidden
    const stops = blocks.map(
      (block) =>
        !block.checkVisibility({ contentVisibilityAuto: true }) ||
        block.scrollWidth > block.clientWidth ||
        (block.scrollHeight > block.clientHeight && getComputedStyle(block).overflowY !== "hidden"),
    );
    blocks.forEach((block, i) => {
      const tabIndex = stops[i] ? 0 : -1;
      if (block.tabIndex !== tabIndex) block.tabIndex = tabIndex;
    });
  }

  // The event does not bubble: listened to on its way down (capture).
  document.addEventListener(
    "contentvisibilityautostatechange",
    (event) => {
      if (!event.skipped) measure(event.target, `${THEME_BLOCKS}, ${FORMULAS}`);
    },
    true,
  );

  // KaTeX's fonts change the formulas' widths: measured as soon as they are loaded (no delay, so that nothing sees a
  // formula that scrolls and is not a Tab stop), and in the frame after the window changes size (once per frame).
  const measureFormulas = () => measure(document, FORMULAS);
  document.fonts.ready.then(measureFormulas);
  document.fonts.addEventListener("loadingdone", measureFormulas);
  let frame = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(measureFormulas);
  });
  // At once after the first layout too (only the sections near the screen are laid out): no moment without Tab stops.
  const now = () => requestAnimationFrame(() => measure(document, FORMULAS));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", now);
  else now();
})();
