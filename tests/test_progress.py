"""Progress outside the page (issue 22): checker runs recorded under the exercise's label, the table, the file."""

import importlib
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import scratchnn as snn
import scratchnn.exercises as ex
from scratchnn.exercises import _recording

ROOT = Path(__file__).resolve().parent.parent


def good_sigmoid(A):
    A = np.asarray(A, dtype=float)
    e = np.exp(-np.abs(A))
    return np.where(A >= 0, 1.0, e) / (1.0 + e)


def my_sigmoid(A):
    raise NotImplementedError


@pytest.fixture
def record_to(tmp_path, monkeypatch):
    path = tmp_path / "data" / "progress.json"
    monkeypatch.setenv("SCRATCHNN_PROGRESS", "on")
    monkeypatch.setenv("SCRATCHNN_PROGRESS_FILE", str(path))
    return path


@pytest.mark.skipif(sys.platform == "emscripten", reason="Pyodide: no subprocesses")
def test_catalogue_is_current_with_the_book():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "exercise_catalogue.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_every_checker_belongs_to_one_exercise():
    checkers = [e["checker"] for p in _recording.catalogue()["pages"] for e in p["exercises"] if e["checker"]]
    public = {name for name in ex.__all__ if name.startswith("check_")}
    assert set(checkers) <= public
    assert len(checkers) == len(set(checkers))


def test_a_failing_run_records_its_diagnosis_then_a_pass_replaces_it(record_to):
    result = ex.check_sigmoid(my_sigmoid)
    assert not result.passed
    data = json.loads(record_to.read_text())
    item = data["exercises"]["forward-ex-stable-sigmoid"]
    assert data["format"] == "scratchnn-progress"
    assert (item["state"], item["diagnosis"], item["checker"]) == ("failed", "not-implemented", "check_sigmoid")
    assert ex.check_sigmoid(good_sigmoid).passed
    item = json.loads(record_to.read_text())["exercises"]["forward-ex-stable-sigmoid"]
    assert (item["state"], item["diagnosis"]) == ("passed", None)
    table = ex.progress()
    assert table.state("forward-ex-stable-sigmoid") == "passed"
    assert table.state("forward-ex-write-forward") == "not tried"
    assert table.state("forward-ex-shapes") == "answered in words"
    assert "forward-ex-stable-sigmoid" in repr(table) and "<table>" in table._repr_html_()


def test_the_named_mistake_is_recorded(record_to):
    def my_forward(X, W, b, V, c):  # the seed's first bug: the hidden bias b where the output bias c belongs
        Z = snn.sigmoid(X @ W + b)
        A = Z @ V + b
        E = np.exp(A - A.max(axis=1, keepdims=True))
        return Z, E / E.sum(axis=1, keepdims=True)

    assert _recording.diagnosis_of(ex.check_forward(my_forward)) == "wrong-bias"
    assert ex.progress().state("forward-ex-write-forward") == "mistake (wrong-bias)"


def test_off_records_nothing(record_to, monkeypatch):
    monkeypatch.setenv("SCRATCHNN_PROGRESS", "off")
    assert ex.check_sigmoid(good_sigmoid).passed
    assert not record_to.exists()


def test_recording_never_changes_or_breaks_a_check(record_to):
    record_to.parent.mkdir(parents=True)
    record_to.write_text("not json at all")
    assert ex.check_sigmoid(good_sigmoid).passed
    assert record_to.read_text() == "not json at all"


def test_in_the_page_the_run_is_sent_to_the_page(record_to, monkeypatch):
    sent = []
    page = types.ModuleType("scratchnn_page")
    page.send = lambda kind, data=None: sent.append((kind, data))
    monkeypatch.setitem(sys.modules, "scratchnn_page", page)
    ex.check_sigmoid(good_sigmoid)
    assert not record_to.exists()
    [(kind, data)] = sent
    assert kind == "check"
    assert data["label"] == "forward-ex-stable-sigmoid" and data["state"] == "passed"


def test_export_and_import_merge_by_time(record_to, tmp_path):
    page_file = tmp_path / "from-the-page.json"
    page_file.write_text(
        json.dumps(
            {
                "format": "scratchnn-progress",
                "version": 1,
                "exercises": {
                    "softmax-ex-write-softmax": {"state": "passed", "diagnosis": None, "time": "2026-01-01T00:00:00Z"},
                    "forward-ex-stable-sigmoid": {"state": "passed", "time": "2000-01-01T00:00:00Z"},
                },
            }
        )
    )
    ex.check_sigmoid(my_sigmoid)  # newer than the page's pass: it stays
    table = ex.import_progress(page_file)
    assert table.state("softmax-ex-write-softmax") == "passed"
    assert table.state("forward-ex-stable-sigmoid") == "mistake (not-implemented)"
    out = ex.export_progress(tmp_path / "out.json")
    assert json.loads(out.read_text())["exercises"].keys() == {"softmax-ex-write-softmax", "forward-ex-stable-sigmoid"}


def test_a_file_of_another_kind_is_refused_by_name(tmp_path, record_to):
    other = tmp_path / "other.json"
    other.write_text("{}")
    with pytest.raises(ValueError, match="not a scratchnn progress file"):
        ex.import_progress(other)


def test_data_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("SCRATCHNN_PROGRESS_FILE", raising=False)
    monkeypatch.setattr(_recording.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert _recording.progress_file() == tmp_path / "scratchnn" / "progress.json"


def test_feedback_names_the_mistake_with_its_hint():
    assert _recording.feedback(ex.check_sigmoid(good_sigmoid)) == "passed"
    message = _recording.feedback(ex.check_sigmoid(my_sigmoid))
    assert message.startswith("not-implemented: ") and "NotImplementedError" in message


def test_the_books_own_solution_is_not_recorded(record_to, tmp_path, monkeypatch):
    text = (ROOT / "book" / "01_forward.md").read_text(encoding="utf-8")
    inside = text.split("```{solution-start} forward-ex-stable-sigmoid")[1].split("```{solution-end}")[0]
    code = re.search(r"```\{code-cell\}[^\n]*\n(.*?)\n```", inside, flags=re.DOTALL).group(1)
    (tmp_path / "book_solution.py").write_text(
        "import numpy as np\nfrom scratchnn.exercises import check_sigmoid\n\n" + code
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("book_solution")  # runs the solution cell, with its check
    assert ex.check_sigmoid(module.my_sigmoid).passed
    assert not record_to.exists(), "the book's solution was recorded as the learner's pass"
    assert _recording.is_book_solution("check_sigmoid", module.my_sigmoid)
    assert not _recording.is_book_solution("check_sigmoid", good_sigmoid)
