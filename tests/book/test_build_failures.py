"""Bad input fails the build command (scripts/build_book.py), naming the page and the cell.

Each test builds a tiny throwaway book in a temporary folder with the project's own _config.yml, so it
checks the configuration that builds the real book, not a copy of it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.book, pytest.mark.slow]

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

INTRO_BODY = """
(home)=
# Home

```{code-cell} ipython3
print(6 * 7)
```
"""

CHAPTER_BODY = """
(chapter)=
# A chapter

Back to {ref}`home`, and $e^{i\\pi} + 1 = 0$.

```{code-cell} ipython3
x = 41
```

```{code-cell} ipython3
print(x + 1)
```
"""

INTRO = HEADER + INTRO_BODY
GOOD_CHAPTER = HEADER + CHAPTER_BODY
TOC_BOTH = "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/chapter\n"
TOC_INTRO_ONLY = "format: jb-book\nroot: book/intro\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def make_book(tmp_path: Path, chapter: str, toc: str) -> Path:
    book = tmp_path / "thebook"
    (book / "book").mkdir(parents=True)
    shutil.copy2(ROOT / "_config.yml", book / "_config.yml")
    shutil.copy2(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    shutil.copytree(ROOT / "book" / "images", book / "book" / "images")  # the favicon the config names
    vendor = ROOT / "_vendor"
    assert vendor.is_dir(), "run `make vendor` (part of `make book`) first"
    (book / "_vendor").symlink_to(vendor, target_is_directory=True)
    for folder in ("assets", "scripts"):  # the theme templates and the local Sphinx extension the config names
        (book / folder).symlink_to(ROOT / folder, target_is_directory=True)
    (book / "_toc.yml").write_text(toc)
    (book / "book" / "intro.md").write_text(INTRO)
    (book / "book" / "chapter.md").write_text(chapter)
    return book


def build(book: Path) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_book.py"), str(book)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return proc.returncode, ANSI.sub("", proc.stdout + proc.stderr)


def test_a_good_book_builds(tmp_path):
    """The control: the throwaway book itself is fine, so each failure below is due to its one fault."""
    book = make_book(tmp_path, GOOD_CHAPTER, TOC_BOTH)
    code, out = build(book)
    assert code == 0, out
    assert "Book built in" in out
    assert (book / "_build" / "jupyter_execute" / "book" / "chapter.ipynb").is_file()
    assert (book / "_build" / "html" / "book" / "chapter.html").is_file()


def test_a_failing_cell_fails_the_build_naming_page_and_cell(tmp_path):
    chapter = GOOD_CHAPTER.replace("x = 41", "x = 41\nratio = x / 0")
    code, out = build(make_book(tmp_path, chapter, TOC_BOTH))
    assert code != 0
    assert "book/chapter.md: WARNING: Executing notebook failed" in out, out
    assert "An error occurred while executing the following cell:" in out
    assert "ratio = x / 0" in out  # the failing cell, quoted
    assert "ZeroDivisionError" in out


def test_a_broken_reference_fails_the_build_naming_page_and_line(tmp_path):
    chapter = GOOD_CHAPTER.replace("{ref}`home`", "{ref}`no-such-label`")
    code, out = build(make_book(tmp_path, chapter, TOC_BOTH))
    assert code != 0
    assert re.search(r"book/chapter\.md:\d+: WARNING: undefined label: 'no-such-label'", out), out


def test_maths_that_katex_cannot_parse_fails_the_build_naming_page_and_formula(tmp_path):
    # KaTeX renders at build time with throwOnError: false (red TeX in the page); scripts/site_html.py fails the build.
    chapter = GOOD_CHAPTER.replace("$e^{i\\pi} + 1 = 0$", "$\\frac{1}$")
    code, out = build(make_book(tmp_path, chapter, TOC_BOTH))
    assert code != 0
    assert "book/chapter.html: KaTeX could not render the maths: ParseError" in out, out
    assert "Book build FAILED: fix the maths above" in out


def test_a_page_missing_from_the_toc_fails_the_build_naming_it(tmp_path):
    code, out = build(make_book(tmp_path, GOOD_CHAPTER, TOC_INTRO_ONLY))
    assert code != 0
    assert "book/chapter.md: page is not in _toc.yml" in out, out


def test_an_unexpected_warning_in_a_cell_fails_the_build(tmp_path):
    chapter = GOOD_CHAPTER.replace("x = 41", "import numpy as np\n\nx = np.exp(np.float64(1000.0))")
    code, out = build(make_book(tmp_path, chapter, TOC_BOTH))
    assert code != 0
    assert re.search(r"book/chapter\.md:\d+: WARNING: stderr was found in the cell outputs of cell \d+", out), out
