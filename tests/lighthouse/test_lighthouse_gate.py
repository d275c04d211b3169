"""The Lighthouse gate of scripts/lighthouse.py can fail (issue 23).

The fast test feeds the gate a report summary under each floor. The browser test runs the real, pinned Lighthouse
in Debian's Chromium on a tiny page with known faults (no language, no meta description, an image without alt
text, an uncaught error, a 1 MB script that blocks the page) and checks that the gate names each failing score;
a clean tiny page passes the same gate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import lighthouse  # noqa: E402

CLEAN = {"performance": 100, "accessibility": 100, "best-practices": 100, "seo": 100, "failing_audits": []}


def test_the_gate_passes_scores_at_the_floors():
    assert lighthouse.gate({**CLEAN, "performance": 80}, "mobile") == []
    assert lighthouse.gate({**CLEAN, "performance": 95}, "desktop") == []


def test_the_gate_fails_each_score_under_its_floor():
    row = {**CLEAN, "performance": 94, "seo": 91, "failing_audits": ["meta-description"]}
    assert lighthouse.gate(row, "desktop") == ["performance 94 < 95", "seo 91 < 100 (failing audits: meta-description)"]
    assert lighthouse.gate({**CLEAN, "performance": 79}, "mobile") == ["performance 79 < 80"]
    assert lighthouse.gate({k: v for k, v in CLEAN.items() if k != "seo"}, "mobile") == ["seo: no score"]


def test_a_report_only_category_is_printed_but_does_not_fail():
    row = {**CLEAN, "performance": 40, "seo": 91, "failing_audits": ["meta-description"]}
    assert lighthouse.gate(row, "mobile", ("performance",)) == ["seo 91 < 100 (failing audits: meta-description)"]
    assert lighthouse.gate({**CLEAN, "performance": 40}, "mobile", ("performance",)) == []


GOOD = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A tiny page that does everything right for the Lighthouse gate's test.">
<title>Good page</title><link rel="icon" href="data:,"></head>
<body><main><h1>Good page</h1><p>Text that is easy to read.</p></main></body></html>
"""
BAD = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bad page</title>
<script src="heavy.js"></script></head>
<body><h1>Bad page</h1><img src="pixel.svg"><p>Text.</p>
<script src="throws.js"></script></body></html>
"""


@pytest.mark.browser
def test_lighthouse_fails_a_faulty_page_and_passes_a_clean_one(tmp_path: Path):
    if not lighthouse.LIGHTHOUSE.exists() or not Path("/usr/bin/chromium").exists():
        pytest.skip("needs npm's lighthouse (npm ci) and Chromium (scripts/install_browser.sh)")
    (tmp_path / "good.html").write_text(GOOD)
    (tmp_path / "index.html").write_text(GOOD)
    (tmp_path / "bad.html").write_text(BAD)
    (tmp_path / "pixel.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>')
    (tmp_path / "throws.js").write_text('throw new Error("an uncaught error");\n')
    # A busy loop of 1.5 s in a parser-blocking script: a long main-thread task, as a huge script would cause.
    (tmp_path / "heavy.js").write_text("const end = Date.now() + 1500; while (Date.now() < end) {}\n")
    with lighthouse.serve(tmp_path) as base:
        bad = lighthouse.summary(lighthouse.run_lighthouse(base + "bad.html", "desktop", tmp_path / "bad.json"))
        good = lighthouse.summary(lighthouse.run_lighthouse(base + "good.html", "desktop", tmp_path / "good.json"))
    problems = lighthouse.gate(bad, "desktop")
    assert any(p.startswith("performance ") for p in problems), (bad, problems)
    assert any(p.startswith("accessibility ") and "image-alt" in p for p in problems), problems
    assert any(p.startswith("best-practices ") and "errors-in-console" in p for p in problems), problems
    assert any(p.startswith("seo ") and "meta-description" in p for p in problems), problems
    assert lighthouse.gate(good, "desktop") == [], good
