"""Checkers for updates: one step of gradient descent, momentum and Adam.

The training-step and momentum exercises say "change no input in place": their checkers compare the inputs
after the call with copies kept before it and give ``changed-input``, naming the input. Adam's exercise does
not say it, so its checker compares only the returned values.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..activations import sigmoid, softmax
from ._compare import NONE_MESSAGE, as_array, merge_rows, not_run, recognise, row, same, unpack, unpack_message
from ._report import make_result
from ._run import call, case_message, check_callable, error_codes

__all__ = ["changed_inputs", "check_adam", "check_momentum", "check_train_step", "reference_step"]

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


def changed_inputs(names, before, after) -> list[str]:
    """Which inputs the learner's function changed: `before` are copies kept back, `after` what it was given."""
    changed = []
    for name, old, new in zip(names, before, after, strict=True):
        if isinstance(old, dict):
            parts = [f"{name}[{k!r}]" for k in old if k not in new or not _unchanged(old[k], new[k])]
            parts += [f"{name}[{k!r}] (added)" for k in new if k not in old]
            changed += parts
        elif not _unchanged(old, new):
            changed.append(name)
    return changed


def _unchanged(old, new) -> bool:
    return isinstance(new, np.ndarray) and new.shape == old.shape and np.array_equal(new, old, equal_nan=True)


def _changed_message(changed: list[str]) -> str:
    names = ", ".join(changed)
    return f"Your function changed its input {names} in place; this exercise asks you to leave it unchanged."


def check_train_step(fn, *, in_place=False):
    r"""Check the learner's step of gradient descent for the one-hidden-layer network (chapter `training`).

    Parameters
    ----------
    fn : callable
        ``fn(params, X, T, lr) -> params``: `params` a dict with ``W1`` (D, M), ``b1`` (M,), ``W2`` (M, K),
        ``b2`` (K,) (the course's W, b, V, c), `X` (N, D), `T` (N, K) one-hot, `lr` the learning rate. Returns a
        new dict with the new values :math:`\theta - \eta\, \partial J/\partial\theta` for the mean
        cross-entropy J, every gradient taken at the old values, and leaves `params`, `X` and `T` unchanged.
    in_place : bool
        True allows `fn` to update `params` in place (the bug hunt's ``step`` does); the returned dict is
        compared either way.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-type`` (not a dict of the four arrays),
        ``wrong-shape``, ``wrong-dtype``, ``changed-input`` (an input changed in place, named in the message),
        ``stale-weights`` (W1's gradient from the updated W2), ``wrong-bias`` (b1 added to the logits, M == K),
        ``missing-sum-over-k`` (the hidden error without W2, M == K), ``summed-not-mean``, ``sign-flipped``
        (ascent), ``other``. Any combination of them, as in the seed's loop, is recognised.
    """
    check_callable(fn)
    rng = np.random.default_rng(7)
    per_case, codes, messages = [], [], []
    for label, (N, D, M, K), lr in [("M=4, K=3", (7, 2, 4, 3), 0.5), ("M=K=3", (6, 2, 3, 3), 0.8)]:
        params, X, T = _case(rng, N, D, M, K)
        expected = reference_step(params, X, T, lr)
        given = ({k: v.copy() for k, v in params.items()}, X.copy(), T.copy())
        result = call(fn, *given, lr)
        value = result.value
        changed = changed_inputs(("params", "X", "T"), (params, X, T), given)
        if result.ok and changed and not (in_place and all(c.startswith("params[") for c in changed)):
            codes.append("changed-input")
            messages.append(f"On the case {label}: {_changed_message(changed)}")
        if not result.ok or not isinstance(value, dict) or any(k not in value for k in KEYS):
            per_case.append([not_run(f"{k} [{label}]", expected[k].shape) for k in KEYS])
            if result.ok:
                codes.append("wrong-type")
                kind = f"a dict with keys {sorted(map(str, value))}" if isinstance(value, dict) else (
                    f"a {type(value).__name__}")  # fmt: skip
                messages.append(
                    NONE_MESSAGE
                    if value is None
                    else f"Your function must return a dict with keys W1, b1, W2, b2; it returned {kind}."
                )
            else:
                codes += error_codes(result)
                messages.append(case_message(label, result))
            continue
        rows = [row(f"{k} [{label}]", value[k], expected[k]) for k in KEYS]
        per_case.append(rows)
        if all(r.verdict == "ok" for r in rows):
            continue
        messages.append(f"Wrong on the case {label}.")
        if any(r.code for r in rows):
            codes += [r.code for r in rows if r.code]
            messages += [r.note for r in rows if r.code]
            continue
        got = {k: as_array(value[k]) for k in KEYS}
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


def _compare_update(label, result, names, expected, per_case, codes, messages):
    """Rows of an update's outputs; False (and the codes) when they cannot be compared by value."""
    shape = expected[0].shape
    outputs = unpack(result.value, len(names)) if result.ok else None
    if outputs is None:
        per_case.append([not_run(f"{n} [{label}]", shape) for n in names])
        if result.ok:
            code, message = unpack_message(result.value, len(names), ", ".join(names))
            codes.append(code)
            messages.append(message)
        else:
            codes += error_codes(result)
            messages.append(result.message)
        return None
    rows = [row(f"{n} [{label}]", o, e) for n, o, e in zip(names, outputs, expected, strict=True)]
    per_case.append(rows)
    if all(r.verdict == "ok" for r in rows):
        return None
    messages.append(f"Wrong on the case {label}.")
    if any(r.code for r in rows):
        codes += [r.code for r in rows if r.code]
        messages += [r.note for r in rows if r.code]
        return None
    got = [as_array(o) for o in outputs]
    order = [next((j for j, e in enumerate(expected) if same(g, e)), None) for g in got]
    if None not in order and sorted(order) == list(range(len(names))):
        codes.append("swapped-outputs")
        messages.append(f"You returned ({', '.join(names[j] for j in order)}); return ({', '.join(names)}).")
        return None
    return rows, got


def check_momentum(fn):
    r"""Check the learner's momentum update (chapter `optimizers`, the package's ``make_momentum``).

    Parameters
    ----------
    fn : callable
        ``fn(theta, v, g, lr, beta) -> (theta_new, v_new)`` for arrays `theta`, `v` (velocity) and `g`
        (gradient) of any one shape: :math:`v \leftarrow \beta v + g`, then :math:`\theta \leftarrow \theta -
        \eta v` with the new v. No input may be changed in place.

    Returns
    -------
    CheckResult
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-type``, ``wrong-shape``, ``wrong-dtype``,
        ``changed-input`` (theta, v or g changed in place, named in the message), ``stale-velocity`` (theta
        moved by the old v), ``sign-flipped``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(8)
    names = ("theta_new", "v_new")
    per_case, codes, messages = [], [], []
    for label, shape, lr, beta in [("shape (3, 4)", (3, 4), 0.1, 0.9), ("shape (5,)", (5,), 0.3, 0.5)]:
        theta, v, g = _arrays(rng, shape, 3)
        v_new = beta * v + g
        expected = [theta - lr * v_new, v_new]
        given = (theta.copy(), v.copy(), g.copy())
        result = call(fn, *given, lr, beta)
        changed = changed_inputs(("theta", "v", "g"), (theta, v, g), given)
        if result.ok and changed:
            codes.append("changed-input")
            messages.append(f"On the case {label}: {_changed_message(changed)}")
        compared = _compare_update(label, result, names, expected, per_case, codes, messages)
        if compared is None:
            continue
        rows, got = compared
        if rows[1].verdict != "ok":
            codes += recognise(got[1], v_new, 1)
        if rows[0].verdict != "ok":
            variants = [(theta - lr * v, ["stale-velocity"]), (theta + lr * v_new, ["sign-flipped"])]
            codes += recognise(got[0], expected[0], 1, variants)
    return make_result("check_momentum", merge_rows(per_case), codes, messages)


def _adam_cases(rng):
    """``(label, shape, t, lr, hyper, (theta, m, s, g))``; the last has gradients from 1e-9 to 1e3, where
    epsilon's place matters."""
    other = {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}
    cases = []
    for label, shape, t, lr, hyper in [("t=1, defaults", (3, 4), 1, 0.01, {}), ("t=3, defaults", (5,), 3, 0.1, {}),
                                       ("t=2, beta1=0.8, beta2=0.99, eps=1e-6", (2, 3), 2, 0.05, other),
                                       ("t=2, gradients from 1e-9 to 1e3", (2, 4), 2, 0.1, {})]:  # fmt: skip
        theta, m, g = _arrays(rng, shape, 3)
        s = rng.random(shape) if t > 1 else np.zeros(shape)
        m = m if t > 1 else np.zeros(shape)
        if "1e-9" in label:
            scale = np.logspace(-9, 3, g.size).reshape(shape)
            g, m, s = g * scale, m * scale, s * scale**2
        cases.append((label, t, lr, hyper, (theta, m, s, g)))
    return cases


def _adam_step(theta, m, s, g, t, lr, b1, b2, eps, *, correct=True, inside=False, sign=1.0):
    m_new = b1 * m + (1 - b1) * g
    s_new = b2 * s + (1 - b2) * g * g
    m_hat, s_hat = (m_new / (1 - b1**t), s_new / (1 - b2**t)) if correct else (m_new, s_new)
    denominator = np.sqrt(s_hat + eps) if inside else np.sqrt(s_hat) + eps
    return theta - sign * lr * m_hat / denominator, m_new, s_new


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
        Diagnoses: ``not-implemented``, ``exception``, ``wrong-type``, ``wrong-shape``, ``wrong-dtype``,
        ``no-bias-correction``, ``eps-inside-sqrt`` (:math:`\sqrt{\hat s + \epsilon}`, seen on a case with
        gradients from 1e-9 to 1e3), ``sign-flipped``, ``other``.
    """
    check_callable(fn)
    rng = np.random.default_rng(9)
    names = ("theta_new", "m_new", "s_new")
    per_case, codes, messages = [], [], []
    for label, t, lr, hyper, arrays in _adam_cases(rng):
        b1, b2, eps = hyper.get("beta1", 0.9), hyper.get("beta2", 0.999), hyper.get("eps", 1e-8)
        expected = list(_adam_step(*arrays, t, lr, b1, b2, eps))
        result = call(fn, *(a.copy() for a in arrays), t, lr, **hyper)
        compared = _compare_update(label, result, names, expected, per_case, codes, messages)
        if compared is None:
            continue
        rows, got = compared
        for i in (1, 2):
            if rows[i].verdict != "ok":
                codes += recognise(got[i], expected[i], 1)
        if rows[0].verdict != "ok":
            variants = []
            for correct, inside, sign in itertools.product((True, False), (False, True), (1.0, -1.0)):
                found = ([] if correct else ["no-bias-correction"]) + (["eps-inside-sqrt"] if inside else [])
                found += ["sign-flipped"] if sign < 0 else []
                step = _adam_step(*arrays, t, lr, b1, b2, eps, correct=correct, inside=inside, sign=sign)[0]
                variants.append((step, found))
            codes += recognise(got[0], expected[0], 1, variants[1:])
    return make_result("check_adam", merge_rows(per_case), codes, messages)
