"""LogisticRegression against scikit-learn and the command line, on hostile inputs, and while
being interrupted."""

from __future__ import annotations

import _thread
import threading
import time

import numpy as np
import pytest

from msd_century import DivergedError, LogisticRegression

from conftest import cli_json, separable_free_data, sklearn_reference


def mean_loss(p, y01):
    """Mean cross-entropy from probabilities, computed here in numpy, independently."""
    return -np.mean(y01 * np.log(p) + (1 - y01) * np.log1p(-p))


@pytest.mark.parametrize("C", [np.inf, 1.0, 0.01])
def test_newton_matches_scikit_learn(C):
    X, y = separable_free_data()
    ours = LogisticRegression(C=C, tol=1e-10).fit(X, y)
    ref = sklearn_reference(X, y, C)
    p, q = ours.predict_proba(X), ref.predict_proba(X)
    assert np.abs(p - q).max() < 1e-6
    # The optimum's objective, each model's evaluated the same way here.
    l2 = 0.0 if np.isinf(C) else 1.0 / (C * len(y))

    def objective(model):
        return mean_loss(model.predict_proba(X)[:, 1], y) + 0.5 * l2 * np.sum(model.coef_**2)

    assert abs(objective(ours) - objective(ref)) <= 1e-7 * objective(ref)
    assert np.abs(ours.coef_ - ref.coef_).max() < 1e-5
    assert ours.coef_.shape == (1, X.shape[1]) and ours.intercept_.shape == (1,)
    assert ours.n_iter_[0] >= 1 and ours.gradient_max_norm_ <= 1e-10


@pytest.mark.parametrize("solver", ["sgd", "library"])
def test_other_solvers_come_close_to_scikit_learn(solver):
    X, y = separable_free_data()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    ours = LogisticRegression(solver, C=1.0, max_iter=3_000 if solver == "sgd" else None).fit(X, y)
    ref = sklearn_reference(X, y, 1.0)
    assert np.abs(ours.predict_proba(X) - ref.predict_proba(X)).max() < (0.05 if solver == "sgd" else 1e-3)
    assert ours.score(X, y) > ref.score(X, y) - 0.01


def test_c_and_l2_are_the_same_objective():
    X, y = separable_free_data()
    by_c = LogisticRegression(C=0.5).fit(X, y)
    by_l2 = LogisticRegression(C=None, l2=1.0 / (0.5 * len(y))).fit(X, y)
    assert np.array_equal(by_c.coef_, by_l2.coef_)
    unpenalized = LogisticRegression(C=None).fit(X, y)
    assert np.array_equal(LogisticRegression(C=np.inf).fit(X, y).coef_, unpenalized.coef_)
    with pytest.raises(ValueError, match="not both"):
        LogisticRegression(C=1.0, l2=0.1).fit(X, y)
    with pytest.raises(ValueError, match="C="):
        LogisticRegression(C=-1.0).fit(X, y)


def test_same_figures_as_the_command_lines_train(synth_file, tmp_path):
    """On the same rows and with the same settings, the estimator's parameters are the command
    line's, bit for bit, for every solver."""
    import msd_century

    data = msd_century.load_msd(synth_file, cache=False)
    fits = {
        "newton": LogisticRegression(C=None).fit(data.X_train, data.y_train),
        "library": LogisticRegression("library").fit(data.X_train, data.y_train),
        "sgd": LogisticRegression("sgd", C=None, max_iter=300).fit(
            data.X_train, data.y_train, X_val=data.X_val, y_val=data.y_val
        ),
    }
    for solver, fit in fits.items():
        extra = ["--iters", 300] if solver == "sgd" else []
        report = cli_json(
            "train", "--solver", solver, "--data", synth_file, "--no-cache", "--json", "--out", tmp_path / solver, *extra
        )
        assert report["weights"] == fit.coef_[0].tolist(), solver
        assert report["bias"] == fit.intercept_[0], solver
    history = fits["sgd"].history_
    report_history = report["history"]
    assert history["iteration"].tolist() == [h["iter"] for h in report_history]
    assert history["val_loss"].tolist() == [h["val_loss"] for h in report_history]
    assert history["val_accuracy"].tolist() == [h["val_accuracy"] for h in report_history]
    assert fits["sgd"].n_iter_[0] == 300


def test_any_two_labels_any_feature_count():
    X, y = separable_free_data(d=3)
    labels = np.array(["old", "new"])[y]
    fit = LogisticRegression().fit(X, labels)
    assert fit.classes_.tolist() == ["new", "old"]
    reference = LogisticRegression().fit(X, (labels == "old").astype(int))
    assert np.array_equal(fit.coef_, reference.coef_)
    assert set(fit.predict(X)) <= {"new", "old"}
    assert fit.score(X, labels) == reference.score(X, (labels == "old").astype(int))
    assert np.array_equal(fit.decision_function(X) > 0, fit.predict_proba(X)[:, 1] > 0.5)
    # -1/+1 labels, booleans, one feature.
    for target in (2 * y - 1, y.astype(bool)):
        assert np.array_equal(LogisticRegression().fit(X, target).coef_, LogisticRegression().fit(X, y).coef_)
    assert LogisticRegression().fit(X[:, :1], y).coef_.shape == (1, 1)


def test_non_contiguous_and_float32_arrays_are_converted():
    X, y = separable_free_data()
    reference = LogisticRegression().fit(X, y)
    fortran = np.asfortranarray(X)
    assert np.array_equal(LogisticRegression().fit(fortran, y).coef_, reference.coef_)
    wide = np.zeros((X.shape[0], 2 * X.shape[1]))
    wide[:, ::2] = X
    assert np.array_equal(LogisticRegression().fit(wide[:, ::2], y).coef_, reference.coef_)
    assert np.array_equal(reference.predict_proba(wide[:, ::2]), reference.predict_proba(X))
    single = X.astype(np.float32)
    assert np.array_equal(
        LogisticRegression().fit(single, y).coef_, LogisticRegression().fit(single.astype(np.float64), y).coef_
    )
    as_lists = LogisticRegression().fit(X[:50].tolist(), y[:50].tolist())
    assert as_lists.n_features_in_ == X.shape[1]


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 7, np.nan, X), y), ValueError, "NaN"),
        (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 7, np.inf, X), y), ValueError, "infinity"),
        (lambda X, y: (X[:, 0], y), ValueError, "2D array|2-D"),
        (lambda X, y: (X, y[:-1]), ValueError, "inconsistent"),
        (lambda X, y: (X, np.ones_like(y)), ValueError, "one class"),
        (lambda X, y: (X, y + (np.arange(len(y)) % 3 == 0)), ValueError, "Only binary"),
        (lambda X, y: (X, np.linspace(0, 1, len(y))), ValueError, "Unknown label type"),
        (lambda X, y: (X[:0], y[:0]), ValueError, "0 sample"),
        (lambda X, y: (X[:, :0], y), ValueError, "0 feature"),
        (lambda X, y: (X.astype(complex), y), ValueError, "[Cc]omplex"),
        (lambda X, y: (np.full(X.shape, "a"), y), ValueError, "float|number"),
        (lambda X, y: (X, None), ValueError, "requires y"),
        (lambda X, y: (X, np.where(np.arange(len(y)) == 3, np.nan, y)), ValueError, "NaN"),
    ],
)
def test_hostile_inputs_raise_clear_errors(make, error, match):
    X, y = separable_free_data(n=200, d=4)
    X, y = make(X, y)
    with pytest.raises(error, match=match):
        LogisticRegression().fit(X, y)


def test_predicting_needs_a_fit_and_the_same_features():
    from sklearn.exceptions import NotFittedError

    X, y = separable_free_data(n=200, d=4)
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    fit = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fit.predict(X[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        fit.predict_proba(np.where(X > 1, np.nan, X))


def test_separable_data_without_a_penalty_is_a_clear_error():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0, 0, 1, 1])
    with pytest.raises(ValueError, match="separable"):
        LogisticRegression(C=None).fit(X, y)
    assert LogisticRegression().fit(X, y).predict(X).tolist() == [0, 0, 1, 1]


def test_bad_settings_name_the_parameter():
    X, y = separable_free_data(n=300, d=3)
    cases = [
        ({"solver": "lbfgs"}, "solver"),
        ({"tol": -1.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"solver": "sgd", "learning_rate": 0.0}, "learning_rate"),
        ({"solver": "sgd", "batch_size": 0}, "batch_size"),
        ({"solver": "sgd", "batch_size": 301}, "batch_size"),
        ({"solver": "sgd", "init": "ones"}, "init"),
        ({"C": None, "l2": -1.0}, "l2"),
        ({"solver": "sgd", "random_state": -3}, "random_state"),
    ]
    for params, name in cases:
        with pytest.raises(ValueError, match=name):
            LogisticRegression(**params).fit(X, y)


def test_sgd_history_and_divergence():
    X, y = separable_free_data()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    fit = LogisticRegression("sgd", max_iter=200, eval_every=20, batch_size=50, random_state=4).fit(
        X[:2000], y[:2000], X_val=X[2000:], y_val=y[2000:]
    )
    assert fit.history_["iteration"].tolist() == list(range(20, 201, 20))
    assert np.all(np.diff(fit.history_["val_loss"][:3]) < 0)
    same = LogisticRegression("sgd", max_iter=200, eval_every=20, batch_size=50, random_state=4).fit(X[:2000], y[:2000])
    assert np.array_equal(same.coef_, fit.coef_) and same.history_["val_loss"].size == 0
    other = LogisticRegression("sgd", max_iter=200, batch_size=50, random_state=5).fit(X[:2000], y[:2000])
    assert not np.array_equal(other.coef_, fit.coef_)
    with pytest.raises(DivergedError, match="diverged at iteration") as caught:
        LogisticRegression("sgd", C=None, learning_rate=1e12, max_iter=50).fit(X * 1e3, y)
    assert caught.value.iteration >= 1
    with pytest.raises(ValueError, match="labels not seen"):
        LogisticRegression("sgd").fit(X, y, X_val=X[:5], y_val=np.array([0, 1, 2, 0, 1]))


def test_get_params_set_params_clone_and_pickle():
    import pickle

    from sklearn.base import clone

    est = LogisticRegression("sgd", C=None, l2=1e-3, random_state=7)
    assert est.get_params()["l2"] == 1e-3 and est.get_params()["solver"] == "sgd"
    copy = clone(est)
    assert copy.get_params() == est.get_params() and copy is not est
    est.set_params(learning_rate=0.05)
    assert est.learning_rate == 0.05
    X, y = separable_free_data(n=500, d=3)
    fit = LogisticRegression().fit(X, y)
    again = pickle.loads(pickle.dumps(fit))
    assert np.array_equal(again.predict_proba(X), fit.predict_proba(X))
    assert "solver='sgd'" in repr(est) and "random_state=7" in repr(est)


def long_sgd():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20_000, 20))
    y = (X[:, 0] + rng.normal(size=20_000) > 0).astype(int)
    return X, y, LogisticRegression("sgd", batch_size=10_000, max_iter=10**9, eval_every=10**9)


def test_ctrl_c_stops_a_long_fit():
    X, y, est = long_sgd()
    timer = threading.Timer(0.5, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    elapsed = time.monotonic() - start
    timer.join()
    assert elapsed < 5.0, elapsed
    assert not hasattr(est, "coef_")


def test_the_gil_is_released_during_a_fit():
    X, y, est = long_sgd()
    est.set_params(max_iter=3_000)
    counts = []
    stop = threading.Event()

    def count():
        n = 0
        while not stop.is_set():
            n += 1
            if n % 1000 == 0:
                counts.append(n)

    worker = threading.Thread(target=count)
    worker.start()
    start = time.monotonic()
    est.fit(X, y)
    seconds = time.monotonic() - start
    stop.set()
    worker.join()
    # The other thread ran all along the fit (at least a thousand counts every 10 ms).
    assert seconds > 0.2 and len(counts) > 10 * seconds, (seconds, len(counts))


def unaligned(a):
    """A copy of ``a`` whose float64 data start one byte off alignment (as after some unpickling)."""
    raw = np.zeros(a.nbytes + 1, dtype=np.uint8)
    out = np.frombuffer(raw[1:].data, dtype=np.float64).reshape(a.shape)
    out[...] = a
    assert not out.flags.aligned
    return out


def test_unaligned_arrays_are_copied_by_the_package_and_refused_by_the_compiled_module():
    from msd_century import _core, block_stats

    X, y = separable_free_data(n=300, d=4)
    fit = LogisticRegression().fit(unaligned(X), y)
    assert np.array_equal(fit.coef_, LogisticRegression().fit(X, y).coef_)
    assert np.array_equal(fit.predict_proba(unaligned(X)), fit.predict_proba(X))
    assert block_stats(unaligned(X), unaligned(y.astype(float)), unaligned(fit.coef_[0]), 0.0).n == 300
    with pytest.raises(ValueError, match="aligned"):
        _core.logits(unaligned(X), fit.coef_[0], 0.0)
