"""`make nbval` really compares the outputs it should, and the sanitize file only masks volatile text.

Runs pytest with the Makefile's own NBVAL_FLAGS over small notebooks whose stored outputs are wrong on purpose.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

pytestmark = pytest.mark.book


def nbval_flags() -> list[str]:
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = re.search(r"^NBVAL_FLAGS\s*:=(.*)$", makefile, re.MULTILINE)
    assert line, "NBVAL_FLAGS not found in the Makefile"
    return shlex.split(line.group(1))


def notebook(path: Path, source: str, stored: str) -> Path:
    """A one-cell notebook whose stored stdout is ``stored``."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def run_nbval(path: Path, flags: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *(nbval_flags() if flags is None else flags), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_changed_checked_output_fails(tmp_path):
    nb = notebook(tmp_path / "changed.ipynb", "# NBVAL_CHECK_OUTPUT\nprint(f'{0.25:.4f}')", "0.2600\n")
    proc = run_nbval(nb)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "0.2500" in proc.stdout and "0.2600" in proc.stdout


def test_an_unchecked_output_may_change(tmp_path):
    nb = notebook(tmp_path / "unchecked.ipynb", "print(f'{0.25:.4f}')", "0.2600\n")
    proc = run_nbval(nb)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_volatile_text_is_sanitized_but_numbers_are_not(tmp_path):
    source = "# NBVAL_CHECK_OUTPUT\nprint(hex(id(object())), 'trained in 1.23 s, loss 0.125')"
    ok = notebook(tmp_path / "volatile.ipynb", source, "0x7f00deadbeef trained in 9.87 s, loss 0.125\n")
    assert run_nbval(ok).returncode == 0
    wrong = notebook(tmp_path / "wrong_loss.ipynb", source, "0x7f00deadbeef trained in 9.87 s, loss 0.126\n")
    assert run_nbval(wrong).returncode == 1


def test_glued_values_are_not_compared(tmp_path):
    """The build strips glue(..., display=False) records from the executed notebook; a re-run makes them again."""
    source = "# NBVAL_CHECK_OUTPUT\nfrom myst_nb import glue\n\nglue('acc', 0.97, display=False)\nprint('done')"
    nb = notebook(tmp_path / "glued.ipynb", source, "done\n")
    proc = run_nbval(nb)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    without_plugin = [flag for flag in nbval_flags() if flag != "scripts.nbval_glue"]
    without_plugin.remove("-p")  # the -p that loaded it (the list still has "-p no:cacheprovider")
    assert without_plugin.count("-p") == 1
    proc = run_nbval(nb, without_plugin)
    assert proc.returncode == 1
    assert "Unexpected output fields" in proc.stdout
