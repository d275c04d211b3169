"""Fixtures of the browser tests (marker ``browser``): the built book served on 127.0.0.1, one headless Chromium.

Paths and the browser binary come from site_paths.py (environment variables BOOK_DIR, BOOK_HTML_DIR, CHROMIUM).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_checks import LocalSite, headless_chromium
from site_paths import CHROMIUM, HTML_DIR, SHOT_DIR


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session (Debian's, never a Playwright download)."""
    with headless_chromium(CHROMIUM) as browser:
        yield browser


@pytest.fixture(scope="session")
def book_site():
    """The built book, served from a background thread on 127.0.0.1 at a free port."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.skip(f"no built book in {HTML_DIR}: run `make book` first (or set BOOK_HTML_DIR)")
    with LocalSite(HTML_DIR) as site:
        yield site


@pytest.fixture(scope="session")
def shot_dir(book_site) -> Path:
    """_build/screenshots/, emptied at the start of the session so that no picture of a removed page survives."""
    shutil.rmtree(SHOT_DIR, ignore_errors=True)
    SHOT_DIR.mkdir(parents=True)
    return SHOT_DIR
