"""The fast training kernel behind ``MLP.fit`` computes what the readable functional core computes.

``reference_fit`` below is the textbook loop written with the readable ``forward``, ``backward``, ``cross_entropy``
and ``make_optimizer``; ``MLP.fit`` (through ``scratchnn._kernel``) must reproduce its history and parameters up to
rounding, for every activation, depth, optimizer, batch size and kind of target.
"""

import math
import tracemalloc
import warnings

import numpy as np
import pytest

import scratchnn as snn
from scratchnn import _kernel
from scratchnn.network import _backward, _forward

X, y = snn.datasets.gaussian_clouds()
RTOL = 1e-12


def reference_fit(params, X, y, activation="sigmoid", *, epochs=1, lr=1.0, batch_size=None, optimizer="sgd", seed=0):
    """The training loop of the course, with the readable core only. Returns (loss, accuracy) lists."""
    T = snn.one_hot(y, params[f"W{len(params) // 2}"].shape[1]) if np.ndim(y) == 1 else np.asarray(y, float)
    labels = np.argmax(T, axis=1)
    step = snn.make_optimizer(optimizer, params, lr)
    rng = np.random.default_rng(seed)
    losses, accuracies = [], []
    for _ in range(epochs):
        batches = [np.arange(len(X))] if batch_size is None else np.array_split(rng.permutation(len(X)), [])
        if batch_size is not None:
            order = batches[0]
            batches = [order[i : i + batch_size] for i in range(0, len(X), batch_size)]
        total_loss = total_acc = 0.0
        for idx in batches:
            probs, cache = _forward(params, X[idx], activation)
            total_loss += snn.cross_entropy(cache["logits"], T[idx]) * idx.size
            total_acc += np.sum(np.argmax(probs, axis=1) == labels[idx])
            step(_backward(params, cache, T[idx]))
        losses.append(total_loss / len(X))
        accuracies.append(total_acc / len(X))
    return losses, accuracies


def copy(params):
    return {key: p.copy() for key, p in params.items()}


def assert_params_close(actual, expected, rtol=RTOL, atol=0.0):
    assert actual.keys() == expected.keys()
    for key in expected:
        np.testing.assert_allclose(actual[key], expected[key], rtol=rtol, atol=atol, err_msg=key)


# ---------------------------------------------------------------------------------------------------------------
# One step, against the readable gradients


@pytest.mark.parametrize("activation", snn.ACTIVATIONS)
@pytest.mark.parametrize("sizes", [[2, 3, 3], [2, 4, 3], [2, 3], [2, 5, 4, 3], [2, 6, 5, 4, 2]])
@pytest.mark.parametrize("lr", [0.3, 1.0])
def test_one_full_batch_sgd_epoch_is_params_minus_lr_grads(activation, sizes, lr):
    net = snn.MLP(sizes, activation, seed=3)
    before = copy(net.params)
    Xs = X if sizes[0] == 2 else np.random.default_rng(0).normal(size=(200, sizes[0]))
    ys = y if sizes[0] == 2 else np.arange(200) % sizes[-1]
    net.fit(Xs, ys % sizes[-1], epochs=1, lr=lr)
    _, grads = snn.loss_and_grads(before, Xs, ys % sizes[-1], activation)
    assert_params_close(net.params, {key: before[key] - lr * grads[key] for key in before})


def test_history_loss_and_accuracy_are_the_readable_ones():
    net = snn.MLP([2, 3, 3], seed=5)
    start = copy(net.params)
    history = net.fit(X, y, epochs=1)
    probs, cache = snn.forward(start, X)
    assert history.loss[0] == pytest.approx(snn.cross_entropy(cache["logits"], snn.one_hot(y, 3)), rel=RTOL)
    assert history.accuracy[0] == np.mean(np.argmax(probs, axis=1) == y)


# ---------------------------------------------------------------------------------------------------------------
# Many steps, against the reference loop


@pytest.mark.parametrize("activation", snn.ACTIVATIONS)
@pytest.mark.parametrize("optimizer", snn.OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 64, 1, 1500, 2000])
def test_fit_matches_the_reference_loop(activation, optimizer, batch_size):
    lr = {"sgd": 0.5, "momentum": 0.1, "adam": 0.01}[optimizer]
    epochs = 20 if batch_size is None else 2
    Xs, ys = (X, y) if batch_size != 1 else (X[::25], y[::25])
    net = snn.MLP([2, 5, 3], activation, seed=1)
    params = copy(net.params)
    history = net.fit(Xs, ys, epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer, seed=4)
    losses, accuracies = reference_fit(
        params, Xs, ys, activation, epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer, seed=4
    )
    np.testing.assert_allclose(history.loss, losses, rtol=1e-10)
    np.testing.assert_allclose(history.accuracy, accuracies, rtol=1e-14)
    assert_params_close(net.params, params, rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("sizes", [[2, 3], [2, 8, 8, 8, 3], [4, 7, 2]])
@pytest.mark.parametrize("batch_size", [None, 32])
def test_depths_and_shapes_match_the_reference_loop(sizes, batch_size):
    rng = np.random.default_rng(2)
    Xs = rng.normal(size=(301, sizes[0]))
    ys = rng.integers(0, sizes[-1], size=301)
    net = snn.MLP(sizes, "tanh", seed=2)
    params = copy(net.params)
    history = net.fit(Xs, ys, epochs=5, lr=0.2, batch_size=batch_size, optimizer="momentum", seed=9)
    losses, accuracies = reference_fit(
        params, Xs, ys, "tanh", epochs=5, lr=0.2, batch_size=batch_size, optimizer="momentum", seed=9
    )
    np.testing.assert_allclose(history.loss, losses, rtol=1e-10)
    np.testing.assert_allclose(history.accuracy, accuracies, rtol=1e-14)
    assert_params_close(net.params, params, rtol=1e-9, atol=1e-13)


def test_soft_targets_use_their_values_for_the_loss_and_their_argmax_for_the_accuracy():
    T = 0.8 * snn.one_hot(y, 3) + 0.2 / 3  # label smoothing: rows still sum to 1
    for batch_size in (None, 100):
        net = snn.MLP([2, 4, 3], seed=0)
        params = copy(net.params)
        history = net.fit(X, T, epochs=3, lr=0.5, batch_size=batch_size)
        losses, accuracies = reference_fit(params, X, T, epochs=3, lr=0.5, batch_size=batch_size)
        np.testing.assert_allclose(history.loss, losses, rtol=1e-10)
        assert history.accuracy == accuracies
        assert_params_close(net.params, params, rtol=1e-10)


# ---------------------------------------------------------------------------------------------------------------
# Ties, stability, no NaN


def test_tied_predictions_count_like_argmax():
    """With all weights zero every class ties; np.argmax predicts class 0, so accuracy is the share of class 0."""
    net = snn.MLP([2, 3, 3])
    for p in net.params.values():
        p[...] = 0.0
    history = net.fit(X, y, epochs=1, lr=1e-9)
    assert history.accuracy[0] == np.mean(y == 0)


def test_tied_predictions_in_mini_batches_count_like_argmax():
    """The first batch ties everywhere (zero weights); the steps after it break the ties."""
    net = snn.MLP([2, 3, 3])
    for p in net.params.values():
        p[...] = 0.0
    params = copy(net.params)
    history = net.fit(X, y, epochs=2, lr=0.1, batch_size=7)
    _, accuracies = reference_fit(params, X, y, epochs=2, lr=0.1, batch_size=7)
    assert history.accuracy == pytest.approx(accuracies, rel=1e-14)


def test_partial_ties_count_like_argmax():
    """Two classes tied for some samples only: the first of them is the prediction."""
    net = snn.MLP([2, 3])
    net.params["W1"][...] = [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]  # classes 0 and 1 always tie
    net.params["b1"][...] = 0.0
    probs = snn.forward(net.params, X)[0]
    history = net.fit(X, y, epochs=1, lr=1e-9)
    assert history.accuracy[0] == np.mean(np.argmax(probs, axis=1) == y)


@pytest.mark.parametrize("activation", snn.ACTIVATIONS)
@pytest.mark.parametrize("scale", [1e2, 1e4])
def test_huge_logits_are_stable(activation, scale):
    """Logits and hidden pre-activations of size ~1e4: no warning (warnings are errors here), no NaN."""
    net = snn.MLP([2, 4, 3], activation, seed=0)
    for p in net.params.values():
        p *= scale
    start = copy(net.params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.fit(X, y, epochs=1, lr=1e-12)
    probs, cache = snn.forward(start, X, activation)
    expected = snn.cross_entropy(cache["logits"], snn.one_hot(y, 3))
    assert math.isfinite(history.loss[0])
    assert history.loss[0] == pytest.approx(expected, rel=1e-9)
    assert history.accuracy[0] == np.mean(np.argmax(probs, axis=1) == y)
    assert all(np.isfinite(p).all() for p in net.params.values())


def test_saturated_sigmoid_is_exact():
    Z = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    H = Z.copy()
    with np.errstate(over="ignore"):
        _kernel._sigmoid_forward(H)
    np.testing.assert_allclose(H, snn.sigmoid(Z), rtol=1e-15, atol=0)
    assert H[0, 0] == 0.0 and H[0, -1] == 1.0


def test_long_runs_stay_finite():
    for activation in snn.ACTIVATIONS:
        net = snn.MLP([2, 16, 16, 3], activation, seed=0)
        history = net.fit(X, y, epochs=300, lr=0.5)
        assert not history.diverged
        assert np.isfinite(history.loss).all()
        assert all(np.isfinite(p).all() for p in net.params.values())


# ---------------------------------------------------------------------------------------------------------------
# Divergence, determinism, the params dict


def test_divergence_restores_the_last_parameters_whose_loss_was_finite():
    net = snn.MLP([2, 8, 3], "relu")
    with pytest.warns(snn.DivergenceWarning, match=r"diverged at epoch (\d+) with lr=100") as record:
        history = net.fit(X, y, epochs=1000, lr=100.0)
    assert history.diverged
    assert f"epoch {history.epochs + 1} " in str(record[0].message)
    # The loss of epoch e is measured on the parameters after e - 1 steps. The last finite loss was measured on
    # the parameters after (history.epochs - 1) steps: those are restored.
    again = snn.MLP([2, 8, 3], "relu")
    again.fit(X, y, epochs=history.epochs - 1, lr=100.0)
    for key in net.params:
        assert np.array_equal(net.params[key], again.params[key])


def test_a_last_step_that_blows_up_is_undone():
    """The loss before the step is finite, the step itself overflows: the parameters go back to where they were."""
    net = snn.MLP([2, 3, 3])
    start = copy(net.params)
    with pytest.warns(snn.DivergenceWarning, match=r"diverged at epoch 1 with lr=1e\+308"):
        history = net.fit(1e3 * X, y, epochs=1, lr=1e308)
    assert history.diverged and history.epochs == 1
    for key in start:
        assert np.array_equal(net.params[key], start[key])


def test_divergence_in_a_mini_batch_restores_finite_parameters():
    net = snn.MLP([2, 8, 3], "relu")
    with pytest.warns(snn.DivergenceWarning, match="with lr=300"):
        history = net.fit(X, y, epochs=200, lr=300.0, batch_size=50)
    assert history.diverged
    assert all(np.isfinite(p).all() for p in net.params.values())


@pytest.mark.parametrize("batch_size", [None, 64])
def test_same_seed_same_bits(batch_size):
    runs = []
    for _ in range(2):
        net = snn.MLP([2, 6, 3], "relu", seed=11)
        history = net.fit(X, y, epochs=15, lr=0.05, batch_size=batch_size, optimizer="adam", seed=5)
        runs.append((net.params, history.loss, history.accuracy))
    (p1, l1, a1), (p2, l2, a2) = runs
    assert l1 == l2 and a1 == a2
    for key in p1:
        assert np.array_equal(p1[key], p2[key])


def test_params_are_updated_in_place_and_visible_to_callbacks():
    net = snn.MLP([2, 3, 3])
    W1 = net.params["W1"]
    seen = []

    def callback(epoch, history):
        seen.append(net.params["W1"].copy())

    net.fit(X, y, epochs=3, callback=callback)
    assert net.params["W1"] is W1
    assert np.array_equal(seen[-1], W1)
    assert not np.array_equal(seen[0], seen[1])


def test_a_callback_may_change_the_parameters():
    net = snn.MLP([2, 3, 3])

    def zero_the_weights(epoch, history):
        for p in net.params.values():
            p[...] = 0.0

    history = net.fit(X, y, epochs=2, lr=1e-9, callback=zero_the_weights)
    assert history.accuracy[1] == pytest.approx(np.mean(y == 0))  # epoch 2 started from the zeros


def test_the_readable_core_is_not_the_kernel():
    """``forward``/``backward`` stay the plain functions the chapters show; only ``fit`` uses the kernel."""
    assert snn.forward.__module__ == "scratchnn.network"
    assert snn.backward.__module__ == "scratchnn.network"
    assert "Kernel" not in snn.__all__


# ---------------------------------------------------------------------------------------------------------------
# Memory


def _fit_peak(epochs):
    net = snn.MLP([2, 3, 3])
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        net.fit(X, y, epochs=epochs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_epochs():
    """Ten times more epochs cost only the history, not a growing heap of arrays.

    The history keeps two Python floats per epoch (24 bytes each) and two list slots (8 bytes each): 64 bytes.
    """
    small, large = _fit_peak(100), _fit_peak(1000)
    per_epoch = (large - small) / 900
    assert per_epoch < 80, f"{per_epoch:.0f} bytes per epoch (peak {small} -> {large})"
    # Everything else is allocated once: the buffers of one epoch on 1500 samples and the data laid out once.
    assert large < 600_000


def test_the_divergence_warning_points_at_the_caller():
    with pytest.warns(snn.DivergenceWarning) as record:
        snn.MLP([2, 8, 3], "relu").fit(X, y, epochs=1000, lr=100.0)
    assert record[0].filename == __file__


def test_an_interrupted_fit_keeps_what_was_trained():
    net = snn.MLP([2, 3, 3])
    start = copy(net.params)

    def interrupt(epoch, history):
        if epoch == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y, epochs=100, callback=interrupt)
    again = snn.MLP([2, 3, 3])
    again.fit(X, y, epochs=5)
    for key in start:
        assert np.array_equal(net.params[key], again.params[key])
