"""What a batch worker does once at start (build its pipeline) and per document."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from .discovery import DocumentJob
from .document import DocumentOutcome, translate_document


@dataclass(frozen=True)
class BatchTask:
    """Everything a worker needs, as plain data (sent to processes and Ray actors).

    Attributes:
        settings: ``PipelineSettings.to_dict()`` of the run (each worker builds its pipeline from it).
        notes: txt/md: mark flagged segments and list their flags.
        encoding: Input encoding (None: detected per document).
        run_signature: The run's settings key recorded in the manifest.
        setup: Optional ``module:function`` called in each worker before its pipeline is built
            (e.g. to register a custom engine backend there).
    """

    settings: dict
    notes: bool = True
    encoding: str | None = None
    run_signature: str = ""
    setup: str | None = None


class Worker:
    """A pipeline built once from a :class:`BatchTask`; documents go through :meth:`translate`."""

    def __init__(self, task: BatchTask) -> None:
        from ..pipeline import Pipeline

        if task.setup:
            module, _, name = task.setup.partition(":")
            getattr(importlib.import_module(module), name)()
        self.task = task
        self.pipeline = Pipeline.from_settings(task.settings)

    def translate(self, job: DocumentJob, data: bytes | None = None) -> DocumentOutcome:
        """Translate one document (read here unless ``data`` is given)."""
        t = self.task
        return translate_document(self.pipeline, job, t.notes, t.encoding, t.run_signature, data)


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no orphan keeps translating); a no-op elsewhere."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except OSError:
        pass


__all__ = ["BatchTask", "Worker", "die_with_parent"]
