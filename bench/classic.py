"""The classic from-scratch study of YearPredictionMSD, as the numpy notebook does it.

A faithful reference for timing and for results, with the notebook's two bugs fixed (every run
starts from its own copy of the initial parameters, and the grid passes its batch size on):
pandas.read_csv, the label mapped with a Python function per row, pandas statistics, numpy
mini-batch SGD that copies the reshuffled training set every epoch and counts validation accuracy
with a Python loop every 10 iterations, and scikit-learn's LogisticRegression() as the library.

Prints one JSON object: seconds per stage, peak memory, and the final figures of every run.
"""

import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def load(path, train_rows, val_rows, seed, threshold):
    df = pd.read_csv(path, header=None)
    df[0] = df[0].apply(lambda year: 1 if year > threshold else 0)
    train, test = df.iloc[:train_rows], df.iloc[train_rows:]
    mean, std = train.iloc[:, 1:].mean(), train.iloc[:, 1:].std()
    x_train_all = ((train.iloc[:, 1:] - mean) / std).values
    t_train_all = train[0].values.astype(float)
    x_test = ((test.iloc[:, 1:] - mean) / std).values
    t_test = test[0].values.astype(float)
    order = np.random.RandomState(seed).permutation(train_rows)
    val, tr = order[:val_rows], order[val_rows:]
    return {
        "train": (x_train_all[tr], t_train_all[tr]),
        "val": (x_train_all[val], t_train_all[val]),
        "test": (x_test, t_test),
    }


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def pred(w, b, x):
    return sigmoid(np.dot(x, w) + b)


def cost(y, t):
    return np.mean(-t * np.log(y + 1e-15) - (1 - t) * np.log(1 - y + 1e-15))


def get_accuracy(y, t):
    acc = 0
    for i in range(len(t)):
        if (y[i] >= 0.5) == t[i]:
            acc += 1
    return acc / len(t)


def solve_via_sgd(data, alpha, batch_size, niter, w0, b0, seed):
    x_train, t_train = data["train"]
    x_val, t_val = data["val"]
    w, b = w0.copy(), float(b0)
    rng = np.random.RandomState(seed)
    n = x_train.shape[0]
    history = []
    iters = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while iters < niter:
            reindex = rng.permutation(n)
            x_shuffled, t_shuffled = x_train[reindex], t_train[reindex]
            for i in range(n // batch_size):
                if iters >= niter:
                    break
                xb = x_shuffled[i * batch_size:(i + 1) * batch_size]
                tb = t_shuffled[i * batch_size:(i + 1) * batch_size]
                y = pred(w, b, xb)
                w = w - alpha * np.dot(xb.T, y - tb) / batch_size
                b = b - alpha * np.mean(y - tb)
                iters += 1
                if iters % 10 == 0:
                    y_val = pred(w, b, x_val)
                    history.append((iters, float(cost(y_val, t_val)), get_accuracy(y_val, t_val)))
    return w, b, history


def final_val_loss(history):
    return history[-1][1] if history else None


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("data")
    p.add_argument("--train-rows", type=int, default=463715)
    p.add_argument("--val-rows", type=int, default=50000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--iters", type=int, default=1000)
    p.add_argument("--stages", default="load,sgd100,sgd50000,lr_demo,grid,monte_carlo,library")
    p.add_argument("--spread-seeds", type=int, default=3,
                   help="runs (shuffle seeds) of the single SGD settings, for their spread")
    args = p.parse_args()
    stages = args.stages.split(",")
    seconds, results = {}, {}

    start = time.perf_counter()
    data = load(args.data, args.train_rows, args.val_rows, args.seed, 2000)
    seconds["load"] = time.perf_counter() - start
    d = data["train"][0].shape[1]
    init_rng = np.random.RandomState(args.seed)
    w_init, b_init = init_rng.randn(d), init_rng.randn()

    def timed(name, fn):
        t0 = time.perf_counter()
        results[name] = fn()
        seconds[name] = time.perf_counter() - t0

    def run(lr, bs, w0, b0, seed):
        if bs > data["train"][0].shape[0]:
            return {"lr": lr, "batch_size": bs, "skipped": True}
        _, _, h = solve_via_sgd(data, lr, bs, args.iters, w0, b0, seed)
        return {"lr": lr, "batch_size": bs, "final_val_loss": final_val_loss(h),
                "final_val_accuracy": h[-1][2] if h else None}

    zeros = np.zeros(d)
    spread = {}
    for bs in (100, 50000):
        if f"sgd{bs}" in stages:
            timed(f"sgd{bs}", lambda: run(0.1, bs, zeros, 0.0, args.seed))
            # More shuffle seeds, untimed: the run-to-run spread of the final validation loss.
            spread[f"sgd{bs}"] = [results[f"sgd{bs}"]["final_val_loss"]] + [
                run(0.1, bs, zeros, 0.0, args.seed + k)["final_val_loss"]
                for k in range(1, args.spread_seeds)]
    if "lr_demo" in stages:
        timed("lr_demo", lambda: [run(lr, 100, zeros, 0.0, args.seed) for lr in (0.005, 0.1, 5)])
    if "grid" in stages:
        timed("grid", lambda: [run(lr, bs, w_init, b_init, args.seed)
                               for lr in (0.01, 0.1, 0.5, 1) for bs in (1, 64, 1024, 50000)])
    if "monte_carlo" in stages:
        def mc():
            out = []
            for bs in (1, 50000):
                for k in range(3):
                    r = np.random.RandomState(1000 + k)
                    out.append(run(0.1, bs, r.randn(d), r.randn(), args.seed + k))
            return out
        timed("monte_carlo", mc)
    if "library" in stages:
        def library():
            from sklearn.linear_model import LogisticRegression
            model = LogisticRegression().fit(*data["train"])
            acc = {k: float(model.score(*data[k])) for k in ("train", "val", "test")}
            prob = model.predict_proba(data["val"][0])[:, 1]
            return {"accuracy": acc, "val_loss": float(cost(prob, data["val"][1])),
                    "iterations": int(model.n_iter_[0])}
        timed("library", library)
    study = ("load", "lr_demo", "grid", "monte_carlo", "library")
    if all(s in seconds for s in study):
        seconds["study"] = sum(seconds[s] for s in study)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump({"seconds": seconds, "peak_mb": peak_mb, "results": results, "spread": spread},
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
