"""Activations: values, derivatives against central differences, and stability for large inputs."""

import numpy as np
import pytest

import scratchnn as snn

Z = np.linspace(-6, 6, 41)
PAIRS = [(snn.sigmoid, snn.sigmoid_grad), (snn.tanh, snn.tanh_grad), (snn.relu, snn.relu_grad)]


def elementwise_derivative(f, z, h=1e-6):
    return (f(z + h) - f(z - h)) / (2 * h)


@pytest.mark.parametrize(("f", "df"), PAIRS, ids=["sigmoid", "tanh", "relu"])
def test_derivative_matches_central_differences(f, df):
    z = Z[np.abs(Z) > 1e-3]  # away from relu's kink
    assert snn.relative_error(df(z), elementwise_derivative(f, z)) < 1e-8


def test_sigmoid_values():
    assert snn.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(snn.sigmoid(Z), 1 / (1 + np.exp(-Z)), rtol=1e-15)
    np.testing.assert_allclose(snn.sigmoid(-Z), 1 - snn.sigmoid(Z), atol=1e-15)


def test_softmax_rows_are_distributions():
    A = np.random.default_rng(0).normal(size=(7, 4)) * 10
    Y = snn.softmax(A)
    assert Y.shape == A.shape
    assert (Y > 0).all()
    np.testing.assert_allclose(Y.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(Y, np.exp(A) / np.exp(A).sum(axis=1, keepdims=True), rtol=1e-13)


def test_softmax_ignores_a_constant_shift_per_row():
    A = np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_allclose(snn.softmax(A + np.array([[3.0], [-50], [0], [700], [-700]])), snn.softmax(A))


def test_log_softmax_is_log_of_softmax():
    A = np.random.default_rng(2).normal(size=(6, 5)) * 3
    np.testing.assert_allclose(snn.log_softmax(A), np.log(snn.softmax(A)), rtol=1e-13)


BIG = [1e4, -1e4, 1e3, -1e3, 710.0, -710.0, 0.0]


def test_stable_for_inputs_up_to_1e4():
    """Finite results and no warning (warnings are errors in this suite)."""
    A = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1000.0, 0.0, 0.0], [710.0, -710.0, 3.0]])
    for out in (snn.softmax(A), snn.log_softmax(A), snn.sigmoid(np.array(BIG)), snn.sigmoid_grad(np.array(BIG))):
        assert np.isfinite(out).all()
    np.testing.assert_allclose(snn.softmax(np.array([[1000.0, 0.0, 0.0]])), [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(snn.log_softmax(np.array([[1e4, 0.0]])), [[0.0, -1e4]])
    np.testing.assert_array_equal(snn.sigmoid(np.array([1e4, -1e4])), [1.0, 0.0])
    loss, grad = snn.softmax_cross_entropy(A, np.array([2, 0, 1, 1]))
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert loss == pytest.approx((2e4 + np.log(3) + 1000 + 1420) / 4, rel=1e-12)
