"""check_seed_fix's hint() follows the learner's program: fixes made in different orders, in a notebook-like
namespace, with hint() asked of the new check and of stale ones after each fix."""

import json
import re

import numpy as np
import pytest

from scratchnn import exercises as ex
from scratchnn.exercises import seed

# The bug hunt's faults, one unit per problem as the hints number them: what each fix changes in the program.
FIXES = {
    1: {"output_bias": "b2"},
    2: {"fresh": True},
    3: {"mean": True, "lr": 1.0},
    4: {"descend": True},
    5: {"stable": True},
    6: {"seeded": True},
}
AS_GIVEN = {"output_bias": "b1", "fresh": False, "mean": False, "descend": False, "stable": False, "seeded": False,
            "lr": 10e-7}  # fmt: skip


def sources(output_bias, fresh, mean, descend, stable, seeded, lr):
    """The source of each of the program's four functions, with each fault present or fixed."""
    sigmoid = "np.exp(-np.logaddexp(0.0, -A1))" if stable else "1 / (1 + np.exp(-A1))"
    shifted = "A2 - A2.max(axis=1, keepdims=True)" if stable else "A2"
    loglik = "np.sum(np.log(Y[T == 1]))" if stable else "np.sum(T * np.log(Y))"
    W2 = "W2_used" if fresh else "params['W2']"
    return {
        "forward": f"def forward(X, W1, b1, W2, b2):\n    A1 = X @ W1 + b1\n    Z = {sigmoid}\n"
        f"    A2 = Z @ W2 + b2\n    E = np.exp({shifted})\n    return Z, E / E.sum(axis=1, keepdims=True)\n",
        "cost": f"def cost(Y, T):\n    J = {loglik}{' / len(T)' if mean else ''}\n"
        f"    return {'-J' if descend else 'J'}\n",
        "step": "def step(params, X, T, lr):\n    W2_used = params['W2'].copy()\n"
        f"    Z, Y = forward(X, params['W1'], params['b1'], params['W2'], params['{output_bias}'])\n"
        f"    dA = (Y - T){' / len(T)' if mean else ''}\n"
        "    params['W2'] -= lr * Z.T @ dA\n    params['b2'] -= lr * dA.sum(axis=0)\n"
        f"    dH = (dA @ {W2}.T) * Z * (1 - Z)\n"
        "    params['W1'] -= lr * X.T @ dH\n    params['b1'] -= lr * dH.sum(axis=0)\n    return params\n",
        "train": f"def train(X, labels, epochs=2000, lr={lr!r}, M=3):\n"
        f"    rng = np.random.default_rng({'0' if seeded else ''})\n"
        "    T = np.eye(labels.max() + 1)[labels]\n"
        "    params = {'W1': rng.standard_normal((X.shape[1], M)), 'b1': rng.standard_normal(M),\n"
        "              'W2': rng.standard_normal((M, T.shape[1])), 'b2': rng.standard_normal(T.shape[1])}\n"
        "    costs = []\n    for epoch in range(epochs):\n        if epoch % 200 == 0:\n"
        f"            Z, Y = forward(X, params['W1'], params['b1'], params['W2'], params['{output_bias}'])\n"
        "            costs.append(cost(Y, T))\n            print(epoch, costs[-1])\n"
        "        step(params, X, T, lr)\n    return params, costs\n",
    }


class Learner:
    """A notebook's namespace holding the program; `fix(n)` redefines only the functions that fix n changes."""

    def __init__(self):
        self.config = dict(AS_GIVEN)
        self.namespace = {"np": np, "__name__": "__main__"}
        self.fixed = set()
        self._define(sources(**self.config))

    def _define(self, changed):
        for source in changed.values():
            exec(compile(source, "<learner>", "exec"), self.namespace)
        self.namespace["_state"] = frozenset(self.fixed)  # the key under which the tests cache a check

    def fix(self, problem):
        before = sources(**self.config)
        self.config.update(FIXES[problem])
        self.fixed.add(problem)
        after = sources(**self.config)
        self._define({name: text for name, text in after.items() if text != before[name]})

    def program(self):
        return [self.namespace[name] for name in ("forward", "cost", "step", "train")]


@pytest.fixture
def cached_checks(monkeypatch):
    """Check each state of the program once (training dominates the check); count every check asked for."""
    cache, calls, real = {}, [], seed._findings

    def findings(forward, cost, step, train):
        key = forward.__globals__["_state"]
        calls.append(key)
        if key not in cache:
            cache[key] = real(forward, cost, step, train)
        return cache[key]

    monkeypatch.setattr(seed, "_findings", findings)
    ex.seed.reset_hints()
    yield calls
    ex.seed.reset_hints()


HINT = re.compile(r"\(problem (\d)\) Hint (\d) of 2:")


def ask(result, capsys):
    result.hint()
    return capsys.readouterr().out


def follow(learner, out, seen):
    """The problem a hint is about: still present, and its nudge (hint 1) before its pointer (hint 2). After
    both hints of every problem present come the check's other findings (one hint each, no problem number)."""
    match = HINT.search(out)
    if match is None:
        assert "Hint 1 of 1: " in out and "(problem" not in out, out
        assert all(seen.get(n, 0) == 2 for n in set(FIXES) - learner.fixed), (seen, out)
        return None
    problem, index = int(match[1]), int(match[2])
    assert problem not in learner.fixed, f"hint about fixed problem {problem} (fixed: {learner.fixed}): {out}"
    if "seen every hint" in out:
        assert seen.get(problem, 0) == 2, out
    else:
        assert index == seen.get(problem, 0) + 1, (problem, index, seen, out)
        seen[problem] = index
    return problem


@pytest.mark.slow
@pytest.mark.parametrize("order", [(1, 2, 3, 4, 5, 6), (6, 5, 4, 3, 2, 1), (3, 1, 5, 2, 6, 4)])
def test_hint_follows_the_program_fixed_in_any_order(order, cached_checks, capsys):
    learner = Learner()
    first = ex.check_seed_fix(*learner.program())
    seen = {}
    out = ask(first, capsys)
    assert "checked again" not in out
    assert follow(learner, out, seen) == 1  # the hunt's first problem, with its nudge
    previous = first
    for problem in order:
        learner.fix(problem)
        for stale in [first] if previous is first else [first, previous]:  # checks made before this fix
            out = ask(stale, capsys)
            assert out.startswith("Your program changed since this check, so it was checked again first."), out
            if learner.fixed != set(FIXES):
                follow(learner, out, seen)
        new = ex.check_seed_fix(*learner.program())
        out = ask(new, capsys)
        assert "checked again" not in out
        if learner.fixed != set(FIXES):
            follow(learner, out, seen)
            assert not new.passed
        previous = new
    assert new.passed, new
    assert all(ask(result, capsys) == "No hints: your program passes check_seed_fix.\n" for result in (first, new))
    assert seen.get(order[0], 0) <= 2 and set(seen) <= set(FIXES)


def test_a_new_check_goes_on_with_the_pointer(cached_checks, capsys):
    learner = Learner()
    outs = [ask(ex.check_seed_fix(*learner.program()), capsys) for _ in range(3)]
    assert [HINT.search(out).groups() for out in outs] == [("1", "1"), ("1", "2"), ("2", "1")]
    ex.seed.reset_hints()
    assert HINT.search(ask(ex.check_seed_fix(*learner.program()), capsys)).groups() == ("1", "1")


def test_hint_checks_again_only_when_something_was_redefined(cached_checks, capsys):
    learner = Learner()
    result = ex.check_seed_fix(*learner.program())
    assert len(cached_checks) == 1
    ask(result, capsys)
    learner.namespace["unrelated"] = lambda: None
    learner.namespace["epoch"] = 3
    ask(result, capsys)
    assert len(cached_checks) == 1
    # forward, called by step and train, redefined with the same text: a redefinition all the same
    exec(compile(sources(**learner.config)["forward"], "<learner>", "exec"), learner.namespace)
    out = ask(result, capsys)
    assert "checked again" in out and len(cached_checks) == 2
    # the name cost reused for a number: train now calls a number, so the program changed; the check of the
    # cost function itself keeps the function the check was given, and nothing raises
    learner.namespace["cost"] = 0.25
    out = ask(result, capsys)
    assert "checked again" in out and len(cached_checks) == 3


def test_the_report_says_what_is_checked_not_the_fix(cached_checks):
    text = str(ex.check_seed_fix(*Learner().program()))
    assert "6 of 6 parts fail" in text and "Call .hint() on this result" in text
    for _, nudge, pointer in seed.PROBLEMS:
        assert nudge not in text and pointer not in text


def test_a_check_made_by_hint_is_recorded_like_any_other(cached_checks, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SCRATCHNN_PROGRESS", "on")
    monkeypatch.setenv("SCRATCHNN_PROGRESS_FILE", str(tmp_path / "progress.json"))
    learner = Learner()
    result = ex.check_seed_fix(*learner.program())

    def state():
        return json.loads((tmp_path / "progress.json").read_text())["exercises"]["bughunt-ex-hunt"]["state"]

    assert state() == "failed"
    for problem in FIXES:
        learner.fix(problem)
    assert ask(result, capsys).endswith("No hints: your program passes check_seed_fix.\n")
    assert state() == "passed"
