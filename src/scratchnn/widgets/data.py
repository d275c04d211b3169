"""The playground's data sets (chapter `playground`): small, with a quarter of the points held out."""

from __future__ import annotations

import numpy as np

from .. import datasets

__all__ = ["DATASETS", "N_PER_CLASS", "TEST_FRACTION", "extent", "make_data", "n_classes"]

# The playground's data sets and the usual value of their noise. About 300 points each, a quarter of them held
# out: small enough that 1000 epochs of full-batch training stay interactive (the chapters' clouds have 1500).
DATASETS = {
    "gaussian clouds": 1.0,  # standard deviation of each cloud (the chapters' clouds have 1)
    "spirals": 0.2,  # jitter of the angle along each arm, in radians
    "XOR": 0.2,  # standard deviation of the points around each corner
}
N_PER_CLASS = 100
TEST_FRACTION = 0.25


def make_data(dataset: str = "gaussian clouds", noise: float | None = None, seed: int = 0, *, n_per_class=N_PER_CLASS):
    """The playground's data: ``X_train, X_test, y_train, y_test`` for one of :data:`DATASETS`.

    `noise` is the standard deviation of the clouds, the angular jitter of the spirals or the spread of the XOR
    corners (None: the data set's usual value, see :data:`DATASETS`). A quarter of the points, chosen with
    `seed`, are held out.
    """
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(map(repr, DATASETS))}")
    noise = DATASETS[dataset] if noise is None else noise
    if dataset == "gaussian clouds":
        X, y = datasets.gaussian_clouds(n_per_class, noise=noise, seed=seed)
    elif dataset == "spirals":
        X, y = datasets.spirals(n_per_class, noise=noise, seed=seed)
    else:
        X, y = datasets.xor(2 * n_per_class, noise=noise, seed=seed)
    return datasets.train_test_split(X, y, test_fraction=TEST_FRACTION, seed=seed)


def n_classes(dataset: str) -> int:
    """How many classes `dataset` has (XOR has two, the others three)."""
    return 2 if dataset == "XOR" else 3


def extent(X: np.ndarray) -> tuple[float, float, float, float]:
    """``(x_min, x_max, y_min, y_max)`` of the picture that shows the points `X` (N, 2), with a margin."""
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.1
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])
