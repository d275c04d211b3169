// The playground page's explorer of precomputed runs (src/scratchnn/widgets/explorer.py writes its HTML).
// Its controls are hidden until this script runs; each change swaps the one <img>'s source and alternative text,
// so the browser fetches only the picture on show. The pictures' addresses and texts are in a JSON data block.
(function () {
  "use strict";

  function setUp(form) {
    const table = JSON.parse(form.querySelector("script.ex-pictures").textContent);
    const img = form.querySelector(".ex-picture");
    const announce = form.querySelector(".ex-announce");
    const dataset = form.elements.namedItem("dataset");
    const ranges = [form.elements.namedItem("lr"), form.elements.namedItem("hidden")];

    function showValue(input) {
      const text = JSON.parse(input.dataset.labels)[Number(input.value)];
      input.setAttribute("aria-valuetext", text);
      const output = form.querySelector(`output[for="${input.id}"]`);
      if (output) output.textContent = text;
      return text;
    }

    function update() {
      ranges.forEach(showValue);
      const entry = table[[dataset.value, ...ranges.map((r) => r.value)].join("-")];
      if (!entry) return;
      const [src, alt] = entry;
      if (img.getAttribute("src") !== src) img.setAttribute("src", src);
      img.alt = alt;
      announce.textContent = `Showing ${dataset.selectedOptions[0].textContent}, learning rate ${showValue(ranges[0])}, ${showValue(ranges[1])} hidden units.`;
    }

    form.addEventListener("submit", (event) => event.preventDefault());
    dataset.addEventListener("change", update);
    for (const range of ranges) range.addEventListener("input", update);
    ranges.forEach(showValue);
    form.querySelector(".ex-controls").hidden = false;
    form.dataset.ready = "true";
  }

  function init() {
    document.querySelectorAll("form.scratchnn-explorer").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
