"""Judging a training run in plain words, and the colours its words are written in (chapter `playground`).

The colours are defined here once; the playgrounds and the exercises' reports (``exercises/_report.py``) use them.
"""

from __future__ import annotations

import numpy as np

from ..network import History

__all__ = ["PASS_COLOUR", "SEVERE", "TEXT_BLUE", "TEXT_ORANGE", "training_verdict", "verdict_colour"]

# Colours of text (verdicts, axis labels): the Okabe-Ito hues of the curves, darkened to reach the 4.5:1 contrast of
# WCAG 2.1 AA both on white and on the light grey (#ced6dd) that the book's dark theme puts behind widgets. Every
# verdict starts with its word ("Trained", "Stalled", ...): the colour repeats the meaning, it never carries it alone.
TEXT_BLUE, TEXT_ORANGE = "#005A8C", "#8F3E00"
PASS_COLOUR = "#00664A"
SEVERE = frozenset({"diverged", "unstable", "error"})
_VERDICT_COLOUR = {"ok": PASS_COLOUR, "stalled": TEXT_BLUE, "overshoot": TEXT_ORANGE}


def verdict_colour(level: str) -> str:
    """The text colour of a verdict of `level` ("ok", "stalled", ...; "error" and the severe ones are orange)."""
    return TEXT_ORANGE if level in SEVERE else _VERDICT_COLOUR.get(level, "black")


def training_verdict(
    history: History, *, blowup: float = 10.0, rise_tol: float = 0.1, stall_tol: float = 0.05
) -> tuple[str, str]:
    r"""Say in plain words whether training went well: ``(level, message)``.

    With :math:`J_1` the first loss, :math:`J_E` the last and :math:`J_t` the loss at epoch :math:`t`, the levels
    are tried in this order:

    - ``"diverged"``: ``history.diverged``: the loss stopped being a finite number and training stopped;
    - ``"unstable"``: :math:`J_E > J_1` (training ended *worse* than it started) or
      :math:`\max_t J_t > \text{blowup} \cdot J_1` (the loss exploded, even if it came down again);
    - ``"overshoot"``: at some epoch the loss climbed above the lowest value reached so far by more than
      ``rise_tol`` :math:`\cdot J_1`, :math:`\max_t (J_t - \min_{s \le t} J_s) > \text{rise\_tol} \cdot J_1`:
      steps that overshoot the valley, although training recovered;
    - ``"stalled"``: :math:`J_E > (1 - \text{stall\_tol}) J_1`: the loss hardly moved;
    - ``"ok"`` otherwise.

    A sigmoid network cannot blow up the way a ReLU network can (its hidden units stay in (0, 1)), so a
    learning rate that is too high often shows as ``"overshoot"`` or ``"unstable"`` rather than ``"diverged"``.
    """
    loss = np.asarray(history.loss, dtype=float)
    if history.diverged:
        where = f"at epoch {loss.size + 1}" if loss.size else "in the first epoch"
        return "diverged", (
            f"Diverged: the loss stopped being a finite number {where} and training stopped. "
            "The learning rate is far too high."
        )
    if loss.size == 0:
        return "stalled", "Stalled: no training happened (no epoch ran)."
    first, last = loss[0], loss[-1]
    peak = int(np.argmax(loss))
    if last > first or loss[peak] > blowup * first:
        how = (
            f"the loss ended higher than it started ({first:.3g} \N{RIGHTWARDS ARROW} {last:.3g})"
            if last > first
            else f"the loss blew up to {loss[peak]:.3g} at epoch {peak + 1} (from {first:.3g}) before falling "
            f"to {last:.3g}"
        )
        return "unstable", f"Unstable: {how}. The learning rate is too high."
    low = np.minimum.accumulate(loss)
    t = int(np.argmax(loss - low))
    if loss[t] - low[t] > rise_tol * first:
        return "overshoot", (
            f"Overshoot: the loss went up along the way (from {low[t]:.3g} to {loss[t]:.3g} at epoch {t + 1}) "
            f"before coming down to {last:.3g}. The learning rate is close to too high."
        )
    if last > (1.0 - stall_tol) * first:
        return "stalled", (
            f"Stalled: the loss barely moved ({first:.3g} \N{RIGHTWARDS ARROW} {last:.3g}). "
            "Try a larger learning rate or more epochs."
        )
    return "ok", f"Trained: the loss fell from {first:.3g} to {last:.3g}."
