"""What the estimator uses when scikit-learn is not installed: a base class with the same
conventions (``get_params``, ``set_params``, ``score``, a readable ``repr``) and plain numpy
checks of the inputs, with the messages scikit-learn gives for the same mistakes."""

from __future__ import annotations

import inspect
import warnings

import numpy as np


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit`` (as scikit-learn's exception of that name)."""


class Base:
    """Parameters are the arguments of ``__init__``, stored under their own names."""

    @classmethod
    def _get_param_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {type(self).__name__}. Valid parameters are: {valid!r}.")
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values() if p.name != "self"
        }
        changed = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            same = value is default or (
                type(value) is type(default) and not isinstance(value, np.ndarray) and value == default
            )
            if not same:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"


class Classifier:
    """``score``: mean accuracy of ``predict``."""

    _estimator_type = "classifier"

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))


def check_X(estimator, X, *, reset):
    """``X`` as a finite 2-D float64 array with at least one row and one column; sets (or checks
    against) ``n_features_in_``."""
    if hasattr(X, "toarray") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError("Sparse data was passed, but dense data is required.")
    X = np.asarray(X)
    if X.dtype.kind == "c":
        raise ValueError("Complex data not supported")
    if X.dtype.kind not in "biuf":
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as e:
            raise ValueError(f"X must hold numbers: {e}") from None
    X = X.astype(np.float64, copy=False)
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2-D array, got a {X.ndim}-D array instead: reshape your data with "
            "X.reshape(-1, 1) for a single feature or X.reshape(1, -1) for a single sample."
        )
    n, d = X.shape
    if n == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required.")
    if d == 0:
        raise ValueError(f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required.")
    if not np.isfinite(X).all():
        raise ValueError("Input X contains NaN or infinity.")
    if reset:
        estimator.n_features_in_ = d
    elif d != estimator.n_features_in_:
        raise ValueError(
            f"X has {d} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    return X


def check_y(y, n):
    """The labels as a 1-D array of ``n`` values; their kind (``binary``, ``one class``,
    ``multiclass``, ``continuous``) and their sorted distinct values."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn("A column-vector y was passed when a 1d array was expected.", stacklevel=3)
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y should be a 1d array, got an array of shape {y.shape} instead.")
    if len(y) != n:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: [{n}, {len(y)}]")
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise ValueError("Input y contains NaN or infinity.")
        if not np.array_equal(y, np.round(y)):
            raise ValueError("Unknown label type: continuous. Use a classifier's labels, not values.")
    classes = np.unique(y)
    kind = {1: "one class", 2: "binary"}.get(len(classes), "multiclass")
    return y, kind, classes
