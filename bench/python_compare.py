"""msd_century against scikit-learn, side by side, on the same arrays in memory.

    python bench/python_compare.py [SOURCE] [--repeat N] [--out FILE]

Loads the splits with ``msd_century.load_msd(SOURCE)`` (default: the command line's default
source, so the full-size synthetic data when no real file is under data/: 413,715 x 90
training rows), then times on ``X_train, y_train``, each fit ``--repeat`` times (median):

- msd_century's Newton solver (its default tolerance, max |gradient| <= 1e-8, and 1e-12);
- scikit-learn's ``newton-cholesky`` and ``lbfgs``, at their default tolerance (1e-4) and at
  ``tol=1e-8`` (lbfgs with ``max_iter=10_000`` there, so that it can get there);
- ``predict_proba`` on the training rows, for each package.

Every fit minimizes the same objective, without a penalty (``C=np.inf``) and with
scikit-learn's default ``C=1``. The final gradient of each fitted model is computed here, by
the same numpy code for all (mean loss + l2 term, ``l2 = 1/(C n)``), and reported as its
largest component (what both packages' tolerances bound) and its Euclidean norm. The ratios
are taken within this one run. Writes the table as JSON to ``--out``
(default bench/out/python_compare.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

from sklearn_side import fit_row, sklearn_contenders, timed


def main():
    import sklearn

    import msd_century

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out", "python_compare.json"))
    args = parser.parse_args()

    start = time.perf_counter()
    data = msd_century.load_msd(args.source)
    load_seconds = time.perf_counter() - start
    X, y = data.X_train, data.y_train
    n = len(y)
    print(f"data: {data!r} (loaded in {load_seconds:.2f} s)", flush=True)

    rows = []
    for C in (np.inf, 1.0):
        l2 = 0.0 if np.isinf(C) else 1.0 / (C * n)
        contenders = [
            ("msd_century newton", "default (1e-8)", lambda: msd_century.LogisticRegression(C=C)),
            ("msd_century newton", "1e-12", lambda: msd_century.LogisticRegression(C=C, tol=1e-12)),
        ]
        contenders += sklearn_contenders(C)
        for name, tol, make in contenders:
            row = {"C": "inf" if np.isinf(C) else C, **fit_row(name, tol, make, X, y, l2, args.repeat)}
            rows.append(row)
            print(
                f"C={row['C']:<4} {name:<30} tol {tol:<15} {row['seconds']:7.3f} s  {row['iterations']:>5} it  "
                f"max|g| {row['gradient_max']:.2e}  |g| {row['gradient_norm']:.2e}"
                + ("" if row["converged"] else "  (ConvergenceWarning)"),
                flush=True,
            )

    ours = {row["C"]: row for row in rows if row["fit"].startswith("msd_century") and row["tol"].startswith("default")}
    for row in rows:
        row["ratio_to_msd_century"] = row["seconds"] / ours[row["C"]]["seconds"]

    # predict_proba on the training rows, with the unpenalized models.
    ours_model = ours["inf"]["model"]
    reference = next(r["model"] for r in rows if r["C"] == "inf" and r["fit"] == "scikit-learn newton-cholesky")
    predict = {}
    for name, model in (("msd_century", ours_model), ("scikit-learn", reference)):
        predict[name], _, proba = timed(lambda m=model: m.predict_proba(X), max(args.repeat, 5))
        assert proba.shape == (n, 2)
    predict["ratio"] = predict["scikit-learn"] / predict["msd_century"]
    gap = float(np.abs(ours_model.predict_proba(X) - reference.predict_proba(X)).max())

    print()
    print("| C | fit | tol | seconds | iterations | max abs gradient | gradient norm | time / msd_century |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['C']} | {row['fit']} | {row['tol']} | {row['seconds']:.3f} | {row['iterations']} | "
            f"{row['gradient_max']:.1e} | {row['gradient_norm']:.1e} | {row['ratio_to_msd_century']:.1f}x |"
        )
    print(
        f"\npredict_proba on {n:,} rows: msd_century {predict['msd_century'] * 1e3:.1f} ms, "
        f"scikit-learn {predict['scikit-learn'] * 1e3:.1f} ms ({predict['ratio']:.1f}x); "
        f"largest probability difference between the unpenalized fits {gap:.1e}"
    )

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "data": data.provenance,
                "train_rows": n,
                "features": X.shape[1],
                "load_seconds": load_seconds,
                "repeat": args.repeat,
                "python": sys.version.split()[0],
                "numpy": np.__version__,
                "scikit_learn": sklearn.__version__,
                "msd_century": msd_century.__version__,
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "fits": [{k: v for k, v in row.items() if k != "model"} for row in rows],
                "predict_proba_seconds": predict,
                "largest_probability_difference": gap,
            },
            f,
            indent=2,
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
