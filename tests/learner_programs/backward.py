"""Learner programs for check_backward (chapter 3): the four gradients of the one-hidden-layer network."""

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


def gradients(X, Z, Y, T, V):
    D2 = (Y - T) / len(X)
    D1 = (D2 @ V.T) * Z * (1 - Z)
    return X.T @ D1, D1.sum(axis=0), Z.T @ D2, D2.sum(axis=0)


@expect()
def vectorised(X, Z, Y, T, V):
    return gradients(X, Z, Y, T, V)


@expect()
def loop_over_samples(X, Z, Y, T, V):
    N = len(X)
    dW, db = np.zeros((X.shape[1], Z.shape[1])), np.zeros(Z.shape[1])
    dV, dc = np.zeros(V.shape), np.zeros(V.shape[1])
    for n in range(N):
        d2 = (Y[n] - T[n]) / N
        d1 = (V @ d2) * Z[n] * (1 - Z[n])
        dV += np.outer(Z[n], d2)
        dc += d2
        dW += np.outer(X[n], d1)
        db += d1
    return dW, db, dV, dc


@expect()
def einsum(X, Z, Y, T, V):
    D2 = (Y - T) / len(X)
    D1 = np.einsum("nk,mk->nm", D2, V) * Z * (1 - Z)
    return np.einsum("nd,nm->dm", X, D1), D1.sum(0), np.einsum("nm,nk->mk", Z, D2), D2.sum(0)


@expect()
def in_place_on_y(X, Z, Y, T, V):
    Y -= T
    Y /= len(X)
    D1 = Y.dot(V.T) * Z * (1 - Z)
    return [X.T.dot(D1), D1.sum(axis=0), Z.T.dot(Y), Y.sum(axis=0)]


@expect()
def float32(X, Z, Y, T, V):
    return tuple(g.astype(np.float32) for g in gradients(X, Z, Y, T, V))


@expect("missing-sum-over-k")
def no_weights_in_the_hidden_error(X, Z, Y, T, V):
    D2 = (Y - T) / len(X)
    D1 = D2 * Z * (1 - Z)
    return X.T @ D1, D1.sum(axis=0), Z.T @ D2, D2.sum(axis=0)


@expect("summed-not-mean")
def summed_loss(X, Z, Y, T, V):
    return tuple(len(X) * g for g in gradients(X, Z, Y, T, V))


@expect("sign-flipped")
def t_minus_y(X, Z, Y, T, V):
    return gradients(X, Z, T, Y, V)


@expect("summed-not-mean", "sign-flipped")
def the_seeds_gradients(X, Z, Y, T, V):
    return tuple(-len(X) * g for g in gradients(X, Z, Y, T, V))


@expect("transposed")
def dv_transposed(X, Z, Y, T, V):
    dW, db, _, dc = gradients(X, Z, Y, T, V)
    return dW, db, ((Y - T) / len(X)).T @ Z, dc


@expect("swapped-bias-gradients")
def bias_gradients_swapped(X, Z, Y, T, V):
    dW, db, dV, dc = gradients(X, Z, Y, T, V)
    return dW, dc, dV, db


@expect("wrong-shape")
def bias_gradients_keep_the_axis(X, Z, Y, T, V):
    dW, db, dV, dc = gradients(X, Z, Y, T, V)
    return dW, db[None, :], dV, dc[None, :]


@expect("wrong-shape")
def three_gradients(X, Z, Y, T, V):
    return gradients(X, Z, Y, T, V)[:3]


@expect("other")
def forgot_the_sigmoid_slope(X, Z, Y, T, V):
    D2 = (Y - T) / len(X)
    D1 = D2 @ V.T
    return X.T @ D1, D1.sum(axis=0), Z.T @ D2, D2.sum(axis=0)


@expect("other")
def slope_of_the_output(X, Z, Y, T, V):
    D2 = (Y - T) * Y * (1 - Y) / len(X)
    D1 = (D2 @ V.T) * Z * (1 - Z)
    return X.T @ D1, D1.sum(axis=0), Z.T @ D2, D2.sum(axis=0)


@expect("wrong-type")
def returns_a_dict(X, Z, Y, T, V):
    return dict(zip(("dW", "db", "dV", "dc"), gradients(X, Z, Y, T, V), strict=True))


@expect("exception")
def v_instead_of_v_transpose(X, Z, Y, T, V):
    D2 = (Y - T) / len(X)
    D1 = (D2 @ V) * Z * (1 - Z)
    return X.T @ D1, D1.sum(axis=0), Z.T @ D2, D2.sum(axis=0)
