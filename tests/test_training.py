"""Training: defaults that work, determinism, optimizers, mini-batches, callbacks and divergence."""

import sys
import warnings

import numpy as np
import pytest

import scratchnn as snn

X, y = snn.datasets.gaussian_clouds()


def test_defaults_that_work():
    """The Bayes-optimal rate for these overlapping clouds is about 97 %; the defaults get within a point."""
    net = snn.MLP([2, 3, 3])
    history = net.fit(X, y)
    assert history.epochs == 1000 and not history.diverged
    assert net.score(X, y) >= 0.96
    assert history.loss[-1] < history.loss[0] / 5
    assert len(history.accuracy) == 1000


def test_same_seeds_give_bit_identical_results():
    runs = []
    for _ in range(2):
        net = snn.MLP([2, 5, 3], "tanh", seed=7)
        history = net.fit(X, y, epochs=30, lr=0.5, batch_size=64, optimizer="adam", seed=3)
        runs.append((net.params, history))
    (p1, h1), (p2, h2) = runs
    assert h1.loss == h2.loss and h1.accuracy == h2.accuracy
    for key in p1:
        assert np.array_equal(p1[key], p2[key])


def test_different_seeds_differ():
    a = snn.MLP([2, 3, 3], seed=0).params["W1"]
    b = snn.MLP([2, 3, 3], seed=1).params["W1"]
    assert not np.array_equal(a, b)
    h1 = snn.MLP([2, 3, 3]).fit(X, y, epochs=3, batch_size=100, seed=0)
    h2 = snn.MLP([2, 3, 3]).fit(X, y, epochs=3, batch_size=100, seed=1)
    assert h1.loss != h2.loss


def test_full_batch_sgd_is_the_textbook_update():
    net = snn.MLP([2, 4, 3])
    params = {k: p.copy() for k, p in net.params.items()}
    net.fit(X, y, epochs=1, lr=0.3)
    _, grads = snn.loss_and_grads(params, X, y)
    for key in params:
        np.testing.assert_allclose(net.params[key], params[key] - 0.3 * grads[key], rtol=1e-14)


@pytest.mark.parametrize(("optimizer", "lr"), [("sgd", 1.0), ("momentum", 0.1), ("adam", 0.01)])
@pytest.mark.parametrize("batch_size", [None, 32])
def test_every_optimizer_learns(optimizer, lr, batch_size):
    net = snn.MLP([2, 4, 3], seed=1)
    epochs = 300 if batch_size is None else 20
    history = net.fit(X, y, epochs=epochs, lr=lr, optimizer=optimizer, batch_size=batch_size)
    assert net.score(X, y) > 0.95
    assert history.loss[-1] < history.loss[0]


def test_mini_batch_history_is_one_entry_per_epoch():
    history = snn.MLP([2, 3, 3]).fit(X, y, epochs=5, batch_size=7)
    assert history.epochs == 5 and len(history.accuracy) == 5
    assert all(0 <= a <= 1 for a in history.accuracy)


def test_callback_sees_each_epoch_and_can_stop():
    seen = []

    def stop_at_ten(epoch, history):
        seen.append((epoch, history.epochs))
        return epoch == 10

    history = snn.MLP([2, 3, 3]).fit(X, y, epochs=100, callback=stop_at_ten)
    assert history.epochs == 10
    assert seen == [(e, e) for e in range(1, 11)]


def test_validation_curves():
    X_train, X_test, y_train, y_test = snn.datasets.train_test_split(X, y)
    net = snn.MLP([2, 3, 3])
    history = net.fit(X_train, y_train, epochs=50, validation=(X_test, y_test))
    assert len(history.val_loss) == len(history.val_accuracy) == 50
    assert history.val_accuracy[-1] == pytest.approx(net.score(X_test, y_test))
    assert history.val_loss[-1] == pytest.approx(net.loss(X_test, y_test))


def test_divergence_stops_restores_and_warns():
    net = snn.MLP([2, 8, 3], "relu")
    with pytest.warns(snn.DivergenceWarning, match=r"diverged at epoch \d+ with lr=100"):
        history = net.fit(X, y, epochs=1000, lr=100.0)
    assert history.diverged
    assert history.epochs < 1000
    assert all(np.isfinite(p).all() for p in net.params.values())
    assert np.isfinite(history.loss).all()
    # The restored parameters are the last ones whose loss was finite.
    assert np.isfinite(net.loss(X, y))
    assert issubclass(snn.DivergenceWarning, RuntimeWarning)


def test_divergence_with_mini_batches():
    net = snn.MLP([2, 8, 3], "relu")
    with pytest.warns(snn.DivergenceWarning):
        history = net.fit(X, y, epochs=200, lr=300.0, batch_size=50)
    assert history.diverged
    assert all(np.isfinite(p).all() for p in net.params.values())


def test_no_warning_on_a_healthy_run():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not snn.MLP([2, 3, 3]).fit(X, y, epochs=20).diverged


def test_predict_and_score():
    net = snn.MLP([2, 3, 3])
    net.fit(X, y, epochs=200)
    p = net.predict(X)
    assert p.shape == (1500,) and p.dtype.kind == "i"
    assert net.score(X, y) == snn.classification_rate(y, p)
    assert net.score(X, snn.one_hot(y, 3)) == net.score(X, y)
    np.testing.assert_array_equal(net.predict_proba(X), net.forward(X))


@pytest.mark.skipif(
    sys.platform == "emscripten", reason="Pyodide: no threads for tqdm's monitor, and the book's pages ship no tqdm"
)
def test_progress_bar_runs():
    history = snn.MLP([2, 3, 3]).fit(X, y, epochs=3, progress=True)
    assert history.epochs == 3


def test_reprs():
    net = snn.MLP([2, 3, 3], "tanh")
    assert repr(net) == "MLP([2, 3, 3], activation='tanh')"
    assert repr(net.fit(X, y, epochs=2)).startswith("History(epochs=2, final loss ")


def test_init_scales():
    big = snn.init_params([400, 300, 3], "sigmoid", init="standard")["W1"]
    xavier = snn.init_params([400, 300, 3], "sigmoid")["W1"]
    he = snn.init_params([400, 300, 3], "relu")["W1"]
    assert big.std() == pytest.approx(1.0, rel=0.02)
    assert xavier.std() == pytest.approx(np.sqrt(1 / 400), rel=0.02)
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert snn.init_params([2, 3], init=0.1)["W1"].shape == (2, 3)
