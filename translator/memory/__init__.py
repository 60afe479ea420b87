"""The translation memory: what a reviewer approved once is reused, never machine-translated again.

``TranslationMemory`` is one SQLite file of approved translations (separate from the segment cache,
which holds what the model said). The pipeline consults it before the model: an exact match (same
normalisation as the cache) replaces the model's English; similar sentences are attached as
suggestions. Readers for what reviewers return (XLIFF, TMX, our JSON/JSONL, aligned text) and a TMX
export are in :mod:`translator.memory.exchange`.
"""

from __future__ import annotations

from .exchange import IMPORT_FORMATS, ImportedUnit, ImportReport, export_tmx, import_file, read_units, to_tmx
from .store import (DEFAULT_LIMIT, DEFAULT_THRESHOLD, Difference, MemoryMatch, MemoryStats, MemoryUnit,
                    TranslationMemory, normalise_source, number_differences, numbers_of)

__all__ = ["DEFAULT_LIMIT", "DEFAULT_THRESHOLD", "Difference", "IMPORT_FORMATS", "ImportReport", "ImportedUnit",
           "MemoryMatch", "MemoryStats", "MemoryUnit", "TranslationMemory", "export_tmx", "import_file",
           "normalise_source", "number_differences", "numbers_of", "read_units", "to_tmx"]
