"""Checkers for updates: one step of gradient descent, momentum and Adam.

The learner's function may update its arrays in place or return new ones: the checkers pass copies and
compare only the returned values.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..activations import sigmoid, softmax
from ._report import (
    NONE_MESSAGE,
    as_array,
    call,
    check_callable,
    error_codes,
    make_result,
    merge_rows,
    not_run,
    recognise,
    row,
    same,
    unpack,
    unpack_message,
)

__all__ = ["check_adam", "check_momentum", "check_train_step", "reference_step"]

KEYS = ("W1", "b1", "W2", "b2")


def reference_step(params, X, T, lr, *, factor=1.0, stale=False, output_bias="b2", through_W2=True):
    r"""One step of gradient descent on the mean cross-entropy, and the classic ways of getting it wrong.

    Parameters
    ----------
    params : dict with W1 (D, M), b1 (M,), W2 (M, K), b2 (K,)
    X : ndarray (N, D)
    T : ndarray (N, K), one-hot
    lr : float
    factor : float
        The step uses ``factor`` times the gradient: 1 is right, N a summed loss, -1 ascent.
    stale : bool
        Compute the gradient of W1 and b1 with the already-updated W2 (the seed's order).
    output_bias : {"b2", "b1"}
        The bias added to the logits ("b1" is the seed's ``forward(X, W1, b1, W2, b1)``; needs M == K).
    through_W2 : bool
        False: the hidden layer's error without the product with W2 (the seed's derivation; needs M == K).

    Returns
    -------
    dict of the new values (`params` is not changed). Introduced in chapter `training`.
    """
    W1, b1, W2, b2 = (params[k] for k in KEYS)
    Z = sigmoid(X @ W1 + b1)
    Y = softmax(Z @ W2 + params[output_bias])
    delta = factor * (Y - T) / len(X)
    new = {"W2": W2 - lr * Z.T @ delta, "b2": b2 - lr * delta.sum(axis=0)}
    V = new["W2"] if stale else W2
    delta_hidden = (delta @ V.T if through_W2 else delta) * Z * (1 - Z)
    new["W1"] = W1 - lr * X.T @ delta_hidden
    new["b1"] = b1 - lr * delta_hidden.sum(axis=0)
    return {k: new[k] for k in KEYS}


def _case(rng, N, D, M, K):
    params = {"W1": rng.normal(size=(D, M)), "b1": rng.normal(size=M), "W2": rng.normal(size=(M, K)),
              "b2": rng.normal(size=K)}  # fmt: skip
    labels = np.arange(N) % K
    rng.shuffle(labels)
    return params, rng.normal(scale=1.5, size=(N, D)), np.eye(K)[labels]


def check_train_step(fn):
    r"""Check the learner's step of gradient descent for the one-hidden-layer network (chapter `training`).

    Parameters
    ----------
    fn : callable
        ``fn(params, X, T, lr) -> params``: `params` a dict with ``W1`` (D, M), ``b1`` (M,), ``W2`` (M, K),
        ``b2`` (K,) (the course's W, b, V, c), `X` (N, D), `T` (N, K) one-hot, `lr` the learning rate. Returns a
        dict with the new values :math:`\theta - \eta\, \partial J/\partial\theta` for the mean cross-entropy J,
        every gradient taken at the old values. Updating in place is allowed; the returned dict is compared.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape`` (not a dict of the four arrays),
        ``stale-weights`` (W1's gradient from the updated W2), ``wrong-bias`` (b1 added to the logits, M == K),
        ``missing-sum-over-k`` (the hidden error without W2, M == K), ``summed-not-mean``, ``sign-flipped``
        (ascent), ``other``. Any combination of them, as in the seed's
        loop, is recognised.
    """
    check_callable(fn)
    rng = np.random.default_rng(7)
    per_case, codes, messages = [], [], []
    for label, (N, D, M, K), lr in [("M=4, K=3", (7, 2, 4, 3), 0.5), ("M=K=3", (6, 2, 3, 3), 0.8)]:
        params, X, T = _case(rng, N, D, M, K)
        expected = reference_step(params, X, T, lr)
        result = call(fn, {k: v.copy() for k, v in params.items()}, X.copy(), T.copy(), lr)
        value = result.value
        if not result.ok or not isinstance(value, dict) or any(k not in value for k in KEYS):
            per_case.append([not_run(f"{k} [{label}]", expected[k].shape) for k in KEYS])
            if result.ok:
                codes.append("wrong-shape")
                kind = f"a dict with keys {sorted(value)}" if isinstance(value, dict) else type(value).__name__
                messages.append(
                    NONE_MESSAGE
                    if value is None
                    else f"Your function must return a dict with keys W1, b1, W2, b2; it returned {kind}."
                )
            else:
                codes += error_codes(result)
                messages.append(f"On the case {label}: {result.message}")
            continue
        got = {k: as_array(value[k]) for k in KEYS}
        rows = [row(f"{k} [{label}]", got[k], expected[k]) for k in KEYS]
        per_case.append(rows)
        if all(r.verdict == "ok" for r in rows):
            continue
        messages.append(f"Wrong on the case {label}.")
        codes += _explain_step(params, X, T, lr, got, expected, M == K)
    return make_result("check_train_step", merge_rows(per_case), codes, messages)


def _explain_step(params, X, T, lr, got, expected, square):
    """Codes of the combination of known mistakes that gives exactly the learner's step, if one does."""
    N = len(X)
    factors = {1.0: [], -1.0: ["sign-flipped"], float(N): ["summed-not-mean"], -float(N): ["summed-not-mean",
               "sign-flipped"]}  # fmt: skip
    biases = ("b2", "b1") if square else ("b2",)
    hidden = (True, False) if square else (True,)
    for (factor, fcodes), stale, bias, through in itertools.product(factors.items(), (False, True), biases, hidden):
        candidate = reference_step(params, X, T, lr, factor=factor, stale=stale, output_bias=bias, through_W2=through)
        if all(same(got[k], candidate[k]) for k in KEYS):
            return [
                *fcodes,
                *(["stale-weights"] if stale else []),
                *(["wrong-bias"] if bias == "b1" else []),
                *([] if through else ["missing-sum-over-k"]),
            ]
    codes = []
    for k in KEYS:
        if got[k] is not None and got[k].shape != expected[k].shape:
            codes.append("wrong-shape")
    return codes


def _arrays(rng, shape, n):
    return [rng.normal(size=shape) for _ in range(n)]


def check_momentum(fn):
    r"""Check the learner's momentum update (chapter `optimizers`, the package's ``make_momentum``).

    Parameters
    ----------
    fn : callable
        ``fn(theta, v, g, lr, beta) -> (theta_new, v_new)`` for arrays `theta`, `v` (velocity) and `g`
        (gradient) of any one shape: :math:`v \leftarrow \beta v + g`, then :math:`\theta \leftarrow \theta -
        \eta v` with the new v. Updating in place is allowed; the returned arrays are compared.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape``, ``stale-velocity`` (theta moved by the
        old v), ``sign-flipped``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(8)
    per_case, codes, messages = [], [], []
    for label, shape, lr, beta in [("shape (3, 4)", (3, 4), 0.1, 0.9), ("shape (5,)", (5,), 0.3, 0.5)]:
        theta, v, g = _arrays(rng, shape, 3)
        v_new = beta * v + g
        expected = [theta - lr * v_new, v_new]
        result = call(fn, theta.copy(), v.copy(), g.copy(), lr, beta)
        outputs = unpack(result.value, 2, "theta_new, v_new") if result.ok else None
        if outputs is None:
            per_case.append([not_run(f"{n} [{label}]", shape) for n in ("theta_new", "v_new")])
            codes += error_codes(result) if not result.ok else ["wrong-shape"]
            messages.append(result.message if not result.ok else unpack_message(result.value, 2, "theta_new, v_new"))
            continue
        got = [as_array(o) for o in outputs]
        rows = [row(f"{n} [{label}]", a, e) for n, a, e in zip(("theta_new", "v_new"), got, expected, strict=True)]
        per_case.append(rows)
        if all(r.verdict == "ok" for r in rows):
            continue
        messages.append(f"Wrong on the case {label}.")
        if rows[1].verdict != "ok":
            codes += recognise(got[1], v_new, 1)
        if rows[0].verdict != "ok":
            variants = [(theta - lr * v, ["stale-velocity"]), (theta + lr * v_new, ["sign-flipped"])]
            codes += recognise(got[0], expected[0], 1, variants)
    return make_result("check_momentum", merge_rows(per_case), codes, messages)


def check_adam(fn):
    r"""Check the learner's Adam update (chapter `optimizers`, the package's ``make_adam``).

    Parameters
    ----------
    fn : callable
        ``fn(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8) -> (theta_new, m_new, s_new)`` for arrays
        of any one shape and the step number t (1 for the first step):
        :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g`, :math:`s \leftarrow \beta_2 s + (1 - \beta_2) g^2`,
        :math:`\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)` with
        :math:`\hat m = m / (1 - \beta_1^t)`, :math:`\hat s = s / (1 - \beta_2^t)`. Updating in place is
        allowed; the returned arrays are compared.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-shape``, ``no-bias-correction``,
        ``sign-flipped``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(9)
    names = ("theta_new", "m_new", "s_new")
    per_case, codes, messages = [], [], []
    other = {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}
    cases = [("t=1, defaults", (3, 4), 1, 0.01, {}), ("t=3, defaults", (5,), 3, 0.1, {}),
             ("t=2, beta1=0.8, beta2=0.99, eps=1e-6", (2, 3), 2, 0.05, other)]  # fmt: skip
    for label, shape, t, lr, hyper in cases:
        theta, m, g = _arrays(rng, shape, 3)
        s = rng.random(shape) if t > 1 else np.zeros(shape)
        m = m if t > 1 else np.zeros(shape)
        b1, b2, eps = hyper.get("beta1", 0.9), hyper.get("beta2", 0.999), hyper.get("eps", 1e-8)
        m_new = b1 * m + (1 - b1) * g
        s_new = b2 * s + (1 - b2) * g * g
        step = (m_new / (1 - b1**t)) / (np.sqrt(s_new / (1 - b2**t)) + eps)
        expected = [theta - lr * step, m_new, s_new]
        result = call(fn, theta.copy(), m.copy(), s.copy(), g.copy(), t, lr, **hyper)
        outputs = unpack(result.value, 3, "theta_new, m_new, s_new") if result.ok else None
        if outputs is None:
            per_case.append([not_run(f"{n} [{label}]", shape) for n in names])
            codes += error_codes(result) if not result.ok else ["wrong-shape"]
            messages.append(result.message if not result.ok else unpack_message(result.value, 3, ", ".join(names)))
            continue
        got = [as_array(o) for o in outputs]
        rows = [row(f"{n} [{label}]", a, e) for n, a, e in zip(names, got, expected, strict=True)]
        per_case.append(rows)
        if all(r.verdict == "ok" for r in rows):
            continue
        messages.append(f"Wrong on the case {label}.")
        for i in (1, 2):
            if rows[i].verdict != "ok":
                codes += recognise(got[i], expected[i], 1)
        if rows[0].verdict != "ok":
            raw = m_new / (np.sqrt(s_new) + eps)
            variants = [(theta - lr * raw, ["no-bias-correction"]), (theta + lr * step, ["sign-flipped"]),
                        (theta + lr * raw, ["no-bias-correction", "sign-flipped"])]  # fmt: skip
            codes += recognise(got[0], expected[0], 1, variants)
    return make_result("check_adam", merge_rows(per_case), codes, messages)
