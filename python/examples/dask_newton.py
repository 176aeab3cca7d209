"""The exact optimum of logistic regression over rows spread across a Dask cluster.

A Newton step needs only sums over the rows: the loss, the gradient ((d+1) values) and the
Hessian ((d+1) x (d+1) values) at the current parameters. ``msd_century.block_stats`` computes
one block's sums where the block lives (the library's row engine, the GIL released); a tree of
additions brings them to the driver, which solves the small Newton system with numpy. Only
parameters and sums cross the network, never rows.

Run it on a local cluster of two worker processes (loopback only):

    python examples/dask_newton.py

On a real cluster, connect a ``dask.distributed.Client`` to its scheduler and pass a Dask array
read where the data live (``dask.array.from_zarr``, ``dask.dataframe.read_parquet(...).to_dask_array``).
"""

from __future__ import annotations

import operator

import dask
import numpy as np

from msd_century import block_stats

add = dask.delayed(operator.add, pure=True)


def tree_sum(parts):
    """Adds delayed values pairwise, level by level: depth log2(blocks), not one long chain."""
    while len(parts) > 1:
        parts = [add(*parts[i : i + 2]) if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    return parts[0]


def newton_dask(X, y, *, l2=0.0, tol=1e-12, max_iter=50):
    """Minimizes mean cross-entropy + (l2/2)·‖w‖² over a Dask array ``X`` (rows in blocks, all
    columns in each) with 0/1 targets ``y`` (a Dask array chunked like the rows of ``X``).

    Plain Newton steps with the full Hessian, from zero, until every gradient component is at
    most ``tol`` (or a step no longer shrinks the gradient: the floor of rounding). Returns
    ``(coef, intercept, steps, max |gradient|)``. With a ``dask.distributed.Client`` active, each
    step runs on its cluster.
    """
    X = X.rechunk({1: -1})
    y = y.rechunk((X.chunks[0],))
    X, y = dask.persist(X, y)  # the blocks stay in the workers' memory from step to step
    blocks = list(zip(X.to_delayed().ravel(), y.to_delayed().ravel()))
    d = X.shape[1]
    penalty = np.r_[np.full(d, float(l2)), 0.0]  # the intercept is not penalized
    theta = np.zeros(d + 1)
    best, best_theta = np.inf, theta
    for step in range(max_iter + 1):
        parts = [dask.delayed(block_stats, pure=True)(xb, yb, theta[:-1], theta[-1]) for xb, yb in blocks]
        sums = tree_sum(parts).compute()
        gradient = sums.gradient_sum / sums.n + penalty * theta
        size = np.abs(gradient).max()
        if size >= best:  # rounding has the last word: keep the best point
            return best_theta[:-1], best_theta[-1], step - 1, best
        best, best_theta = size, theta
        if size <= tol:
            return theta[:-1], theta[-1], step, size
        hessian = sums.hessian_sum / sums.n + np.diag(penalty)
        theta = theta - np.linalg.solve(hessian, gradient)
    raise RuntimeError(f"no convergence in {max_iter} Newton steps (max |gradient| {best:.3e})")


def main():
    import dask.array as da
    from dask.distributed import Client, LocalCluster

    import msd_century

    data = msd_century.load_msd("synthetic", rows=100_000)
    X = da.from_array(data.X_train, chunks=(10_000, -1))
    y = da.from_array(data.y_train, chunks=10_000)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        with Client(cluster):
            coef, intercept, steps, gradient = newton_dask(X, y)
    single = msd_century.LogisticRegression(C=None, tol=1e-12).fit(data.X_train, data.y_train)
    difference = max(np.abs(coef - single.coef_[0]).max(), abs(intercept - single.intercept_[0]))
    print(f"{X.numblocks[0]} blocks, {steps} Newton steps, max |gradient| {gradient:.2e}")
    print(f"largest difference to the single-machine Newton fit: {difference:.2e}")


if __name__ == "__main__":
    main()
