"""``load_msd``: the splits of the command line, as numpy arrays."""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import _core
from ._progress import DataNote, notes_only

#: Environment variable naming the default data source (as for the command line).
DATA_ENV = "MSD_DATA"
#: Where the real file is looked for, in order, relative to the working directory.
DEFAULT_PATHS = ("data/YearPredictionMSD.txt.zip", "data/YearPredictionMSD.txt")


def resolve_source(source=None) -> str:
    """The data source as the command line chooses it: ``source`` when given (a path, or the
    word ``"synthetic"``), else ``$MSD_DATA``, else the real file under ``data/`` if present,
    else synthetic data (with a :class:`DataNote` warning).
    """
    if source is not None:
        return os.fspath(source)
    text = os.environ.get(DATA_ENV, "")
    if text:
        return text
    for path in DEFAULT_PATHS:
        if os.path.isfile(path):
            return path
    warnings.warn(
        "no data file given and none under data/: using synthetic MSD-like data",
        DataNote,
        stacklevel=3,
    )
    return "synthetic"


def check_count(name: str, value, *, minimum: int = 0, optional: bool = True):
    """``value`` as an int of at least ``minimum`` (or None when ``optional``); a clear
    ValueError otherwise."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}={value!r}: must be an integer")
    if value < minimum:
        raise ValueError(f"{name}={value}: must be at least {minimum}")
    return int(value)


@dataclass(frozen=True, repr=False)
class MsdData:
    """The splits of ``load_msd``: standardized float64 features and 0/1 float64 labels
    (``year > year_threshold``), the standardization (mean and sample standard deviation of
    each raw feature over the train part) and where the rows came from.

    Unpacks as the six arrays: ``X_train, y_train, X_val, y_val, X_test, y_test = load_msd()``.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_mean: np.ndarray
    feature_std: np.ndarray
    #: ``{"kind": "file", "path": ..., "bytes": ...}`` or ``{"kind": "synthetic", "rows": ...,
    #: "seed": ...}``, as in ``results.json``.
    provenance: dict
    year_threshold: int

    @property
    def synthetic(self) -> bool:
        """True when the rows are the embedded synthetic data, not a file."""
        return self.provenance.get("kind") == "synthetic"

    def __iter__(self):
        return iter((self.X_train, self.y_train, self.X_val, self.y_val, self.X_test, self.y_test))

    def __repr__(self):
        kind = self.provenance.get("kind")
        where = self.provenance.get("path") if kind == "file" else f"synthetic, seed {self.provenance.get('seed')}"
        return (
            f"MsdData({where}: train {self.X_train.shape}, val {self.X_val.shape}, "
            f"test {self.X_test.shape}, year > {self.year_threshold})"
        )


def load_msd(
    source=None,
    *,
    rows: Optional[int] = None,
    synthetic_seed: int = 1,
    year_threshold: int = 2000,
    train_rows: Optional[int] = None,
    val_rows: Optional[int] = None,
    seed: int = 1,
    cache: bool = True,
) -> MsdData:
    """Loads YearPredictionMSD as the command line does, with the same defaults and rows.

    Parameters
    ----------
    source : path or "synthetic", optional
        A ``.txt``/``.csv`` file, a ``.zip`` holding one text file, a ``.gz``, or the word
        ``"synthetic"`` (the embedded MSD-like generator). Default: ``$MSD_DATA``, else
        ``data/YearPredictionMSD.txt.zip`` or ``data/YearPredictionMSD.txt`` if present, else
        synthetic data, with a warning.
    rows : int, optional
        Rows of synthetic data (default the full 515,345).
    synthetic_seed : int
        Seed of the synthetic data.
    year_threshold : int
        A song is of class 1 when its year is greater than this.
    train_rows : int, optional
        Rows (from the top of the file) of the train part: default 463,715 of 515,345 (the
        data set's own split, which keeps every artist on one side), else the same fraction.
    val_rows : int, optional
        Rows of the train part moved to validation by a seeded shuffle: default 50,000 of the
        full train part, else the same fraction; 0 for none.
    seed : int
        Seed of the validation shuffle.
    cache : bool
        Read (and write) the binary cache beside a text file.

    Returns
    -------
    MsdData
        ``X_train, y_train, X_val, y_val, X_test, y_test`` (float64), ``feature_mean``,
        ``feature_std``, ``provenance``; it unpacks as the six arrays.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        Bad data (the message names the file, the line and the field, as the command line's)
        or bad options.
    """
    rows = check_count("rows", rows)
    synthetic_seed = check_count("synthetic_seed", synthetic_seed, optional=False)
    train_rows = check_count("train_rows", train_rows)
    val_rows = check_count("val_rows", val_rows)
    seed = check_count("seed", seed, optional=False)
    year_threshold = int(year_threshold)
    text = resolve_source(source)
    out = _core.load(
        text,
        rows=rows,
        synthetic_seed=synthetic_seed,
        year_threshold=year_threshold,
        train_rows=train_rows,
        val_rows=val_rows,
        seed=seed,
        cache=bool(cache),
        on_event=notes_only,
    )
    provenance = json.loads(out.pop("provenance"))
    return MsdData(**out, provenance=provenance, year_threshold=year_threshold)
