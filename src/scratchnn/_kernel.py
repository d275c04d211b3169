r"""The training kernel behind :meth:`scratchnn.MLP.fit`: the same maths as the functional core, laid out for speed.

The chapters teach :func:`scratchnn.forward`, :func:`scratchnn.backward` and :func:`scratchnn.cross_entropy`, written
to be read. This private module computes exactly the same quantities for ``fit``; only the *bookkeeping* differs.
For a network as small as ``[2, 3, 3]`` on 1500 samples every NumPy call costs about a microsecond whatever it does,
so an epoch costs roughly "number of NumPy calls" microseconds, plus a large penalty for a few slow kinds of call.
The kernel therefore:

1. **Stores samples in columns.** Activations are kept as :math:`Z^\top` (units x samples), so "for each sample,
   over its classes" (the softmax's row maximum and row sum) is a reduction over a handful of long contiguous rows,
   which NumPy does fast, instead of over 1500 rows of length 3, which it does slowly.
2. **Folds every bias into its weight matrix.** All parameters live in one flat vector; layer l's slice, viewed as
   a matrix with ``n_{l-1} + 1`` rows, is :math:`[W_l; b_l]`. Each layer's input carries an extra row of ones, so
   one matmul computes :math:`A_l = Z_{l-1} W_l + b_l`, and one matmul computes both :math:`\partial J/\partial W_l`
   and :math:`\partial J/\partial b_l = \mathbf 1^\top \Delta_l`. The optimizer updates the whole flat vector in one
   go, and the backup kept for divergence is one copy.
3. **Fuses the loss with the softmax.** With :math:`S = A - \max_k a_k` (per sample) and
   :math:`s = \sum_k e^{S_k}`, the loss is :math:`J = \frac1N(\sum_n \log s_n - \sum_{n,k} t_{nk} S_{nk})`, and
   :math:`\Delta_L = (Y - T)/N = e^{S} \cdot \frac{1}{N s} - T/N`: no second log-softmax pass.
4. **Counts correct predictions without argmax.** After the shift, each sample's largest :math:`e^{S_k}` is exactly
   1, so ``E == 1`` marks the predicted class. When every sample has exactly one such entry (no ties) the number
   correct is :math:`\langle T, [E = 1] \rangle`; with ties it falls back to ``argmax`` (first index wins).
5. **Allocates nothing per epoch.** Every intermediate has a preallocated buffer written with ``out=``.

``tests/test_kernel.py`` checks that all of this agrees with the readable core.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .optim import make_optimizer

__all__ = ["Kernel"]


# Each hidden activation in place, and its derivative multiplied into dZ, written through the output Z = h(A) as in
# `network._HIDDEN`; `tmp` is a scratch buffer of Z's shape.


def _sigmoid_forward(H):
    # sigma(h) = 1 / (1 + e^{-h}). e^{-h} overflows to inf for h < -709, and 1 / (1 + inf) = 0 is the right answer
    # (fit runs the kernel under np.errstate(over="ignore")), so no branch is needed.
    np.negative(H, out=H)
    np.exp(H, out=H)
    np.add(H, 1.0, out=H)
    np.divide(1.0, H, out=H)


def _sigmoid_backward(dZ, Z, tmp):
    np.subtract(1.0, Z, out=tmp)  # sigma' = Z (1 - Z)
    np.multiply(tmp, Z, out=tmp)
    np.multiply(dZ, tmp, out=dZ)


def _tanh_forward(H):
    np.tanh(H, out=H)


def _tanh_backward(dZ, Z, tmp):
    np.multiply(Z, Z, out=tmp)  # tanh' = 1 - Z^2
    np.subtract(1.0, tmp, out=tmp)
    np.multiply(dZ, tmp, out=dZ)


def _relu_forward(H):
    np.maximum(H, 0.0, out=H)


def _relu_backward(dZ, Z, tmp):
    np.greater(Z, 0.0, out=tmp)  # relu' = [Z > 0], written as 0.0 / 1.0
    np.multiply(dZ, tmp, out=dZ)


_ACTIVATIONS = {
    "sigmoid": (_sigmoid_forward, _sigmoid_backward),
    "tanh": (_tanh_forward, _tanh_backward),
    "relu": (_relu_forward, _relu_backward),
}


class _Workspace:
    """Preallocated buffers for a batch of n samples (samples in columns).

    `X1T` (inputs with a row of ones underneath) and `T` (targets, classes x samples) are the whole data set for
    full-batch training; for mini-batches they are buffers filled per batch.
    """

    def __init__(self, sizes: list[int], n: int, X1T=None, T=None, Th=None):
        K = sizes[-1]
        self.n = n
        self.X1T = np.ones((sizes[0] + 1, n)) if X1T is None else X1T
        self.T = np.empty((K, n)) if T is None else T
        self.Tn = np.empty((K, n))  # T / n
        self.Th = self.T if Th is None else Th  # hard (one-hot) targets, for counting correct predictions
        # Hidden outputs, each with a constant row of ones underneath: the bias input of the next layer.
        self.Z = [np.ones((m + 1, n)) for m in sizes[1:-1]]
        self.dZ = [np.empty((m, n)) for m in sizes[1:-1]]
        self.tmp = [np.empty((m, n)) for m in sizes[1:-1]]
        self.A = np.empty((K, n))  # logits A, then S = A - max, then E = exp(S), then Delta_L
        self.F = np.empty((K, n))  # floor(E): 1.0 at each sample's largest probability, else 0.0
        self.m = np.empty(n)  # each sample's largest logit
        self.s = np.empty(n)  # each sample's sum of E, then 1 / (n s)
        self.log_s = np.empty(n)
        self.ones = np.ones(n)


class Kernel:
    """Full-batch and mini-batch epochs on a private flat copy of ``params``.

    Parameters
    ----------
    params : dict
        ``W1, b1, ..., WL, bL``, already checked. Copied in; :meth:`copy_out` writes the trained values back.
    activation : {"sigmoid", "tanh", "relu"}
    X : ndarray of shape (N, D), float64, checked
    T : ndarray of shape (N, K), one-hot (or soft) targets, checked
    labels : ndarray of shape (N,), ``argmax(T, axis=1)``
    optimizer : {"sgd", "momentum", "adam"}
    lr : float
    batch_size : int or None
        None for full-batch epochs (:meth:`full_batch_epoch`), else the size of the mini-batches of
        :meth:`epoch_of_batches`.
    """

    def __init__(self, params, activation, X, T, labels, optimizer, lr, batch_size=None):
        L = len(params) // 2
        sizes = [params["W1"].shape[0]] + [params[f"W{l}"].shape[1] for l in range(1, L + 1)]
        self.sizes = sizes
        self.forward_act, self.backward_act = _ACTIVATIONS[activation]
        N, D = X.shape
        K = sizes[-1]

        # One flat vector holds [W_1; b_1], ..., [W_L; b_L]; `Wa` (and `Ga` for the gradient) are those matrices.
        counts = [(n_in + 1) * n_out for n_in, n_out in itertools.pairwise(sizes)]
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        self.theta = np.empty(offsets[-1])
        self.grad = np.zeros(offsets[-1])
        self.backup = np.empty(offsets[-1])

        def views(flat):
            return [
                flat[a:b].reshape(n_in + 1, n_out)
                for a, b, n_in, n_out in zip(offsets[:-1], offsets[1:], sizes[:-1], sizes[1:], strict=True)
            ]

        self.Wa = views(self.theta)
        self.Ga = views(self.grad)
        self.param_views = {}
        for l, Wa in enumerate(self.Wa, start=1):
            self.param_views[f"W{l}"] = Wa[:-1]
            self.param_views[f"b{l}"] = Wa[-1]
        self.copy_in(params)
        self.update = make_optimizer(optimizer, {"theta": self.theta}, lr)

        # The data, laid out once: inputs transposed with a row of ones, targets transposed (classes x samples).
        self.X1T = np.ones((D + 1, N))
        self.X1T[:D] = X.T
        self.TT = np.ascontiguousarray(T.T)
        hard = np.zeros((K, N))
        hard[labels, np.arange(N)] = 1.0
        self.soft = not np.array_equal(hard, self.TT)
        self.ThT = hard if self.soft else self.TT
        self.labels = labels
        self.N = N
        self.batch_size = batch_size
        self.steps = {}
        if batch_size is None:
            ws = _Workspace(sizes, N, self.X1T, self.TT, self.ThT)
            np.multiply(self.TT, 1.0 / N, out=ws.Tn)
            self.steps[N] = (ws, self._make_step(ws))
        else:
            for n in {batch_size, N % batch_size} - {0}:
                ws = _Workspace(sizes, n, Th=np.empty((K, n)) if self.soft else None)
                self.steps[n] = (ws, self._make_step(ws))

    # -- parameters ---------------------------------------------------------------------------------------------
    def copy_in(self, params):
        """Copy the arrays of `params` into the flat vector."""
        for key, view in self.param_views.items():
            np.copyto(view, params[key])

    def copy_out(self, params):
        """Write the flat vector back into the arrays of `params` (in place, so references to them stay valid)."""
        for key, view in self.param_views.items():
            np.copyto(params[key], view)

    def restore_backup(self):
        """Go back to the parameters saved before the last step."""
        np.copyto(self.theta, self.backup)

    def all_finite(self) -> bool:
        return bool(np.isfinite(self.theta).all())

    # -- one gradient step ----------------------------------------------------------------------------------------
    def _make_step(self, ws):
        """Return ``step(idx=None) -> (loss, n_correct)``: one gradient step on the batch held in `ws`.

        Loss and number correct are measured on the parameters the step starts from (as in ``MLP.fit``). When the
        loss is not finite nothing is updated: the caller restores the backup and stops. `idx` (the batch's rows)
        is only needed when predictions tie.
        """
        n = ws.n
        forward_act, backward_act = self.forward_act, self.backward_act
        hidden = [(Wa.T, Z, Z[:-1]) for Wa, Z in zip(self.Wa[:-1], ws.Z, strict=True)]
        out_WaT = self.Wa[-1].T
        # Backward, from the top layer down: (gradient view, layer input, weights, dZ buffer, Z, scratch).
        inputs = [ws.X1T, *ws.Z]
        backward = [
            (self.Ga[l], inputs[l], self.Wa[l][:-1], ws.dZ[l - 1], ws.Z[l - 1][:-1], ws.tmp[l - 1])
            for l in range(len(self.Wa) - 1, 0, -1)
        ]
        first_G, first_input = self.Ga[0], ws.X1T
        A, F, m, s, log_s, ones = ws.A, ws.F, ws.m, ws.s, ws.log_s, ws.ones
        onesK = np.ones(A.shape[0])
        T, Tn, Th = ws.T, ws.Tn, ws.Th
        theta, backup, update, grads = self.theta, self.backup, self.update, {"theta": self.grad}
        labels = self.labels
        inv_n = 1.0 / n
        dot, vdot, isfinite = np.dot, np.vdot, math.isfinite

        def step(idx=None):
            # Forward: A_l = [W_l; b_l]^T [Z_{l-1}; 1], samples in columns.
            Z_in = ws.X1T
            for WaT, Z, H in hidden:
                dot(WaT, Z_in, out=H)
                forward_act(H)
                Z_in = Z
            dot(out_WaT, Z_in, out=A)

            # Softmax and loss from the shifted logits S = A - max_k A (so every exponent is <= 0).
            np.maximum.reduce(A, axis=0, out=m)
            np.subtract(A, m, out=A)
            t_dot_S = vdot(T, A)
            np.exp(A, out=A)  # E, each sample's largest entry is exactly 1
            dot(onesK, A, out=s)
            np.log(s, out=log_s)
            loss = (float(dot(log_s, ones)) - float(t_dot_S)) * inv_n
            if not isfinite(loss):
                return loss, 0

            # Accuracy: floor(E) is 1 exactly at each sample's largest probability.
            np.floor(A, out=F)
            if vdot(F, F) == n:  # one maximum per sample: no ties
                correct = int(vdot(Th, F))
            else:  # ties: the first of the tied classes is the prediction, as np.argmax says
                batch_labels = labels if idx is None else labels[idx]
                correct = int(np.count_nonzero(np.argmax(A, axis=0) == batch_labels))

            # Backward: Delta_L = E / (n s) - T / n, then the recursion of `backward`.
            np.divide(inv_n, s, out=s)
            np.multiply(A, s, out=A)
            np.subtract(A, Tn, out=A)
            delta = A
            for G, Z_prev, W, dZ, Z, tmp in backward:
                dot(Z_prev, delta.T, out=G)
                dot(W, delta, out=dZ)
                backward_act(dZ, Z, tmp)
                delta = dZ
            dot(first_input, delta.T, out=first_G)

            np.copyto(backup, theta)
            update(grads)
            return loss, correct

        return step

    def full_batch_epoch(self):
        """One gradient step on the whole training set; returns (loss, accuracy) before the step."""
        loss, correct = self.steps[self.N][1]()
        return loss, correct / self.N

    def epoch_of_batches(self, rng):
        """One pass over shuffled mini-batches (the order drawn from `rng`); returns the mean loss and accuracy."""
        N, bs, steps = self.N, self.batch_size, self.steps
        order = rng.permutation(N)
        total_loss = 0.0
        total_correct = 0
        for start in range(0, N, bs):
            idx = order[start : start + bs]
            n = idx.size
            ws, step = steps[n]
            np.take(self.X1T, idx, axis=1, out=ws.X1T, mode="wrap")
            np.take(self.TT, idx, axis=1, out=ws.T, mode="wrap")
            np.multiply(ws.T, 1.0 / n, out=ws.Tn)
            if self.soft:
                np.take(self.ThT, idx, axis=1, out=ws.Th, mode="wrap")
            loss, correct = step(idx)
            if not math.isfinite(loss):
                return loss, 0.0
            total_loss += loss * n
            total_correct += correct
        return total_loss / N, total_correct / N
