"""The bug hunt's checker: is the course's starting program fixed? (chapter `bughunt`)

:func:`check_seed_fix` runs the other checkers on the program's pieces, trains the three clouds with the
program's own ``train``, and hides what it found behind a ladder of hints, revealed one at a time with
``result.hint()``.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from ..datasets import gaussian_clouds
from ..network import _forward, check_params
from ._compare import as_array, unpack
from ._hints import HINTS
from ._hunt_hints import HuntResult, reset_hints
from ._report import CheckResult, Row
from ._run import call, check_callable, error_codes
from .layers import check_cross_entropy, check_forward
from .training import check_train_step

__all__ = ["EPOCHS", "TARGET", "check_seed_fix", "reset_hints"]

EPOCHS = 2000  # the fixed program must train the clouds within this many epochs ...
TARGET = 0.96  # ... to at least this training accuracy

# The hunt's problems in a fixed order: the codes that reveal each, a nudge, then a pointer.
PROBLEMS = [
    (
        {"wrong-bias"},
        "Run train(X, labels, M=4): a network with 4 hidden units. What happens, and which line is it?",
        "Look at every call of forward: does each argument land in the parameter of the same name? The logits "
        "need the output bias b2.",
    ),
    (
        {"stale-weights"},
        "Every line of step is a formula from chapters 3 and 4. In which order do they run, and which W2 does "
        "grad_W1 receive: the one the forward pass used?",
        HINTS["stale-weights"],
    ),
    (
        {"summed-not-mean", "not-converged"},
        "How large is each step? Print lr next to the size of the gradients, and compare with the learning "
        "rates that trained the clouds in chapter 4.",
        "The gradients add up over all N = 1500 samples, so the rate that suits them is tiny. Use the mean over "
        "the samples (chapter 2's J) and then a rate like chapter 4's, about 0.1 to 3.",
    ),
    (
        {"sign-flipped"},
        "Watch the cost the program prints: is it a number to make small? Which way does it move?",
        "It is the log-likelihood (at most 0, rising as the network improves). Compute the mean cross-entropy "
        "J = -(1/N) sum t log y instead, and step down its gradient.",
    ),
    (
        {"overflow", "log-of-zero"},
        "Call forward with an output bias like [1000, 0, 0], and cost with a probability that is exactly 0 for "
        "a class the target does not pick. What comes out?",
        HINTS["overflow"] + " " + HINTS["log-of-zero"],
    ),
    (
        {"no-seed"},
        "Run train twice with the same arguments. Do you get the same network?",
        HINTS["no-seed"],
    ),
    (
        {"missing-sum-over-k"},
        "Compare the hidden layer's gradient with the one derived in chapter 3.",
        HINTS["missing-sum-over-k"],
    ),
]


def _quiet(fn):
    """`fn` with its printed output swallowed (the program's train prints its progress)."""

    def run(*args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(*args, **kwargs)

    return run


def _trained(value, X):
    """The learner's ``(params, costs)`` as float arrays, or a code and a message saying what is wrong."""
    pair = unpack(value, 2)
    if pair is None:
        message = "train must return two things, (params, costs): the dict W1, b1, W2, b2 and its costs."
        return None, ("wrong-shape" if isinstance(value, (list, tuple)) else "wrong-type", message)
    params, costs = pair
    if not isinstance(params, dict) or any(k not in params for k in ("W1", "b1", "W2", "b2")):
        return None, ("wrong-type", "The first thing train returns must be the dict of W1, b1, W2, b2.")
    arrays = {k: as_array(params[k]) for k in ("W1", "b1", "W2", "b2")}
    try:
        check_params(arrays)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return None, ("wrong-shape", f"The network train returns is not one this check can run: {exc}")
    if arrays["W1"].shape[0] != X.shape[1]:
        return None, ("wrong-shape", f"train returns W1 of shape {arrays['W1'].shape}, but the clouds have "
                      f"{X.shape[1]} features: the check feeds X to the network as it is, without extra "
                      "columns.")  # fmt: skip
    costs = as_array(costs)
    if costs is None or costs.ndim != 1 or costs.size < 2:
        message = "The second thing train returns must be the list of the costs it recorded (two or more)."
        return None, ("wrong-type", message)
    return (arrays, costs.astype(np.float64)), None


def _accuracies(params, X, labels):
    """The accuracy, and the best accuracy under a relabelling of the classes (a one-hot built off by one)."""
    with np.errstate(all="ignore"):
        probs = _forward(params, X, "sigmoid")[0]
    predictions = np.argmax(probs, axis=1)
    K = probs.shape[1]
    accuracy = float(np.mean(predictions == labels))
    if K <= labels.max():
        return accuracy, 0.0
    mapping = np.array([np.bincount(predictions[labels == k], minlength=K).argmax() for k in range(labels.max() + 1)])
    if len(set(mapping.tolist())) < len(mapping):  # not a relabelling: two classes predicted as one
        return accuracy, 0.0
    return accuracy, float(np.mean(predictions == mapping[labels]))


def _train_rows(train, X, labels):
    """Rows, codes and messages of training the clouds with the learner's ``train``, twice."""
    result = call(_quiet(train), X.copy(), labels.copy(), epochs=EPOCHS)
    names = ("train: the cost falls", f"train: accuracy >= {TARGET:.0%} within {EPOCHS} epochs",
             "train: the same network twice")  # fmt: skip
    not_run = [Row(n, None, None, None, None, "not run") for n in names]
    if not result.ok:
        return not_run, error_codes(result), [result.message]
    trained, problem = _trained(result.value, X)
    if trained is None:
        return not_run, [problem[0]], [problem[1]]
    params, costs = trained
    rows, codes, messages = [], [], []
    falls = bool(
        np.isfinite(costs).all() and costs[-1] < costs[0] and np.all(np.diff(costs) <= 1e-12 * np.abs(costs[:-1]))
    )
    rows.append(Row(names[0], None, None, None, None, "ok" if falls else "wrong"))
    if not np.isfinite(costs).all():
        codes.append("overflow")
    elif not falls and np.all(np.diff(costs) >= 0):
        codes.append("sign-flipped")
    accuracy, relabelled = _accuracies(params, X, labels)
    rows.append(
        Row(f"{names[1]} (got {accuracy:.1%})", None, None, None, None, "ok" if accuracy >= TARGET else "wrong")
    )
    if accuracy < TARGET and relabelled >= TARGET:
        codes.append("wrong-targets")
    elif accuracy < TARGET and np.isfinite(costs).all():
        codes.append("not-converged")
    again = call(_quiet(train), X.copy(), labels.copy(), epochs=EPOCHS)
    second = _trained(again.value, X)[0] if again.ok else None
    identical = second is not None and all(np.array_equal(params[k], second[0][k]) for k in params)
    rows.append(Row(names[2], None, None, None, None, "ok" if identical else "wrong"))
    if second is not None and not identical:
        codes.append("no-seed")
    elif second is None:
        messages.append("The second call of train did not return a network: " + (again.message or "see above."))
    return rows, codes, messages


def _summary_row(name: str, result: CheckResult) -> Row:
    errors = [r.error_reference for r in result.rows if r.error_reference is not None]
    worst = None if not errors else (float("nan") if not np.isfinite(errors).all() else max(errors))
    return Row(name, None, None, worst, None, "ok" if result.passed else "wrong")


def check_seed_fix(forward, cost, step, train) -> HuntResult:
    """Check the bug hunt's program after your fixes (chapter `bughunt`).

    Parameters
    ----------
    forward : callable
        ``forward(X, W1, b1, W2, b2) -> (Z, Y)``, checked by :func:`check_forward`.
    cost : callable
        ``cost(Y, T) -> J``, the mean cross-entropy, checked by :func:`check_cross_entropy`.
    step : callable
        ``step(params, X, T, lr) -> params``, one step of gradient descent, checked by :func:`check_train_step`:
        its update divided by ``lr`` must be the package's gradient.
    train : callable
        ``train(X, labels, epochs=...) -> (params, costs)``. Called twice with the three clouds
        (``gaussian_clouds(500, seed=0)``) and ``epochs=2000``: the recorded costs must fall, the returned
        network must classify at least 96 % of the points, and both calls must give the same network.
        Whatever it prints is not shown.

    Returns
    -------
    HuntResult
        A row per part, saying what is checked. The report does not say what is wrong: ``result.hint()``
        prints one hint at a time: about the first problem still present (in the hunt's fixed order) whose
        hints it has not all shown, its nudge first, then its pointer; then hints for anything else. It
        answers the program as it is when called: if any of the four functions (or a function they call) was
        redefined since the check, it checks again first. Which hints each problem has shown is remembered
        across checks; :func:`reset_hints` forgets it.
        ``result.diagnoses`` lists the codes (those of the three checkers, plus ``sign-flipped`` when the
        recorded cost rises, ``overflow`` when it is not finite, ``not-converged`` and ``no-seed``).
    """
    for name, fn in (("forward", forward), ("cost", cost), ("step", step), ("train", train)):
        check_callable(fn, name)
    rows, order, messages = _findings(forward, cost, step, train)
    entries = _ladder(order, messages)
    hints = tuple(hint for _, steps in entries for hint in steps)
    return HuntResult("check_seed_fix", tuple(rows), tuple(order), (), hints, show_hints=False,
                      program=(forward, cost, step, train), entries=entries, recheck=_check_again)  # fmt: skip


def _check_again(forward, cost, step, train) -> HuntResult:
    """The check that ``hint()`` runs again on a program redefined since its check: the package's public
    ``check_seed_fix``, so that the new check is recorded in the learner's progress like any other."""
    from . import check_seed_fix as recorded_check  # the package imports this module: look it up when called

    return recorded_check(forward, cost, step, train)


def _findings(forward, cost, step, train):
    """The rows, the diagnosis codes in the order of HINTS, and the messages of checking the program."""
    parts = [
        ("forward (check_forward)", check_forward(forward)),
        ("cost (check_cross_entropy)", check_cross_entropy(cost)),
        ("step (check_train_step)", check_train_step(step, in_place=True)),
    ]
    rows = [_summary_row(name, result) for name, result in parts]
    codes = [code for _, result in parts for code in result.diagnoses]
    messages = [message for _, result in parts for message in result.messages]
    X, labels = gaussian_clouds(500, seed=0)
    train_rows, train_codes, train_messages = _train_rows(train, X, labels)
    rows += train_rows
    codes += train_codes
    messages += train_messages
    found = set(codes)
    if not found and any(row.verdict != "ok" for row in rows):
        found.add("other")
    return rows, [c for c in HINTS if c in found], messages


def _ladder(order, messages) -> tuple:
    """``(key, steps)`` per problem found, in the hunt's order (key its number, steps its nudge and pointer),
    then one per other finding."""
    found = set(order)
    entries = [(number, (nudge, pointer))
               for number, (codes, nudge, pointer) in enumerate(PROBLEMS, start=1) if found & codes]  # fmt: skip
    explained = set().union(*(p[0] for p in PROBLEMS))
    entries += [(("code", c), (HINTS[c],)) for c in order if c not in explained]
    own = [m for m in dict.fromkeys(messages) if m.startswith(("Your function", "On the case", "train ", "The "))]
    entries += [(("message", m), (m,)) for m in own]
    return tuple(entries)
