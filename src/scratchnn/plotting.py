"""Figures used throughout the course: data, decision regions and training curves.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies) and each class
also gets its own marker, so no figure relies on colour alone.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from ._checks import as_float_matrix, as_labels

__all__ = ["CLASS_COLOURS", "CLASS_MARKERS", "plot_data", "plot_decision_boundary", "plot_history"]

CLASS_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000"]
CLASS_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def _axes(ax):
    return plt.subplots(figsize=(5, 4.5))[1] if ax is None else ax


def _two_d(X, y):
    X = as_float_matrix(X, "X")
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 features to be drawn in the plane; got shape {X.shape}")
    y = as_labels(y, "y", n_samples=X.shape[0])
    if y.max() >= len(CLASS_COLOURS):
        raise ValueError(f"y labels must be in [0, {len(CLASS_COLOURS)}) to be drawn; got {y.max()}")
    return X, y


def plot_data(X, y, ax=None):
    """Scatter plot of 2-D points X (N, 2) coloured and marked by their integer class y (N,). Returns the Axes."""
    X, y = _two_d(X, y)
    ax = _axes(ax)
    for k in np.unique(y):
        rows = y == k
        ax.scatter(
            X[rows, 0],
            X[rows, 1],
            s=14,
            color=CLASS_COLOURS[k],
            marker=CLASS_MARKERS[k],
            edgecolors="black",
            linewidths=0.3,
            alpha=0.85,
            label=f"class {k}",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", fontsize="small", framealpha=0.8)
    return ax


def plot_decision_boundary(net, X, y, ax=None, resolution=200):
    """Shade the plane by the class `net` predicts, draw the boundaries, and put the data (X, y) on top.

    `net` is anything with ``predict_proba(X) -> (N, K)``, such as :class:`scratchnn.MLP`. Returns the Axes.
    """
    X, y = _two_d(X, y)
    ax = _axes(ax)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.1
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    probs = net.predict_proba(np.column_stack([g0.ravel(), g1.ravel()]))
    K = probs.shape[1]
    if K > len(CLASS_COLOURS):
        raise ValueError(f"plot_decision_boundary draws at most {len(CLASS_COLOURS)} classes; the net has K={K}")
    regions = np.argmax(probs, axis=1).reshape(g0.shape)
    cmap = ListedColormap(CLASS_COLOURS[:K])
    ax.contourf(g0, g1, regions, levels=np.arange(K + 1) - 0.5, cmap=cmap, alpha=0.3)
    ax.contour(g0, g1, regions, levels=np.arange(K) + 0.5, colors="0.25", linewidths=0.8)
    plot_data(X, y, ax=ax)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    return ax


def plot_history(history, ax=None):
    """Training loss (left axis) and classification rate (right axis) per epoch from a ``History``.

    Validation curves are drawn dashed when the history has them. Returns the Axes of the loss.
    """
    ax = _axes(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.plot(epochs, history.loss, color="#0072B2", label="training loss")
    if history.val_loss:
        ax.plot(epochs[: len(history.val_loss)], history.val_loss, "--", color="#0072B2", label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cross-entropy $J$", color="#0072B2")
    acc_ax = ax.twinx()
    acc_ax.plot(epochs, history.accuracy, color="#D55E00", label="training accuracy")
    if history.val_accuracy:
        val_epochs = epochs[: len(history.val_accuracy)]
        acc_ax.plot(val_epochs, history.val_accuracy, "--", color="#D55E00", label="validation accuracy")
    acc_ax.set_ylabel("classification rate", color="#D55E00")
    acc_ax.set_ylim(0, 1.02)
    lines = ax.get_lines() + acc_ax.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="center right", fontsize="small")
    if history.diverged:
        ax.set_title("diverged: training stopped", color="#D55E00")
    return ax
