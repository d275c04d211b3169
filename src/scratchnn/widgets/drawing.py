"""The decision regions as an array of pixels, for both playgrounds (chapter `playground`).

The kernel playground puts :func:`region_image` into a matplotlib figure; the page playground sends
:func:`region_rgba` to the browser, which paints it on a canvas as it is, with no PNG in between.
"""

from __future__ import annotations

import numpy as np

from ..network import MLP
from ..plotting import CLASS_COLOURS, CLASS_MARKERS

__all__ = ["CLASS_COLOURS", "CLASS_MARKERS", "region_image", "region_rgba"]


def _class_rgb(K: int) -> np.ndarray:
    return np.array([[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in CLASS_COLOURS[:K]])


def region_image(net: MLP, extent, resolution: int = 80) -> np.ndarray:
    """RGB image (resolution, resolution, 3) of the class `net` predicts over `extent`, paler where it is unsure.

    Floats in [0, 1]; row 0 is the bottom of the plane (draw with ``origin="lower"``).
    """
    x0, x1, y0, y1 = extent
    g0, g1 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    with np.errstate(all="ignore"):
        probs = net.predict_proba(np.column_stack([g0.ravel(), g1.ravel()]))
    K = probs.shape[1]
    top = probs.max(axis=1)
    strength = 0.15 + 0.4 * np.clip((top - 1 / K) / (1 - 1 / K), 0, 1)  # confidence: 1/K -> pale, 1 -> full
    rgb = 1 - strength[:, None] * (1 - _class_rgb(K)[np.argmax(probs, axis=1)])
    rgb[~np.isfinite(rgb).all(axis=1)] = 1.0  # a diverged network: no colour rather than garbage
    return rgb.reshape(resolution, resolution, 3)


def region_rgba(net: MLP, extent, resolution: int = 100) -> np.ndarray:
    """The same picture as :func:`region_image` as bytes for a canvas: uint8 (resolution, resolution, 4).

    Row 0 is the *top* of the plane (screen order, as ``ImageData`` expects); alpha is 255 everywhere.
    """
    rgb = region_image(net, extent, resolution)[::-1]
    rgba = np.empty((resolution, resolution, 4), dtype=np.uint8)
    rgba[..., :3] = np.round(rgb * 255)
    rgba[..., 3] = 255
    return rgba
