"""Learner programs for check_sigmoid (chapter 1): the sigmoid of every entry, without overflow."""

import math

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


@expect()
def where_two_branches(A):
    A = np.asarray(A, dtype=float)
    e = np.exp(-np.abs(A))
    return np.where(A >= 0, 1.0, e) / (1.0 + e)


@expect()
def logaddexp(A):
    return np.exp(-np.logaddexp(0.0, -A))


@expect()
def tanh_identity(A):
    return 0.5 * (1.0 + np.tanh(0.5 * A))


@expect()
def loop_with_math_exp(A):
    out = np.empty_like(A, dtype=float)
    for index in np.ndindex(A.shape):
        a = float(A[index])
        out[index] = 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))
    return out


@expect()
def masks_in_place(A):
    out = np.empty_like(A)
    positive = A >= 0
    out[positive] = 1 / (1 + np.exp(-A[positive]))
    e = np.exp(A[~positive])
    out[~positive] = e / (1 + e)
    return out


@expect()
def clipped_naive(A):
    return 1 / (1 + np.exp(-np.clip(A, -500, 500)))


@expect()
def float32(A):
    A = A.astype(np.float32)
    e = np.exp(-np.abs(A))
    return np.where(A >= 0, 1, e) / (1 + e)


@expect()
def nested_list(A):
    return logaddexp(A).tolist()


@expect("overflow")
def naive(A):
    return 1 / (1 + np.exp(-A))


@expect("overflow")
def naive_loop_math_exp(A):
    return np.array([1 / (1 + math.exp(-a)) for a in A.ravel()]).reshape(A.shape)


@expect("overflow")
def naive_other_form(A):
    return np.exp(A) / (1 + np.exp(A))


@expect("overflow")
def where_computes_both_branches(A):
    return np.where(A >= 0, 1 / (1 + np.exp(-A)), np.exp(A) / (1 + np.exp(A)))


@expect("sign-flipped")
def exponent_sign(A):
    return np.exp(-np.logaddexp(0.0, A))


@expect("wrong-shape")
def flattened(A):
    return logaddexp(A).ravel()


@expect("wrong-type")
def forgot_return(A):
    logaddexp(A)


@expect("wrong-dtype")
def rounded_to_int(A):
    return np.round(logaddexp(A)).astype(int)


@expect("other")
def slope_instead(A):
    s = logaddexp(A)
    return s * (1 - s)


@expect("exception")
def math_exp_on_an_array(A):
    return 1 / (1 + math.exp(-A))


@expect("not-implemented")
def the_stub(A):
    raise NotImplementedError("write the sigmoid here")
