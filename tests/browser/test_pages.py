"""Every page of the built book in headless Chromium, the way a reader meets it (issue 7).

For each page of _toc.yml (and the root index.html, which redirects to the first page) the checks of
browser_checks.py run once (desktop 1280 px, then narrow 390 px); each check is reported as its own test, so a
failure names the page and the check. Full-page screenshots land in _build/screenshots/ (CI uploads them).
"""

from __future__ import annotations

import sys

import pytest
import yaml
from browser_checks import CHECKS, Audit, audit_page, check_console, check_requests, open_page
from site_paths import BOOK_DIR, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from build_book import is_notebook, toc_files

pytestmark = pytest.mark.browser

TOC_PAGES = toc_files(yaml.safe_load((BOOK_DIR / "_toc.yml").read_text()))
# Pages whose explorer of precomputed pictures (form.scratchnn-explorer) must be exercised: it must have at least
# one control, so that the check cannot pass because the explorer disappeared.
EXPLORER_PAGES = {"book/playground"}


def source_of(page: str) -> str | None:
    """The source path of a notebook page (``book/01_forward.md``), None for a plain Markdown page."""
    for suffix in (".md", ".ipynb"):
        path = BOOK_DIR / f"{page}{suffix}"
        if path.is_file() and (suffix == ".ipynb" or is_notebook(path)):
            return f"{page}{suffix}"
    return None


@pytest.fixture(scope="session")
def audits(chromium, book_site, shot_dir):
    """page -> its Audit, computed on first use (one visit per page for all the checks)."""
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text())
    cache: dict[str, Audit] = {}

    def get(page: str) -> Audit:
        if page not in cache:
            cache[page] = audit_page(
                chromium,
                book_site.base,
                f"{page}.html",
                config=config,
                source_path=source_of(page),
                shot=shot_dir / f"{page}.png",
            )
        return cache[page]

    return get


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("page", TOC_PAGES)
def test_page(audits, page: str, check: str):
    problems = audits(page).problems[check]
    assert not problems, f"{page}.html, check {check!r}: {len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("page", sorted(EXPLORER_PAGES & set(TOC_PAGES)))
def test_static_explorer_was_exercised(audits, page: str):
    assert audits(page).controls_tried > 0, f"{page}.html: no explorer control found to try"


def test_root_index_redirects_to_the_first_page(chromium, book_site, shot_dir):
    context = chromium.new_context()
    try:
        page, rec, _ = open_page(context, book_site.base, "index.html", settle=False)
        first = f"{TOC_PAGES[0]}.html"
        page.wait_for_url(f"**/{first}")
        page.wait_for_load_state("load")
        page.screenshot(path=str(shot_dir / "index.png"))
        problems = check_requests(rec) + check_console(rec)
    finally:
        context.close()
    assert not problems, "index.html:\n" + "\n".join(problems)
