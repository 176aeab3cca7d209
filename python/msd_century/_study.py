"""``run_study``: what the command line's ``run`` does, from Python."""

from __future__ import annotations

import json
import os
import warnings
from typing import Optional

from . import _core
from ._data import check_count, resolve_source
from ._progress import DataNote, Progress


def run_study(
    out,
    *,
    quick: bool = False,
    source=None,
    rows: Optional[int] = None,
    synthetic_seed: int = 1,
    year_threshold: int = 2000,
    train_rows: Optional[int] = None,
    val_rows: Optional[int] = None,
    seed: int = 1,
    cache: bool = True,
    progress: bool = True,
) -> dict:
    """Runs the whole study as ``msd-century run --out OUT [--quick]`` does: loads the data (the
    options and defaults of ``load_msd``), runs the gradient check, the learning-rate demo, the
    grid search, the Monte Carlo runs, the exact optimum and the library baseline, the final
    comparison and the standardization demo, and writes ``OUT/report.html``,
    ``OUT/results.json``, ``OUT/plots/`` and ``OUT/runs/``.

    Progress shows as a tqdm bar (a widget in Jupyter) when tqdm is installed, else as a printed
    line per stage; ``progress=False`` hides it. Ctrl-C stops the study (``KeyboardInterrupt``).

    Returns the content of ``results.json`` as a dict.
    """
    text = resolve_source(source)
    if text == "synthetic":
        warnings.warn("the study runs on SYNTHETIC data, not the real file", DataNote, stacklevel=2)
    args = {
        "rows": check_count("rows", rows),
        "synthetic_seed": check_count("synthetic_seed", synthetic_seed, optional=False),
        "year_threshold": int(year_threshold),
        "train_rows": check_count("train_rows", train_rows),
        "val_rows": check_count("val_rows", val_rows),
        "seed": check_count("seed", seed, optional=False),
        "cache": bool(cache),
        "quick": bool(quick),
    }
    call = ", ".join([repr(os.fspath(out)), f"source={text!r}"] + [f"{k}={v!r}" for k, v in args.items()])
    with Progress("study", show=progress) as shown:
        path = _core.run_study(
            os.fspath(out), text, **args, command_line=[f"msd_century.run_study({call})"], on_event=shown
        )
    with open(path, encoding="utf-8") as f:
        return json.load(f)
