"""Output formats: readable documents (``text``: txt, md, json) and review formats (``review``: jsonl,
XLIFF, TMX). ``render(doc, fmt)`` is the one entry point; ``FORMATS`` lists the names."""

from .text import FORMATS, SUMMARY_FORMATS, render, render_summary

__all__ = ["FORMATS", "SUMMARY_FORMATS", "render", "render_summary"]
