"""Fits scikit-learn's LogisticRegression on a file of standardized rows, for tests/it/sklearn_reference.rs.

Usage: sklearn_fit.py DATA.f64 COLUMNS OUT.json C [C ...]
  DATA.f64: the rows as little-endian float64, COLUMNS values a row, `t,x1,...,xd` (t in {0, 1};
  features already standardized).
  C: a positive number, or `none` for no penalty; one fit for each.
Writes, for each C, coef, intercept, the mean cross-entropy (from the logit:
logaddexp(0, z) - t*z) and the probabilities of every row, from the fit with the exact
Newton-Cholesky solver at a tight tolerance. All the fits share one start of the interpreter.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

path, columns, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = np.fromfile(path, dtype="<f8").reshape(-1, columns)
t, x = data[:, 0], data[:, 1:]
kwargs = dict(solver="newton-cholesky", tol=1e-14, max_iter=1000)


def fit(c_arg):
    if c_arg == "none":
        # scikit-learn >= 1.8 spells "no penalty" as C = inf; older ones as penalty=None.
        try:
            return LogisticRegression(C=np.inf, **kwargs).fit(x, t)
        except (ValueError, TypeError):
            return LogisticRegression(penalty=None, **kwargs).fit(x, t)
    return LogisticRegression(C=float(c_arg), **kwargs).fit(x, t)


fits = []
for c_arg in sys.argv[4:]:
    model = fit(c_arg)
    z = x @ model.coef_[0] + model.intercept_[0]
    fits.append(
        {
            "c": c_arg,
            "coef": model.coef_[0].tolist(),
            "intercept": float(model.intercept_[0]),
            "loss": float(np.mean(np.logaddexp(0.0, z) - t * z)),
            "probabilities": model.predict_proba(x)[:, 1].tolist(),
            "n_iter": int(model.n_iter_[0]),
        }
    )
json.dump({"sklearn_version": sklearn.__version__, "fits": fits}, open(out, "w"))
