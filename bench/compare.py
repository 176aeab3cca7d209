"""Times the study two ways on the same file: the classic numpy/pandas/scikit-learn code
(bench/classic.py) and msd-century's commands. Prints a table and writes it as JSON."""

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


if __name__ == "__main__":
    main()
