"""The book's exercises, read from its sources: one entry per ``{exercise}`` directive, keyed by its label.

    python scripts/exercise_catalogue.py [--check]

Each entry: the exercise's ``label``, its ``page`` (``book/01_forward``), the page's title, the ``checker`` that
its check cell calls (``check_sigmoid``; None for an exercise answered in words) and the ``stub`` that the
learner writes (``my_sigmoid``; None when there is none). A checker is found in the first code cell after the
exercise that calls one of ``scratchnn.exercises``' ``check_*`` functions, before the exercise's solution, the
next exercise or the next heading. The stub is the ``def my_...`` of the cells in between.

Without arguments, writes src/scratchnn/exercises/catalogue.json (the package's copy: the recording of checker
runs maps a checker to its exercise label with it). ``--check`` only says whether that copy is current.
Used by the progress page (scripts/progress_page.py) and the classroom kit (scripts/classroom.py) too.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_COPY = ROOT / "src" / "scratchnn" / "exercises" / "catalogue.json"

FENCE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
CELL_TAGS = re.compile(r"^:tags:\s*\[(.*)\]")
CHECK_CALL = re.compile(r"\b(check_\w+)\(")
STUB_DEF = re.compile(r"^def (my_\w+)\(", re.MULTILINE)


def toc_pages(root: Path = ROOT) -> list[str]:
    """The pages of _toc.yml in reading order (``book/intro``, ``book/01_forward``, ...)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [str(toc["root"])]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                pages.append(str(node["file"]))
            for key, value in node.items():
                if key != "file":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [page.removesuffix(".md") for page in pages]


def blocks(text: str) -> list[dict]:
    """The fenced blocks of a MyST page in order: ``{"name", "arg", "body", "options"}`` (body without options)."""
    lines = text.splitlines()
    found = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            if lines[i].startswith("#"):
                found.append({"name": "heading", "arg": lines[i].lstrip("#").strip(), "body": "", "options": {}})
            i += 1
            continue
        fence, name, arg = match.groups()
        body = []
        i += 1
        while i < len(lines) and lines[i].rstrip() != fence:
            body.append(lines[i])
            i += 1
        i += 1
        options = {}
        while body and body[0].startswith(":") and not body[0].startswith("::"):
            key, _, value = body.pop(0)[1:].partition(":")
            options[key.strip()] = value.strip()
        if body and body[0].strip() == "---":  # YAML options block
            end = body.index("---", 1) if "---" in body[1:] else 0
            options.update(yaml.safe_load("\n".join(body[1:end])) or {})
            body = body[end + 1 :]
        found.append({"name": name, "arg": arg.strip(), "body": "\n".join(body).strip("\n"), "options": options})
    return found


def function_digest(source: str, name: str) -> str | None:
    """sha256 of the normalised code (``ast.unparse``: no comments, one layout) of function ``name`` in ``source``.

    The same as scratchnn.exercises._recording.function_digest: a run of the book's own solution is not recorded as
    the learner's pass."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return hashlib.sha256(ast.unparse(node).encode()).hexdigest()
    return None


def solution_digest(items: list[dict], start: int, label: str, stub: str | None) -> str | None:
    """The digest of the stub's function as the exercise's solution dropdown writes it."""
    if stub is None:
        return None
    inside = False
    for block in items[start:]:
        if block["name"] == "solution-start" and block["arg"] == label:
            inside = True
        elif block["name"] == "solution-end" and inside:
            return None
        elif inside and block["name"] == "code-cell" and (digest := function_digest(block["body"], stub)):
            return digest
    return None


def page_title(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def exercises_of(page: str, text: str, checkers: set[str]) -> list[dict]:
    """The exercises of one page, in order."""
    found = []
    items = blocks(text)
    for i, block in enumerate(items):
        if block["name"] != "exercise" or "label" not in block["options"]:
            continue
        label = str(block["options"]["label"])
        checker = stub = None
        for later in items[i + 1 :]:
            if later["name"] in ("exercise", "heading") or later["name"].startswith("solution"):
                break
            if later["name"] != "code-cell" or "remove-cell" in str(later["options"].get("tags", "")):
                continue
            if stub is None and (match := STUB_DEF.search(later["body"])):
                stub = match.group(1)
            calls = [name for name in CHECK_CALL.findall(later["body"]) if name in checkers]
            if calls:
                checker = calls[0]
                break
        found.append(
            {
                "label": label,
                "page": page,
                "title": block["arg"],
                "checker": checker,
                "stub": stub,
                "solution": solution_digest(items, i + 1, label, stub),
            }
        )
    return found


def catalogue(root: Path = ROOT, checkers: set[str] | None = None) -> dict:
    """Every exercise of the book, by page in reading order: ``{"pages": [{"page", "title", "exercises"}]}``."""
    if checkers is None:
        import scratchnn.exercises as exercises

        checkers = {name for name in exercises.__all__ if name.startswith("check_")}
    pages = []
    for page in toc_pages(root):
        path = root / f"{page}.md"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        found = exercises_of(page, text, checkers)
        if found:
            pages.append({"page": page, "title": page_title(text), "exercises": found})
    labels = [ex["label"] for p in pages for ex in p["exercises"]]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"exercise labels must be unique in the book, these repeat: {duplicates}")
    return {"format": "scratchnn-exercises", "version": 1, "pages": pages}


def dumps(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = dumps(catalogue())
    if "--check" in argv:
        if PACKAGE_COPY.is_file() and PACKAGE_COPY.read_text(encoding="utf-8") == text:
            print(f"{PACKAGE_COPY.relative_to(ROOT)} is current.")
            return 0
        print(
            f"{PACKAGE_COPY.relative_to(ROOT)} is out of date with the book: run python scripts/exercise_catalogue.py",
            file=sys.stderr,
        )
        return 1
    PACKAGE_COPY.write_text(text, encoding="utf-8")
    count = sum(len(p["exercises"]) for p in json.loads(text)["pages"])
    print(f"Wrote {PACKAGE_COPY.relative_to(ROOT)}: {count} exercises.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
