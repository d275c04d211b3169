"""How fast is the live playground of book/playground.html (issue 20)? Measured in headless Chromium.

    python benchmarks/page_playground_latency.py [--repeats 5]     (after `make book`)

The built book (_build/html) is served on 127.0.0.1 and opened in Debian's Chromium (every request to another
host is aborted). Times are taken inside the page (performance.now()) by assets/playground/playground.js:

- first picture, cold cache: a fresh browser profile, from the click on "Start the live playground" (Python,
  numpy, matplotlib and scratchnn downloaded and started) to the first picture painted on the canvas;
- first picture, warm cache: the same in a new tab of the same profile (files from the browser's cache);
- slider release -> first new picture: a `change` event of the learning-rate slider (what a release fires) to the
  new network's first picture (its regions before training; the animation follows), at the default settings;
- frame interval while training: the time between two painted frames during a 5000-epoch run (median, 95th pct);
- click -> point in the regions: a click on the picture to the first picture that Python computed with the new
  point in the training set (the point itself is drawn at once, before Python answers).

Budgets (issue 20): release -> picture <= 300 ms, frame interval <= 100 ms, click -> point <= 500 ms. The script
prints every figure with its budget and exits 1 if one is missed. Not a test: timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from _chromium import run_profiles  # noqa: E402
from browser_checks import DESKTOP, record  # noqa: E402

PAGE = "book/playground"
BUDGETS_MS = {"slider release -> first new picture": 300, "frame interval (median)": 100, "click -> point": 500}
IDLE_JS = "() => { const pg = window.scratchnnPlayground; return pg.frame && pg.frame.done && !pg.busy; }"
START_JS = """async () => {
    const pg = window.scratchnnPlayground;
    const start = performance.now();
    const first = new Promise((resolve) =>
        document.addEventListener("scratchnn:playground", () => requestAnimationFrame(() => resolve(performance.now())),
                                  { once: true }));
    pg.root.querySelector(".pg-start").click();
    return (await first) - start;
}"""
RELEASE_JS = """async (value) => {
    const pg = window.scratchnnPlayground;
    const input = pg.root.querySelector('[name="lr"]');
    input.value = String(value);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    while (pg.timing.requested) await new Promise((resolve) => setTimeout(resolve, 5));
    return pg.timing.firstPicture;
}"""
CLICK_JS = """async ([fx, fy]) => {
    const pg = window.scratchnnPlayground;
    const rect = pg.root.querySelector(".pg-picture").getBoundingClientRect();
    pg.root.querySelector(".pg-picture").dispatchEvent(new MouseEvent("click",
        { clientX: rect.left + fx * rect.width, clientY: rect.top + fy * rect.height, bubbles: true }));
    while (pg.timing.requested) await new Promise((resolve) => setTimeout(resolve, 5));
    return pg.timing.firstPicture;
}"""
FRAMES_JS = """async () => {
    const pg = window.scratchnnPlayground;
    const input = pg.root.querySelector('[name="epochs"]');
    input.value = "5000";
    input.dispatchEvent(new Event("change", { bubbles: true }));
    while (!(pg.frame && pg.frame.done && !pg.busy)) await new Promise((resolve) => setTimeout(resolve, 20));
    const t = pg.timing.frames.slice(1);
    return t.slice(1).map((v, i) => v - t[i]);
}"""


def open_playground(context, base: str):
    tab = context.new_page()
    tab.set_default_timeout(300_000)
    rec = record(tab, base)
    tab.goto(f"{base}{PAGE}.html", wait_until="load")
    tab.wait_for_function("() => window.scratchnnPlayground && window.scratchnnPlayground.root")
    return tab, rec


def measure(browser, base: str, samples: int) -> dict[str, list[float]]:
    context = browser.new_context(viewport=DESKTOP)
    try:
        cold, rec = open_playground(context, base)
        figures = {"first picture, cold cache": [cold.evaluate(START_JS)]}
        cold.close()
        warm, warm_rec = open_playground(context, base)
        figures["first picture, warm cache"] = [warm.evaluate(START_JS)]
        warm.wait_for_function(IDLE_JS)
        releases, clicks = [], []
        for i in range(samples):
            warm.wait_for_function(IDLE_JS)
            releases.append(warm.evaluate(RELEASE_JS, [-1, -0.5, 0][i % 3]))
            warm.wait_for_function(IDLE_JS)
            clicks.append(warm.evaluate(CLICK_JS, [0.3 + 0.05 * i, 0.5]))
        figures["slider release -> first new picture"] = releases
        figures["click -> point"] = clicks
        warm.wait_for_function(IDLE_JS)
        intervals = warm.evaluate(FRAMES_JS)
        figures["frame interval (median)"] = [statistics.median(intervals)]
        figures["frame interval (95th percentile)"] = [sorted(intervals)[int(0.95 * (len(intervals) - 1))]]
        figures["frames in a 5000-epoch run"] = [len(intervals) + 1]
        external = rec.external + warm_rec.external
        if external:
            raise SystemExit(f"requests to other hosts: {external}")
        return figures
    finally:
        context.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh browser profiles (medians are reported)")
    parser.add_argument("--samples", type=int, default=5, help="slider releases and clicks per profile")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args(argv)
    if not (args.html / f"{PAGE}.html").is_file():
        raise SystemExit(f"{args.html / PAGE}.html not found: run `make book` first")

    runs = run_profiles(
        args.html, args.chromium, args.repeats, lambda browser, base: measure(browser, base, args.samples)
    )
    median = {name: statistics.median(v for run in runs for v in run[name]) for name in runs[0]}

    print(f"Live playground on {PAGE}, {args.repeats} fresh browser profiles, medians ({time.strftime('%F %T')})")
    missed = []
    for name, value in median.items():
        budget = BUDGETS_MS.get(name)
        unit = "" if name.startswith("frames in") else " ms"
        verdict = "" if budget is None else f"   budget {budget:5d} ms   {'ok' if value <= budget else 'MISSED'}"
        missed += [name] if budget is not None and value > budget else []
        print(f"  {name:<38} {value:8.0f}{unit}{verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
