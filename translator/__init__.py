"""Glossary-aware Chinese->English translation, checking and summarisation.

Importing this package is cheap: no torch, no model, no folders. The public
names below are loaded on first access.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "Pipeline": "translator.pipeline",
    "PipelineSettings": "translator.settings",
    "DecodeSettings": "translator.engines.base",
    "segment_text": "translator.segmentation.segmenter",
    "Document": "translator.segmentation.document",
    "DocumentResult": "translator.results",
    "SegmentResult": "translator.results",
    "Flag": "translator.results",
    "TermUse": "translator.results",
    "Signature": "translator.results",
    "Summary": "translator.results",
    "load_glossary": "translator.glossary",
    "Glossary": "translator.glossary",
    "TranslatorError": "translator.errors",
    "InputError": "translator.errors",
    "ModelNotAvailableError": "translator.errors",
    "ValidationError": "translator.errors",
    "build_model": "translator.models.tiny",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'translator' has no attribute {name!r}")
