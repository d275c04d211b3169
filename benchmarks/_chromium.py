"""What the page benchmarks share: the built site served on 127.0.0.1 and one fresh Chromium profile per repeat."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_checks import LocalSite, headless_chromium  # noqa: E402


def run_profiles(html: Path, chromium: Path, repeats: int, measure) -> list:
    """``measure(browser, base_url)`` called `repeats` times on the site in `html`; what each call returned."""
    with LocalSite(html) as site, headless_chromium(chromium) as browser:
        return [measure(browser, site.base) for _ in range(repeats)]
