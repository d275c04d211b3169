"""Small classification data sets, generated from a seed or shipped with the package.

- :func:`gaussian_clouds`: the three clouds of the seed material (chapter `forward`);
- :func:`spirals` and :func:`xor`: problems a straight line cannot separate (chapter `deeper`);
- :func:`digits`: real 8x8 handwritten digits, bundled, no network needed (chapter `digits`).
"""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

from ._checks import as_float_matrix, as_labels, positive_int, rng_from

__all__ = ["digits", "gaussian_clouds", "spirals", "train_test_split", "xor"]

CLOUD_CENTRES = np.array([[0.0, -2.0], [2.0, 2.0], [-2.0, 2.0]])


def _noise(noise) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise TypeError(f"noise must be a number >= 0; got {noise!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0; got {noise}")
    return float(noise)


def gaussian_clouds(n_per_class=500, *, noise=1.0, seed=0):
    """Three 2-D Gaussian clouds centred at (0, -2), (2, 2) and (-2, 2), of standard deviation `noise` (1: the seed's).

    Returns
    -------
    X : ndarray of shape (3 * n_per_class, 2)
    y : ndarray of int, shape (3 * n_per_class,): 0, 1, 2 in the order of the centres, in blocks.
    """
    n = positive_int(n_per_class, "n_per_class")
    noise = _noise(noise)
    rng = rng_from(seed, "seed")
    X = np.concatenate([noise * rng.standard_normal((n, 2)) + centre for centre in CLOUD_CENTRES])
    y = np.repeat(np.arange(len(CLOUD_CENTRES)), n)
    return X, y


def spirals(n_per_class=100, n_classes=3, *, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class, in the square [-1, 1]^2.

    Each arm's radius grows linearly from 0 to 1 while its angle turns through 4 radians; `noise` is the standard
    deviation of Gaussian jitter added to the angle.

    Returns
    -------
    X : ndarray of shape (n_classes * n_per_class, 2)
    y : ndarray of int, shape (n_classes * n_per_class,)
    """
    n = positive_int(n_per_class, "n_per_class")
    k = positive_int(n_classes, "n_classes")
    noise = _noise(noise)
    rng = rng_from(seed, "seed")
    radius = np.tile(np.linspace(0.0, 1.0, n), k)
    y = np.repeat(np.arange(k), n)
    angle = 2 * np.pi * y / k + 4.0 * radius + noise * rng.standard_normal(n * k)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X, y


def xor(n=400, *, noise=0.2, seed=0):
    """The XOR problem: points around the four corners (+-1, +-1), class 1 where the two signs differ.

    Returns
    -------
    X : ndarray of shape (n, 2), corners taken in turn, plus Gaussian noise of standard deviation `noise`.
    y : ndarray of int, shape (n,), labels 0 and 1.
    """
    n = positive_int(n, "n")
    noise = _noise(noise)
    rng = rng_from(seed, "seed")
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    which = np.arange(n) % 4
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = (which >= 2).astype(np.intp)
    return X, y


def digits(*, scale=True):
    """The 1,797 8x8 handwritten digits of the UCI "Optical Recognition of Handwritten Digits" test set.

    Bundled with the package (CC BY 4.0; Alpaydin and Kaynak, 1998; see ``scratchnn/data/README.md``).

    Parameters
    ----------
    scale : bool
        Divide the pixel counts 0..16 by 16 so that inputs lie in [0, 1].

    Returns
    -------
    X : ndarray of shape (1797, 64), float64; row-major 8x8 images (``X[i].reshape(8, 8)``).
    y : ndarray of int, shape (1797,), the digit 0-9.
    """
    raw = resources.files("scratchnn").joinpath("data/digits.csv.gz").read_bytes()
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",", dtype=np.int64)
    X = table[:, :-1].astype(np.float64)
    # Labels as np.intp, the platform's index integer (int64 here, int32 in the browser's WebAssembly Python), which
    # np.bincount and friends accept everywhere.
    return (X / 16.0 if scale else X), table[:, -1].astype(np.intp)


def train_test_split(X, y, *, test_fraction=0.25, seed=0):
    """Shuffle the rows of (X, y) with `seed` and split off a test part.

    Returns
    -------
    X_train, X_test, y_train, y_test
        The test part has ``round(test_fraction * N)`` rows (at least 1, leaving at least 1 for training).
    """
    X = as_float_matrix(X, "X")
    y = as_labels(y, "y", n_samples=X.shape[0])
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (float, int)) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a number strictly between 0 and 1; got {test_fraction!r}")
    N = X.shape[0]
    if N < 2:
        raise ValueError(f"X needs at least 2 rows to split into a training and a test part; got shape {X.shape}")
    n_test = min(max(round(test_fraction * N), 1), N - 1)
    order = rng_from(seed, "seed").permutation(N)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
