"""The classroom kit (issue 22): per chapter, a student notebook and an otter-grader autograder, from the book.

    python scripts/classroom.py [OUT_DIR] [--pages book/01_forward ...]      (`make classroom`: _build/classroom)

For every chapter with exercises that the learner writes (a stub ``def my_...`` and a ``check_*`` cell, found by
scripts/exercise_catalogue.py), it writes an otter "master" notebook from the chapter's source and runs
``otter assign`` on it, which writes:

- ``OUT_DIR/<chapter>/student/<chapter>.ipynb``: the chapter's prose, code, stubs and check cells; no solution
  (every ``{solution-start}`` ... ``{solution-end}`` part and the book's hidden "the solution passes" cells are
  left out);
- ``OUT_DIR/<chapter>/autograder/<chapter>-autograder_<time>.zip``: one question per exercise (named after its
  label, ``POINTS`` points), whose hidden test calls the same ``scratchnn.exercises`` checker and fails with the
  checker's diagnosis and hint.

Grade a submission without Docker: ``otter run -a <zip> -o <dir> submission.ipynb`` (results in
``<dir>/results.json``). Runs in an environment with the course's packages and otter-grader (`make classroom`
makes one, .venv-classroom). The bug hunt is not in the kit: its exercise is a whole program to fix, not a stub.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml
from exercise_catalogue import ROOT, catalogue

POINTS = 1  # per question: every exercise of the kit is one function to write
FENCE_OPEN = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}(.*)$")
SKIP_PAGES = {"book/05_bughunt"}  # no stub: the exercise is the whole buggy program (see the docstring)


def raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def split_markdown(text: str) -> list[tuple[str, str]]:
    """A markdown cell's text as pieces: ("text", ...), ("exercise", label + text), ("solution-start", label),
    ("solution-end", "")."""
    pieces: list[tuple[str, str]] = []
    lines = text.splitlines()
    buffer: list[str] = []
    i = 0
    while i < len(lines):
        match = FENCE_OPEN.match(lines[i])
        if match and match.group(2) in ("exercise", "solution-start", "solution-end"):
            fence, name, arg = match.groups()
            block = [lines[i]]
            i += 1
            while i < len(lines) and lines[i].rstrip() != fence:
                block.append(lines[i])
                i += 1
            block.append(lines[i] if i < len(lines) else fence)
            i += 1
            if buffer:
                pieces.append(("text", "\n".join(buffer)))
                buffer = []
            if name == "exercise":
                label = next((b.split(":", 2)[2].strip() for b in block if b.startswith(":label:")), "")
                pieces.append(("exercise", label + "\n" + "\n".join(block)))
            else:
                pieces.append((name, arg.strip()))
            continue
        buffer.append(lines[i])
        i += 1
    if buffer:
        pieces.append(("text", "\n".join(buffer)))
    return pieces


def question_name(label: str) -> str:
    return label.replace("-", "_")


def test_cell(ex: dict) -> nbformat.NotebookNode:
    checker, stub = ex["checker"], ex["stub"]
    config = {
        "hidden": True,
        "points": POINTS,
        "failure_message": f"{checker}({stub}) does not pass: run it in your notebook, its report names the mistake "
        "and how to fix it. The AssertionError below names the diagnosis and its hint.",
    }
    source = (
        '""" # BEGIN TEST CONFIG\n'
        + yaml.safe_dump(config, width=1000, sort_keys=False)
        + '""" # END TEST CONFIG\n'
        + "from scratchnn.exercises import "
        + checker
        + "\nfrom scratchnn.exercises._recording import feedback\n"
        + f"_result = {checker}({stub})\n"
        + "assert _result.passed, feedback(_result)"
    )
    return nbformat.v4.new_code_cell(source)


def master_notebook(page: dict, text: str) -> nbformat.NotebookNode:
    """The otter master notebook of one chapter (solutions inside questions, tests hidden)."""
    book = jupytext.reads(text, fmt="md:myst")
    kit = {ex["label"]: ex for ex in page["exercises"] if ex["checker"] and ex["stub"]}
    config = {
        "name": Path(page["page"]).name,
        "solutions_pdf": False,
        "init_cell": False,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": True,
        "generate": True,
        "suppress_no_tests_warning": True,
    }
    cells = [raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    question = None  # the exercise whose question is open: {"ex", "prompt": cell, "solution": [cells]}
    in_solution = False
    pending_after: list[nbformat.NotebookNode] = []  # cells between the stub and the solution (the check cell)

    def close_question():
        nonlocal question
        if question is None:
            return
        ex = question["ex"]
        # One answer cell: in the master the stub is a string and the solution runs; otter assign keeps the stub
        # (its "# ... PROMPT" lines dropped) and drops the solution block from the student's notebook.
        stub = question["prompt"].source
        if "'''" in stub:
            raise ValueError(f"{ex['label']}: a stub cell containing ''' cannot be wrapped as otter's prompt")
        answer = "\n".join(
            [
                "r''' # BEGIN PROMPT",
                stub,
                "''' # END PROMPT",
                "# BEGIN SOLUTION NO PROMPT",
                *(cell.source for cell in question["solution"]),
                "# END SOLUTION",
            ]
        )
        cells.extend([raw("# BEGIN SOLUTION"), nbformat.v4.new_code_cell(answer), raw("# END SOLUTION")])
        cells.extend([raw("# BEGIN TESTS"), test_cell(ex), raw("# END TESTS")])
        cells.append(raw("# END QUESTION"))
        cells.extend(pending_after)
        pending_after.clear()
        question = None

    after_solution = False  # right after a solution dropdown: a hidden cell there checks the solution
    for cell in book.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            for kind, body in split_markdown(cell.source):
                if kind != "solution-end" and (kind != "text" or body.strip()):
                    after_solution = False
                if kind == "solution-start":
                    in_solution = True
                elif kind == "solution-end":
                    in_solution = False
                    after_solution = True
                    if question is not None and question["solution"]:
                        close_question()
                elif in_solution:
                    continue
                elif kind == "exercise":
                    close_question()
                    label, _, block = body.partition("\n")
                    if label in kit:
                        question = {"ex": kit[label], "prompt": None, "solution": []}
                        name = question_name(label)
                        cells.append(raw(f"# BEGIN QUESTION\nname: {name}\npoints: {POINTS}\ncheck_cell: false"))
                    cells.append(nbformat.v4.new_markdown_cell(block))
                elif body.strip():
                    (pending_after if question is not None and question["prompt"] is not None else cells).append(
                        nbformat.v4.new_markdown_cell(body)
                    )
            continue
        code = nbformat.v4.new_code_cell(cell.source, metadata={"tags": tags} if tags else {})
        if in_solution:
            if question is not None and f"def {question['ex']['stub']}(" in cell.source:
                question["solution"].append(nbformat.v4.new_code_cell(cell.source))
            continue
        if "remove-cell" in tags and (after_solution or re.search(r"\bmy_\w+|check_\w+\(", cell.source)):
            continue  # the book's hidden checks of a solution: they would fail on a stub or without the solution
        after_solution = False
        if question is not None and question["prompt"] is None and f"def {question['ex']['stub']}(" in cell.source:
            question["prompt"] = code
        elif question is not None and question["prompt"] is not None:
            pending_after.append(code)
        else:
            cells.append(code)
    close_question()
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def build(out: Path, pages: list[str] | None = None) -> list[Path]:
    """Write the kit into ``out``; returns the chapter folders."""
    written = []
    for page in catalogue(ROOT)["pages"]:
        if page["page"] in SKIP_PAGES or (pages and page["page"] not in pages):
            continue
        if not any(ex["checker"] and ex["stub"] for ex in page["exercises"]):
            continue
        name = Path(page["page"]).name
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        master = folder / "master" / f"{name}.ipynb"
        master.parent.mkdir()
        nbformat.write(master_notebook(page, (ROOT / f"{page['page']}.md").read_text(encoding="utf-8")), master)
        shutil.copytree(ROOT / "book" / "images", master.parent / "images", dirs_exist_ok=True)
        otter = Path(sys.executable).parent / "otter"
        print(f"$ otter assign {master} {folder}", flush=True)
        subprocess.run([str(otter), "assign", "-v", str(master), str(folder)], check=True, cwd=master.parent)
        shutil.copytree(ROOT / "book" / "images", folder / "student" / "images", dirs_exist_ok=True)
        written.append(folder)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "_build" / "classroom"))
    parser.add_argument("--pages", nargs="*", help="only these pages, e.g. book/01_forward")
    args = parser.parse_args(argv)
    folders = build(Path(args.out), args.pages)
    for folder in folders:
        student = next((folder / "student").glob("*.ipynb"))
        zips = sorted((folder / "autograder").glob("*.zip"))
        print(f"{folder.name}: student notebook {student}, autograder {zips[-1] if zips else 'MISSING'}")
    return 0 if folders else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
