"""The package works without scikit-learn: a subprocess in which importing it fails."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_estimator_works_without_scikit_learn():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["sklearn"] = None  # any import of scikit-learn now fails
        import numpy as np
        import msd_century
        from msd_century import _estimator
        assert not _estimator.HAVE_SKLEARN

        rng = np.random.default_rng(0)
        X = rng.normal(size=(500, 4))
        y = np.where(X[:, 0] + rng.normal(size=500) > 0, "b", "a")
        est = msd_century.LogisticRegression(C=None)
        assert est.get_params()["C"] is None
        est.set_params(tol=1e-9)
        fit = est.fit(X, y)
        assert fit is est and fit.classes_.tolist() == ["a", "b"]
        assert fit.predict_proba(X).shape == (500, 2) and 0.6 < fit.score(X, y) <= 1
        assert repr(est) == "LogisticRegression(C=None, tol=1e-09)", repr(est)
        for bad, message in [
            ((X[:, 0], y), "2-D"),
            ((np.where(X > 2, np.nan, X), y), "NaN"),
            ((X, y[:-1]), "inconsistent"),
            ((X, np.full(500, "a")), "one class"),
            ((X, np.arange(500) % 3), "Only binary"),
            ((X[:0], y[:0]), "0 sample"),
        ]:
            try:
                msd_century.LogisticRegression().fit(*bad)
            except ValueError as e:
                assert message in str(e), (message, str(e))
            else:
                raise AssertionError(message)
        try:
            msd_century.LogisticRegression().predict(X)
        except ValueError as e:
            assert "not fitted" in str(e)
        try:
            fit.predict(X[:, :3])
        except ValueError as e:
            assert "expecting 4 features" in str(e)
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
