"""``Model``: the command line's ``model.json`` from Python."""

from __future__ import annotations

import json
import os

import numpy as np

from . import _core


class Model:
    """A model file of msd-century (``model.json``): ``P(year > year_threshold)`` from the 90 raw
    timbre features of a song. It holds the weights and bias (on standardized features), the
    standardization (``feature_mean``, ``feature_std``), the year threshold and how it was
    trained; ``predict_proba`` gives the command line's ``predict`` figures, bit for bit.

    ``Model.load(path)`` reads and validates a file written by ``msd-century train`` or by
    ``save``. ``Model.from_estimator(estimator, data)`` makes one from a ``LogisticRegression``
    fitted on the arrays of ``load_msd()`` (``data`` is what ``load_msd`` returned).
    """

    def __init__(self, coef, intercept, feature_mean, feature_std, *, year_threshold=2000, solver="newton",
                 settings=None, seed=1, provenance=None):
        as_vector = lambda a: np.require(np.ravel(a), dtype=np.float64, requirements="A")  # noqa: E731
        self._inner = _core.Model(
            as_vector(coef),
            float(np.asarray(intercept, dtype=np.float64).ravel()[0]),
            as_vector(feature_mean),
            as_vector(feature_std),
            year_threshold=int(year_threshold),
            solver=str(solver),
            settings=json.dumps(settings or {}),
            seed=int(seed),
            provenance=None if provenance is None else json.dumps(provenance),
        )

    @classmethod
    def _wrap(cls, inner):
        model = cls.__new__(cls)
        model._inner = inner
        return model

    @classmethod
    def load(cls, path) -> "Model":
        """Reads and validates a model file. ``FileNotFoundError`` when it is missing,
        ``ValueError`` naming the file and the field when it is not a valid model."""
        return cls._wrap(_core.Model.load(os.fspath(path)))

    def save(self, path) -> None:
        """Writes the model as ``model.json`` (atomically: the old file or the whole new one)."""
        self._inner.save(os.fspath(path))

    @classmethod
    def from_json(cls, text: str) -> "Model":
        """A model from the JSON text of a model file."""
        return cls._wrap(_core.Model.from_json(text))

    def to_json(self) -> str:
        """The JSON text that ``save`` writes."""
        return self._inner.to_json()

    @classmethod
    def from_estimator(cls, estimator, data, *, seed=1) -> "Model":
        """A model of a fitted ``LogisticRegression`` whose ``classes_`` are 0 and 1, trained on
        ``data = load_msd(...)`` (its standardized features)."""
        classes = list(np.asarray(estimator.classes_).tolist())
        if classes != [0.0, 1.0]:
            raise ValueError(f"the estimator's classes are {classes}: a model file predicts classes 0 and 1")
        return cls(
            estimator.coef_,
            estimator.intercept_,
            data.feature_mean,
            data.feature_std,
            year_threshold=data.year_threshold,
            solver=estimator.solver,
            settings={"python": {k: repr(v) for k, v in estimator.get_params().items()}},
            seed=seed,
            provenance=data.provenance,
        )

    def probabilities(self, X) -> np.ndarray:
        """``P(year > year_threshold)`` of each row of raw features (90 a row, or 91 with the
        year first, ignored), shape (n_samples,)."""
        X = np.require(X, dtype=np.float64, requirements="A")
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (rows × features), got shape {X.shape}")
        return self._inner.probabilities(X)

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of class 0 and class 1 (year > threshold), shape (n_samples, 2)."""
        p = self.probabilities(X)
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """1 where ``P(year > year_threshold)`` is at least 0.5, else 0."""
        return (self.probabilities(X) >= 0.5).astype(np.int64)

    @property
    def weights(self) -> np.ndarray:
        return self._inner.weights

    @property
    def bias(self) -> float:
        return self._inner.bias

    @property
    def feature_mean(self) -> np.ndarray:
        return self._inner.feature_mean

    @property
    def feature_std(self) -> np.ndarray:
        return self._inner.feature_std

    @property
    def year_threshold(self) -> int:
        return self._inner.year_threshold

    @property
    def training(self) -> dict:
        """How it was trained: ``solver``, ``settings``, ``seed``, ``data``, ``software_version``."""
        return json.loads(self._inner.training_json())

    def __eq__(self, other):
        return isinstance(other, Model) and self._inner == other._inner

    __hash__ = None

    def __getstate__(self):
        return self.to_json()

    def __setstate__(self, text):
        self._inner = _core.Model.from_json(text)

    def __repr__(self):
        return repr(self._inner)
