"""load_msd: the command line's rows, defaults and errors, as numpy arrays."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

import msd_century
from msd_century import DataNote, load_msd

from conftest import cli_json, run_cli


def test_synthetic_splits_are_standardized_float64_arrays(msd_small):
    data = msd_small
    X_train, y_train, X_val, y_val, X_test, y_test = data
    # 20,000 rows: the full file's fractions (463,715 / 515,345 train part, 50,000 of it val).
    assert (len(X_train) + len(X_val), len(X_test)) == (17_996, 2_004)
    assert len(X_val) == round(17_996 * 50_000 / 463_715)
    for X, y in [(X_train, y_train), (X_val, y_val), (X_test, y_test)]:
        assert X.dtype == np.float64 and y.dtype == np.float64
        assert X.shape == (len(y), 90) and X.flags.c_contiguous
        assert set(np.unique(y)) <= {0.0, 1.0}
    # Standardized with the statistics of the whole train part (train and validation rows).
    part = np.vstack([X_train, X_val])
    assert np.abs(part.mean(axis=0)).max() < 1e-12
    assert np.abs(part.std(axis=0, ddof=1) - 1).max() < 1e-12
    assert data.feature_mean.shape == data.feature_std.shape == (90,)
    assert data.provenance == {"kind": "synthetic", "rows": 20_000, "seed": 1}
    assert data.synthetic and data.year_threshold == 2000


def test_the_same_rows_and_statistics_as_the_command_line(synth_file):
    data = load_msd(synth_file, seed=3, year_threshold=1995, cache=False)
    inspected = cli_json("data", "inspect", "--json", "--data", synth_file, "--seed", 3, "--year-threshold", 1995, "--no-cache")
    assert inspected["feature_mean"] == data.feature_mean.tolist()
    assert inspected["feature_std"] == data.feature_std.tolist()
    sizes = inspected["sizes"]
    assert (sizes["train"], sizes["val"], sizes["test"]) == (len(data.y_train), len(data.y_val), len(data.y_test))
    shares = inspected["positive_share"]
    assert (shares["train"], shares["val"], shares["test"]) == (
        data.y_train.mean(),
        data.y_val.mean(),
        data.y_test.mean(),
    )
    assert data.provenance == {"kind": "file", "path": str(synth_file), "bytes": synth_file.stat().st_size}
    # The standardized test rows are the file's last rows, in order, standardized.
    raw = np.loadtxt(synth_file, delimiter=",")
    expected = (raw[-len(data.y_test):, 1:] - data.feature_mean) / data.feature_std
    assert np.array_equal(data.X_test, expected)
    assert np.array_equal(data.y_test, (raw[-len(data.y_test):, 0] > 1995).astype(float))


def test_split_options_are_the_command_lines(synth_file):
    data = load_msd(synth_file, train_rows=15_000, val_rows=0, cache=False)
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (15_000, 0, 5_000)
    assert data.X_val.shape == (0, 90)
    other = load_msd(synth_file, seed=2, cache=False)
    assert not np.array_equal(other.X_train, load_msd(synth_file, cache=False).X_train)


def test_default_source_is_msd_data_then_data_dir_then_synthetic(tmp_path, monkeypatch, synth_file):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MSD_DATA", raising=False)
    with pytest.warns(DataNote, match="using synthetic"):
        data = load_msd(rows=3_000)
    assert data.provenance == {"kind": "synthetic", "rows": 3_000, "seed": 1}

    (tmp_path / "data").mkdir()
    shutil.copy(synth_file, tmp_path / "data" / "YearPredictionMSD.txt")
    assert load_msd(cache=False).provenance["path"] == "data/YearPredictionMSD.txt"

    monkeypatch.setenv("MSD_DATA", "synthetic")
    assert load_msd(rows=2_500).provenance["kind"] == "synthetic"
    monkeypatch.setenv("MSD_DATA", str(synth_file))
    assert load_msd(cache=False).provenance["path"] == str(synth_file)


def test_cache_is_written_beside_a_text_file_and_reused(tmp_path, synth_file):
    path = tmp_path / "rows.txt"
    shutil.copy(synth_file, path)
    first = load_msd(path, cache=False)
    assert not os.path.exists(f"{path}.cache.npy")
    load_msd(path)
    assert os.path.exists(f"{path}.cache.npy")
    again = load_msd(path)
    assert np.array_equal(again.X_train, first.X_train)


def test_a_bad_field_is_a_value_error_with_the_command_lines_message(tmp_path, synth_file):
    lines = synth_file.read_text().splitlines()[:500]
    fields = lines[11].split(",")
    fields[4] = "abc"
    lines[11] = ",".join(fields)
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError) as caught:
        load_msd(bad, cache=False)
    assert "line 12, field 5" in str(caught.value)
    cli = run_cli("data", "inspect", "--data", bad, "--no-cache", check=False)
    assert cli.returncode == 1
    assert cli.stderr.strip() == f"error: {caught.value}"


def test_a_missing_file_is_file_not_found(tmp_path):
    missing = tmp_path / "nothing.txt"
    with pytest.raises(FileNotFoundError) as caught:
        load_msd(missing)
    assert caught.value.filename == str(missing)


@pytest.mark.parametrize(
    "options, parameter",
    [
        ({"train_rows": 10**9}, "train_rows"),
        ({"val_rows": 10**9}, "val_rows"),
        ({"rows": 1}, "rows"),
        ({"rows": -5}, "rows"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_bad_options_are_value_errors_naming_the_parameter(options, parameter):
    with pytest.raises(ValueError, match=parameter):
        load_msd("synthetic", **{"rows": 2_000, **options})


def test_the_package_reports_the_librarys_version():
    assert msd_century.__version__ == run_cli("--version").stdout.split()[-1]
