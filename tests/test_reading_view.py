"""The chapters' reading view in JupyterLab (lab/scratchnn_reading_view.py): rewritten on open, unchanged on save."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lab"))

from scratchnn_reading_view import (  # noqa: E402
    ReadingViewContentsManager,
    authors_and_years,
    reading_view,
    section_titles,
)

BOOK = ROOT / "book"
BUILD_ONLY = ["{glue", "```{solution-end}", "```{raw}", "{cite:"]


def test_reading_view_rewrites_what_only_the_book_build_knows():
    sections = section_titles(BOOK)
    assert sections["forward"] == ("01_forward.md", "Forward propagation")
    source = (
        "Rate {glue:text}`rate:.1%`, see {ref}`forward` and {ref}`here`.\n\n"
        "```{solution-start} ex-1\n:class: dropdown\n```\n\nText.\n\n```{solution-end}\n```\n\n"
        "```{raw} html\n<style>p {}</style>\n```\n"
    )
    shown = reading_view(source, "03_backprop.md", sections)
    assert "{abbr}`⟨rate⟩ (" in shown
    assert "[Forward propagation](01_forward.md)" in shown
    assert "{ref}`here`" in shown  # not a known section of another chapter: left to jupyterlab-myst
    assert "```{solution-start} ex-1\n```" in shown and ":class: dropdown" not in shown
    assert "*End of the solution.*" in shown and "<style>" not in shown
    assert reading_view("Plain $x$ and {eq}`e1`.", "x.md", sections) == "Plain $x$ and {eq}`e1`."


def test_citations_name_authors_and_year_from_the_bibliography():
    works = authors_and_years(BOOK)
    assert works["rumelhart1986learning"] == ("Rumelhart et al.", "1986", "references.md")
    assert works["kingma2015adam"] == ("Kingma and Ba", "2015", "references.md")
    source = "{cite:t}`bishop2006pattern` and {cite:p}`kingma2015adam,nielsen2015neural`"
    shown = reading_view(source, "x.md", {}, works)
    assert shown == "[Bishop (2006)](references.md) and [(Kingma and Ba, 2015; Nielsen, 2015)](references.md)"
    assert reading_view("{cite:p}`unknown2000`", "x.md", {}, works) == "{cite:p}`unknown2000`"


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def manager(tmp_path: Path) -> ReadingViewContentsManager:
    shutil.copytree(BOOK, tmp_path / "book", ignore=shutil.ignore_patterns("images"))
    return ReadingViewContentsManager(root_dir=str(tmp_path))


@pytest.mark.parametrize("chapter", [*sorted(p.name for p in BOOK.glob("[0-9]*.md")), "playground.md"])
def test_a_chapter_opens_readable_and_an_unedited_save_leaves_its_file_alone(manager, tmp_path, chapter):
    path = f"book/{chapter}"
    model = run(manager.get(path, content=True, type="notebook"))
    markdown = [c["source"] for c in model["content"]["cells"] if c["cell_type"] == "markdown"]
    for text in markdown:
        assert not any(token in text for token in BUILD_ONLY), text[:200]
    before = (tmp_path / path).read_bytes()
    run(manager.save({"type": "notebook", "format": "json", "content": model["content"]}, path))
    assert (tmp_path / path).read_bytes() == before


def test_an_edit_is_saved_and_the_other_cells_keep_their_myst(manager, tmp_path):
    path = "book/03_backprop.md"
    model = run(manager.get(path, content=True, type="notebook"))
    cells = model["content"]["cells"]
    cells.append({"cell_type": "markdown", "metadata": {}, "source": "My own note."})
    run(manager.save({"type": "notebook", "format": "json", "content": model["content"]}, path))
    text = (tmp_path / path).read_text()
    assert "My own note." in text
    assert "{glue:text}`backprop_seed_err_min:.2f`" in text and "⟨" not in text
    assert "scratchnn_reading_view" not in text


def test_figures_drawn_by_code_cells_and_server_paths(manager):
    """{numref} to a figure of a code cell reads "the figure below/above"; paths may start with "/" (the server's)."""
    cells = run(manager.get("/book/03_backprop.md", content=True, type="notebook"))["content"]["cells"]
    text = "\n".join(c["source"] for c in cells if c["cell_type"] == "markdown")
    assert "The figure below shows the whole backward pass" in text
    assert "The curves in the figure above have the V shape" in text
    assert "[Forward propagation](01_forward.md)" in text and "[Rumelhart et al. (1986)](references.md)" in text


def test_equations_figures_and_exercises_of_other_chapters_become_links(manager):
    cells = run(manager.get("book/05_bughunt.md", content=True, type="notebook"))["content"]["cells"]
    text = "\n".join(c["source"] for c in cells if c["cell_type"] == "markdown")
    assert "[the equation `softmax-J` of *Softmax and cross-entropy*](02_softmax.md)" in text
    assert "[the figure `softmax-ascent-fig` of *Softmax and cross-entropy*](02_softmax.md)" in text
    assert "[the exercise `forward-ex-stable-sigmoid` of *Forward propagation*](01_forward.md)" in text


def test_a_downloaded_notebook_outside_book_links_to_the_chapters(manager, tmp_path):
    """A notebook outside book/ (a downloaded .ipynb) gets links into book/, relative to where it is."""
    (tmp_path / "downloads").mkdir()
    jupytext.write(jupytext.read(BOOK / "02_softmax.md"), tmp_path / "downloads" / "02.ipynb")
    cells = run(manager.get("downloads/02.ipynb", content=True, type="notebook"))["content"]["cells"]
    text = "\n".join(c["source"] for c in cells if c["cell_type"] == "markdown")
    assert "](../book/01_forward.md)" in text and "](../book/references.md)" in text
