"""msd-century from Python: logistic regression from scratch on YearPredictionMSD (did a song come
out after 2000?), with the library's fast, exact, deterministic solvers on numpy arrays.

- :func:`load_msd`: the splits of the command line as float64 arrays.
- :class:`LogisticRegression`: a scikit-learn-style estimator (Newton, SGD, linfa's L-BFGS) for
  any float64 data with two classes.
- :class:`Model`: the command line's ``model.json``.
- :func:`run_study`: the whole study of ``msd-century run``.
- :func:`block_stats`: one block's Newton sums, for data beyond one machine (Dask, Spark).
"""

from ._core import __version__
from ._blocks import BlockStats, block_stats
from ._data import MsdData, load_msd
from ._estimator import DivergedError, LogisticRegression
from ._model import Model
from ._progress import DataNote
from ._study import run_study

__all__ = [
    "BlockStats",
    "DataNote",
    "DivergedError",
    "LogisticRegression",
    "Model",
    "MsdData",
    "__version__",
    "block_stats",
    "load_msd",
    "run_study",
]
