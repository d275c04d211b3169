"""Learner programs for check_forward (chapter 1): Z = sigmoid(XW + b), Y = softmax(ZV + c)."""

import numpy as np

import scratchnn as snn

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


def sigmoid(A):
    e = np.exp(-np.abs(A))
    return np.where(A >= 0, 1.0, e) / (1.0 + e)


def softmax(A):
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@expect()
def chapter_style(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    return Z, softmax(Z @ V + c)


@expect()
def with_the_package(X, W, b, V, c):
    Z = snn.sigmoid(X @ W + b)
    return Z, snn.softmax(Z @ V + c)


@expect()
def loop_over_samples(X, W, b, V, c):
    Z = np.zeros((len(X), W.shape[1]))
    Y = np.zeros((len(X), V.shape[1]))
    for n, x in enumerate(X):
        Z[n] = sigmoid(x @ W + b)
        a = Z[n] @ V + c
        e = np.exp(a - a.max())
        Y[n] = e / e.sum()
    return Z, Y


@expect()
def returns_a_list(X, W, b, V, c):
    Z = np.exp(-np.logaddexp(0.0, -(np.dot(X, W) + b)))
    return [Z, softmax(np.dot(Z, V) + c)]


@expect()
def float32(X, W, b, V, c):
    X, W, b, V, c = (a.astype(np.float32) for a in (X, W, b, V, c))
    Z = sigmoid(X @ W + b)
    return Z, softmax(Z @ V + c)


@expect()
def tanh_sigmoid_and_in_place_softmax(X, W, b, V, c):
    Z = 0.5 * (1 + np.tanh(0.5 * (X @ W + b)))
    A = Z @ V + c
    A -= A.max(axis=1, keepdims=True)
    np.exp(A, out=A)
    A /= A.sum(axis=1, keepdims=True)
    return Z, A


@expect("wrong-bias")
def hidden_bias_on_the_logits(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    return Z, softmax(Z @ V + b)


@expect("swapped-outputs")
def returns_y_then_z(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    return softmax(Z @ V + c), Z


@expect("overflow")
def naive_sigmoid(X, W, b, V, c):
    Z = 1 / (1 + np.exp(-(X @ W + b)))
    return Z, softmax(Z @ V + c)


@expect("overflow")
def naive_softmax(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    E = np.exp(Z @ V + c)
    return Z, E / E.sum(axis=1, keepdims=True)


@expect("global-max")
def whole_array_maximum(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    A = Z @ V + c
    E = np.exp(A - A.max())
    return Z, E / E.sum(axis=1, keepdims=True)


@expect("sign-flipped")
def sigmoid_of_minus_a(X, W, b, V, c):
    Z = sigmoid(-(X @ W + b))
    return Z, softmax(Z @ V + c)


@expect("other")
def relu_hidden_layer(X, W, b, V, c):
    Z = np.maximum(0, X @ W + b)
    return Z, softmax(Z @ V + c)


@expect("other")
def forgot_the_output_bias(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    return Z, softmax(Z @ V)


@expect("wrong-type")
def returns_only_y(X, W, b, V, c):
    return softmax(sigmoid(X @ W + b) @ V + c)


@expect("wrong-shape")
def returns_the_logits_too(X, W, b, V, c):
    Z = sigmoid(X @ W + b)
    A = Z @ V + c
    return Z, A, softmax(A)


@expect("exception")
def weights_first(X, W, b, V, c):
    Z = sigmoid(W @ X + b)
    return Z, softmax(Z @ V + c)
