"""How the package shows the library's progress and notes.

The compiled module calls ``on_event(task, stage, done, total)`` from the calling thread, about
every 50 ms while long work runs: ``task`` is ``"study"`` (``stage`` names the study's stage,
``done``/``total`` count its SGD runs), ``"sgd"`` (iterations), ``"read"`` or ``"download"``
(bytes); a note of the library (a cache rebuilt, a header line skipped) comes as
``on_event("note", message, None, None)`` and is shown as a :class:`DataNote` warning.
"""

from __future__ import annotations

import sys
import warnings


class DataNote(UserWarning):
    """Something about the data worth knowing that is not an error (the library's notes)."""


def _tqdm():
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


class Progress:
    """Shows the events of one task (``"study"`` or ``"sgd"``): a tqdm bar when tqdm is
    installed (a widget in Jupyter), else one printed line per stage; notes always become
    :class:`DataNote` warnings. ``show=False`` keeps only the notes.
    """

    def __init__(self, task: str, *, show: bool = True, file=None):
        self.task = task
        self.show = show
        self.file = file
        self._tqdm = _tqdm() if show else None
        self._bar = None
        self._stage = None
        self._printed = None

    def __call__(self, task, stage, done, total):
        if task == "note":
            warnings.warn(stage, DataNote, stacklevel=2)
            return
        if not self.show or task != self.task:
            return
        if self._tqdm is not None:
            if self._bar is None:
                self._bar = self._tqdm(total=total, desc=stage or task, unit="run" if task == "study" else "it")
            if total is not None and self._bar.total != total:
                self._bar.total = total
            if stage is not None and stage != self._stage:
                self._bar.set_description(stage)
            self._bar.update(done - self._bar.n)
        elif stage != self._stage or (stage is None and self._stage is None) or self._finishes(done, total):
            # A line per stage, and the last one when the work is complete.
            of = f"/{total}" if total is not None else ""
            print(f"{task}: {stage or ''} ({done}{of})".replace(" ()", ""), file=self.file or sys.stderr, flush=True)
            self._printed = done
        self._stage = stage

    def _finishes(self, done, total):
        return total is not None and done == total and self._printed != done

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def notes_only(task, stage, done, total):
    """An ``on_event`` that shows the notes and nothing else."""
    if task == "note":
        warnings.warn(stage, DataNote, stacklevel=2)
