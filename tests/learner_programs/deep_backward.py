"""Learner programs for check_deep_backward (chapter 6): the backward recursion for any number of layers."""

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


def recursion(Zs, Y, T, Ws, through_weights=True, factor=1.0):
    delta = factor * (Y - T) / len(Y)
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws), 0, -1):
        dWs[l - 1], dbs[l - 1] = Zs[l - 1].T @ delta, delta.sum(axis=0)
        if l > 1:
            back = delta @ Ws[l - 1].T if through_weights else delta
            delta = back * Zs[l - 1] * (1 - Zs[l - 1])
    return dWs, dbs


@expect()
def preallocated_lists(Zs, Y, T, Ws):
    return recursion(Zs, Y, T, Ws)


@expect()
def append_then_reverse(Zs, Y, T, Ws):
    delta = (Y - T) / len(T)
    dWs, dbs = [], []
    for W, Z in zip(reversed(Ws), reversed(Zs), strict=True):
        dWs.append(Z.T @ delta)
        dbs.append(delta.sum(axis=0))
        delta = (delta @ W.T) * Z * (1 - Z)  # one product too many at the end: harmless
    return dWs[::-1], dbs[::-1]


@expect()
def tuples(Zs, Y, T, Ws):
    dWs, dbs = recursion(Zs, Y, T, Ws)
    return tuple(dWs), tuple(dbs)


@expect()
def float32(Zs, Y, T, Ws):
    dWs, dbs = recursion([Z.astype(np.float32) for Z in Zs], Y.astype(np.float32), T.astype(np.float32),
                         [W.astype(np.float32) for W in Ws])  # fmt: skip
    return dWs, dbs


@expect("missing-sum-over-k")
def no_weights(Zs, Y, T, Ws):
    return recursion(Zs, Y, T, Ws, through_weights=False)


@expect("summed-not-mean")
def summed(Zs, Y, T, Ws):
    return recursion(Zs, Y, T, Ws, factor=len(Y))


@expect("sign-flipped")
def ascent(Zs, Y, T, Ws):
    return recursion(Zs, Y, T, Ws, factor=-1.0)


@expect("transposed")
def weight_gradients_transposed(Zs, Y, T, Ws):
    dWs, dbs = recursion(Zs, Y, T, Ws)
    return [dW.T for dW in dWs], dbs


@expect("wrong-shape")
def only_the_weights(Zs, Y, T, Ws):
    return recursion(Zs, Y, T, Ws)[0]


@expect("wrong-type")
def forgot_return(Zs, Y, T, Ws):
    recursion(Zs, Y, T, Ws)


@expect("other")
def slope_of_the_wrong_layer(Zs, Y, T, Ws):
    delta = (Y - T) / len(Y)
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws), 0, -1):
        dWs[l - 1], dbs[l - 1] = Zs[l - 1].T @ delta, delta.sum(axis=0)
        if l > 1:
            Z = Zs[l - 2] if Zs[l - 2].shape == Zs[l - 1].shape else Zs[l - 1] * 0.5
            delta = (delta @ Ws[l - 1].T) * Z * (1 - Z)
    return dWs, dbs


@expect("exception")
def off_by_one_index(Zs, Y, T, Ws):
    delta = (Y - T) / len(Y)
    dWs, dbs = [], []
    for l in range(len(Ws), 0, -1):
        dWs.insert(0, Zs[l].T @ delta)
        dbs.insert(0, delta.sum(axis=0))
        delta = (delta @ Ws[l - 1].T) * Zs[l - 1] * (1 - Zs[l - 1])
    return dWs, dbs
