"""The adversarial suite: every learner program in tests/learner_programs gets exactly its expected verdict.

Each program runs in three floating-point modes: as on a desktop; with NumPy's floating-point errors ignored,
as in the browser (Pyodide raises no floating-point flags); and with them raised. The verdicts must agree: no
checker may rely on a flag.
"""

import importlib

import numpy as np
import pytest

from scratchnn import exercises as ex

CHECKERS = {
    "sigmoid": ex.check_sigmoid,
    "softmax": ex.check_softmax,
    "cross_entropy": ex.check_cross_entropy,
    "forward": ex.check_forward,
    "backward": ex.check_backward,
    "deep_backward": ex.check_deep_backward,
    "train_step": ex.check_train_step,
    "momentum": ex.check_momentum,
    "adam": ex.check_adam,
}

PROGRAMS = [
    (module, name, fn, expected)
    for module in CHECKERS
    for name, fn, expected in importlib.import_module(f"learner_programs.{module}").PROGRAMS
]

MODES = {
    "desktop": lambda: np.errstate(),
    "no-fp-flags": lambda: np.errstate(all="ignore"),
    "fp-raise": lambda: np.errstate(all="raise", under="ignore"),
}


def verdict(check, fn, mode: str):
    with MODES[mode]():
        result = check(fn)
    text = str(result)  # the report itself must build, whatever the program returned
    assert result.name in text and "Traceback" not in text
    return "pass" if result.passed else result.diagnoses


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(
    ("module", "name", "fn", "expected"), PROGRAMS, ids=[f"{module}-{name}" for module, name, _, _ in PROGRAMS]
)
def test_each_program_gets_its_verdict(module, name, fn, expected, mode):
    result = verdict(CHECKERS[module], fn, mode)
    assert result == expected


SEED_PROGRAMS = importlib.import_module("learner_programs.seed_fix").PROGRAMS


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["desktop", "no-fp-flags"])
@pytest.mark.parametrize(("name", "pieces", "expected"), SEED_PROGRAMS, ids=[p[0] for p in SEED_PROGRAMS])
def test_each_bug_hunt_program_gets_its_verdict(name, pieces, expected, mode, capsys):
    assert verdict(lambda program: ex.check_seed_fix(*program), pieces(), mode) == expected
    assert capsys.readouterr().out == ""  # what train prints is swallowed


def test_the_suite_is_large_and_covers_every_checker_both_ways():
    assert len(PROGRAMS) + len(SEED_PROGRAMS) >= 100
    for module in CHECKERS:
        verdicts = [expected for m, _, _, expected in PROGRAMS if m == module]
        assert verdicts.count("pass") >= 4 and len(verdicts) - verdicts.count("pass") >= 5, module


def test_every_diagnosis_is_given_to_some_program():
    given = {code for *_, expected in PROGRAMS + SEED_PROGRAMS if expected != "pass" for code in expected}
    assert set(ex.CODES) == given


def test_no_hint_says_just_or_simply():
    for code, hint in ex.HINTS.items():
        words = hint.lower().replace(",", " ").split()
        assert "just" not in words and "simply" not in words, code


def _generator():
    yield np.zeros(3)


ODD_VALUES = {
    "None": None,
    "int": 3,
    "str": "Y",
    "empty list": [],
    "empty dict": {},
    "ragged list": [[1.0, 2.0], [3.0]],
    "strings": np.array(["a", "b"]),
    "objects": np.array([object(), object()]),
    "complex": np.ones((2, 2), dtype=complex),
    "generator": _generator(),
    "nan": float("nan"),
    "tuple of None": (None, None, None, None),
    "dict of strings": {"W1": "a", "b1": "b", "W2": "c", "b2": "d"},
}


@pytest.mark.parametrize("value", list(ODD_VALUES.values()), ids=list(ODD_VALUES))
@pytest.mark.parametrize("module", list(CHECKERS))
def test_odd_return_values_get_a_report_not_an_error(module, value):
    result = CHECKERS[module](lambda *args, **kwargs: value)
    assert not result.passed and result.diagnoses
    assert "Traceback" not in str(result)


def test_every_diagnosis_has_a_hint_of_its_own():
    assert len(set(ex.HINTS.values())) == len(ex.HINTS) == len(ex.CODES)
