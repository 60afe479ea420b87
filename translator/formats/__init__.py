"""Output formats: readable documents (``text``: txt, md, json) and review formats (``review``: jsonl,
XLIFF, TMX). ``render(doc, fmt)`` is the one entry point
(``render_chunks`` yields the same text in pieces, for big documents); ``FORMATS`` lists the names."""

from .text import FORMATS, SUMMARY_FORMATS, render, render_chunks, render_summary

__all__ = ["FORMATS", "SUMMARY_FORMATS", "render", "render_chunks", "render_summary"]
