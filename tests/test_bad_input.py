"""Bad input raises ValueError or TypeError naming the argument, the bad value or shape, and what was expected."""

import numpy as np
import pytest

import scratchnn as snn

X, y = snn.datasets.gaussian_clouds(10)


@pytest.fixture
def net():
    return snn.MLP([2, 3, 3])


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda n: n.forward(X[0]), ValueError, r"X must be 2-D .*shape \(2,\)"),
        (lambda n: n.forward(X[None]), ValueError, r"X must be 2-D .*ndim=3"),
        (lambda n: n.forward(X[:, :1]), ValueError, r"X has 1 features .*expects D=2"),
        (lambda n: n.forward(np.empty((0, 2))), ValueError, r"X must not be empty; got shape \(0, 2\)"),
        (lambda n: n.forward(np.where(X > 3, np.nan, X)), ValueError, r"X must contain only finite .*nan at index"),
        (lambda n: n.forward(np.full((2, 2), np.inf)), ValueError, r"X must contain only finite .*inf"),
        (lambda n: n.forward("data"), TypeError, r"X must be a 2-D array of numbers; got 'data'"),
        (lambda n: n.forward(X + 1j), TypeError, r"X must hold real numbers; got complex values .*complex128"),
        (lambda n: n.fit(X * (1 + 0j), y), TypeError, r"X must hold real numbers; got complex"),
        (lambda n: n.fit(X, y, seed="a"), TypeError, r"seed must be an integer >= 0 .*got 'a' \(type str\)"),
        (lambda n: n.fit(X, y, seed=-1), ValueError, r"seed must be an integer >= 0; got -1"),
        (lambda n: n.fit(X, y[:-1]), ValueError, r"y has 29 rows .*X has N=30"),
        (lambda n: n.fit(X, y + 1), ValueError, r"y labels must be integers in \[0, 3\).*got 3 at index"),
        (lambda n: n.fit(X, y - 1), ValueError, r"got -1 at index 0"),
        (lambda n: n.fit(X, y.astype(float)), TypeError, r"y must hold integer class labels; got dtype float64"),
        (lambda n: n.fit(X, y[:, None]), ValueError, r"y looks one-hot with 1 columns .*K=3"),
        (lambda n: n.fit(X, snn.one_hot(y, 3) * 0.5), ValueError, r"row 0 sums to 0.5"),
        (lambda n: n.fit(X, np.empty(0, dtype=int)), ValueError, r"y must not be empty"),
        (lambda n: n.fit(X, y, lr=0), ValueError, r"lr must be a finite number > 0; got 0.0"),
        (lambda n: n.fit(X, y, lr=-1.0), ValueError, r"lr must be .* got -1.0"),
        (lambda n: n.fit(X, y, lr=float("inf")), ValueError, r"lr must be .* got inf"),
        (lambda n: n.fit(X, y, lr=float("nan")), ValueError, r"lr must be .* got nan"),
        (lambda n: n.fit(X, y, lr="fast"), TypeError, r"lr must be a finite number > 0; got 'fast'"),
        (lambda n: n.fit(X, y, epochs=0), ValueError, r"epochs must be an integer >= 1; got 0"),
        (lambda n: n.fit(X, y, epochs=2.5), TypeError, r"epochs must be an integer >= 1; got 2.5"),
        (lambda n: n.fit(X, y, batch_size=0), ValueError, r"batch_size must be an integer >= 1; got 0"),
        (lambda n: n.fit(X, y, optimizer="rmsprop"), ValueError, r"unknown optimizer 'rmsprop'; .*'sgd', 'momentum'"),
        (lambda n: n.fit(X, y, callback=3), TypeError, r"callback must be callable"),
        (lambda n: n.fit(X, y, validation=X), TypeError, r"validation must be a pair"),
        (lambda n: n.score(X, y[:5]), ValueError, r"y has 5 rows"),
    ],
)
def test_bad_input_is_explained(net, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(net)


@pytest.mark.parametrize(
    ("sizes", "activation", "pattern"),
    [
        ([2, 0, 3], "sigmoid", r"layer_sizes\[1\] must be an integer >= 1; got 0"),
        ([2], "sigmoid", r"at least the input and output sizes"),
        ([2, 3.5, 3], "sigmoid", r"layer_sizes\[1\] .* got 3.5"),
        ([2, 3, 3], "softplus", r"unknown activation 'softplus'; expected one of 'sigmoid', 'tanh', 'relu'"),
    ],
)
def test_bad_network_definition(sizes, activation, pattern):
    with pytest.raises(ValueError, match=pattern):
        snn.MLP(sizes, activation)


def test_b1_for_b2_is_impossible():
    """The seed passed b1 where b2 belonged; broadcasting hid it when M == K. Here it is refused."""
    net = snn.MLP([2, 3, 3])
    params = dict(net.params, b2=net.params["b1"])
    params["b1"] = params["b1"] + 0  # same length as b2 when M == K: still a legal network
    snn.forward(params, X)  # M == K: shapes agree, nothing to detect
    wide = snn.MLP([2, 4, 3]).params
    with pytest.raises(ValueError, match=r"params\['b2'\] has shape \(4,\) .*expected shape \(3,\)"):
        snn.forward(dict(wide, b2=wide["b1"]), X)


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (lambda p: p.update(W2=p["W2"].T), r"params\['W2'\] has shape \(3, 4\) but layer 1 has 4 units"),
        (lambda p: p.update(W1=p["W1"][:, :2], b1=p["b1"][:2]), r"params\['W2'\] has shape \(4, 3\) .* 2 units"),
        (lambda p: p.update(b1=p["b1"][None]), r"params\['b1'\] has shape \(1, 4\) .*expected shape \(4,\)"),
        (lambda p: p.pop("b2"), r"params must have keys W1, b1, ..., WL, bL"),
        (lambda p: p.update(W1=[[1.0]]), r"params\['W1'\] must be a 2-D array; got a list"),
        (
            lambda p: p.update(W1=np.ones((3, 4))),
            r"X has 2 features \(shape \(30, 2\)\) but params\['W1'\] has shape \(3, 4\), so the network expects D=3",
        ),
    ],
)
def test_params_of_the_wrong_shape(change, pattern):
    net = snn.MLP([2, 4, 3])
    change(net.params)
    with pytest.raises(ValueError, match=pattern):
        net.forward(X)


def test_numerical_gradient_wants_a_float_array():
    with pytest.raises(TypeError, match="x must be a float64 ndarray"):
        snn.numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(ValueError, match="h must be a finite step > 0; got 0"):
        snn.numerical_gradient(lambda v: 0.0, np.array([1.0]), h=0)


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: snn.one_hot(np.array([0, 3]), 3), r"integers in \[0, 3\).*got 3 at index 1"),
        (lambda: snn.one_hot(np.array([0, 1]), 0), r"K must be an integer >= 1"),
        (lambda: snn.classification_rate(np.array([0, 1]), np.array([0])), r"p has 1 labels .*N=2"),
        (lambda: snn.softmax_cross_entropy(np.ones(3), np.array([0])), r"logits must be 2-D"),
        (lambda: snn.relative_error(np.ones(2), np.ones(3)), r"same shape; got \(2,\) and \(3,\)"),
        (lambda: snn.datasets.gaussian_clouds(0), r"n_per_class must be an integer >= 1; got 0"),
        (lambda: snn.datasets.spirals(noise=-1), r"noise must be a finite number >= 0; got -1"),
        (lambda: snn.datasets.train_test_split(X, y, test_fraction=1.0), r"test_fraction .* got 1.0"),
    ],
)
def test_helpers_reject_bad_input(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: snn.MLP([2, 3, 3], seed="a"),
        lambda: snn.init_params([2, 3, 3], seed=1.5),
        lambda: snn.datasets.gaussian_clouds(seed="a"),
        lambda: snn.datasets.spirals(seed=[1, "x"]),
        lambda: snn.datasets.train_test_split(X, y, seed="a"),
    ],
)
def test_a_bad_seed_is_named(call):
    with pytest.raises(TypeError, match=r"^seed must be an integer >= 0 or a numpy.random.Generator; got "):
        call()


def test_good_seeds_still_work():
    rng = np.random.default_rng(3)
    assert snn.MLP([2, 3, 3], seed=np.int64(3)).params["W1"].shape == (2, 3)
    assert snn.datasets.gaussian_clouds(5, seed=rng)[0].shape == (15, 2)


def test_complex_input_is_refused_without_a_warning():
    """numpy would cast complex X with a ComplexWarning and drop the imaginary parts; the package refuses it."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"X must hold real numbers"):
            snn.forward(snn.MLP([2, 3, 3]).params, X.astype(complex))
        with pytest.raises(TypeError, match=r"X must hold real numbers"):
            snn.datasets.train_test_split(X.astype(complex), y)
