"""``LogisticRegression``: the library's solvers behind scikit-learn's estimator conventions.

With scikit-learn (1.6 or later) installed, the estimator is a ``BaseEstimator`` and
``ClassifierMixin`` and checks its inputs with scikit-learn's own ``validate_data`` (feature
names, ``n_features_in_``, dtype conversion, the messages the estimator checks expect). Without
it, a small base class of the same shape (``get_params``, ``set_params``, ``score``) and plain
numpy checks take their place: the package never needs scikit-learn.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _core
from ._progress import notes_only

try:  # scikit-learn is optional
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import ClassifierMixin as _Classifier
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.multiclass import check_classification_targets, type_of_target
    from sklearn.utils.validation import check_is_fitted, validate_data

    HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - exercised by the fallback test in a subprocess
    HAVE_SKLEARN = False
    from ._fallback import Base as _Base
    from ._fallback import Classifier as _Classifier
    from ._fallback import NotFittedError

SOLVERS = ("newton", "sgd", "library")
#: ``max_iter=None`` means the library's default of each solver: Newton steps, SGD iterations.
DEFAULT_MAX_ITER = {"newton": 100, "sgd": 1000}


class DivergedError(ValueError):
    """SGD stopped: its loss or its parameters left the finite numbers (a learning rate too
    large for the data). ``iteration`` is where; ``history`` holds the evaluations before it."""

    def __init__(self, message, iteration, history):
        super().__init__(message)
        self.iteration = iteration
        self.history = history


def aligned(a):
    """``a`` as float64 whose data are aligned for their type (numpy allows unaligned buffers,
    an array unpickled at an odd offset for one; the compiled module refuses them): a copy only
    when it is not."""
    return np.require(a, dtype=np.float64, requirements="A")


def _seed(random_state):
    """The library's seed: ``None`` is the command line's default, 1."""
    if random_state is None:
        return 1
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state={random_state}: must not be negative")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(np.iinfo(np.int64).max))
    raise ValueError(f"random_state={random_state!r}: must be None, an integer or a numpy random generator")


class LogisticRegression(_Classifier, _Base):
    """Binary logistic regression ``P(y = classes_[1]) = sigmoid(w·x + b)``, fitted by the
    msd-century library, with scikit-learn's conventions.

    It works on any float64 data with any number of features and any two class labels (mapped
    to 0/1 in the order of ``classes_``, sorted as scikit-learn sorts them). The features are
    used as given: standardize them first (``load_msd`` returns standardized splits).

    The objective is the mean cross-entropy plus ``(l2/2)·‖w‖²`` (the bias is not penalized).
    scikit-learn's ``C`` multiplies the summed loss instead (``C·Σ loss + ½‖w‖²``): the two have
    the same optimum when ``l2 = 1 / (C·n_samples)``.

    Parameters
    ----------
    solver : {"newton", "sgd", "library"}
        ``"newton"``: the library's exact solver (Newton/IRLS with a line search), to a largest
        gradient component of at most ``tol``. ``"sgd"``: mini-batch stochastic gradient
        descent, as the study runs it. ``"library"``: the library baseline, linfa-logistic's
        L-BFGS (its own tolerance and iteration limit; ``tol`` and ``max_iter`` are not used).
    C : float or None, default 1.0
        Inverse regularization strength, as scikit-learn's: ``l2 = 1 / (C·n_samples)``.
        ``np.inf`` means no penalty. ``None``: use ``l2`` instead.
    l2 : float, default 0.0
        L2 strength of the library's objective, used when ``C`` is None. ``C=None, l2=0.0`` is
        the unpenalized optimum that the command line's ``train --solver newton`` fits.
    learning_rate, batch_size, eval_every, init :
        SGD's step size, rows per mini-batch, evaluation interval (on ``X_val``/``y_val``) and
        initial parameters (``"zeros"``, or ``"normal"``: N(0, 1) drawn with the seed).
    max_iter : int or None
        Newton steps (default 100) or SGD iterations (default 1000).
    tol : float, default 1e-8
        Newton stops when every component of the mean gradient is at most this in absolute
        value.
    random_state : None, int or numpy generator
        Seed of SGD's shuffles and of ``init="normal"``; None is the command line's seed, 1,
        so fits are deterministic by default.

    The default ``C=1.0`` is scikit-learn's default, chosen so that ``LogisticRegression()``
    fits the same model as scikit-learn's ``LogisticRegression()`` and works on every data set,
    separable ones included. Without a penalty (``C=None`` or ``np.inf``) the optimum of
    linearly separable classes is at infinity: Newton then raises ``ValueError``.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    n_iter_ : ndarray of shape (1,)
        Newton steps or SGD iterations run (for ``"library"``: linfa's iteration limit, as it
        does not report its count).
    history_ : dict of ndarrays
        SGD only: ``iteration``, ``val_loss``, ``val_accuracy`` recorded every ``eval_every``
        iterations on ``X_val``/``y_val`` (empty without them).
    objective_, gradient_max_norm_ : float
        Newton only: the objective at the optimum and its largest gradient component.
    """

    def __init__(
        self,
        solver="newton",
        *,
        C=1.0,
        l2=0.0,
        learning_rate=0.1,
        batch_size=100,
        max_iter=None,
        eval_every=10,
        init="zeros",
        tol=1e-8,
        random_state=None,
    ):
        self.solver = solver
        self.C = C
        self.l2 = l2
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.eval_every = eval_every
        self.init = init
        self.tol = tol
        self.random_state = random_state

    # -- scikit-learn's machinery ---------------------------------------------------------

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _validate_X(self, X, *, reset):
        if HAVE_SKLEARN:
            X = validate_data(self, X, dtype=np.float64, reset=reset)
        else:
            from ._fallback import check_X

            X = check_X(self, X, reset=reset)
        return aligned(X)

    def _validate_Xy(self, X, y):
        if HAVE_SKLEARN:
            X, y = validate_data(self, X, y, dtype=np.float64)
            check_classification_targets(y)
            kind = type_of_target(y, input_name="y", raise_unknown=True)
            classes = np.unique(y)
            if len(classes) == 1:
                kind = "one class"
        else:
            from ._fallback import check_X, check_y

            X = check_X(self, X, reset=True)
            y, kind, classes = check_y(y, len(X))
        if kind == "one class":
            raise ValueError(
                "LogisticRegression needs samples of 2 classes, but the data contains only "
                f"one class: {classes[0]!r}"
            )
        if kind != "binary":
            raise ValueError(f"Only binary classification is supported. The type of the target is {kind}.")
        return aligned(X), y, classes

    def _check_fitted(self):
        if HAVE_SKLEARN:
            check_is_fitted(self, "coef_")
        elif not hasattr(self, "coef_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )

    # -- settings ------------------------------------------------------------------------

    def _l2_for(self, n):
        if self.C is None:
            return float(self.l2)
        if self.l2 not in (0, 0.0):
            raise ValueError(f"C={self.C!r} and l2={self.l2!r}: give C or l2 (with C=None), not both")
        C = float(self.C)
        if not C > 0:
            raise ValueError(f"C={self.C!r}: must be positive (np.inf: no penalty)")
        return 1.0 / (C * n)

    def _max_iter(self):
        if self.max_iter is None:
            return DEFAULT_MAX_ITER.get(self.solver, 1)
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral):
            raise ValueError(f"max_iter={self.max_iter!r}: must be a positive integer or None")
        if self.max_iter < 1:
            raise ValueError(f"max_iter={self.max_iter}: must be at least 1")
        return int(self.max_iter)

    @staticmethod
    def _count(name, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name}={value!r}: must be a positive integer")
        return int(value)

    # -- fit and predict -----------------------------------------------------------------

    def fit(self, X, y, *, X_val=None, y_val=None):
        """Fits on ``X`` (n_samples × n_features) and ``y`` (two class labels); ``X_val`` and
        ``y_val`` are SGD's validation rows, recorded in ``history_``. Returns ``self``.

        The GIL is released while the library works, and Ctrl-C stops a long fit
        (``KeyboardInterrupt``), leaving the estimator as it was.
        """
        if self.solver not in SOLVERS:
            raise ValueError(f"solver={self.solver!r}: must be one of {', '.join(map(repr, SOLVERS))}")
        X, y, classes = self._validate_Xy(X, y)
        t = (y == classes[1]).astype(np.float64)
        l2 = self._l2_for(len(t))
        max_iter = self._max_iter()
        if self.solver == "newton":
            out = _core.fit_newton(X, t, l2=l2, tol=float(self.tol), max_iter=max_iter, on_event=notes_only)
        elif self.solver == "library":
            out = _core.fit_library(X, t, l2=l2, on_event=notes_only)
        else:
            out = self._fit_sgd(X, t, classes, X_val, y_val, l2, max_iter)
        self.classes_ = classes
        self.coef_ = out["coef"].reshape(1, -1)
        self.intercept_ = np.array([out["intercept"]])
        self.n_iter_ = np.array([out["n_iter"]], dtype=np.int32)
        if self.solver == "newton":
            self.objective_ = out["objective"]
            self.gradient_max_norm_ = out["gradient_max_norm"]
        return self

    def _fit_sgd(self, X, t, classes, X_val, y_val, l2, max_iter):
        if (X_val is None) != (y_val is None):
            raise ValueError("give both X_val and y_val, or neither")
        t_val = None
        if X_val is not None:
            X_val = self._validate_X(X_val, reset=False)
            y_val = np.asarray(y_val)
            if y_val.ndim != 1 or len(y_val) != len(X_val):
                raise ValueError(f"y_val must be 1-D with one label per row of X_val ({len(X_val)})")
            unknown = ~np.isin(y_val, classes)
            if unknown.any():
                raise ValueError(f"y_val holds labels not seen in y: {np.unique(y_val[unknown])!r}")
            t_val = (y_val == classes[1]).astype(np.float64)
        if self.init not in ("zeros", "normal"):
            raise ValueError(f"init={self.init!r}: must be 'zeros' or 'normal'")
        out = _core.fit_sgd(
            X,
            t,
            X_val,
            t_val,
            learning_rate=float(self.learning_rate),
            batch_size=self._count("batch_size", self.batch_size),
            max_iter=max_iter,
            eval_every=self._count("eval_every", self.eval_every),
            l2=l2,
            seed=_seed(self.random_state),
            init=self.init,
            on_event=notes_only,
        )
        history = {
            "iteration": out["history_iter"].astype(np.int64),
            "val_loss": out["history_val_loss"],
            "val_accuracy": out["history_val_accuracy"],
        }
        if out["diverged_at"] is not None:
            k = out["diverged_at"]
            raise DivergedError(
                f"SGD diverged at iteration {k}: the loss or the parameters stopped being finite; "
                "try a smaller learning_rate",
                k,
                history,
            )
        self.history_ = history
        return out

    def decision_function(self, X):
        """The logit ``w·x + b`` of each row: positive for ``classes_[1]``. Shape (n_samples,)."""
        self._check_fitted()
        X = self._validate_X(X, reset=False)
        return _core.logits(X, self.coef_[0], float(self.intercept_[0]))

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, shape (n_samples, 2)."""
        self._check_fitted()
        X = self._validate_X(X, reset=False)
        p = _core.probabilities(X, self.coef_[0], float(self.intercept_[0]))
        return np.column_stack([1.0 - p, p])

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """The class of each row: ``classes_[1]`` where its probability is at least 0.5 (the
        library's rule, the one its accuracy counts)."""
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p >= 0.5).astype(np.intp)]

