"""Fits scikit-learn's LogisticRegression on a file of standardized rows, for tests/it/sklearn_reference.rs.

Usage: sklearn_fit.py DATA.csv C OUT.json
  DATA.csv: one row per line, `t,x1,...,xd` (t in {0, 1}; features already standardized).
  C: a positive number, or `none` for no penalty.
Writes coef, intercept, the mean cross-entropy (from the logit: logaddexp(0, z) - t*z) and the
probabilities of every row, from the fit with the exact Newton-Cholesky solver at a tight tolerance.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

path, c_arg, out = sys.argv[1], sys.argv[2], sys.argv[3]
data = np.loadtxt(path, delimiter=",", ndmin=2)
t, x = data[:, 0], data[:, 1:]
kwargs = dict(solver="newton-cholesky", tol=1e-14, max_iter=1000)
if c_arg == "none":
    # scikit-learn >= 1.8 spells "no penalty" as C = inf; older ones as penalty=None.
    try:
        model = LogisticRegression(C=np.inf, **kwargs).fit(x, t)
    except (ValueError, TypeError):
        model = LogisticRegression(penalty=None, **kwargs).fit(x, t)
else:
    model = LogisticRegression(C=float(c_arg), **kwargs).fit(x, t)
z = x @ model.coef_[0] + model.intercept_[0]
loss = float(np.mean(np.logaddexp(0.0, z) - t * z))
json.dump(
    {
        "sklearn_version": sklearn.__version__,
        "coef": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
        "loss": loss,
        "probabilities": model.predict_proba(x)[:, 1].tolist(),
        "n_iter": int(model.n_iter_[0]),
    },
    open(out, "w"),
)
