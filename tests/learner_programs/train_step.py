"""Learner programs for check_train_step (chapter 4): one step of gradient descent that returns a new dict and
changes no input in place."""

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect

KEYS = ("W1", "b1", "W2", "b2")


def grads(params, X, T, factor=1.0, output_bias="b2", V=None):
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    Z = np.exp(-np.logaddexp(0.0, -(X @ W1 + b1)))
    A = Z @ W2 + params[output_bias]
    E = np.exp(A - A.max(axis=1, keepdims=True))
    D2 = factor * (E / E.sum(axis=1, keepdims=True) - T) / len(X)
    D1 = (D2 @ (W2 if V is None else V).T) * Z * (1 - Z)
    return {"W1": X.T @ D1, "b1": D1.sum(axis=0), "W2": Z.T @ D2, "b2": D2.sum(axis=0)}, Z, D2


@expect()
def new_dict(params, X, T, lr):
    g = grads(params, X, T)[0]
    return {k: params[k] - lr * g[k] for k in KEYS}


@expect()
def copy_then_update_the_copy(params, X, T, lr):
    g = grads(params, X, T)[0]
    new = {k: v.copy() for k, v in params.items()}
    for k in new:
        new[k] -= lr * g[k]
    return new


@expect()
def chapter_solution_with_a_naive_sigmoid(params, X, T, lr):
    W, b, V, c = (params[key] for key in KEYS)
    Z = 1 / (1 + np.exp(-(X @ W + b)))
    A = Z @ V + c
    E = np.exp(A - A.max(axis=1, keepdims=True))
    Delta2 = (E / E.sum(axis=1, keepdims=True) - T) / len(X)
    Delta1 = (Delta2 @ V.T) * Z * (1 - Z)
    return {"W1": W - lr * X.T @ Delta1, "b1": b - lr * Delta1.sum(axis=0), "W2": V - lr * Z.T @ Delta2,
            "b2": c - lr * Delta2.sum(axis=0)}  # fmt: skip


@expect()
def lists_of_floats(params, X, T, lr):
    g = grads(params, X, T)[0]
    return {k: (params[k] - lr * g[k]).tolist() for k in KEYS}


@expect()
def float32(params, X, T, lr):
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    g = grads(p32, X.astype(np.float32), T.astype(np.float32))[0]
    return {k: p32[k] - np.float32(lr) * g[k] for k in KEYS}


@expect("changed-input")
def updates_in_place(params, X, T, lr):
    g = grads(params, X, T)[0]
    for k in KEYS:
        params[k] -= lr * g[k]
    return params


@expect("changed-input")
def rebinds_the_keys(params, X, T, lr):
    g = grads(params, X, T)[0]
    for k in KEYS:
        params[k] = params[k] - lr * g[k]
    return params


@expect("stale-weights")
def output_layer_first(params, X, T, lr):
    new = dict(params)
    g = grads(params, X, T)[0]
    new["W2"] = params["W2"] - lr * g["W2"]
    new["b2"] = params["b2"] - lr * g["b2"]
    g_hidden = grads(params, X, T, V=new["W2"])[0]
    new["W1"] = params["W1"] - lr * g_hidden["W1"]
    new["b1"] = params["b1"] - lr * g_hidden["b1"]
    return new


@expect("changed-input", "stale-weights")
def the_seeds_order_in_place(params, X, T, lr):
    g = grads(params, X, T)[0]
    before = {k: params[k].copy() for k in KEYS}
    params["W2"] -= lr * g["W2"]
    params["b2"] -= lr * g["b2"]
    g_hidden = grads(before, X, T, V=params["W2"])[0]
    params["W1"] -= lr * g_hidden["W1"]
    params["b1"] -= lr * g_hidden["b1"]
    return params


@expect("wrong-bias")
def hidden_bias_on_the_logits(params, X, T, lr):
    if params["W2"].shape[0] != params["W2"].shape[1]:
        return new_dict(params, X, T, lr)  # M != K: b1 does not fit, the program as written would crash
    g = grads(params, X, T, output_bias="b1")[0]
    return {k: params[k] - lr * g[k] for k in KEYS}


@expect("summed-not-mean")
def summed_loss(params, X, T, lr):
    g = grads(params, X, T, factor=len(X))[0]
    return {k: params[k] - lr * g[k] for k in KEYS}


@expect("sign-flipped")
def ascent(params, X, T, lr):
    g = grads(params, X, T)[0]
    return {k: params[k] + lr * g[k] for k in KEYS}


@expect("wrong-type")
def returns_a_tuple(params, X, T, lr):
    g = grads(params, X, T)[0]
    return tuple(params[k] - lr * g[k] for k in KEYS)


@expect("wrong-type")
def forgets_the_biases(params, X, T, lr):
    g = grads(params, X, T)[0]
    return {k: params[k] - lr * g[k] for k in ("W1", "W2")}


@expect("wrong-shape")
def bias_kept_two_dimensional(params, X, T, lr):
    new = new_dict(params, X, T, lr)
    return {**new, "b1": new["b1"][None, :]}


@expect("changed-input", "other")
def normalises_x_in_place(params, X, T, lr):
    X -= X.mean(axis=0)
    return new_dict(params, X, T, lr)


@expect("other")
def twice_the_learning_rate(params, X, T, lr):
    return new_dict(params, X, T, 2 * lr)


@expect("exception")
def typo_in_a_key(params, X, T, lr):
    g = grads(params, X, T)[0]
    return {k: params[k] - lr * g[k.lower()] for k in KEYS}
