"""Data sets: shapes, labels, determinism, and the bundled digits."""

import numpy as np
import pytest

import scratchnn as snn
from scratchnn import datasets


def test_gaussian_clouds_layout():
    X, y = datasets.gaussian_clouds()
    assert X.shape == (1500, 2) and y.shape == (1500,)
    np.testing.assert_array_equal(y, np.repeat([0, 1, 2], 500))
    for k, centre in enumerate([(0, -2), (2, 2), (-2, 2)]):
        cloud = X[y == k]
        np.testing.assert_allclose(cloud.mean(axis=0), centre, atol=0.15)
        np.testing.assert_allclose(cloud.std(axis=0), 1.0, atol=0.1)


def test_cloud_noise_is_the_standard_deviation():
    X, y = datasets.gaussian_clouds(2000, noise=0.5, seed=1)
    np.testing.assert_allclose(X[y == 2].std(axis=0), 0.5, atol=0.03)
    np.testing.assert_array_equal(datasets.gaussian_clouds(5, noise=1.0)[0], datasets.gaussian_clouds(5)[0])


@pytest.mark.parametrize("make", [datasets.gaussian_clouds, datasets.spirals, datasets.xor])
def test_generators_are_deterministic(make):
    X1, y1 = make(seed=5)
    X2, y2 = make(seed=5)
    X3, _ = make(seed=6)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_spirals_and_xor():
    X, y = datasets.spirals(50, 4, noise=0.1)
    assert X.shape == (200, 2) and set(np.unique(y)) == {0, 1, 2, 3}
    assert np.abs(X).max() <= 1.5
    X, y = datasets.xor(100, noise=0.0)
    assert X.shape == (100, 2)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_digits_are_the_real_data_set():
    X, y = datasets.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    raw, _ = datasets.digits(scale=False)
    np.testing.assert_array_equal(raw[0].reshape(8, 8)[0], [0, 0, 5, 13, 9, 1, 0, 0])


def test_train_test_split():
    X, y = datasets.gaussian_clouds(100)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.2, seed=1)
    assert X_train.shape == (240, 2) and X_test.shape == (60, 2)
    assert y_train.shape == (240,) and y_test.shape == (60,)
    rows = {tuple(r) for r in np.vstack([X_train, X_test])}
    assert rows == {tuple(r) for r in X}
    again = datasets.train_test_split(X, y, test_fraction=0.2, seed=1)
    assert np.array_equal(again[1], X_test)


def test_package_exports_the_datasets_module():
    assert snn.datasets is datasets
