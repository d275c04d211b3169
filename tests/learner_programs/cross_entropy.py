"""Learner programs for check_cross_entropy (chapter 2): the mean cross-entropy J of probabilities Y and
one-hot targets T."""

import math

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


@expect()
def picks_the_right_class(Y, T):
    return -np.mean(np.log(Y[T == 1]))


@expect()
def labels_from_argmax(Y, T):
    labels = T.argmax(axis=1)
    return -np.log(Y[np.arange(len(Y)), labels]).mean()


@expect()
def loop_over_samples(Y, T):
    total = 0.0
    for y, t in zip(Y, T, strict=True):
        total -= math.log(y[list(t).index(1.0)])
    return total / len(Y)


@expect()
def sum_of_products_per_row(Y, T):
    return float(-np.mean(np.log(np.sum(Y * T, axis=1))))


@expect()
def log_where_target(Y, T):
    return -np.sum(T * np.log(np.where(T == 1, Y, 1.0))) / Y.shape[0]


@expect()
def clipped_log(Y, T):
    return -np.mean(np.sum(T * np.log(np.clip(Y, 1e-300, 1.0)), axis=1))


@expect()
def float32(Y, T):
    return -np.mean(np.log(Y.astype(np.float32)[T == 1]))


@expect()
def einsum(Y, T):
    return -np.einsum("nk,nk->", T, np.log(np.where(T > 0, Y, 1))) / len(T)


@expect("summed-not-mean")
def summed(Y, T):
    return -np.sum(np.log(Y[T == 1]))


@expect("sign-flipped")
def log_likelihood(Y, T):
    return np.mean(np.log(Y[T == 1]))


@expect("log-of-zero")
def textbook_formula(Y, T):
    return -np.sum(T * np.log(Y)) / len(Y)


@expect("summed-not-mean", "sign-flipped", "log-of-zero")
def the_seeds_cost(Y, T):
    return np.sum(T * np.log(Y))


@expect("log-of-zero")
def binary_cross_entropy(Y, T):
    return -np.mean(np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y), axis=1))


@expect("wrong-shape")
def one_value_per_sample(Y, T):
    return -np.log(Y[T == 1])


@expect("other")
def mean_over_every_entry(Y, T):
    return -np.mean(T * np.log(Y + 1e-300))


@expect("other")
def log10(Y, T):
    return -np.mean(np.log10(Y[T == 1]))


@expect("wrong-type")
def returns_a_dict(Y, T):
    return {"J": -np.mean(np.log(Y[T == 1]))}


@expect("exception")
def shape_mix_up(Y, T):
    return -np.mean(np.log(Y @ T))
