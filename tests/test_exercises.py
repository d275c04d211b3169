"""The exercise checkers: right solutions pass, each classic mistake gets exactly its diagnosis code."""

import sys

import numpy as np
import pytest

import scratchnn as snn
from scratchnn import exercises as ex
from scratchnn.exercises.training import reference_step


def flat(text) -> str:
    """A report's text with its line wrapping undone."""
    return " ".join(str(text).split())


# ---- right solutions, written as a learner would --------------------------------------------------------------


def sigmoid(A):
    return np.exp(-np.logaddexp(0.0, -A))


def softmax(A):
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def cross_entropy(Y, T):
    return -np.mean(np.log(Y[T == 1]))


def forward(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    return Z, softmax(Z @ V + c)


def backward(X, Z, Y, T, V):
    dA = (Y - T) / len(X)
    dH = (dA @ V.T) * Z * (1 - Z)
    return X.T @ dH, dH.sum(axis=0), Z.T @ dA, dA.sum(axis=0)


def deep_backward(Zs, Y, T, Ws, through_weights=True):
    """The any-depth recursion; without the product with W_l^T when through_weights is False (a mistake)."""
    delta = (Y - T) / len(Y)
    dWs, dbs = [], []
    for l in range(len(Ws), 0, -1):
        dWs.insert(0, Zs[l - 1].T @ delta)
        dbs.insert(0, delta.sum(axis=0))
        if l > 1:
            delta = (delta @ Ws[l - 1].T if through_weights else delta) * Zs[l - 1] * (1 - Zs[l - 1])
    return dWs, dbs


def train_step(params, X, T, lr):
    Z, Y = forward(X, params["W1"], params["b1"], params["W2"], params["b2"])
    dW, db, dV, dc = backward(X, Z, Y, T, params["W2"])
    return {
        "W1": params["W1"] - lr * dW,
        "b1": params["b1"] - lr * db,
        "W2": params["W2"] - lr * dV,
        "b2": params["b2"] - lr * dc,
    }


def train_step_in_place(params, X, T, lr):
    grads = dict(zip(("W1", "b1", "W2", "b2"), backward(X, *_ZY(params, X), T, params["W2"]), strict=True))
    for key, g in grads.items():
        params[key] -= lr * g
    return params


def _ZY(params, X):
    Z, Y = forward(X, params["W1"], params["b1"], params["W2"], params["b2"])
    return Z, Y


def momentum(theta, v, g, lr, beta):
    v = beta * v + g
    return theta - lr * v, v


def adam(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g**2
    return theta - lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps), m, s


ALL_CHECKERS = [
    ex.check_sigmoid,
    ex.check_softmax,
    ex.check_cross_entropy,
    ex.check_forward,
    ex.check_backward,
    ex.check_deep_backward,
    ex.check_train_step,
    ex.check_momentum,
    ex.check_adam,
]

RIGHT = [
    (ex.check_sigmoid, sigmoid),
    (ex.check_sigmoid, snn.sigmoid),
    (ex.check_softmax, softmax),
    (ex.check_cross_entropy, cross_entropy),
    (ex.check_forward, forward),
    (ex.check_backward, backward),
    (ex.check_deep_backward, deep_backward),
    (ex.check_train_step, train_step),
    (ex.check_momentum, momentum),
    (ex.check_adam, adam),
]


@pytest.mark.parametrize(("check", "fn"), RIGHT, ids=lambda v: getattr(v, "__name__", ""))
def test_right_solutions_pass(check, fn):
    result = check(fn)
    assert result.passed, result
    assert result.diagnoses == ()
    assert all(row.verdict == "ok" for row in result.rows)
    assert "passed" in str(result) and "passed" in result._repr_html_()


def stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize(
    "check",
    ALL_CHECKERS,
)
def test_a_stub_is_not_implemented_and_reports_cleanly(check):
    result = check(stub)
    assert not result.passed
    assert result.diagnoses == ("not-implemented",)
    assert all(row.verdict == "not run" for row in result.rows)
    text = str(result)
    assert "NotImplementedError" in text and "Traceback" not in text


# ---- wrong solutions: each gets exactly its code ---------------------------------------------------------------


def naive_sigmoid(A):
    return 1 / (1 + np.exp(-A))


def naive_softmax(A):
    E = np.exp(A)
    return E / E.sum(axis=1, keepdims=True)


def forward_b_for_c(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    return Z, softmax(Z @ V + b)


def naive_forward(X, W, b, V, c):
    Z = naive_sigmoid(X @ W + b)
    return Z, naive_softmax(Z @ V + c)


def backward_seed_hidden(X, Z, Y, T, V):
    """The seed's derivation: no sum over k and no V (runs only when M == K)."""
    dA = (Y - T) / len(X)
    dH = dA * Z * (1 - Z)
    return X.T @ dH, dH.sum(axis=0), Z.T @ dA, dA.sum(axis=0)


def backward_modified(change):
    def fn(X, Z, Y, T, V):
        return change(*backward(X, Z, Y, T, V), len(X))

    return fn


def step_variant(**kwargs):
    def fn(params, X, T, lr):
        return reference_step(params, X, T, lr, **kwargs)

    return fn


def step_stale(params, X, T, lr):
    """Each layer updated as soon as its gradient is known, from the output back."""
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    Z, Y = forward(X, W1, b1, W2, b2)
    dA = (Y - T) / len(X)
    W2 = W2 - lr * Z.T @ dA
    b2 = b2 - lr * dA.sum(axis=0)
    dH = (dA @ W2.T) * Z * (1 - Z)
    return {"W1": W1 - lr * X.T @ dH, "b1": b1 - lr * dH.sum(axis=0), "W2": W2, "b2": b2}


def adam_no_correction(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g**2
    return theta - lr * m / (np.sqrt(s) + eps), m, s


WRONG = [
    # (checker, wrong function, the exact diagnoses)
    (ex.check_sigmoid, naive_sigmoid, ("overflow",)),
    (ex.check_sigmoid, lambda A: sigmoid(-A), ("sign-flipped",)),
    (ex.check_sigmoid, lambda A: sigmoid(A).ravel(), ("wrong-shape",)),
    (ex.check_softmax, naive_softmax, ("overflow",)),
    (ex.check_softmax, lambda A: softmax(A.T).T, ("wrong-axis",)),
    (ex.check_softmax, lambda A: softmax(-A), ("sign-flipped",)),
    (ex.check_softmax, lambda A: softmax(A)[:, :-1], ("wrong-shape",)),
    (ex.check_cross_entropy, lambda Y, T: -np.sum(np.log(Y[T == 1])), ("summed-not-mean",)),
    (ex.check_cross_entropy, lambda Y, T: np.mean(np.log(Y[T == 1])), ("sign-flipped",)),
    (ex.check_cross_entropy, lambda Y, T: -np.sum(T * np.log(Y)) / len(Y), ("log-of-zero",)),
    (ex.check_cross_entropy, lambda Y, T: np.sum(T * np.log(Y)), ("summed-not-mean", "sign-flipped", "log-of-zero")),
    (ex.check_cross_entropy, lambda Y, T: -np.log(Y[T == 1]), ("wrong-shape",)),
    (ex.check_cross_entropy, lambda Y, T: -np.mean(T * np.log(Y + 1e-300)), ("other",)),
    (ex.check_forward, forward_b_for_c, ("wrong-bias",)),
    (ex.check_forward, lambda *a: forward(*a)[::-1], ("swapped-outputs",)),
    (ex.check_forward, naive_forward, ("overflow",)),
    (ex.check_forward, lambda X, W, b, V, c: forward(-X, W, -b, V, c), ("sign-flipped",)),
    (ex.check_backward, backward_seed_hidden, ("missing-sum-over-k",)),
    (
        ex.check_backward,
        backward_modified(lambda dW, db, dV, dc, N: (N * dW, N * db, N * dV, N * dc)),
        ("summed-not-mean",),
    ),
    (ex.check_backward, backward_modified(lambda dW, db, dV, dc, N: (-dW, -db, -dV, -dc)), ("sign-flipped",)),
    (ex.check_backward, backward_modified(lambda dW, db, dV, dc, N: (dW, db, dV.T, dc)), ("transposed",)),
    (ex.check_backward, backward_modified(lambda dW, db, dV, dc, N: (dW, dc, dV, db)), ("swapped-bias-gradients",)),
    (ex.check_backward, backward_modified(lambda dW, db, dV, dc, N: (dW, db, dV)), ("wrong-shape",)),
    (ex.check_backward, backward_modified(lambda dW, db, dV, dc, N: (dW, db, 2 * dV, dc)), ("other",)),
    (ex.check_deep_backward, lambda *a: deep_backward(*a, through_weights=False), ("missing-sum-over-k",)),
    (
        ex.check_deep_backward,
        lambda *a: tuple([len(a[2]) * g for g in gs] for gs in deep_backward(*a)),
        ("summed-not-mean",),
    ),
    (ex.check_deep_backward, lambda *a: ([g.T for g in deep_backward(*a)[0]], deep_backward(*a)[1]), ("transposed",)),
    (ex.check_deep_backward, lambda *a: deep_backward(*a)[0], ("wrong-shape",)),
    (ex.check_train_step, step_stale, ("stale-weights",)),
    (ex.check_train_step, step_variant(output_bias="b1"), ("wrong-bias",)),
    (ex.check_train_step, step_variant(through_W2=False), ("missing-sum-over-k",)),
    (ex.check_train_step, step_variant(factor=-1.0), ("sign-flipped",)),
    (ex.check_train_step, lambda p, X, T, lr: step_variant(factor=float(len(X)))(p, X, T, lr), ("summed-not-mean",)),
    (
        ex.check_train_step,
        lambda p, X, T, lr: step_variant(factor=float(len(X)), stale=True)(p, X, T, lr),
        ("summed-not-mean", "stale-weights"),
    ),
    (ex.check_train_step, lambda p, X, T, lr: [p["W1"]], ("wrong-type",)),
    (ex.check_train_step, train_step_in_place, ("changed-input",)),
    (ex.check_train_step, lambda p, X, T, lr: step_variant()(p, X, T, 2 * lr), ("other",)),
    (ex.check_momentum, lambda th, v, g, lr, beta: (th - lr * v, beta * v + g), ("stale-velocity",)),
    (ex.check_momentum, lambda th, v, g, lr, beta: (th + lr * (beta * v + g), beta * v + g), ("sign-flipped",)),
    (
        ex.check_momentum,
        lambda th, v, g, lr, beta: (th - lr * (beta * v + (1 - beta) * g), beta * v + (1 - beta) * g),
        ("other",),
    ),
    (ex.check_momentum, lambda th, v, g, lr, beta: th - lr * (beta * v + g), ("wrong-type",)),
    (ex.check_adam, adam_no_correction, ("no-bias-correction",)),
    (ex.check_adam, lambda th, *a, **k: (2 * th - adam(th, *a, **k)[0], *adam(th, *a, **k)[1:]), ("sign-flipped",)),
    (ex.check_adam, lambda *a, **k: adam(*a)[:2], ("wrong-shape",)),
]


@pytest.mark.parametrize(
    ("check", "fn", "codes"),
    WRONG,
    ids=[f"{c.__name__}-{'+'.join(d)}" for c, _, d in WRONG],
)
def test_each_mistake_gets_exactly_its_diagnosis(check, fn, codes):
    result = check(fn)
    assert not result.passed
    assert set(result.diagnoses) == set(codes), result
    assert result.diagnoses == tuple(c for c in ex.CODES if c in codes)  # in the report's fixed order
    for code in codes:
        assert ex.HINTS[code] in flat(result)


LEARNER_PROGRAM_CODES = ("no-seed", "not-converged", "wrong-targets", "global-max", "eps-inside-sqrt",
                         "missing-keepdims", "wrong-dtype")  # fmt: skip


def test_every_code_is_tested():
    tested = {code for _, _, codes in WRONG for code in codes} | {"not-implemented", "exception"}
    # the rest are given by check_seed_fix (tests/test_seed_fix.py) or tried in tests/test_learner_programs.py
    assert set(ex.CODES) - tested <= set(LEARNER_PROGRAM_CODES)


# ---- errors inside the learner's function ---------------------------------------------------------------------


def backward_that_crashes(X, Z, Y, T, V):
    dA = (Y - T) / len(X)
    dH = dA @ V * Z  # V instead of V.T
    return X.T @ dH, dH.sum(axis=0), Z.T @ dA, dA.sum(axis=0)


def test_an_error_names_the_learners_own_line():
    result = ex.check_backward(backward_that_crashes)
    assert result.diagnoses == ("exception",)
    text = flat(result)
    assert "Your function raised ValueError: matmul" in text
    assert "in `backward_that_crashes`, line " in text and "dH = dA @ V * Z # V instead of V.T" in text
    line = backward_that_crashes.__code__.co_firstlineno + 2
    assert f"line {line}:" in text
    assert "Traceback" not in text and "site-packages" not in text


def test_an_error_inside_numpy_points_at_the_line_that_called_it():
    def fn(A):
        return np.exp(A).reshape(7, 7)

    result = ex.check_sigmoid(fn)
    assert result.diagnoses == ("exception",)
    assert "in `fn`, line" in flat(result) and "np.exp(A).reshape(7, 7)" in flat(result)


@pytest.mark.parametrize("check", ALL_CHECKERS)
def test_a_missing_return_is_named(check):
    result = check(lambda *args, **kwargs: None)
    assert result.diagnoses == ("wrong-type",)
    assert "Your function returned None: is its `return` line missing?" in flat(result)


def test_warnings_inside_the_learners_function_do_not_escape(recwarn):
    ex.check_softmax(naive_softmax)
    ex.check_cross_entropy(lambda Y, T: -np.sum(T * np.log(Y)) / len(Y))
    assert len(recwarn) == 0


# ---- the checkers themselves ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check",
    ALL_CHECKERS,
)
@pytest.mark.parametrize("bad", [None, 3, "backward", np.zeros(3)], ids=["None", "int", "str", "array"])
def test_a_checker_wants_a_function(check, bad):
    with pytest.raises(TypeError, match=r"fn must be your function \(a callable\)"):
        check(bad)


def test_checks_are_deterministic():
    first, second = ex.check_backward(backward_seed_hidden), ex.check_backward(backward_seed_hidden)
    assert str(first) == str(second) and first.rows == second.rows


def test_hints_one_at_a_time(capsys):
    result = ex.check_cross_entropy(lambda Y, T: np.sum(T * np.log(Y)))
    for i, code in enumerate(result.diagnoses, start=1):
        result.hint()
        assert flat(capsys.readouterr().out) == f"Hint {i} of 3: {code}: {ex.HINTS[code]}"
    result.hint()
    assert "No more hints" in capsys.readouterr().out
    ex.check_sigmoid(sigmoid).hint()
    assert "this check passed" in capsys.readouterr().out


def test_html_report_escapes_and_lists_hints():
    result = ex.check_forward(forward_b_for_c)
    page = result._repr_html_()
    assert "<table>" in page and "wrong-bias" in page and "<td>Y</td>" in page
    assert "Z @ V + c" in page and "&lt;" not in ex.HINTS["wrong-bias"]


@pytest.mark.skipif(sys.platform == "emscripten", reason="Pyodide: no subprocesses")
def test_the_package_exports_the_checkers_lazily():
    import subprocess

    code = "import sys, scratchnn; assert 'scratchnn.exercises' not in sys.modules; scratchnn.exercises.check_adam"
    subprocess.run([sys.executable, "-c", code], check=True)
