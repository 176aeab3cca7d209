"""scikit-learn's estimator checks (``parametrize_with_checks``).

The Newton solver, with its defaults, passes every check; so does the library baseline
(linfa-logistic's L-BFGS), and so does SGD, none skipped.

SGD runs with ``batch_size=1`` here: its default batch of 100 rows is larger than most of the
checks' data sets (10 to 30 rows), which the library refuses with a ValueError (``batch_size``
larger than the training rows) rather than train on fewer rows than asked.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from msd_century import LogisticRegression

#: Checks that SGD does not pass, and why: none.
SGD_SKIPPED = {}

ESTIMATORS = [
    LogisticRegression(),
    LogisticRegression(solver="library"),
    LogisticRegression(solver="sgd", batch_size=1),
]


def expected_failed_checks(estimator):
    if estimator.solver == "sgd":
        return SGD_SKIPPED
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
