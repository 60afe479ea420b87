"""A batch worker plugin for tests: ``.crash`` documents that kill their worker, or wait for such deaths.

``killer.crash`` notes its run in ``kills`` beside it and kills its worker process; any other ``.crash``
document waits until three such deaths are noted (so it is in flight when the first happens), then is
translated as text.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def _crash_handler(pipeline, source, data, fmt, notes, encoding):
    from translator.batch.document import translate_text_document

    kills = Path(source).parent / "kills"
    if Path(source).stem == "killer":
        with open(kills, "a", encoding="utf-8") as fh:
            fh.write("x\n")
        os._exit(1)
    while not kills.exists() or len(kills.read_text("utf-8").splitlines()) < 3:  # a condition, not a clock
        time.sleep(0.02)
    return translate_text_document(pipeline, source, data, fmt, notes, encoding)


def setup() -> None:
    """Register the ``.crash`` handler in this worker."""
    from translator.batch.document import DOCUMENT_HANDLERS

    DOCUMENT_HANDLERS[".crash"] = _crash_handler
