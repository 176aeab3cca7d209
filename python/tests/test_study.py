"""run_study: what `msd-century run` does, from Python."""

from __future__ import annotations

import io
import json

import pytest

import msd_century

from conftest import run_cli


def without_timings(results):
    return {k: v for k, v in results.items() if k not in ("timings", "command_line")}


def test_the_study_gives_the_command_lines_results(tmp_path, synth_file):
    results = msd_century.run_study(tmp_path / "py", quick=True, source=synth_file, cache=False, progress=False)
    assert results == json.loads((tmp_path / "py" / "results.json").read_text())
    assert results["format"] == "msd-century-study"
    assert results["timings"][0]["stage"] == "load_data"
    assert "msd_century.run_study(" in results["command_line"][0]
    for name in ("report.html", "plots", "runs"):
        assert (tmp_path / "py" / name).exists()
    run_cli("run", "--quick", "--data", synth_file, "--no-cache", "--out", tmp_path / "cli")
    cli = json.loads((tmp_path / "cli" / "results.json").read_text())
    assert without_timings(results) == without_timings(cli)
    assert [t["stage"] for t in results["timings"]] == [t["stage"] for t in cli["timings"]]


def test_progress_reaches_the_callback_and_shows(tmp_path, capsys, monkeypatch):
    seen = []
    from msd_century import _progress

    class Recorder(_progress.Progress):
        def __call__(self, task, stage, done, total):
            seen.append((task, stage, done, total))
            super().__call__(task, stage, done, total)

    monkeypatch.setattr(_progress, "_tqdm", lambda: None)  # the plain printed lines
    monkeypatch.setattr(msd_century._study, "Progress", Recorder)
    with pytest.warns(msd_century.DataNote, match="SYNTHETIC"):
        msd_century.run_study(tmp_path, quick=True, source="synthetic", rows=8_000)
    # The latest progress every 50 ms: a stage quicker than that may not show.
    studies = [s for s in seen if s[0] == "study"]
    assert studies and studies[-1][1:] == ("final", 26, 26)  # every run done at the end
    assert all(a[2] <= b[2] for a, b in zip(studies, studies[1:]))
    assert "study: final (26/26)" in capsys.readouterr().err


def test_bad_source_and_options(tmp_path):
    with pytest.raises(FileNotFoundError):
        msd_century.run_study(tmp_path, source=tmp_path / "none.txt", progress=False)
    with pytest.raises(ValueError, match="val_rows"), pytest.warns(msd_century.DataNote):
        msd_century.run_study(tmp_path, quick=True, source="synthetic", rows=3_000, val_rows=0, progress=False)


def test_plain_progress_prints_each_stage_and_the_completion(monkeypatch):
    from msd_century import _progress

    monkeypatch.setattr(_progress, "_tqdm", lambda: None)
    out = io.StringIO()
    progress = _progress.Progress("study", file=out)
    for event in [("lr_demo", 0, 26), ("lr_demo", 2, 26), ("standardization", 25, 26), ("standardization", 26, 26)]:
        progress("study", *event)
    assert out.getvalue().splitlines() == [
        "study: lr_demo (0/26)",
        "study: standardization (25/26)",
        "study: standardization (26/26)",
    ]
