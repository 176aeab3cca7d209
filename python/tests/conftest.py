"""Shared helpers of the package's tests: the command line's binary (the package must give its
figures), small data files it writes, and scikit-learn's fits as the independent reference."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cli_binary() -> pathlib.Path:
    """The command line's binary: ``$MSD_CENTURY_BIN`` (scripts/test passes the one its cargo
    test built), else one under target/."""
    given = os.environ.get("MSD_CENTURY_BIN")
    if given:
        return pathlib.Path(given)
    for profile in ("release", "debug"):
        path = ROOT / "target" / profile / "msd-century"
        if path.is_file():
            return path
    if os.environ.get("CI") == "true":
        raise RuntimeError("no msd-century binary: build it (cargo build) or set MSD_CENTURY_BIN")
    pytest.skip("no msd-century binary under target/ (cargo build) and MSD_CENTURY_BIN unset")


def run_cli(*args, cwd=None, check=True) -> subprocess.CompletedProcess:
    """Runs the command line with ``args``; fails the test on a non-zero exit when ``check``."""
    env = {k: v for k, v in os.environ.items() if k != "MSD_DATA"}
    done = subprocess.run(
        [str(cli_binary()), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    if check and done.returncode != 0:
        raise AssertionError(f"msd-century {' '.join(map(str, args))} exited {done.returncode}: {done.stderr}")
    return done


def cli_json(*args, cwd=None) -> dict:
    return json.loads(run_cli(*args, cwd=cwd).stdout)


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def synth_file(tmp_path_factory) -> pathlib.Path:
    """20,000 rows of the synthetic data in the UCI text format, written by the command line."""
    path = tmp_path_factory.mktemp("data") / "synth.txt"
    run_cli("data", "synth", "--out", path, "--rows", 20_000)
    return path


@pytest.fixture(scope="session")
def msd_small():
    """The splits of 20,000 synthetic rows."""
    import msd_century

    return msd_century.load_msd("synthetic", rows=20_000)


def separable_free_data(n=3_000, d=12, seed=0):
    """Overlapping classes with features of several scales and a shifted mean: a finite optimum
    with and without a penalty."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + rng.normal(size=d)
    w = rng.normal(size=d) / np.sqrt(d)
    z = (X - X.mean(axis=0)) @ w + 0.3
    y = (rng.uniform(size=n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int64)
    return X, y


def sklearn_reference(X, y, C):
    """scikit-learn's fit on the same arrays, converged far beyond the comparison's tolerance:
    ``C = np.inf`` is no penalty (``penalty=None`` before scikit-learn 1.8)."""
    import sklearn
    from sklearn.linear_model import LogisticRegression

    major, minor = (int(p) for p in sklearn.__version__.split(".")[:2])
    if np.isinf(C) and (major, minor) < (1, 8):
        model = LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    else:
        model = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    return model.fit(X, y)
