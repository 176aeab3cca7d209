"""block_stats, and the exact Newton optimum over a Dask cluster (examples/dask_newton.py)."""

from __future__ import annotations

import functools
import pathlib
import sys

import numpy as np
import pytest

from msd_century import LogisticRegression, block_stats

from conftest import separable_free_data

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))


def numpy_sums(X, y, coef, intercept):
    """The same sums, computed here with numpy (an independent implementation)."""
    Xt = np.hstack([X, np.ones((len(X), 1))])
    z = Xt @ np.r_[coef, intercept]
    p = 1 / (1 + np.exp(-z))
    loss = np.sum(np.logaddexp(0, z) - y * z)
    return loss, Xt.T @ (p - y), (Xt * (p * (1 - p))[:, None]).T @ Xt


def test_block_sums_are_the_loss_gradient_and_hessian():
    X, y = separable_free_data(n=2_000, d=7)
    rng = np.random.default_rng(3)
    coef, intercept = rng.normal(size=7) * 0.3, -0.2
    stats = block_stats(X, y, coef, intercept)
    loss, gradient, hessian = numpy_sums(X, y.astype(float), coef, intercept)
    assert stats.n == 2_000 and stats.hessian_sum.shape == (8, 8)
    assert abs(stats.loss_sum - loss) <= 1e-12 * loss
    assert np.abs(stats.gradient_sum - gradient).max() <= 1e-10 * np.abs(gradient).max()
    assert np.abs(stats.hessian_sum - hessian).max() <= 1e-10 * np.abs(hessian).max()
    # Blocks add up to the whole.
    parts = [block_stats(X[i : i + 300], y[i : i + 300], coef, intercept) for i in range(0, 2_000, 300)]
    total = functools.reduce(lambda a, b: a + b, parts)
    assert (total.n, total.correct) == (stats.n, stats.correct)
    assert np.abs(total.gradient_sum - stats.gradient_sum).max() <= 1e-12 * np.abs(gradient).max()
    assert np.abs(total.hessian_sum - stats.hessian_sum).max() <= 1e-12 * np.abs(hessian).max()


def test_block_stats_refuses_bad_shapes_and_values():
    X, y = separable_free_data(n=50, d=3)
    with pytest.raises(ValueError, match="features"):
        block_stats(X, y, np.zeros(4), 0.0)
    with pytest.raises(ValueError, match="one target per row"):
        block_stats(X, y[:-1], np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="0 or 1"):
        block_stats(X, y * 2, np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="finite"):
        block_stats(np.where(X > 1, np.nan, X), y, np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="2-D"):
        block_stats(X[:, 0], y, np.zeros(3), 0.0)


# The rows start in this process's memory and go to the workers once, in one large graph; on a
# real cluster they are read where they live.
@pytest.mark.filterwarnings("ignore:Sending large graph")
def test_newton_over_a_dask_cluster_matches_the_single_machine_fit(msd_small, capsys):
    pytest.importorskip("distributed")
    import dask.array as da
    from dask.distributed import Client, LocalCluster

    from dask_newton import newton_dask

    X_train, y_train = msd_small.X_train, msd_small.y_train
    X = da.from_array(X_train, chunks=(2_000, -1))
    y = da.from_array(y_train, chunks=2_000)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster, Client(cluster):
        coef, intercept, steps, gradient = newton_dask(X, y, tol=1e-13)
    single = LogisticRegression(C=None, tol=1e-12).fit(X_train, y_train)
    difference = max(np.abs(coef - single.coef_[0]).max(), abs(intercept - single.intercept_[0]))
    with capsys.disabled():
        print(
            f"\ndask newton: {X.numblocks[0]} blocks on 2 workers, {steps} steps, max |gradient| {gradient:.1e}; "
            f"largest parameter difference to the single-machine fit {difference:.2e}"
        )
    assert difference <= 1e-10
