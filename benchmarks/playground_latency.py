"""Latency of the live playground: slider release -> new figure, at the default settings.

Calls the widget's update callback directly (what a slider release triggers: retrain, redraw, encode the PNG),
``--runs`` times after one warm-up, and prints the median wall time, its split into training and drawing, and
its ratio to the 150 ms budget of the design (DESIGN.md section 4), plus the process's CPU time, which other
programs competing for the cores inflate much less. Not a test: timings depend on the machine.

    python benchmarks/playground_latency.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from scratchnn.widgets import DEFAULTS, playground

BUDGET_MS = 150.0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed updates (at least 10)")
    args = parser.parse_args(argv)
    runs = max(args.runs, 10)

    pg = playground(run_now=False)
    pg.update()  # warm-up: imports, font cache, first layout
    total, cpu, parts = [], [], {"data": [], "train": [], "draw": []}
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        pg.update()
        total.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
        for key in parts:
            parts[key].append(1000 * pg.timing[key])

    # A new data set (or epochs, or a cost outside the decades of the log axis) redraws the figure's background.
    relayout = []
    for _ in range(runs):
        pg._canvas._layout = None
        start = time.perf_counter()
        pg.update()
        relayout.append(1000 * (time.perf_counter() - start))

    median = statistics.median(total)
    settings = ", ".join(f"{k}={v}" for k, v in DEFAULTS.items() if v is not None)
    print(f"playground update at the defaults ({settings})")
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    print(f"machine: {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs{load}")
    print(f"runs: {runs}; verdict of the run: {pg.run.verdict[0]}")
    print(f"median update:   {median:6.1f} ms   (min {min(total):.1f}, max {max(total):.1f})")
    for key, label in (("train", "training"), ("draw", "drawing + PNG"), ("data", "data (cached)")):
        print(f"  {label:<14} {statistics.median(parts[key]):6.1f} ms")
    # CPU time of this process: close to the wall time on an idle machine, and much less sensitive to other
    # programs competing for the cores (when the two differ a lot, the machine was busy).
    print(f"median CPU time: {statistics.median(cpu):6.1f} ms")
    print(
        f"median update that also redraws the background (new data set, epochs or axis): "
        f"{statistics.median(relayout):.1f} ms"
    )
    verdict = "within" if median <= BUDGET_MS else "OVER"
    print(f"ratio to the {BUDGET_MS:.0f} ms budget: {median / BUDGET_MS:.2f} ({verdict} budget)")


if __name__ == "__main__":
    main()
