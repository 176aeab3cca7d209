"""Model: the command line's model.json, and its predictions bit for bit."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

import msd_century
from msd_century import LogisticRegression, Model

from conftest import run_cli


@pytest.fixture(scope="module")
def trained(tmp_path_factory, synth_file):
    out = tmp_path_factory.mktemp("newton")
    run_cli("train", "--solver", "newton", "--data", synth_file, "--no-cache", "--out", out)
    return out / "model.json"


def raw_rows(synth_file, n=300):
    """Rows as a user gives them: the file's own (year first), rows far off the training scale,
    and rows of huge magnitude."""
    rows = np.loadtxt(synth_file, delimiter=",", max_rows=n)
    rng = np.random.default_rng(5)
    far = rows[:20, 1:] * rng.uniform(-50, 50, size=(20, 90))
    huge = rows[:5, 1:] * 1e150
    return rows, np.vstack([rows[:, 1:], far, huge])


def cli_probabilities(model_path, rows, tmp_path):
    path = tmp_path / "rows.txt"
    # repr() of a float is its shortest round-trip form: the command line reads the same double.
    path.write_text("\n".join(",".join(repr(float(v)) for v in row) for row in rows) + "\n")
    text = run_cli("predict", "--model", model_path, "--input", path).stdout
    return [float(line) for line in text.split()]


def test_predictions_agree_with_the_command_line_bit_for_bit(trained, synth_file, tmp_path):
    model = Model.load(trained)
    with_year, features = raw_rows(synth_file)
    ours = model.probabilities(features)
    theirs = cli_probabilities(trained, features, tmp_path)
    assert ours.tolist() == theirs  # exact equality of every double
    # Rows with the year first (a UCI line) give the same numbers.
    assert model.probabilities(with_year).tolist() == ours[: len(with_year)].tolist()
    assert cli_probabilities(trained, with_year, tmp_path) == ours[: len(with_year)].tolist()
    proba = model.predict_proba(features)
    assert proba.shape == (len(features), 2) and np.array_equal(proba[:, 1], ours)
    assert np.array_equal(model.predict(features), (ours >= 0.5).astype(int))


def test_load_save_round_trip_and_fields(trained, tmp_path):
    model = Model.load(trained)
    assert model.weights.shape == model.feature_mean.shape == model.feature_std.shape == (90,)
    assert model.year_threshold == 2000
    assert model.training["solver"] == "newton"
    copy = tmp_path / "copy.json"
    model.save(copy)
    assert Model.load(copy) == model
    assert json.loads(copy.read_text()) == json.loads(trained.read_text())
    assert pickle.loads(pickle.dumps(model)) == model
    assert Model.from_json(model.to_json()) == model


def test_a_model_fitted_in_python_predicts_with_the_command_line(synth_file, tmp_path):
    data = msd_century.load_msd(synth_file, cache=False)
    fit = LogisticRegression(C=None).fit(data.X_train, data.y_train)
    model = Model.from_estimator(fit, data)
    path = tmp_path / "model.json"
    model.save(path)
    # The command line evaluates it on the same splits as its own Newton fit.
    ours = json.loads(run_cli("evaluate", "--model", path, "--data", synth_file, "--no-cache", "--json").stdout)
    assert ours["test"]["accuracy"] == fit.score(data.X_test, data.y_test)
    _, features = raw_rows(synth_file, n=50)
    assert cli_probabilities(path, features, tmp_path) == model.probabilities(features).tolist()
    # On standardized rows, the estimator gives the same numbers as the model on raw rows.
    raw_test = np.loadtxt(synth_file, delimiter=",")[-len(data.y_test):, 1:]
    assert np.abs(model.probabilities(raw_test) - fit.predict_proba(data.X_test)[:, 1]).max() < 1e-15


def test_bad_model_files_and_rows(tmp_path, trained):
    with pytest.raises(FileNotFoundError):
        Model.load(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "msd-century-model"')
    with pytest.raises(ValueError, match="broken.json"):
        Model.load(broken)
    text = json.loads(trained.read_text())
    text["weights"] = text["weights"][:3]
    short = tmp_path / "short.json"
    short.write_text(json.dumps(text))
    with pytest.raises(ValueError, match="weights has 3 values"):
        Model.load(short)
    model = Model.load(trained)
    with pytest.raises(ValueError, match="columns"):
        model.probabilities(np.zeros((2, 89)))
    with pytest.raises(ValueError, match="row 1, feature 4"):
        model.probabilities(np.where(np.arange(180).reshape(2, 90) == 94, np.nan, 0.0))
    with pytest.raises(ValueError, match="not a valid model"):
        Model(np.zeros(90), 0.0, np.zeros(90), np.zeros(90))
