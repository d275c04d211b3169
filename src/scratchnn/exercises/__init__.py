"""Checkers for the course's write-it-yourself exercises: call one on your own function.

Each ``check_*`` runs your function on fixed, seeded cases, compares every output with the package's own code
(and gradients with central differences), and returns a :class:`CheckResult`: ``passed``, the ``diagnoses``
(codes recognised from what your function returned, such as ``summed-not-mean`` or ``wrong-bias``), and a table
with one hint per diagnosis when printed. An error inside your function never escapes: it is reported with your
own line. All the codes and their hints: :data:`HINTS`.

>>> import scratchnn as snn
>>> result = snn.exercises.check_sigmoid(lambda A: 1 / (1 + np.exp(-A)))  # doctest: +SKIP
>>> result.passed, result.diagnoses  # doctest: +SKIP
(False, ('overflow',))

==========================  ==========================================  ==========================
checker                     your function                               chapter
==========================  ==========================================  ==========================
``check_sigmoid``           ``fn(A) -> sigmoid(A)``                     `forward`
``check_forward``           ``fn(X, W, b, V, c) -> (Z, Y)``             `forward`
``check_softmax``           ``fn(A) -> Y``                              `softmax`
``check_cross_entropy``     ``fn(Y, T) -> J``                           `softmax`
``check_backward``          ``fn(X, Z, Y, T, V) -> (dW, db, dV, dc)``   `backprop`
``check_train_step``        ``fn(params, X, T, lr) -> params``          `training`
``check_seed_fix``          the fixed program of the bug hunt           `bughunt`
``check_deep_backward``     ``fn(Zs, Y, T, Ws) -> (dWs, dbs)``          `deeper`
``check_momentum``          ``fn(theta, v, g, lr, beta)``               `optimizers`
``check_adam``              ``fn(theta, m, s, g, t, lr, ...)``          `optimizers`
==========================  ==========================================  ==========================
"""

from ._hints import CODES, HINTS
from ._report import CheckResult
from .gradients import check_backward, check_deep_backward
from .layers import check_cross_entropy, check_forward, check_sigmoid, check_softmax
from .seed import check_seed_fix
from .training import check_adam, check_momentum, check_train_step

__all__ = [
    "CODES",
    "HINTS",
    "CheckResult",
    "check_adam",
    "check_backward",
    "check_cross_entropy",
    "check_deep_backward",
    "check_forward",
    "check_momentum",
    "check_seed_fix",
    "check_sigmoid",
    "check_softmax",
    "check_train_step",
]

# ---- progress: every public checker above also records its run (exercises/_recording.py, issue 22) ----
# Keep this block last: it wraps whatever check_* functions the lines above define.
from ._progress import export_progress, import_progress, progress
from ._recording import wrap_checkers

wrap_checkers(globals())
del wrap_checkers
__all__ = [*__all__, "export_progress", "import_progress", "progress"]
