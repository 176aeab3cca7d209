"""``block_stats``: the sums one block of rows contributes to an exact Newton step, for data
spread over many blocks or machines (see ``examples/dask_newton.py``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _core
from ._estimator import aligned


@dataclass
class BlockStats:
    """Sums over the rows of one block at given parameters; ``a + b`` is the sums of both
    blocks, so any reduction (a loop, ``functools.reduce``, a tree on a cluster) adds them up.

    Over the whole data, with ``n`` its row count: the mean loss is ``loss_sum / n``, the
    gradient ``gradient_sum / n`` (the weights' components, then the intercept's) and the
    Hessian ``hessian_sum / n`` (``(d+1)×(d+1)``, intercept last).
    """

    n: int
    loss_sum: float
    gradient_sum: np.ndarray
    hessian_sum: np.ndarray
    correct: int

    def __add__(self, other: "BlockStats") -> "BlockStats":
        return BlockStats(
            self.n + other.n,
            self.loss_sum + other.loss_sum,
            self.gradient_sum + other.gradient_sum,
            self.hessian_sum + other.hessian_sum,
            self.correct + other.correct,
        )


def block_stats(X, y, coef, intercept) -> BlockStats:
    """The loss, gradient and Hessian sums of the rows ``X`` (float64, n × d) with 0/1 targets
    ``y`` at the parameters ``coef`` (d values) and ``intercept``, computed by the library's row
    engine with the GIL released.

    ``correct`` counts the rows whose predicted class (probability at least 0.5) is the target.
    """
    X = aligned(X)
    y = aligned(y)
    coef = aligned(np.ravel(coef))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (rows × features), got shape {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must be 1-D with one target per row of X ({len(X)}), got shape {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(coef).all() and np.isfinite(intercept)):
        raise ValueError("X, coef and intercept must be finite")
    out = _core.block_stats(X, y, coef, float(intercept))
    return BlockStats(**out)
