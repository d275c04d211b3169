"""Backpropagation against central differences: every activation, depths 1-3 hidden layers, K = 2..10."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import scratchnn as snn


def random_net(sizes, activation, seed):
    """A net whose biases are non-zero too, so that their gradients are really exercised."""
    net = snn.MLP(sizes, activation, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for key in net.params:
        if key.startswith("b"):
            net.params[key][:] = rng.normal(scale=0.5, size=net.params[key].shape)
    return net


@pytest.mark.parametrize("activation", snn.ACTIVATIONS)
@pytest.mark.parametrize("hidden", [[], [4], [5, 3], [3, 6, 4]], ids=["depth0", "depth1", "depth2", "depth3"])
@pytest.mark.parametrize("K", [2, 3, 10])
def test_gradients_match_central_differences(activation, hidden, K):
    sizes = [3, *hidden, K]
    rng = np.random.default_rng(len(hidden) * 100 + K)
    X = rng.normal(size=(9, 3))
    y = rng.integers(0, K, size=9)
    net = random_net(sizes, activation, seed=K)
    errors = snn.check_gradients(net, X, y)
    assert sorted(errors) == sorted(net.params)
    assert max(errors.values()) < 1e-7, errors


@given(
    hidden=st.lists(st.integers(1, 6), min_size=0, max_size=3),
    D=st.integers(1, 4),
    K=st.integers(2, 10),
    N=st.integers(1, 8),
    activation=st.sampled_from(["sigmoid", "tanh"]),
    seed=st.integers(0, 1000),
)
def test_gradients_for_random_shapes(hidden, D, K, N, activation, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D))
    y = rng.integers(0, K, size=N)
    net = random_net([D, *hidden, K], activation, seed)
    _, grads = net.loss_and_grads(X, y)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in net.params.items()}
    for key, p in net.params.items():
        numeric = snn.numerical_gradient(lambda _: net.loss(X, y), p)
        # Relative error, unless the gradient is so small (deep, narrow, saturated) that the finite differences'
        # own round-off (about 1e-16 * J / h) dominates it: then the absolute error must be that small.
        assert snn.relative_error(grads[key], numeric) < 1e-7 or np.abs(grads[key] - numeric).max() < 1e-10


def test_functional_core_agrees_with_the_class():
    X, y = snn.datasets.gaussian_clouds(20)
    net = random_net([2, 4, 3], "tanh", seed=0)
    probs, cache = snn.forward(net.params, X, "tanh")
    grads = snn.backward(net.params, cache, y)
    loss, grads2 = net.loss_and_grads(X, y)
    np.testing.assert_array_equal(probs, net.forward(X))
    assert loss == snn.cross_entropy(cache["logits"], snn.one_hot(y, 3))
    for key in grads:
        np.testing.assert_array_equal(grads[key], grads2[key])


def test_loss_and_grads_does_not_change_params():
    X, y = snn.datasets.gaussian_clouds(10)
    net = snn.MLP([2, 3, 3])
    before = {k: p.copy() for k, p in net.params.items()}
    net.loss_and_grads(X, y)
    for key, p in net.params.items():
        np.testing.assert_array_equal(p, before[key])


def test_numerical_gradient_restores_x_even_when_f_raises():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError):
        snn.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    np.testing.assert_allclose(snn.numerical_gradient(lambda v: float(np.sum(v**3)), x), 3 * x**2, rtol=1e-9)


def test_relative_error():
    assert snn.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert snn.relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == 1.0
    assert snn.relative_error(np.ones(4), np.ones(4) * (1 + 2e-9)) == pytest.approx(1e-9, rel=1e-3)


def test_wrong_gradient_is_caught():
    """The seed's derivation (no sum over k, no V factor) fails the check by a wide margin."""
    X, y = snn.datasets.gaussian_clouds(5)
    net = random_net([2, 3, 3], "sigmoid", seed=4)
    probs, cache = snn.forward(net.params, X)
    Z = cache["Z"][1]
    D2 = (probs - snn.one_hot(y, 3)) / X.shape[0]
    wrong = X.T @ (D2 * Z * (1 - Z))  # only type-checks because M == K
    numeric = snn.numerical_gradient(lambda _: net.loss_and_grads(X, y)[0], net.params["W1"])
    assert snn.relative_error(wrong, numeric) > 0.1
