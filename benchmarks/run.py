"""How fast is scratchnn? Times one training epoch side by side with the seed's loop, PyTorch and scikit-learn.

Runs every target of the performance issue in one process, interleaved (each repeat runs every contender once, so a
busy machine slows all of them alike), prints a table of medians and ratios, and writes it all to
``benchmarks/results.json``, which the book page "How fast is our network?" reads. PyTorch and scikit-learn are
optional (``pip install -r benchmarks/requirements.txt``): without them their columns are skipped with a note.

    python benchmarks/run.py [--repeats 7] [--quick] [--out benchmarks/results.json]

Some machines here set OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) to work around old OpenBLAS builds; they make a
current NumPy run its small matrix products with an older, slower kernel. To measure NumPy as it runs elsewhere,
unset both for this command only: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py``. The
JSON records which BLAS kernel ran.

What is timed (float64 everywhere, one "epoch" = one pass over the training set):

- ``scratchnn``: ``MLP.fit`` (the fast kernel), per epoch; it also records the loss and accuracy of every epoch.
- ``readable core``: the same epoch written with the functions the chapters teach (``forward``, ``cross_entropy``,
  ``backward``, the SGD rule), which is what ``fit`` ran before the kernel.
- ``seed loop``: the seed's algorithm re-implemented here (not copied): summed gradients, one NumPy call per
  operation, the same sequence of operations (including updating W2 before the W1 gradient uses it), the loss and
  accuracy every 100 epochs, and b2 used where it belongs. Its accuracy uses ``np.mean`` instead of a Python loop,
  which only makes the baseline faster.
- ``torch eager``: ``nn.Sequential(Linear, Sigmoid, Linear)`` in float64, ``CrossEntropyLoss``,
  ``torch.optim.SGD``, ``zero_grad/backward/step`` and ``loss.item()`` every epoch, default threads.
- ``sklearn``: ``MLPClassifier(activation="logistic", solver="sgd", batch_size=N, momentum=0)``, time of ``fit``
  divided by its ``max_iter`` epochs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import os
import platform
import statistics
import sys
import time
import timeit
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

import scratchnn as snn
from scratchnn.network import _backward, _forward

try:
    import torch
except ImportError:  # optional
    torch = None
try:
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
except ImportError:  # optional
    sklearn = None

HERE = Path(__file__).resolve().parent

# The targets of the issue: (key, description, comparison, threshold).
TARGETS = [
    ("clouds.ratio.seed", "full batch [2, 3, 3]: faster than the seed's loop", ">=", 3.0),
    ("clouds.ratio.torch", "full batch [2, 3, 3]: faster than PyTorch eager", ">=", 8.0),
    ("clouds.ratio.sklearn", "full batch [2, 3, 3]: faster than scikit-learn", ">=", 6.0),
    ("defaults.wall_ms", "MLP([2, 3, 3]).fit(*gaussian_clouds()) wall time (ms)", "<=", 50.0),
    ("defaults.accuracy", "... and its training accuracy", ">=", 0.96),
    ("digits_full.ratio.torch", "digits [64, 128, 10] full batch: time / PyTorch's", "<=", 1.0),
    ("digits_mini.ratio.torch", "digits [64, 128, 10] mini-batch 64: time / PyTorch's", "<=", 1.0),
    ("memory.bytes_per_epoch", "memory growth per epoch (bytes; the history alone is 64)", "<=", 80.0),
]


# ----------------------------------------------------------------------------------------------------------------
# Contenders. Each `make_*` returns `run(epochs)` that trains a fresh network for `epochs` epochs.


def make_scratchnn(X, y, sizes, lr, batch_size=None):
    def run(epochs):
        snn.MLP(sizes).fit(X, y, epochs=epochs, lr=lr, batch_size=batch_size)

    return run


def make_readable(X, y, sizes, lr):
    """A full-batch epoch with the readable functional core, as ``fit`` did it before the kernel."""
    T = snn.one_hot(y, sizes[-1])

    def run(epochs):
        params = snn.init_params(sizes)
        step = snn.make_optimizer("sgd", params, lr)
        backup = {key: p.copy() for key, p in params.items()}
        history = []
        for _ in range(epochs):
            probs, cache = _forward(params, X, "sigmoid")
            loss = snn.cross_entropy(cache["logits"], T)
            accuracy = float(np.mean(np.argmax(probs, axis=1) == y))
            for key, p in params.items():
                np.copyto(backup[key], p)
            step(_backward(params, cache, T))
            history.append((loss, accuracy))

    return run


def make_seed_loop(X, y, sizes, lr=1e-6):
    """The seed's training loop, re-implemented: summed gradients, gradient *ascent* on the log-likelihood, one
    NumPy call per operation in the seed's order (W2 is updated before the W1 gradient reads it), the log-likelihood
    and classification rate every 100 epochs, and b2 (not b1) in the output layer."""
    D, M, K = sizes
    T = snn.one_hot(y, K)

    def run(epochs):
        rng = np.random.default_rng(0)
        W1, b1 = rng.standard_normal((D, M)), rng.standard_normal(M)
        W2, b2 = rng.standard_normal((M, K)), rng.standard_normal(K)
        for epoch in range(epochs):
            Z = 1 / (1 + np.exp(-X.dot(W1) - b1))
            A = Z.dot(W2) + b2
            expA = np.exp(A)
            Y = expA / expA.sum(axis=1, keepdims=True)
            if epoch % 100 == 0:
                log_likelihood = (T * np.log(Y)).sum()
                rate = np.mean(y == np.argmax(Y, axis=1))
                del log_likelihood, rate
            W2 += lr * Z.T.dot(T - Y)
            b2 += lr * (T - Y).sum(axis=0)
            W1 += lr * X.T.dot((T - Y).dot(W2.T) * Z * (1 - Z))
            b1 += lr * ((T - Y).dot(W2.T) * Z * (1 - Z)).sum(axis=0)

    return run


def make_torch(X, y, sizes, lr, batch_size=None):
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()
    N = len(yt)

    def run(epochs):
        torch.manual_seed(0)
        layers = []
        for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            if i:
                layers.append(torch.nn.Sigmoid())
            layers.append(torch.nn.Linear(n_in, n_out, dtype=torch.float64))
        model = torch.nn.Sequential(*layers)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        generator = torch.Generator().manual_seed(0)
        history = []
        for _ in range(epochs):
            if batch_size is None:
                optimizer.zero_grad()
                loss = loss_fn(model(Xt), yt)
                loss.backward()
                optimizer.step()
                history.append(loss.item())
            else:
                order = torch.randperm(N, generator=generator)
                total = 0.0
                for start in range(0, N, batch_size):
                    idx = order[start : start + batch_size]
                    optimizer.zero_grad()
                    loss = loss_fn(model(Xt[idx]), yt[idx])
                    loss.backward()
                    optimizer.step()
                    total += loss.item() * len(idx)
                history.append(total / N)

    return run


def make_sklearn(X, y, sizes, lr):
    def run(epochs):
        model = MLPClassifier(
            hidden_layer_sizes=tuple(sizes[1:-1]),
            activation="logistic",
            solver="sgd",
            batch_size=len(X),
            learning_rate_init=lr,
            momentum=0.0,
            nesterovs_momentum=False,
            alpha=0.0,
            max_iter=epochs,
            shuffle=False,
            tol=0.0,
            n_iter_no_change=epochs + 1,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)

    return run


# ----------------------------------------------------------------------------------------------------------------
# Measuring


def time_per_epoch(runs: dict, epochs: dict, repeats: int) -> dict:
    """Median seconds per epoch of each `runs[name](epochs[name])`, the contenders interleaved in every repeat."""
    for name, run in runs.items():  # warm-up: imports, caches, first allocations
        run(max(1, epochs[name] // 20))
    samples = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run(epochs[name])
            samples[name].append((time.perf_counter() - start) / epochs[name])
    return {
        name: {"median_us": 1e6 * statistics.median(s), "all_us": [round(1e6 * v, 2) for v in s]}
        for name, s in samples.items()
    }


def time_defaults(repeats: int) -> dict:
    """Wall time of the whole call ``MLP([2, 3, 3]).fit(*gaussian_clouds())`` and the accuracy it reaches."""
    walls, accuracy = [], None
    for _ in range(repeats + 1):
        gc.collect()
        start = time.perf_counter()
        net = snn.MLP([2, 3, 3])
        net.fit(*snn.datasets.gaussian_clouds())
        walls.append(time.perf_counter() - start)
        accuracy = net.score(*snn.datasets.gaussian_clouds())
    walls = walls[1:]  # the first call pays for imports and warm caches
    return {
        "wall_ms": 1e3 * statistics.median(walls),
        "all_ms": [round(1e3 * w, 2) for w in walls],
        "accuracy": accuracy,
    }


def measure_memory() -> dict:
    """Peak traced memory of a full-batch fit for growing epoch counts: it must grow only by the history."""
    X, y = snn.datasets.gaussian_clouds()
    peaks = {}
    for epochs in (100, 1000, 10000):
        net = snn.MLP([2, 3, 3])
        gc.collect()
        tracemalloc.start()
        net.fit(X, y, epochs=epochs)
        peaks[epochs] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "peak_bytes": {str(k): v for k, v in peaks.items()},
        "bytes_per_epoch": (peaks[10000] - peaks[100]) / 9900,
    }


def measure_ops(repeats: int) -> list[dict]:
    """Microseconds per call of the operations an epoch is made of, on the 1500-sample clouds, as the readable
    core writes them (samples in rows) and as the kernel writes them (samples in columns, preallocated outputs)."""
    rng = np.random.default_rng(0)
    N, K = 1500, 3
    A = rng.normal(size=(N, K))
    At = np.ascontiguousarray(A.T)
    E = np.exp(A - A.max(axis=1, keepdims=True))
    Et = np.ascontiguousarray(E.T)
    y = rng.integers(0, K, N)
    T = snn.one_hot(y, K)
    Tt = np.ascontiguousarray(T.T)
    m, s, out, outt = np.empty(N), np.empty(N), np.empty((N, K)), np.empty((K, N))
    onesK, onesN = np.ones(K), np.ones(N)
    Z, Zt = rng.random((N, K)), rng.random((K + 1, N))
    W, Wa, G = rng.normal(size=(K, K)), rng.normal(size=(K + 1, K)), np.empty((K + 1, K))
    params = snn.init_params([2, 3, 3])
    flat, flat_g, flat_backup = np.zeros(21), np.ones(21), np.zeros(21)
    space = {**globals(), **locals()}
    ops = [
        ("largest logit of each sample", "A.max(axis=1, keepdims=True)", "np.maximum.reduce(At, axis=0, out=m)"),
        ("subtract it (shift)", "A - m[:, None]", "np.subtract(At, m, out=outt)"),
        ("exponentials", "np.exp(A)", "np.exp(At, out=outt)"),
        ("sum over classes", "E.sum(axis=1, keepdims=True)", "np.dot(onesK, Et, out=s)"),
        ("normalise", "E / s[:, None]", "np.multiply(Et, s, out=outt)"),
        ("loss from logits", "snn.cross_entropy(A, T)", "np.vdot(Tt, At); np.log(s, out=m); np.dot(m, onesN)"),
        (
            "accuracy",
            "np.mean(np.argmax(E, axis=1) == y)",
            "np.floor(Et, out=outt); np.vdot(outt, outt); np.vdot(Tt, outt)",
        ),
        (
            "sigmoid",
            "snn.sigmoid(A)",
            "np.negative(At, out=outt); np.exp(outt, out=outt); "
            "np.add(outt, 1.0, out=outt); np.divide(1.0, outt, out=outt)",
        ),
        ("weight gradient", "Z.T @ E", "np.dot(Zt, Et.T, out=G)"),
        ("bias gradient", "E.sum(axis=0)", "(in the weight-gradient product)"),
        ("propagate to the hidden layer", "E @ W.T", "np.dot(Wa[:-1], Et, out=outt)"),
        (
            "SGD update of all parameters",
            "for key, p in params.items(): p -= 0.1 * p",
            "np.multiply(flat_g, 0.1, out=flat_backup); np.subtract(flat, flat_backup, out=flat)",
        ),
        (
            "keep a backup for divergence",
            "for key, p in params.items(): np.copyto(p, p)",
            "np.copyto(flat_backup, flat)",
        ),
    ]
    rows = []
    with np.errstate(all="ignore"):
        for name, readable, kernel in ops:
            row = {"op": name, "readable_code": readable, "kernel_code": kernel}
            for key, code in (("readable_us", readable), ("kernel_us", kernel)):
                if code.startswith("("):
                    row[key] = 0.0
                    continue
                times = timeit.repeat(code, number=2000, repeat=repeats, globals=space)
                row[key] = 1e6 * statistics.median(times) / 2000
            rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------------------------------
# Where and with what


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def blas() -> dict:
    info = {key: os.environ.get(key) for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")}
    try:
        from threadpoolctl import threadpool_info

        info["numpy"] = [
            {k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for pool in threadpool_info()
            if "numpy" in pool.get("filepath", "")
        ]
    except ImportError:
        info["numpy"] = None
    if torch is not None:
        info["torch_threads"] = torch.get_num_threads()
    return info


def versions() -> dict:
    return {
        "scratchnn": snn.__version__,
        "numpy": np.__version__,
        "torch": None if torch is None else torch.__version__,
        "sklearn": None if sklearn is None else sklearn.__version__,
    }


def lookup(results: dict, dotted: str):
    value = results
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


# ----------------------------------------------------------------------------------------------------------------


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats per measurement (>= 5)")
    parser.add_argument("--quick", action="store_true", help="fewer epochs, for a smoke test (numbers are rough)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json", help="where to write the JSON")
    args = parser.parse_args(argv)
    repeats = max(args.repeats, 5)
    scale = 0.1 if args.quick else 1.0
    notes = []
    if torch is None:
        notes.append("PyTorch is not installed: its columns are skipped (pip install -r benchmarks/requirements.txt).")
    if sklearn is None:
        notes.append("scikit-learn is not installed: its column is skipped.")
    if os.environ.get("OPENBLAS_CORETYPE"):
        notes.append(
            f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set: NumPy's small matrix products run an older "
            "OpenBLAS kernel; unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for this command to measure current NumPy."
        )
    for note in notes:
        print("note:", note)

    def epochs(n):
        return max(2, int(n * scale))

    results = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "blas": blas(),
        "repeats": repeats,
        "quick": args.quick,
        "notes": notes,
    }

    # 1. The seed's network on the seed's data: full batch, [2, 3, 3] sigmoid.
    X, y = snn.datasets.gaussian_clouds()
    runs = {
        "scratchnn": make_scratchnn(X, y, [2, 3, 3], lr=1.0),
        "readable": make_readable(X, y, [2, 3, 3], lr=1.0),
        "seed": make_seed_loop(X, y, [2, 3, 3]),
    }
    n_epochs = {"scratchnn": epochs(2000), "readable": epochs(500), "seed": epochs(1000)}
    if torch is not None:
        runs["torch"] = make_torch(X, y, [2, 3, 3], lr=1.0)
        n_epochs["torch"] = epochs(500)
    if sklearn is not None:
        runs["sklearn"] = make_sklearn(X, y, [2, 3, 3], lr=1.0)
        n_epochs["sklearn"] = epochs(500)
    print("timing full-batch epochs on the clouds ...", flush=True)
    clouds = {"sizes": [2, 3, 3], "N": len(X), "epoch_us": time_per_epoch(runs, n_epochs, repeats)}
    ours = clouds["epoch_us"]["scratchnn"]["median_us"]
    clouds["ratio"] = {name: t["median_us"] / ours for name, t in clouds["epoch_us"].items() if name != "scratchnn"}
    results["clouds"] = clouds

    # 2. The defaults: one call, wall time and accuracy.
    print("timing MLP([2, 3, 3]).fit(*gaussian_clouds()) ...", flush=True)
    results["defaults"] = time_defaults(repeats)

    # 3. Digits, [64, 128, 10], full batch and mini-batches of 64: scratchnn against PyTorch.
    Xd, yd = snn.datasets.digits()
    for key, batch_size, n in (("digits_full", None, 40), ("digits_mini", 64, 4)):
        print(f"timing digits [64, 128, 10], batch size {batch_size or 'full'} ...", flush=True)
        runs = {"scratchnn": make_scratchnn(Xd, yd, [64, 128, 10], lr=0.5, batch_size=batch_size)}
        if torch is not None:
            runs["torch"] = make_torch(Xd, yd, [64, 128, 10], lr=0.5, batch_size=batch_size)
        timed = time_per_epoch(runs, dict.fromkeys(runs, epochs(n)), repeats)
        entry = {"sizes": [64, 128, 10], "N": len(Xd), "batch_size": batch_size, "epoch_us": timed}
        if torch is not None:  # time relative to PyTorch's: <= 1 means no slower
            entry["ratio"] = {"torch": timed["scratchnn"]["median_us"] / timed["torch"]["median_us"]}
        results[key] = entry

    # 4. Memory and 5. the cost of single operations.
    print("measuring memory and single operations ...", flush=True)
    results["memory"] = measure_memory()
    results["ops"] = measure_ops(repeats)

    results["targets"] = []
    for key, text, comparison, threshold in TARGETS:
        value = lookup(results, key)
        met = None if value is None else (value >= threshold if comparison == ">=" else value <= threshold)
        results["targets"].append(
            {"key": key, "target": text, "comparison": comparison, "threshold": threshold, "value": value, "met": met}
        )

    print_report(results)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")
    return results


def print_report(results: dict) -> None:
    print()
    print(
        f"{results['machine']['cpu']}, {results['machine']['cores']} cores; "
        + ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v)
    )
    for key, title in (
        ("clouds", "clouds, [2, 3, 3] sigmoid, full batch"),
        ("digits_full", "digits, [64, 128, 10], full batch"),
        ("digits_mini", "digits, [64, 128, 10], mini-batches of 64"),
    ):
        print(f"\n{title}: microseconds per epoch (median of {results['repeats']})")
        ours = results[key]["epoch_us"]["scratchnn"]["median_us"]
        for name, t in results[key]["epoch_us"].items():
            print(f"  {name:10s} {t['median_us']:10.1f}   {t['median_us'] / ours:6.2f} x scratchnn")
    d = results["defaults"]
    print(f"\nMLP([2, 3, 3]).fit(*gaussian_clouds()): {d['wall_ms']:.1f} ms, training accuracy {d['accuracy']:.3f}")
    mem = results["memory"]
    print(f"memory: peak {mem['peak_bytes']} bytes for 100/1000/10000 epochs; {mem['bytes_per_epoch']:.1f} bytes/epoch")
    print("\nsingle operations on 1500 x 3 (us): readable -> kernel")
    for row in results["ops"]:
        print(f"  {row['op']:32s} {row['readable_us']:7.2f} -> {row['kernel_us']:6.2f}")
    print("\ntargets:")
    for t in results["targets"]:
        value = "n/a" if t["value"] is None else f"{t['value']:.3g}"
        verdict = {True: "met", False: "NOT met", None: "skipped"}[t["met"]]
        print(f"  {t['target']:58s} {value:>8s} (target {t['comparison']} {t['threshold']:g}): {verdict}")


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
