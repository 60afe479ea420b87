"""Executors run a corpus's documents through workers, one module each.

Every executor module has ``run(jobs, task, workers=None, **options)`` that yields one
:class:`~translator.batch.document.DocumentOutcome` per document as it finishes (in any order);
the caller writes outputs and the manifest. ``local`` (default) is a process pool on this
machine; ``ray`` is an actor pool on a Ray cluster (``pip install ray``; in a checkout ``pip install -e '.[ray]'``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ...errors import UnknownNameError

#: Executor name -> module (imported on use: ``ray`` is an optional dependency).
EXECUTORS: dict[str, str] = {
    "local": "translator.batch.executors.local",
    "ray": "translator.batch.executors.ray_executor",
}


def get_executor(name: str) -> ModuleType:
    """Return the executor module called ``name``.

    Raises:
        UnknownNameError: Unknown executor; the message lists the valid names.
    """
    if name not in EXECUTORS:
        raise UnknownNameError(f"unknown executor {name!r}; valid executors: {', '.join(EXECUTORS)}")
    return importlib.import_module(EXECUTORS[name])


__all__ = ["EXECUTORS", "get_executor"]
