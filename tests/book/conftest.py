"""Shared helpers of the pipeline tests (marker ``book``), which run after the strict build (`make booktests`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
EXECUTED = ROOT / "_build" / "jupyter_execute"

sys.path.insert(0, str(ROOT / "scripts"))

from build_book import is_notebook, toc_files  # noqa: E402


@pytest.fixture(scope="session")
def html_dir() -> Path:
    index = HTML / "index.html"
    assert index.is_file(), f"{index} is missing: build the book first (`make book`)"
    return HTML


def toc_pages() -> list[str]:
    """Pages of the real book, as listed in _toc.yml (``book/intro``, ...)."""
    return toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))


def notebook_pages() -> list[str]:
    """The TOC pages that are notebooks (executed by the build)."""
    return [page for page in toc_pages() if (ROOT / f"{page}.md").is_file() and is_notebook(ROOT / f"{page}.md")]
