"""Fixtures of the Binder stage (marker ``binder``, `make binder`): a Binder-like environment, its JupyterLab and
one headless Chromium. Needs the built book (launch URLs and downloads come from _build/html) and uv."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
import yaml
from lab_env import ROOT, LabServer, build_env, repository_copy

sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "scripts"))

from browser_checks import headless_chromium
from build_book import is_notebook, toc_files
from site_paths import CHROMIUM, HTML_DIR

SHOTS = HTML_DIR.parent / "screenshots" / "binder"
# Which requirements file Binder installs: the lock; the weekly job of the newest versions passes requirements.in.
REQUIREMENTS = os.environ.get("BINDER_REQUIREMENTS", "requirements.txt")


def toc_notebooks() -> list[str]:
    """The notebook pages of _toc.yml (``book/01_forward``, ...): the pages with a Binder button."""
    pages = toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return [p for p in pages if (ROOT / f"{p}.md").is_file() and is_notebook(ROOT / f"{p}.md")]


@pytest.fixture(scope="session")
def hub() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["launch_buttons"]["binderhub_url"]


@pytest.fixture(scope="session")
def built_site() -> Path:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"no built book in {HTML_DIR}: run `make book` first")
    return HTML_DIR


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture(scope="session")
def timings() -> dict:
    """Seconds spent per step, printed at the end of the session (pytest -s or the -ra summary)."""
    spent: dict[str, float] = {}
    yield spent
    print("\nBinder stage timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in spent.items()))


def _lab(tmp_path_factory, timings, name: str, leave_out: tuple[str, ...]):
    start = time.perf_counter()
    base = tmp_path_factory.mktemp(name)
    repo = repository_copy(base / "repo", leave_out=leave_out)
    bin_dir = build_env(repo, base / "env", REQUIREMENTS)
    timings[f"{name} environment"] = time.perf_counter() - start
    start = time.perf_counter()
    server = LabServer(bin_dir, repo, base / "state")
    server.__enter__()
    timings[f"{name} server start"] = time.perf_counter() - start
    return server


@pytest.fixture(scope="session")
def lab(tmp_path_factory, timings):
    """JupyterLab on an environment built from the repository as Binder builds it (postBuild included)."""
    server = _lab(tmp_path_factory, timings, "binder", leave_out=())
    yield server
    server.stop()
    assert server.proc.returncode is not None, "the JupyterLab server did not stop"


@pytest.fixture(scope="session")
def lab_without_binder_config(tmp_path_factory, timings):
    """The same, but built from a repository copy without postBuild: the Binder configuration left out."""
    server = _lab(tmp_path_factory, timings, "no-postbuild", leave_out=("postBuild",))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    with headless_chromium(CHROMIUM) as browser:
        yield browser


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
