"""Plotting helpers return Axes with what they claim to draw."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import scratchnn as snn
from scratchnn import plotting

X, y = snn.datasets.gaussian_clouds(50)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_data():
    ax = plotting.plot_data(X, y)
    assert len(ax.collections) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]


def test_plot_decision_boundary_uses_the_network():
    net = snn.MLP([2, 3, 3])
    net.fit(X, y, epochs=100)
    _, ax = plt.subplots()
    assert plotting.plot_decision_boundary(net, X, y, ax=ax) is ax
    assert len(ax.collections) >= 4  # filled regions, boundary lines, three scatters


def test_plot_history():
    history = snn.MLP([2, 3, 3]).fit(X, y, epochs=10)
    ax = plotting.plot_history(history)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), history.loss)


def test_plot_rejects_non_planar_data():
    with pytest.raises(ValueError, match=r"exactly 2 features .*shape \(150, 3\)"):
        plotting.plot_data(np.ones((150, 3)), y)


def test_lazy_submodule():
    assert snn.plotting is plotting
