"""check_seed_fix on the bug hunt's program: as given, fixed, and fixed but for one problem."""

import numpy as np
import pytest

from scratchnn import exercises as ex

FIXED = {"output_bias": "b2", "fresh": True, "mean": True, "descend": True, "stable": True, "seeded": True, "lr": 1.0}
AS_GIVEN = {"output_bias": "b1", "fresh": False, "mean": False, "descend": False, "stable": False, "seeded": False,
            "lr": 10e-7}  # fmt: skip


def program(output_bias, fresh, mean, descend, stable, seeded, lr):
    """The hunt's program (forward, cost, step, train), with each problem present or fixed."""

    def forward(X, W1, b1, W2, b2):
        A1 = X @ W1 + b1
        Z = np.exp(-np.logaddexp(0.0, -A1)) if stable else 1 / (1 + np.exp(-A1))
        A2 = Z @ W2 + b2
        E = np.exp(A2 - A2.max(axis=1, keepdims=True)) if stable else np.exp(A2)
        return Z, E / E.sum(axis=1, keepdims=True)

    def cost(Y, T):
        loglik = np.sum(np.log(Y[T == 1])) if stable else np.sum(T * np.log(Y))
        scaled = loglik / len(T) if mean else loglik
        return -scaled if descend else scaled

    def step(params, X, T, lr):
        W2_used = params["W2"].copy()  # the W2 of the forward pass
        Z, Y = forward(X, params["W1"], params["b1"], params["W2"], params[output_bias])
        dA = (Y - T) / (len(T) if mean else 1.0)  # the seed's ascent on the summed log-likelihood is this step too
        params["W2"] -= lr * Z.T @ dA
        params["b2"] -= lr * dA.sum(axis=0)
        dH = (dA @ (W2_used if fresh else params["W2"]).T) * Z * (1 - Z)
        params["W1"] -= lr * X.T @ dH
        params["b1"] -= lr * dH.sum(axis=0)
        return params

    def train(X, labels, epochs=2000, M=3):
        rng = np.random.default_rng(0) if seeded else np.random.default_rng()
        D = X.shape[1]
        K = labels.max() + 1
        T = np.eye(K)[labels]
        params = {"W1": rng.standard_normal((D, M)), "b1": rng.standard_normal(M),
                  "W2": rng.standard_normal((M, K)), "b2": rng.standard_normal(K)}  # fmt: skip
        costs = []
        for epoch in range(epochs):
            if epoch % 200 == 0:
                costs.append(cost(forward(X, *(params[k] for k in ("W1", "b1", "W2")), params[output_bias])[1], T))
                print(epoch, costs[-1])
            step(params, X, T, lr)
        return params, costs

    return forward, cost, step, train


@pytest.mark.slow
def test_the_fixed_program_passes(capsys):
    result = ex.check_seed_fix(*program(**FIXED))
    assert result.passed and result.diagnoses == (), result
    assert capsys.readouterr().out == ""  # train's printing is swallowed
    result.hint()
    assert capsys.readouterr().out == "No hints: your program passes check_seed_fix.\n"


@pytest.mark.slow
def test_the_program_as_given_fails_every_part_and_hints_at_every_problem(capsys):
    result = ex.check_seed_fix(*program(**AS_GIVEN))
    assert not result.passed
    assert all(row.verdict == "wrong" for row in result.rows), result
    expected = {"summed-not-mean", "sign-flipped", "wrong-bias", "overflow", "log-of-zero", "stale-weights",
                "no-seed", "not-converged"}  # fmt: skip
    assert set(result.diagnoses) == expected
    text = str(result)
    assert "6 of 6 parts fail" in text and "Call .hint() on this result" in text
    for code in expected:  # the report itself names no problem: the hints do, one at a time
        assert code not in text and ex.HINTS[code] not in text
    ex.seed.reset_hints()
    shown = []
    for _ in range(len(result.hints) + 1):
        result.hint()
        shown.append(capsys.readouterr().out)
    ex.seed.reset_hints()
    assert shown[0].startswith("(problem 1) Hint 1 of 2: ")
    assert shown[1].startswith("(problem 1) Hint 2 of 2: ")
    assert [f"(problem {n})" in "".join(shown) for n in range(1, 8)] == [True] * 6 + [False]
    assert shown[-1].startswith("You have seen every hint for what is still wrong. Again: (problem 1) Hint 2 of 2")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({"seeded": False}, {"no-seed"}),
        ({"lr": 1e-3}, {"not-converged"}),
        ({"fresh": False}, {"stale-weights"}),
        ({"output_bias": "b1"}, {"wrong-bias", "not-converged"}),
    ],
)
def test_one_problem_left(change, codes):
    result = ex.check_seed_fix(*program(**{**FIXED, **change}))
    assert set(result.diagnoses) == codes, result


def test_the_checker_names_its_bad_argument():
    forward, cost, _, train = program(**FIXED)
    with pytest.raises(TypeError, match=r"^step must be your function"):
        ex.check_seed_fix(forward, cost, "step", train)
