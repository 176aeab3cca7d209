"""Times the study two ways on the same file: the classic numpy/pandas/scikit-learn code
(bench/classic.py) and msd-century's commands. Prints a table and writes it as JSON.

Then the exact solves, without a penalty, on the same standardized training rows (the file's
train part, no validation rows): msd-century's Newton solver (`train --solver newton`, the fit
time its JSON reports) beside scikit-learn's newton-cholesky and lbfgs at their default
tolerance and at 1e-8, each with its final max |gradient| of the mean loss computed by the same
numpy code. `--only newton` runs this section alone."""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from sklearn_side import fit_row, gradient, sklearn_contenders  # noqa: E402


def run(cmd, env=None):
    """Runs `cmd`; returns (stdout, wall seconds, peak RSS in MB of that process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed ({status}): {' '.join(map(str, cmd))}")
    return out, wall, usage.ru_maxrss / 1024


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("data", nargs="?", help="UCI text file [default: full-size synthetic file]")
    p.add_argument("--binary", required=True)
    p.add_argument("--out", default=str(ROOT / "bench/out/compare.json"))
    p.add_argument("--seeds", type=int, default=5, help="msd-century runs per SGD setting (spread)")
    p.add_argument("--newton-repeat", type=int, default=3, help="runs of each exact solve (median)")
    p.add_argument("--only", choices=["newton"], help="run only this section")
    args = p.parse_args()
    exe = args.binary
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)

    data = args.data
    if data is None:
        data = str(ROOT / "bench/out/synthetic.txt")
        if not Path(data).exists():
            print(f"writing full-size synthetic data to {data}", file=sys.stderr)
            run([exe, "data", "synth", "--out", data])
    work = tempfile.mkdtemp(prefix="msd-compare-")
    if args.only == "newton":
        newton = newton_section(exe, data, work, args.newton_repeat)
        out = Path(args.out).with_name("compare_newton.json")
        out.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"),
                                   "machine": {"cpu": cpu_model(), "cores": os.cpu_count()},
                                   "data": data, "newton": newton}, indent=1) + "\n")
        print(f"\nwritten to {out}")
        return

    # The classic side. A current numpy runs its fastest kernels without these overrides.
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print("classic: pandas + numpy + scikit-learn (several minutes)", file=sys.stderr)
    out, classic_wall, classic_peak = run([sys.executable, str(ROOT / "bench/classic.py"), data], env)
    classic = json.loads(out)

    print("msd-century", file=sys.stderr)
    ours, peaks = {}, {}
    _, ours["load"], peaks["load"] = run([exe, "data", "inspect", "--data", data, "--no-cache", "--json"])
    _, _, _ = run([exe, "data", "inspect", "--data", data, "--json"])
    _, ours["load_cached"], _ = run([exe, "data", "inspect", "--data", data, "--json"])

    spread = {}
    for bs in (100, 50000):
        losses = []
        for seed in range(1, args.seeds + 1):
            out, wall, peak = run([exe, "train", "--data", data, "--lr", "0.1", "--batch-size", str(bs),
                                   "--iters", "1000", "--seed", str(seed), "--json",
                                   "--out", f"{work}/sgd{bs}-{seed}"])
            r = json.loads(out)
            losses.append(r["history"][-1]["val_loss"])
            if seed == 1:
                ours[f"sgd{bs}"], peaks[f"sgd{bs}"] = wall, peak
        spread[bs] = losses

    out, ours["library"], peaks["library"] = run([exe, "train", "--data", data, "--solver", "library",
                                                   "--json", "--out", f"{work}/library"])
    library = json.loads(out)

    _, ours["study"], peaks["study"] = run([exe, "run", "--data", data, "--out", f"{work}/study"])
    study = json.loads(Path(f"{work}/study/results.json").read_text())
    stage = {t["stage"]: t["seconds"] for t in study["timings"]}
    # msd-century trains the grid and the Monte Carlo runs together (they share batches).
    ours["lr_demo"], ours["grid_monte_carlo"] = stage["lr_demo"], stage["grid + monte_carlo"]
    classic["seconds"]["grid_monte_carlo"] = classic["seconds"]["grid"] + classic["seconds"]["monte_carlo"]

    newton = newton_section(exe, data, work, args.newton_repeat)

    rows = []
    names = [("load", "load and prepare"), ("load_cached", "load and prepare, cached"),
             ("sgd100", "SGD batch 100, 1000 iters"),
             ("sgd50000", "SGD batch 50000, 1000 iters"), ("lr_demo", "learning-rate demo (3 runs)"),
             ("grid_monte_carlo", "grid (16 runs) + Monte Carlo (6)"),
             ("library", "library fit"), ("study", "whole study")]
    for key, label in names:
        c, o = classic["seconds"].get(key), ours.get(key)
        rows.append({"stage": label, "classic_s": c, "msd_century_s": o,
                     "speedup": (c / o) if c and o else None})

    agree = {}
    for bs in (100, 50000):
        theirs, mine = classic["spread"][f"sgd{bs}"], spread[bs]
        c_mean, o_mean = statistics.mean(theirs), statistics.mean(mine)
        c_sd = statistics.stdev(theirs) if len(theirs) > 1 else 0.0
        o_sd = statistics.stdev(mine) if len(mine) > 1 else 0.0
        # The means differ by at most three standard errors of their difference: the two sides
        # agree within their run-to-run spread.
        se = (c_sd ** 2 / len(theirs) + o_sd ** 2 / len(mine)) ** 0.5
        agree[bs] = {"classic_runs": theirs, "classic_mean": c_mean, "classic_std": c_sd,
                     "msd_century_runs": mine, "msd_century_mean": o_mean, "msd_century_std": o_sd,
                     "agree": abs(c_mean - o_mean) <= 3 * se}

    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count()},
        "data": data,
        "command": "bench/compare" + (f" {args.data}" if args.data else ""),
        "stages": rows,
        "peak_mb": {"classic": classic_peak, "msd_century": peaks},
        "final_val_loss": agree,
        "library": {"classic_accuracy": classic["results"]["library"]["accuracy"],
                    "msd_century_accuracy": {k: library[k]["accuracy"] for k in ("train", "val", "test")}},
        "classic_wall_s": classic_wall,
        "newton": newton,
    }
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")

    print(f"\n{'stage':<30} {'classic s':>10} {'msd-century s':>14} {'speed-up':>9}")
    for r in rows:
        c = f"{r['classic_s']:.2f}" if r["classic_s"] is not None else "-"
        o = f"{r['msd_century_s']:.3f}" if r["msd_century_s"] is not None else "-"
        s = f"{r['speedup']:.1f}x" if r["speedup"] else "-"
        print(f"{r['stage']:<30} {c:>10} {o:>14} {s:>9}")
    print(f"\npeak memory: classic {classic_peak:.0f} MB; msd-century "
          + ", ".join(f"{k} {v:.0f} MB" for k, v in peaks.items()))
    for bs, a in agree.items():
        print(f"final val loss, batch {bs}: classic {a['classic_mean']:.6f} ± {a['classic_std']:.6f} "
              f"({len(a['classic_runs'])} runs), msd-century "
              f"{a['msd_century_mean']:.6f} ± {a['msd_century_std']:.6f} ({len(a['msd_century_runs'])} runs) -> "
              f"{'agree' if a['agree'] else 'DIFFER'}")
    print(f"\nwritten to {args.out}")


def newton_section(exe, data, work, repeat):
    """msd-century's exact solve beside scikit-learn's, without a penalty, on the same rows: the
    file's train part with no validation rows, standardized with msd-century's own statistics
    (from its model file). Prints the table; returns its rows."""
    import numpy as np
    import pandas as pd

    print("exact solves: msd-century newton, scikit-learn newton-cholesky and lbfgs", file=sys.stderr)
    seconds, report = [], None
    for k in range(repeat):
        out, _, _ = run([exe, "train", "--data", data, "--solver", "newton", "--val-rows", "0",
                         "--json", "--out", f"{work}/newton-{k}"])
        report = json.loads(out)
        seconds.append(report["seconds"])
    model = json.loads(Path(report["model_file"]).read_text())
    n = report["train"]["n"]
    raw = pd.read_csv(data, header=None, nrows=n).to_numpy(dtype=np.float64)
    y = (raw[:, 0] > model["year_threshold"]).astype(np.float64)
    X = (raw[:, 1:] - np.array(model["feature_mean"])) / np.array(model["feature_std"])
    del raw
    g = gradient(X, y, np.array(model["weights"]), model["bias"], 0.0)
    info = report["newton"]
    rows = [{
        "fit": "msd-century newton (CLI)", "tol": "default (1e-8)",
        "seconds": statistics.median(seconds), "all_seconds": seconds,
        "iterations": info["iterations"], "warm_start_iterations": info.get("warm_start_iterations"),
        "gradient_max": float(np.abs(g).max()), "gradient_norm": float(np.linalg.norm(g)),
        "solver_gradient_max": info["gradient_max_norm"], "converged": True,
    }]
    for name, tol, make in sklearn_contenders(np.inf):
        row = fit_row(name, tol, make, X, y, 0.0, repeat)
        del row["model"]
        rows.append(row)
    ours = rows[0]["seconds"]
    print(f"\nexact solves, no penalty, {n:,} x {X.shape[1]} standardized training rows "
          f"(median of {repeat}; max |gradient| of the mean loss, by numpy):")
    print(f"{'fit':<28} {'tol':<15} {'seconds':>8} {'iters':>6} {'max |g|':>9} {'/ msd-century':>14}")
    for r in rows:
        it = f"{r['iterations']}" + (f"+{r['warm_start_iterations']}" if r.get("warm_start_iterations") else "")
        print(f"{r['fit']:<28} {r['tol']:<15} {r['seconds']:>8.3f} {it:>6} {r['gradient_max']:>9.1e} "
              f"{r['seconds'] / ours:>13.1f}x" + ("" if r["converged"] else "  (ConvergenceWarning)"))
    return {"train_rows": n, "features": int(X.shape[1]), "repeat": repeat, "fits": rows}


if __name__ == "__main__":
    main()
