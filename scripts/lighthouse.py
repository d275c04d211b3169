"""Lighthouse on the built book, with a gate (issue 23): `make lighthouse` (every page) and `make test` (the heaviest).

    python scripts/lighthouse.py [--pages all|heavy|PAGE ...] [--presets mobile,desktop] [--json OUT] [--no-gate]

Serves _build/html on 127.0.0.1 as a static host does (text files gzip-compressed when the browser asks for it),
runs the pinned npm Lighthouse (package.json) in Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) for
each page and preset, prints one row per run (Lighthouse's scores, first-visit transfer, TBT, LCP, CLS) and
exits 1 if a score is under its floor (GATE). The reports are kept in _build/lighthouse/.

--pages heavy is what `make test` runs: the intro, the page with the most maths, the longest chapter and the
playground (chosen from the built HTML, so the choice follows the book). --pages all: every page of _toc.yml.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from build_book import toc_files  # noqa: E402

HTML = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The floors: a score under one fails the gate. Performance depends on the preset (mobile is throttled).
GATE = {
    "mobile": {"performance": 80, "accessibility": 100, "best-practices": 100, "seo": 100},
    "desktop": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100},
}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
COMPRESSED = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".py", ".map", ".xml"}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host: files as they are, text gzip-compressed for a browser that accepts it (as GitHub Pages,
    Netlify or nginx with gzip on serve them); quiet."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.suffix not in COMPRESSED or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip_bytes(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@functools.lru_cache(maxsize=512)
def gzip_bytes(path: Path, _mtime: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


@contextlib.contextmanager
def serve(folder: Path):
    handler = functools.partial(StaticHost, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def all_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [f"{name}.html" for name in toc_files(toc)]


def heavy_pages(html_dir: Path = HTML) -> list[str]:
    """The intro, the page with the most maths, the longest chapter (source) and the playground (no page twice)."""
    pages = all_pages()
    text = {p: (html_dir / p).read_text(encoding="utf-8") for p in pages if (html_dir / p).is_file()}
    maths = max(text, key=lambda p: len(re.findall(r'class="katex"', text[p])))
    chapters = [p for p in text if not p.endswith("/playground.html") and (ROOT / p).with_suffix(".md").is_file()]
    longest = max(chapters, key=lambda p: len((ROOT / p).with_suffix(".md").read_text(encoding="utf-8")))
    chosen = [pages[0], maths, longest, *[p for p in pages if p.endswith("/playground.html")]]
    return list(dict.fromkeys(chosen))


def run_lighthouse(url: str, preset: str, out: Path) -> dict:
    """One Lighthouse run; returns its report (LHR)."""
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url} ({preset}): {done.stderr.strip()[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summary(lhr: dict) -> dict:
    """Scores (0-100) and the figures the README tables show, from a Lighthouse report."""
    audits = lhr["audits"]

    def value(name: str) -> float | None:
        return audits.get(name, {}).get("numericValue")

    row = {c: round(100 * lhr["categories"][c]["score"]) for c in CATEGORIES if lhr["categories"].get(c)}
    row.update(
        transfer_kb=round((value("total-byte-weight") or 0) / 1024),
        tbt_ms=round(value("total-blocking-time") or 0),
        lcp_s=round((value("largest-contentful-paint") or 0) / 1000, 1),
        cls=round(value("cumulative-layout-shift") or 0, 3),
    )
    row["failing_audits"] = sorted(
        name
        for c in CATEGORIES
        if c != "performance" and lhr["categories"].get(c)
        for ref in lhr["categories"][c]["auditRefs"]
        if ref.get("weight") and (audits[(name := ref["id"])].get("score") is not None) and audits[name]["score"] < 1
    )
    return row


def gate(row: dict, preset: str, report_only: tuple[str, ...] = ()) -> list[str]:
    """Every score under its floor, as a sentence; empty when the run passes. Categories in `report_only` are
    printed but never fail."""
    problems = []
    for category, floor in GATE[preset].items():
        if category in report_only:
            continue
        score = row.get(category)
        if score is None:
            problems.append(f"{category}: no score")
        elif score < floor:
            extra = f" (failing audits: {', '.join(row['failing_audits'])})" if category != "performance" else ""
            problems.append(f"{category} {score} < {floor}{extra}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="+", default=["heavy"], help="all, heavy, or page paths like book/intro.html")
    parser.add_argument("--presets", default="mobile,desktop")
    parser.add_argument("--html", type=Path, default=HTML, help="the built site (default _build/html)")
    parser.add_argument("--json", type=Path, help="write every row to this JSON file")
    parser.add_argument("--no-gate", action="store_true", help="measure only, never fail")
    parser.add_argument(
        "--report-only",
        default="",
        help="comma-separated categories that are measured and printed but do not fail (e.g. performance)",
    )
    args = parser.parse_args(argv)

    if not LIGHTHOUSE.exists():
        print(f"lighthouse.py: {LIGHTHOUSE} missing: run `npm ci` (make setup)", file=sys.stderr)
        return 2
    if not (args.html / "index.html").is_file():
        print(f"lighthouse.py: no built site in {args.html}: run `make book` first", file=sys.stderr)
        return 2
    pages = {"all": all_pages, "heavy": lambda: heavy_pages(args.html)}
    chosen = pages[args.pages[0]]() if args.pages[0] in pages else args.pages
    presets = args.presets.split(",")
    OUT.mkdir(parents=True, exist_ok=True)

    rows, failures = [], []
    header = f"{'page':<28} {'preset':<8} perf  a11y  bp  seo  transfer   TBT     LCP   CLS"
    print(header, flush=True)
    with serve(args.html) as base:
        for page in chosen:
            for preset in presets:
                report = OUT / f"{page.replace('/', '_').removesuffix('.html')}.{preset}.json"
                row = {"page": page, "preset": preset, **summary(run_lighthouse(base + page, preset, report))}
                rows.append(row)
                problems = gate(row, preset, tuple(filter(None, args.report_only.split(","))))
                failures += [f"{page} ({preset}): {p}" for p in problems]
                print(
                    f"{page:<28} {preset:<8} {row['performance']:>4} {row['accessibility']:>5} "
                    f"{row['best-practices']:>3} {row['seo']:>4} {row['transfer_kb']:>6} kB {row['tbt_ms']:>5} ms "
                    f"{row['lcp_s']:>5} s {row['cls']:>5}" + ("   FAIL" if problems else ""),
                    flush=True,
                )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    if failures and not args.no_gate:
        print("\nLighthouse gate FAILED (floors: " + json.dumps(GATE) + "):", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        print(f"Reports (Lighthouse JSON, one per run): {OUT}/", file=sys.stderr)
        return 1
    verdict = "gate not applied (--no-gate)" if args.no_gate else "all at or above the floors"
    if args.report_only and not args.no_gate:
        verdict += f" (not gated: {args.report_only})"
    print(f"\nLighthouse: {len(rows)} runs, {verdict}. Reports: {OUT}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
