"""Learner programs for check_seed_fix (chapter 5): the bug hunt's program after the learner's fixes.

Each program is ``(forward, cost, step, train)``; all share the fixed forward, cost and step, and differ in
``train``, where the check must cope with what learners really write.
"""

import numpy as np

from . import PASS

PROGRAMS = []  # (name, a function returning (forward, cost, step, train), expected)
KEYS = ("W1", "b1", "W2", "b2")


def forward(X, W1, b1, W2, b2):
    Z = np.exp(-np.logaddexp(0.0, -(X @ W1 + b1)))
    A = Z @ W2 + b2
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return Z, E / E.sum(axis=1, keepdims=True)


def cost(Y, T):
    return -np.mean(np.log(Y[T == 1]))


def step(params, X, T, lr):
    """The hunt's step, fixed: it updates params in place, as the program's step always did."""
    W2 = params["W2"].copy()
    Z, Y = forward(X, *(params[k] for k in KEYS))
    D2 = (Y - T) / len(X)
    D1 = (D2 @ W2.T) * Z * (1 - Z)
    for key, g in zip(KEYS, (X.T @ D1, D1.sum(axis=0), Z.T @ D2, D2.sum(axis=0)), strict=True):
        params[key] -= lr * g
    return params


def make_train(seed=0, lr=1.0, shift=0, extra_column=False, returns="tuple"):
    def train(X, labels, epochs=2000, M=3):
        rng = np.random.default_rng(seed)
        if extra_column:
            X = np.hstack([X, np.ones((len(X), 1))])
        K = labels.max() + 1
        T = np.eye(K)[(labels + shift) % K]
        params = {"W1": rng.standard_normal((X.shape[1], M)), "b1": rng.standard_normal(M),
                  "W2": rng.standard_normal((M, K)), "b2": rng.standard_normal(K)}  # fmt: skip
        costs = []
        for epoch in range(epochs):
            if epoch % 200 == 0:
                costs.append(cost(forward(X, *(params[k] for k in KEYS))[1], T))
                print(epoch, costs[-1])
            step(params, X, T, lr)
        return {"tuple": (params, costs), "list": [params, costs], "swapped": (costs, params),
                "params only": (params,)}[returns]  # fmt: skip

    return train


def program(name, expected, train=None, **train_options):
    """Register the program with this `train` (or ``make_train(**train_options)``); it must get `expected`."""
    pieces = (forward, cost, step, train or make_train(**train_options))
    PROGRAMS.append((name, lambda: pieces, expected or PASS))


def _raising_train(X, labels, epochs=2000):
    raise KeyError("M")


program("fixed", ())
program("train_returns_a_list", (), returns="list")
program("one_hot_off_by_one", ("wrong-targets",), shift=1)
program("adds_an_input_column", ("wrong-shape",), extra_column=True)
program("returns_costs_then_params", ("wrong-type",), returns="swapped")
program("returns_only_params", ("wrong-shape",), returns="params only")
program("unseeded", ("no-seed",), seed=None)
program("learning_rate_too_small", ("not-converged",), lr=0.003)
program("train_raises", ("exception",), train=_raising_train)
