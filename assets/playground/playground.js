// The live playground of book/playground.html: the network trains in the reader's browser, in the page's Python
// (the in-page runner's Pyodide session, window.scratchnnRunner), and this script draws what it sends.
//
// Python's half is scratchnn.widgets.page: reset(settings, step), advance(), add_point(x, y, k), clear_points(),
// restore_points(). Each call sends one frame, a `scratchnn:playground` event (runner.js) carrying the decision
// regions as base64 RGBA pixels, the new costs, the accuracies, the verdict when training is done, or the error
// of the reader's training step (then the last good picture stays). The training step is the code cell tagged
// `playground-step`: its current text (the reader's edits included) runs before every retraining.
// Nothing runs until the reader presses Start: loading Python fetches about 27 MB the first time.
(function () {
  "use strict";

  const LOG_CONTROLS = new Set(["lr"]);
  const PYTHON_FAILED = "The playground's Python failed";
  const MARKERS = ["circle", "square", "triangle"];
  const CURVE_TRAIN = "#0072B2";
  const CURVE_TEST = "#D55E00";

  const pg = {
    root: null,
    started: false,
    playing: false,
    busy: false,
    queue: [],
    frame: null, // the last frame with a picture
    view: null, // extent, points, colours, classes from the last reset
    loss: [], // training cost per epoch
    testLoss: [], // [epoch, held-out cost] per frame
    regions: null, // an offscreen canvas with the last good regions
    cursor: [0.5, 0.5], // keyboard cursor on the picture, as fractions of its width and height (from the top)
    timing: { requested: 0, firstPicture: null, frames: [] },
  };

  const $ = (selector) => pg.root.querySelector(selector);
  const $$ = (selector) => Array.from(pg.root.querySelectorAll(selector));

  function setText(selector, text) {
    const node = $(selector);
    if (node) node.textContent = text;
  }

  function announce(text) {
    setText(".pg-announce", text);
  }

  function percent(value) {
    return Number.isFinite(value) ? `${(100 * value).toFixed(1)} %` : "n/a";
  }

  function number(value) {
    return Number.isFinite(value) ? value.toPrecision(3) : "n/a";
  }

  // ---- settings ---------------------------------------------------------------------------------------------

  function controlValue(input) {
    if (input.type === "range") {
      const raw = Number(input.value);
      return LOG_CONTROLS.has(input.name) ? Number((10 ** raw).toPrecision(3)) : raw;
    }
    return input.value;
  }

  function settings() {
    const result = {};
    for (const input of $$("[data-setting]")) result[input.name] = controlValue(input);
    return result;
  }

  function showValue(input) {
    const output = pg.root.querySelector(`output[for="${input.id}"]`);
    const value = controlValue(input);
    if (output) output.textContent = String(value);
    if (input.type === "range") input.setAttribute("aria-valuetext", String(value));
  }

  // ---- talking to Python --------------------------------------------------------------------------------------

  function stepCode() {
    const node = document.querySelector("div.cell.tag_playground-step");
    if (!node) return "";
    const runner = window.scratchnnRunner;
    const cell = runner && runner.state && runner.state.cells.find((c) => c.el === node);
    if (cell && cell.editor) return cell.editor.getValue();
    if (cell && typeof cell.original === "string") return cell.original;
    const pre = node.querySelector(".cell_input pre");
    return pre ? pre.textContent : "";
  }

  // Every call imports the module again (a no-op once loaded), so that a restarted Python session still has it.
  const IMPORT = "import scratchnn.widgets.page as _playground\n";

  async function python(code, name) {
    const errors = [];
    const ok = await window.scratchnnRunner.run(name === "playground" ? IMPORT + code : code, name, (kind, data) => {
      if (kind === "error") errors.push(String(data));
    });
    if (ok) return null;
    const last = errors.join("\n").trim().split("\n").pop();
    return last || "it raised an error";
  }

  function stepFailed(message, what = "Your training step did not work") {
    pg.playing = false;
    updateButtons();
    const text = `${what}: ${message}. Training stopped; the picture shows the last good run.`;
    setText(".pg-error", text);
    $(".pg-error").hidden = false;
    announce(text);
  }

  async function perform(action) {
    if (action.kind === "reset") {
      pg.timing.requested = action.at;
      const failed = await python(stepCode(), "the playground's training step");
      if (failed) return stepFailed(`the code cell could not run (${failed})`);
      const json = JSON.stringify(JSON.stringify(settings()));
      pg.playing = true; // a frame with an error stops it again
      const error = await python(
        `_playground.reset(__import__("json").loads(${json}), globals().get("train_step"))`,
        "playground",
      );
      if (error) return stepFailed(error, PYTHON_FAILED);
    } else if (action.kind === "advance") {
      const error = await python(`_playground.advance(${action.epochs || "None"})`, "playground");
      if (error) return stepFailed(error, PYTHON_FAILED);
    } else if (action.kind === "point") {
      pg.timing.requested = action.at;
      const [x, y, k] = action.point;
      pg.playing = true;
      const error = await python(`_playground.add_point(${x}, ${y}, ${k})`, "playground");
      if (error) return stepFailed(error, PYTHON_FAILED);
    } else if (action.kind === "points") {
      pg.timing.requested = action.at;
      pg.playing = true;
      const error = await python(`_playground.${action.which}()`, "playground");
      if (error) return stepFailed(error, PYTHON_FAILED);
    }
    updateButtons();
  }

  function nextPaint() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }

  async function pump() {
    if (pg.busy || !pg.started) return;
    pg.busy = true;
    try {
      for (;;) {
        let action = pg.queue.shift();
        if (!action && pg.playing && pg.frame && !pg.frame.done) action = { kind: "advance" };
        if (!action) break;
        await perform(action);
        if (action.kind === "advance") await nextPaint();
      }
    } catch (error) {
      stepFailed(String(error.message || error), PYTHON_FAILED);
    } finally {
      pg.busy = false;
      updateButtons();
    }
  }

  function request(action) {
    action.at = performance.now();
    if (action.kind === "reset") pg.queue = pg.queue.filter((queued) => queued.kind !== "reset");
    pg.queue.push(action);
    pump();
  }

  // ---- frames -------------------------------------------------------------------------------------------------

  function onFrame(event) {
    const frame = event.detail;
    if (frame.error) {
      stepFailed(frame.reset ? `${frame.error} (tried before the first epoch)` : `${frame.error} (in epoch ${frame.epoch})`);
      if (pg.frame) pg.frame.done = true;
      return;
    }
    if (frame.reset) {
      pg.view = { extent: frame.extent, points: frame.points, colours: frame.colours, classes: frame.classes };
      pg.loss = [];
      pg.testLoss = [];
      updateClasses();
    }
    pg.loss.push(...frame.loss);
    if (Number.isFinite(frame.test_loss)) pg.testLoss.push([frame.epoch, frame.test_loss]);
    $(".pg-error").hidden = true;
    pg.frame = frame;
    paintRegions(frame);
    draw();
    drawCurves();
    describe(frame);
    const now = performance.now();
    if (frame.reset && pg.timing.requested) {
      pg.timing.firstPicture = now - pg.timing.requested;
      pg.timing.requested = 0;
    }
    pg.timing.frames.push(now);
    if (pg.timing.frames.length > 400) pg.timing.frames.shift();
    pg.root.dataset.epoch = String(frame.epoch);
    pg.root.dataset.frames = String(Number(pg.root.dataset.frames || 0) + 1);
    if (frame.done) {
      pg.playing = false;
      updateButtons();
      if (frame.verdict) announce(`Training stopped at epoch ${frame.epoch}. ${frame.verdict[1]}`);
    }
  }

  function describe(frame) {
    setText(".pg-epoch", `Epoch ${frame.epoch} of ${frame.epochs}`);
    const last = pg.loss.length ? pg.loss[pg.loss.length - 1] : NaN;
    setText(
      ".pg-costs",
      `training cost ${number(last)} · held-out cost ${number(frame.test_loss)} · training accuracy ` +
        `${percent(frame.train_accuracy)} · held-out accuracy ${percent(frame.test_accuracy)}`,
    );
    const verdict = $(".pg-verdict");
    if (frame.verdict) {
      verdict.textContent = frame.verdict[1];
      verdict.dataset.level = frame.verdict[0];
      verdict.style.borderLeftColor = frame.verdict[2];
    } else {
      verdict.textContent = "Training…";
      verdict.dataset.level = "running";
      verdict.style.borderLeftColor = "transparent";
    }
    const s = settings();
    const alt =
      `Decision regions of a network with ${s.layers} hidden layer(s) of ${s.hidden} ${s.activation} units on ` +
      `the ${s.dataset} data, after ${frame.epoch} of ${frame.epochs} epochs at learning rate ${s.lr}, with ` +
      `the ${frame.n_train} training points on top: training accuracy ${percent(frame.train_accuracy)}, ` +
      `held-out accuracy ${percent(frame.test_accuracy)}. ${frame.verdict ? frame.verdict[1] : "Training."}`;
    $(".pg-picture").setAttribute("aria-label", alt);
    $(".pg-curves").setAttribute(
      "aria-label",
      `Training cost (blue line) and held-out cost (orange dashes) on a log scale over ${frame.epoch} epochs; ` +
        `the last training cost is ${number(last)}, the last held-out cost ${number(frame.test_loss)}.`,
    );
  }

  // ---- drawing ------------------------------------------------------------------------------------------------

  function paintRegions(frame) {
    const size = frame.resolution;
    const bytes = Uint8ClampedArray.from(atob(frame.rgba), (c) => c.charCodeAt(0));
    if (!pg.regions) pg.regions = document.createElement("canvas");
    pg.regions.width = size;
    pg.regions.height = size;
    pg.regions.getContext("2d").putImageData(new ImageData(bytes, size, size), 0, 0);
  }

  function fitCanvas(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(canvas.clientWidth * ratio);
    const height = Math.round(canvas.clientHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    return ratio;
  }

  function toPixels(x, y, canvas) {
    const [x0, x1, y0, y1] = pg.view.extent;
    return [((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height];
  }

  function marker(ctx, kind, x, y, r) {
    ctx.beginPath();
    if (kind === "square") ctx.rect(x - r, y - r, 2 * r, 2 * r);
    else if (kind === "triangle") {
      ctx.moveTo(x, y - 1.2 * r);
      ctx.lineTo(x + 1.1 * r, y + 0.8 * r);
      ctx.lineTo(x - 1.1 * r, y + 0.8 * r);
      ctx.closePath();
    } else ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }

  function draw() {
    const canvas = $(".pg-picture");
    const ratio = fitCanvas(canvas);
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    if (pg.regions) ctx.drawImage(pg.regions, 0, 0, canvas.width, canvas.height);
    if (!pg.view) return;
    ctx.lineWidth = ratio;
    ctx.strokeStyle = "#000000";
    for (const [x, y, k] of pg.view.points) {
      const [px, py] = toPixels(x, y, canvas);
      ctx.fillStyle = pg.view.colours[k];
      marker(ctx, MARKERS[k % MARKERS.length], px, py, 3.5 * ratio);
    }
    if (pg.keyboardCursor) {
      const [cx, cy] = [pg.cursor[0] * canvas.width, pg.cursor[1] * canvas.height];
      ctx.lineWidth = 2 * ratio;
      ctx.strokeStyle = "#000000";
      ctx.beginPath();
      ctx.moveTo(cx - 10 * ratio, cy);
      ctx.lineTo(cx + 10 * ratio, cy);
      ctx.moveTo(cx, cy - 10 * ratio);
      ctx.lineTo(cx, cy + 10 * ratio);
      ctx.stroke();
    }
  }

  function drawCurves() {
    const canvas = $(".pg-curves");
    const ratio = fitCanvas(canvas);
    const ctx = canvas.getContext("2d");
    const style = getComputedStyle(pg.root);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const pad = { left: 44 * ratio, right: 8 * ratio, top: 8 * ratio, bottom: 22 * ratio };
    const w = canvas.width - pad.left - pad.right;
    const h = canvas.height - pad.top - pad.bottom;
    const values = pg.loss.concat(pg.testLoss.map((p) => p[1])).filter((v) => Number.isFinite(v) && v > 0);
    const epochs = pg.frame ? pg.frame.epochs : 1;
    const lo = Math.floor(Math.log10(Math.min(0.01, ...values)));
    const hi = Math.ceil(Math.log10(Math.max(10, ...values)));
    const px = (epoch) => pad.left + (epoch / epochs) * w;
    const py = (v) => pad.top + (1 - (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * h;
    ctx.strokeStyle = style.color;
    ctx.fillStyle = style.color;
    ctx.lineWidth = ratio;
    ctx.font = `${11 * ratio}px sans-serif`;
    ctx.strokeRect(pad.left, pad.top, w, h);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let d = lo; d <= hi; d += Math.max(1, Math.ceil((hi - lo) / 4))) ctx.fillText(`1e${d}`, pad.left - 4 * ratio, py(10 ** d));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText("epoch", pad.left + w / 2, pad.top + h + 4 * ratio);
    ctx.fillText(String(epochs), pad.left + w - 12 * ratio, pad.top + h + 4 * ratio);
    ctx.lineWidth = 2 * ratio;
    ctx.strokeStyle = CURVE_TRAIN;
    ctx.beginPath();
    pg.loss.forEach((v, i) => (i ? ctx.lineTo(px(i + 1), py(v)) : ctx.moveTo(px(1), py(v))));
    ctx.stroke();
    ctx.strokeStyle = CURVE_TEST;
    ctx.setLineDash([5 * ratio, 4 * ratio]);
    ctx.beginPath();
    pg.testLoss.forEach(([e, v], i) => (i ? ctx.lineTo(px(e), py(v)) : ctx.moveTo(px(e), py(v))));
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function updateClasses() {
    for (const [k, item] of $$(".pg-class").entries()) {
      const present = pg.view && k < pg.view.classes;
      item.hidden = !present;
      const input = item.querySelector("input");
      const swatch = item.querySelector(".pg-swatch");
      if (present && swatch) swatch.style.backgroundColor = pg.view.colours[k];
      input.disabled = !present;
      if (!present && input.checked) $$(".pg-class input")[0].checked = true;
    }
  }

  // ---- the reader's input -----------------------------------------------------------------------------------

  function chosenClass() {
    const checked = pg.root.querySelector(".pg-class input:checked");
    return checked ? Number(checked.value) : 0;
  }

  function addPointAt(fx, fy) {
    if (!pg.view || !pg.started) return;
    const [x0, x1, y0, y1] = pg.view.extent;
    const x = x0 + fx * (x1 - x0);
    const y = y1 - fy * (y1 - y0);
    const k = chosenClass();
    pg.view.points.push([x, y, k]);
    draw();
    request({ kind: "point", point: [x.toFixed(4), y.toFixed(4), k] });
    announce(`Added a point of class ${k + 1}; the network trains again with it.`);
  }

  function onPictureClick(event) {
    const rect = event.currentTarget.getBoundingClientRect();
    pg.keyboardCursor = false;
    addPointAt((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  }

  function onPictureKey(event) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[event.key]) {
      const [dx, dy] = moves[event.key];
      pg.cursor = [Math.min(1, Math.max(0, pg.cursor[0] + dx * 0.04)), Math.min(1, Math.max(0, pg.cursor[1] + dy * 0.04))];
      pg.keyboardCursor = true;
      draw();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === " ") {
      pg.keyboardCursor = true;
      addPointAt(pg.cursor[0], pg.cursor[1]);
      event.preventDefault();
    }
  }

  function updateButtons() {
    const play = $(".pg-play");
    if (!play) return;
    const finished = !pg.frame || pg.frame.done;
    play.textContent = pg.playing ? "Pause" : "Play";
    play.setAttribute("aria-pressed", String(pg.playing));
    play.disabled = !pg.started || (!pg.playing && finished);
    $(".pg-step").disabled = !pg.started || pg.playing || finished;
  }

  function onSettingChange(event) {
    showValue(event.target);
    if (event.target.name === "dataset") {
      const noise = $('[name="noise"]');
      noise.value = noise.dataset[`usual${event.target.selectedIndex}`] || noise.value;
      showValue(noise);
    }
    if (pg.started) request({ kind: "reset" });
  }

  async function start() {
    const button = $(".pg-start");
    button.disabled = true;
    setText(".pg-which", "Loading Python in this page (about 27 MB the first time)… The explorer below shows precomputed runs meanwhile.");
    try {
      await window.scratchnnRunner.python();
      const error = await python("", "playground");
      if (error) throw new Error(error);
    } catch (error) {
      button.disabled = false;
      setText(".pg-which", `Python could not be loaded (${error.message || error}); the explorer below still works.`);
      return;
    }
    pg.started = true;
    button.hidden = true;
    $(".pg-live").hidden = false;
    pg.root.dataset.state = "live";
    setText(".pg-which", "You are looking at the live playground: the network trains in your browser, in Python.");
    request({ kind: "reset" });
  }

  function init() {
    pg.root = document.getElementById("scratchnn-playground");
    if (!pg.root || !window.scratchnnRunner) return;
    pg.root.dataset.state = "explorer";
    $(".pg-start").hidden = false;
    $(".pg-start").addEventListener("click", start);
    setText(
      ".pg-which",
      "Python is not running in this page yet, so what you can try now is the explorer further down: " +
        "precomputed pictures. Start the live playground to train the network in your browser.",
    );
    for (const input of $$("[data-setting]")) {
      showValue(input);
      input.addEventListener("change", onSettingChange);
      if (input.type === "range") input.addEventListener("input", () => showValue(input));
    }
    $(".pg-play").addEventListener("click", () => {
      pg.playing = !pg.playing;
      updateButtons();
      pump();
    });
    $(".pg-step").addEventListener("click", () => request({ kind: "advance", epochs: 1 }));
    $(".pg-restart").addEventListener("click", () => request({ kind: "reset" }));
    $(".pg-restore").addEventListener("click", () => request({ kind: "points", which: "restore_points" }));
    $(".pg-clear").addEventListener("click", () => request({ kind: "points", which: "clear_points" }));
    const picture = $(".pg-picture");
    picture.addEventListener("click", onPictureClick);
    picture.addEventListener("keydown", onPictureKey);
    document.addEventListener("scratchnn:playground", onFrame);
    window.addEventListener("resize", () => pg.frame && (draw(), drawCurves()));
    updateButtons();
    window.scratchnnPlayground = pg; // for the benchmark and the tests: timings, state
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
