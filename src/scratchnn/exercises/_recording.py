"""Record each checker run: which exercise, passed or the diagnosis, and when.

:func:`recorded` wraps a public ``check_*`` function (exercises/__init__.py wraps them all). After each run it
records ``{"state": "passed" | "failed", "diagnosis": code | None, "checker", "time"}`` under the exercise's label
(from ``catalogue.json``, generated from the book's sources by scripts/exercise_catalogue.py):

- in the book's page (Python in the browser, the module ``scratchnn_page`` exists): the page is told with
  ``scratchnn_page.send("check", entry)`` and keeps it in the reader's browser;
- elsewhere (JupyterLab, Binder, a plain Python session): in a JSON file in the user's data directory
  (:func:`progress_file`), the same format as the file the page exports.

A run of the book's own solution (the solution dropdown's cell, the book's hidden checks that it passes) is not
recorded: it says nothing about the learner. Recording is off when the environment variable
``SCRATCHNN_PROGRESS`` is ``off`` (or ``0``/``false``/``no``):
the book build, nbval and the tests set it, so that they write nothing. ``SCRATCHNN_PROGRESS_FILE`` names
another file. Recording never changes a checker's result and never raises: a file that cannot be written is
skipped silently.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import json
import os
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

FORMAT = "scratchnn-progress"
VERSION = 1
OFF_VALUES = {"off", "0", "false", "no"}


def enabled() -> bool:
    return os.environ.get("SCRATCHNN_PROGRESS", "on").strip().lower() not in OFF_VALUES


def data_dir() -> Path:
    """The user's data directory for scratchnn, as platformdirs' ``user_data_dir("scratchnn")`` would give it."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "scratchnn"


def progress_file() -> Path:
    """Where checker runs are recorded outside the page: ``SCRATCHNN_PROGRESS_FILE`` or the data directory's."""
    override = os.environ.get("SCRATCHNN_PROGRESS_FILE")
    return Path(override) if override else data_dir() / "progress.json"


@functools.cache
def catalogue() -> dict:
    """The book's exercises (catalogue.json), by page."""
    return json.loads(resources.files(__package__).joinpath("catalogue.json").read_text(encoding="utf-8"))


def label_for(checker: str, fn: object = None) -> str | None:
    """The label of the exercise checked by ``checker``; the stub's name decides when several are."""
    matches = [ex for page in catalogue()["pages"] for ex in page["exercises"] if ex["checker"] == checker]
    stub = getattr(fn, "__name__", None)
    for ex in matches:
        if ex["stub"] and ex["stub"] == stub:
            return ex["label"]
    return matches[0]["label"] if matches else None


def function_digest(fn: object) -> str | None:
    """sha256 of the normalised code of ``fn`` (``ast.unparse``), as scripts/exercise_catalogue.py computes it for
    each exercise's solution; None when the source cannot be read."""
    try:
        source = inspect.getsource(fn)
        node = ast.parse(textwrap.dedent(source)).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    if not isinstance(node, ast.FunctionDef):
        return None
    return hashlib.sha256(ast.unparse(node).encode()).hexdigest()


def is_book_solution(checker: str, fn: object) -> bool:
    """True when ``fn`` is the book's own solution of the exercise (the solution cell, the book's hidden checks)."""
    solutions = {
        ex["solution"] for page in catalogue()["pages"] for ex in page["exercises"] if ex["checker"] == checker
    }
    solutions.discard(None)
    return bool(solutions) and function_digest(fn) in solutions


def diagnosis_of(result: object) -> str | None:
    """The first diagnosis code of a checker's result (None when it passed or gave none)."""
    if getattr(result, "passed", False):
        return None
    codes = getattr(result, "diagnoses", None)
    if codes is None:
        codes = getattr(result, "diagnosis", None) or getattr(result, "code", None)
    if isinstance(codes, str):
        return codes
    try:
        return str(next(iter(codes)))
    except (TypeError, StopIteration):
        return "other"


def feedback(result: object) -> str:
    """``"passed"``, or the diagnosis with its hint: the failure message of the classroom kit's tests."""
    if getattr(result, "passed", False):
        return "passed"
    from ._report import HINTS

    code = diagnosis_of(result) or "other"
    return f"{code}: {HINTS.get(code, '')}".strip()


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def entry(checker: str, result: object) -> dict:
    passed = bool(getattr(result, "passed", False))
    return {
        "state": "passed" if passed else "failed",
        "diagnosis": None if passed else diagnosis_of(result),
        "checker": checker,
        "time": now(),
    }


def empty() -> dict:
    return {"format": FORMAT, "version": VERSION, "exercises": {}}


def read(path: Path) -> dict:
    """A progress file; an empty record when there is none. Raises ValueError for a file of another kind."""
    if not path.is_file():
        return empty()
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("exercises"), dict):
        raise ValueError(f"{path} is not a scratchnn progress file (expected format {FORMAT!r})")
    return data


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def record(label: str, item: dict) -> None:
    if "scratchnn_page" in sys.modules:
        sys.modules["scratchnn_page"].send("check", {"label": label, **item})
        return
    path = progress_file()
    try:
        data = read(path)
        data["exercises"][label] = item
        write(path, data)
    except (OSError, ValueError):
        pass  # recording is a convenience: never let it break a check


def recorded(check: Callable) -> Callable:
    """``check`` that also records each run (see the module docstring)."""

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        result = check(*args, **kwargs)
        if enabled():
            try:
                fn = args[0] if args else None
                label = label_for(check.__name__, fn)
                if label is not None and not is_book_solution(check.__name__, fn):
                    record(label, entry(check.__name__, result))
            except Exception:
                pass  # recording must never change what a checker does
        return result

    wrapper.__scratchnn_recorded__ = True
    return wrapper


def wrap_checkers(namespace: dict) -> None:
    """Wrap every public ``check_*`` function of ``namespace`` (a module's globals) once."""
    for name, value in list(namespace.items()):
        if name.startswith("check_") and callable(value) and not getattr(value, "__scratchnn_recorded__", False):
            namespace[name] = recorded(value)
