"""Binder, proved without Docker: the root requirements.txt alone gives an environment that runs every chapter.

repo2docker copies the repository, reads runtime.txt, installs the root requirements.txt (whose ``-e .`` line
installs scratchnn from src/) and then the root package. The first test does the same in a fresh virtual
environment, opens every chapter the way Jupyter does with jupytext installed (the .md becomes a notebook) and
executes it with nbclient. The second asks repo2docker itself to plan the image (--no-build needs no Docker).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, notebook_pages

pytestmark = [pytest.mark.book, pytest.mark.slow]

RUNNER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import jupytext
    import nbformat
    from nbclient import NotebookClient

    repo = Path(sys.argv[1])
    # Which Python and which scratchnn does the kernel of this environment use?
    probe = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    probe.cells.append(nbformat.v4.new_code_cell("import sys, scratchnn; print(sys.prefix); print(scratchnn.__file__)"))
    NotebookClient(probe, timeout=120, kernel_name="python3").execute()
    print("KERNEL", probe.cells[0].outputs[0]["text"].replace(chr(10), " | "), flush=True)
    for page in sys.argv[2:]:
        path = repo / f"{page}.md"
        nb = jupytext.read(path)
        assert nb.metadata["kernelspec"]["name"] == "python3", page
        resources = {"metadata": {"path": str(path.parent)}}
        NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
        n_code = sum(cell.cell_type == "code" for cell in nb.cells)
        print(f"RAN {page} ({n_code} code cells)", flush=True)
    """
)


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    print(proc.stdout[-5000:], proc.stderr[-5000:], sep="\n")
    return proc


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """The repository as a clone would have it: the files git tracks, nothing else (no .venv, no _build)."""
    repo = tmp_path_factory.mktemp("binder") / "repo"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    assert (repo / "requirements.txt").is_file() and (repo / "runtime.txt").is_file()
    return repo


def test_binder_environment_from_requirements_txt_runs_every_chapter(repo_copy: Path, tmp_path: Path):
    pages = notebook_pages()
    assert pages, "no chapter in _toc.yml"
    assert all((repo_copy / f"{page}.md").is_file() for page in pages), "a chapter in _toc.yml is not committed"
    assert (repo_copy / "runtime.txt").read_text().strip() == "python-3.11"
    venv = tmp_path / "binder-venv"
    assert run([sys.executable, "-m", "venv", venv]).returncode == 0
    python = venv / "bin" / "python"
    install = run([python, "-m", "pip", "install", "-q", "-r", "requirements.txt"], cwd=repo_copy, timeout=1200)
    assert install.returncode == 0, "pip install -r requirements.txt failed in a fresh environment"

    # Jupyter opens a .md with a jupytext header as a notebook only where jupytext's server extension is on.
    assert (venv / "etc" / "jupyter" / "jupyter_server_config.d" / "jupytext.json").is_file()

    runner = tmp_path / "run_chapters.py"
    runner.write_text(RUNNER)
    proc = run([python, runner, repo_copy, *pages], cwd=repo_copy, timeout=1800)
    assert proc.returncode == 0, "a chapter failed in the Binder environment (traceback above)"
    kernel_line = next(line for line in proc.stdout.splitlines() if line.startswith("KERNEL"))
    assert str(venv) in kernel_line, "the kernel did not run in the fresh environment"
    assert str(repo_copy / "src" / "scratchnn") in kernel_line, "scratchnn was not installed from the repository"
    for page in pages:
        assert f"RAN {page} " in proc.stdout


def test_repo2docker_accepts_the_repository(repo_copy: Path, tmp_path: Path):
    venv = tmp_path / "r2d-venv"
    assert run([sys.executable, "-m", "venv", venv]).returncode == 0
    install = run([venv / "bin" / "python", "-m", "pip", "install", "-q", "jupyter-repo2docker"], timeout=600)
    if install.returncode != 0:
        pytest.skip("jupyter-repo2docker could not be pip-installed here; the Binder check above still ran")
    plan = run([venv / "bin" / "repo2docker", "--no-build", "--no-run", "--debug", repo_copy], timeout=300)
    assert plan.returncode == 0, "repo2docker rejected the repository"
    out = plan.stdout + plan.stderr
    assert "python=3.11" in out  # runtime.txt was read
    assert 'pip install --no-cache-dir -r "requirements.txt"' in out
