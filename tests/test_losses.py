"""Softmax cross-entropy, one-hot encoding and the classification rate."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scratchnn as snn


@given(n=st.integers(1, 12), k=st.integers(2, 10), seed=st.integers(0, 2**32 - 1))
def test_cross_entropy_gradient_matches_central_differences(n, k, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(scale=3.0, size=(n, k))
    y = rng.integers(0, k, size=n)
    _, grad = snn.softmax_cross_entropy(A, y)
    numeric = snn.numerical_gradient(lambda a: snn.softmax_cross_entropy(a, y)[0], A)
    assert snn.relative_error(grad, numeric) < 1e-7


def test_cross_entropy_values_and_formula():
    A = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]])
    y = np.array([0, 2])
    loss, grad = snn.softmax_cross_entropy(A, y)
    Y = snn.softmax(A)
    assert loss == pytest.approx(-(np.log(Y[0, 0]) + np.log(1 / 3)) / 2, rel=1e-14)
    np.testing.assert_allclose(grad, (Y - snn.one_hot(y, 3)) / 2, rtol=1e-14)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-16)  # uses sum_k t_k = 1


def test_labels_and_one_hot_agree():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(8, 4))
    y = rng.integers(0, 4, size=8)
    l1, g1 = snn.softmax_cross_entropy(A, y)
    l2, g2 = snn.softmax_cross_entropy(A, snn.one_hot(y, 4))
    assert l1 == pytest.approx(l2, rel=1e-15)
    np.testing.assert_allclose(g1, g2, rtol=1e-15)


def test_never_log_of_zero():
    """The probability of the true class underflows to 0, yet the loss is finite and exact."""
    loss, grad = snn.softmax_cross_entropy(np.array([[0.0, 800.0]]), np.array([0]))
    assert loss == pytest.approx(800.0)
    assert np.isfinite(grad).all()


def test_one_hot():
    np.testing.assert_array_equal(snn.one_hot(np.array([2, 0, 1]), 4), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])


def test_classification_rate():
    assert snn.classification_rate(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 2])) == 0.75


def test_a_perfect_prediction_costs_plus_zero():
    loss, _ = snn.softmax_cross_entropy(np.array([[0.0, 1e4]]), np.array([1]))
    assert loss == 0.0 and not np.signbit(loss)
    assert not np.signbit(snn.cross_entropy(np.array([[0.0, 1e4]]), np.array([[0.0, 1.0]])))
