"""The classroom kit end to end (issue 22): `make classroom` wrote it into _build/classroom; otter run grades it.

Runs with the book's pytest; the kit's own tools (otter, jupyter) come from .venv-classroom (`make classroom-test`).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "_build" / "classroom"
BIN = ROOT / ".venv-classroom" / "bin"
sys.path.insert(0, str(ROOT / "scripts"))
from exercise_catalogue import catalogue  # noqa: E402

pytestmark = pytest.mark.classroom
ENV = {**os.environ, "SCRATCHNN_PROGRESS": "off"}
GRADED = "01_forward"  # the chapter graded end to end (every chapter's solutions are graded by otter assign)


def chapters():
    if not KIT.is_dir():
        pytest.fail("no kit in _build/classroom: run `make classroom` first")
    return sorted(p for p in KIT.iterdir() if (p / "student").is_dir())


def solutions_of(page: str) -> list[str]:
    """The code cells inside the chapter's solution dropdowns, from the book's source."""
    text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
    found = []
    for part in re.split(r"```\{solution-start\}", text)[1:]:
        inside = part.split("```{solution-end}")[0]
        found += re.findall(r"```\{code-cell\}[^\n]*\n(.*?)\n```", inside, flags=re.DOTALL)
    return found


def grade(tmp_path: Path, notebook: nbformat.NotebookNode, name: str) -> dict:
    """Otter's verdict per question: {question: (score, max_score, output)}."""
    folder = KIT / GRADED
    [autograder] = sorted((folder / "autograder").glob("*.zip"))[-1:]
    submission = tmp_path / name / f"{GRADED}.ipynb"
    submission.parent.mkdir()
    nbformat.write(notebook, submission)
    out = tmp_path / name / "out"
    out.mkdir()
    done = subprocess.run(
        [str(BIN / "otter"), "run", "-a", str(autograder), "-o", str(out), str(submission)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=submission.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "results.json").read_text())
    return {t["name"]: (t["score"], t["max_score"], t["output"]) for t in results["tests"] if "score" in t}


def student(page: str = GRADED) -> nbformat.NotebookNode:
    return nbformat.read(KIT / page / "student" / f"{page}.ipynb", as_version=4)


def filled(mistake: tuple[str, str, str] | None = None) -> nbformat.NotebookNode:
    """The student notebook with every stub replaced by the book's solution (one of them spoiled by ``mistake``:
    (stub name, text of the solution, replaced by))."""
    notebook = student()
    answers = {}
    for code in solutions_of(GRADED):
        if match := re.search(r"^def (my_\w+)\(", code, re.M):
            answers[match.group(1)] = code
    for cell in notebook.cells:
        match = re.search(r"^def (my_\w+)\(", cell.source, re.M)
        if cell.cell_type == "code" and match and "NotImplementedError" in cell.source:
            cell.source = answers[match.group(1)]
            if mistake and mistake[0] == match.group(1):
                assert mistake[1] in cell.source, f"the solution of {mistake[0]} changed: update the test's mistake"
                cell.source = cell.source.replace(mistake[1], mistake[2])
    return notebook


def questions(page: str = GRADED) -> list[str]:
    [entry] = [p for p in catalogue(ROOT)["pages"] if p["page"] == f"book/{page}"]
    return [ex["label"].replace("-", "_") for ex in entry["exercises"] if ex["checker"] and ex["stub"]]


def test_every_chapter_with_stubs_has_a_student_notebook_and_an_autograder():
    expected = {
        p["page"].split("/")[1]
        for p in catalogue(ROOT)["pages"]
        if p["page"] != "book/05_bughunt" and any(ex["checker"] and ex["stub"] for ex in p["exercises"])
    }
    assert {p.name for p in chapters()} == expected
    for folder in chapters():
        assert list((folder / "autograder").glob("*.zip")), folder


def outside_solutions(page: str) -> str:
    """The chapter's source without its solution dropdowns: what a student may see."""
    text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
    return re.sub(r"```\{solution-start\}.*?```\{solution-end\}\n```", "", text, flags=re.DOTALL)


def leaked(code: str, text: str, page: str = GRADED) -> list[str]:
    """The solution's own lines (at least 20 characters, not its def line or check call, and not written anywhere
    else in the chapter) found in ``text``."""
    allowed = outside_solutions(page)
    lines = [line.strip() for line in code.splitlines()]
    own = [line for line in lines if len(line) >= 20 and not line.startswith(("def ", "check_"))]
    own = [line for line in own if line not in allowed]
    return [line for line in own if line in text]


def test_student_notebooks_never_contain_a_solution():
    for folder in chapters():
        text = "\n".join(cell.source for cell in student(folder.name).cells)
        solutions = solutions_of(folder.name)
        assert solutions, folder.name
        for code in solutions:
            assert not leaked(code, text, folder.name), f"{folder.name}: solution lines in the student notebook"
        assert "BEGIN SOLUTION" not in text and "BEGIN PROMPT" not in text
        assert text.count("raise NotImplementedError") >= len(questions(folder.name))


def test_the_leak_check_can_fail():
    text = "\n".join(cell.source for cell in filled().cells)
    assert leaked(solutions_of(GRADED)[0], text)


def test_the_books_solutions_score_full_marks(tmp_path):
    verdict = grade(tmp_path, filled(), "solutions")
    assert set(verdict) == set(questions())
    assert all(score == top for score, top, _ in verdict.values()), verdict


def test_the_unfilled_notebook_scores_zero_with_not_implemented(tmp_path):
    verdict = grade(tmp_path, student(), "unfilled")
    assert set(verdict) == set(questions())
    for score, _, output in verdict.values():
        assert score == 0
        assert "not-implemented" in output and "NotImplementedError" in output


def test_one_classic_mistake_loses_exactly_that_question_and_names_it(tmp_path):
    # The seed's first bug: the hidden bias b where the output bias c belongs.
    verdict = grade(tmp_path, filled(("my_forward", "Z @ V + c", "Z @ V + b")), "mistake")
    lost = {name for name, (score, top, _) in verdict.items() if score < top}
    assert lost == {"forward_ex_write_forward"}
    output = verdict["forward_ex_write_forward"][2]
    assert "wrong-bias" in output and "output bias c" in output


def test_student_notebooks_run_top_to_bottom_with_stubs_unfilled(tmp_path):
    for folder in chapters():
        out = tmp_path / folder.name
        done = subprocess.run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=600",
                "--output-dir",
                str(out),
                str(folder / "student" / f"{folder.name}.ipynb"),
            ],
            capture_output=True,
            text=True,
            env=ENV,
            cwd=folder / "student",
        )
        assert done.returncode == 0, f"{folder.name}: {done.stderr[-3000:]}"
