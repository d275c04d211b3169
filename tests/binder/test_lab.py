"""Binder with a real client: every chapter's launch button opens a runnable notebook with its prose rendered.

For each notebook page of _toc.yml, the ``urlpath`` of the Binder button on the built page is opened on a local
JupyterLab whose environment was built from the repository's own files as repo2docker builds it (lab_env.py).
The page must show a notebook (not the text editor) with the chapter's cells, its Markdown rendered by
jupyterlab-myst with no MyST source left; Run > Run All Cells must execute every code cell without an error
output. On the playground every live control is changed and must change the picture and the verdict. A
downloaded .ipynb must open and run in the same server; without postBuild the same check must fail.
"""

from __future__ import annotations

import shutil
import time

import jupytext
import pytest
from lab_checks import (
    binder_urlpath,
    check_notebook_view,
    check_playground,
    check_ran_clean,
    check_rendered_prose,
    median_ms,
    open_in_lab,
    run_all,
    save,
    shut_down_kernel,
)
from lab_env import ROOT

from conftest import toc_notebooks

pytestmark = [pytest.mark.binder]

CELL_TIMEOUT = 300  # seconds for Run All of one chapter, as the book build's cell timeout
PLAYGROUND = "book/playground"
DOWNLOADED = "book/01_forward"


def expected_cells(path) -> list[tuple[str, str]]:
    """(type, first line) of every cell, as jupytext reads the chapter: what the notebook view must show."""
    cells = jupytext.read(path).cells
    return [(cell.cell_type, cell.source.strip().split("\n")[0]) for cell in cells]


def launch_urlpath(site, hub, page_name: str) -> str:
    urlpath = binder_urlpath(site / f"{page_name}.html", hub)
    assert urlpath, f"{page_name}.html has no Binder launch button"
    assert urlpath == f"lab/tree/{page_name}.md", f"{page_name}: the launch button opens {urlpath}"
    return urlpath


def open_run_and_check(page, lab, url, cells, shots, shot_name, timings) -> tuple[list[str], dict]:
    start = time.perf_counter()
    state = open_in_lab(page, url)
    page.screenshot(path=str(shots / f"{shot_name}-before.png"))
    problems = check_notebook_view(state, cells)
    if problems:
        return problems, state
    problems += check_rendered_prose(page, sum(kind == "markdown" for kind, _ in cells))
    state = run_all(page, timeout=CELL_TIMEOUT)
    problems += check_ran_clean(state)
    page.screenshot(path=str(shots / f"{shot_name}-after.png"))
    timings[shot_name] = time.perf_counter() - start
    return problems, state


@pytest.mark.parametrize("page_name", toc_notebooks())
def test_launch_url_opens_a_runnable_notebook(page_name, page, lab, built_site, hub, shots, timings):
    urlpath = launch_urlpath(built_site, hub, page_name)
    cells = expected_cells(ROOT / f"{page_name}.md")
    shot_name = page_name.replace("/", "-")
    problems, _ = open_run_and_check(page, lab, lab.lab_url(urlpath), cells, shots, shot_name, timings)
    if page_name == PLAYGROUND and not problems:
        more, latencies = check_playground(page)
        page.screenshot(path=str(shots / f"{shot_name}-controls-changed.png"))
        problems += more
        print(f"\nplayground: release -> new picture, ms: {latencies}; median {median_ms(latencies):.0f} ms")
        timings["playground median release-to-picture ms"] = median_ms(latencies)
    # Saving (as JupyterLab's autosave does after a run) must leave the chapter's file exactly as it was.
    save(page)
    if (lab.root / f"{page_name}.md").read_bytes() != (ROOT / f"{page_name}.md").read_bytes():
        problems.append("saving the notebook changed the chapter's .md file")
    shut_down_kernel(page)
    assert not problems, f"{page_name} in JupyterLab:\n" + "\n".join(problems)


def test_downloaded_ipynb_opens_and_runs(page, lab, built_site, shots, timings):
    """The .ipynb that the built page offers for download opens as a notebook in the same server and runs."""
    download = built_site / "_sources" / f"{DOWNLOADED}.ipynb"
    assert download.is_file(), f"no downloadable notebook at {download}"
    target = lab.root / "downloads" / download.name
    target.parent.mkdir(exist_ok=True)
    shutil.copy2(download, target)
    cells = expected_cells(target)
    problems, _ = open_run_and_check(
        page, lab, lab.lab_url(f"lab/tree/downloads/{download.name}"), cells, shots, "download-ipynb", timings
    )
    shut_down_kernel(page)
    assert not problems, f"downloaded {download.name} in JupyterLab:\n" + "\n".join(problems)


def test_without_binder_configuration_the_check_fails(page, lab_without_binder_config, built_site, hub, shots):
    """Negative control: with postBuild left out, the same launch URL opens the text editor and the check fails."""
    page_name = toc_notebooks()[0]
    urlpath = launch_urlpath(built_site, hub, page_name)
    state = open_in_lab(page, lab_without_binder_config.lab_url(urlpath))
    page.screenshot(path=str(shots / "without-postbuild.png"))
    problems = check_notebook_view(state, expected_cells(ROOT / f"{page_name}.md"))
    assert problems, "the check passed without the Binder configuration: it cannot tell a notebook from the editor"
    assert state["kind"] == "editor", f"expected the text editor, got {state['kind']!r}"
