"""The bug hunt's page: its program as given fails check_seed_fix with every problem, its worked solution passes.

Run on the chapter's source rather than in the page, so that a learner who fixed the program in place can still
run the whole notebook without a failing assertion.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from scratchnn import exercises as ex

PAGE = Path(__file__).resolve().parents[1] / "book" / "05_bughunt.md"


def programs():
    """The code cells of the page that define `train`: the program as given, then the worked solution."""
    cells = re.findall(r"```\{code-cell\} ipython3\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    found = [cell for cell in cells if "\ndef train(" in cell]
    assert len(found) == 2, f"expected the program and its fixed version, found {len(found)} cells defining train"
    return found


def load(source):
    namespace = {"np": np}
    exec(compile(source, str(PAGE), "exec"), namespace)
    return [namespace[name] for name in ("forward", "cost", "step", "train")]


@pytest.mark.slow
def test_the_page_program_has_every_problem():
    result = ex.check_seed_fix(*load(programs()[0]))
    assert all(row.verdict == "wrong" for row in result.rows), result
    assert set(result.diagnoses) == {"summed-not-mean", "sign-flipped", "wrong-bias", "overflow", "log-of-zero",
                                     "stale-weights", "no-seed", "not-converged"}  # fmt: skip
    assert [key for key, _ in result.entries if isinstance(key, int)] == [1, 2, 3, 4, 5, 6]


@pytest.mark.slow
def test_the_page_solution_passes():
    result = ex.check_seed_fix(*load(programs()[1]))
    assert result.passed, result


def test_no_heading_or_comment_names_a_problem_before_the_solutions():
    text = PAGE.read_text(encoding="utf-8")
    before = text[: text.index("## Solutions, one problem at a time")]
    prose = re.sub(r"```\{code-cell\}.*?```", "", before, flags=re.S)
    headings = re.findall(r"^#+ .*$", prose, flags=re.M)
    assert headings == ["# Debugging a network: a bug hunt", "## The program", "## Run it",
                        "## The notes that came with it", "## Your turn"], headings  # fmt: skip
    program = programs()[0]
    assert "#" not in program, "the program as given carries no comments"
    assert "raises-exception" not in text
