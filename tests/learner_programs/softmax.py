"""Learner programs for check_softmax (chapter 2): each row of logits to probabilities, without overflow."""

import math

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


@expect()
def row_maximum(A):
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@expect()
def log_sum_exp(A):
    m = np.max(A, axis=1, keepdims=True)
    return np.exp(A - m - np.log(np.sum(np.exp(A - m), axis=1, keepdims=True)))


@expect()
def loop_over_rows(A):
    out = np.zeros_like(A)
    for n, a in enumerate(A):
        e = np.exp(a - a.max())
        out[n] = e / e.sum()
    return out


@expect()
def pure_python_lists(A):
    rows = []
    for a in A.tolist():
        top = max(a)
        e = [math.exp(x - top) for x in a]
        rows.append([x / sum(e) for x in e])
    return rows


@expect()
def in_place(A):
    A -= A.max(axis=1)[:, None]
    np.exp(A, out=A)
    A /= A.sum(axis=1)[:, None]
    return A


@expect()
def float32(A):
    A = A.astype(np.float32)
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@expect()
def transposed_twice(A):
    E = np.exp(A.T - A.T.max(axis=0))
    return (E / E.sum(axis=0)).T


@expect("overflow")
def naive(A):
    E = np.exp(A)
    return E / E.sum(axis=1, keepdims=True)


@expect("overflow")
def subtracts_the_row_mean(A):
    E = np.exp(A - A.mean(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@expect("global-max")
def whole_array_maximum(A):
    E = np.exp(A - np.max(A))
    return E / E.sum(axis=1, keepdims=True)


@expect("missing-keepdims")
def maximum_without_keepdims(A):
    E = np.exp(A - A.max(axis=1))
    return E / E.sum(axis=1, keepdims=True)


@expect("missing-keepdims")
def sum_without_keepdims(A):
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1)


@expect("wrong-axis")
def columns(A):
    E = np.exp(A - A.max(axis=0))
    return E / E.sum(axis=0)


@expect("sign-flipped")
def negated_logits(A):
    return row_maximum(-A)


@expect("wrong-shape")
def drops_the_last_class(A):
    return row_maximum(A)[:, :-1]


@expect("wrong-type")
def returns_a_string(A):
    return "Y"


@expect("other")
def forgot_to_normalise(A):
    return np.exp(A - A.max(axis=1, keepdims=True))


@expect("exception")
def typo(A):
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=2, keepdims=True)
