"""What bench/compare.py and bench/python_compare.py share: scikit-learn's two exact-ish solvers
set up to minimize msd-century's objective, timed, and every fit's gradient computed the same way."""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np


def gradient(X, y, coef, intercept, l2):
    """The gradient of mean cross-entropy + (l2/2)·‖w‖² at (coef, intercept), with numpy."""
    z = X @ coef + intercept
    r = 0.5 * (1.0 + np.tanh(0.5 * z)) - y  # sigmoid(z) - y, without overflow
    return np.r_[X.T @ r / len(y) + l2 * coef, r.mean()]


def timed(fit, repeat):
    """(median seconds, all seconds, the last result) of `repeat` calls of `fit`."""
    seconds, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fit()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), seconds, result


def sklearn_model(solver, C, tol):
    """scikit-learn's LogisticRegression with `solver` at `C` (np.inf: no penalty) and `tol`;
    lbfgs gets max_iter=10_000 below its default tolerance, so that it can get there."""
    import sklearn
    from sklearn.linear_model import LogisticRegression

    extra = {"max_iter": 10_000} if tol < 1e-4 and solver == "lbfgs" else {}
    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    if np.isinf(C) and (major, minor) < (1, 8):
        # Before 1.8 no penalty is said with penalty=None (C=np.inf came with 1.8).
        return LogisticRegression(penalty=None, solver=solver, tol=tol, **extra)
    return LogisticRegression(C=C, solver=solver, tol=tol, **extra)


def sklearn_contenders(C):
    """(fit name, tolerance label, model factory): newton-cholesky and lbfgs, each at its default
    tolerance (1e-4) and at 1e-8."""
    return [
        (f"scikit-learn {solver}", label, lambda s=solver, t=tol: sklearn_model(s, C, t))
        for solver in ("newton-cholesky", "lbfgs")
        for label, tol in (("default (1e-4)", 1e-4), ("1e-8", 1e-8))
    ]


def fit_row(name, tol, make, X, y, l2, repeat):
    """Fits `make()` on (X, y) `repeat` times: a table row with the median time, the iterations,
    the final gradient (largest component and norm) and whether it converged by its own account.
    The fitted model is under "model"."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        median, all_seconds, model = timed(lambda: make().fit(X, y), repeat)
    g = gradient(X, y, model.coef_[0], model.intercept_[0], l2)
    return {
        "fit": name,
        "tol": tol,
        "seconds": median,
        "all_seconds": all_seconds,
        "iterations": int(np.max(model.n_iter_)),
        "gradient_max": float(np.abs(g).max()),
        "gradient_norm": float(np.linalg.norm(g)),
        "converged": not any(issubclass(w.category, ConvergenceWarning) for w in caught),
        "model": model,
    }
