"""Term check: every glossary entry in the source has its rendering in the English."""

from __future__ import annotations

from ..glossary import target_present
from ..results import Flag
from .base import CheckInput


def check_terms(item: CheckInput) -> list[Flag]:
    """Flag approved entries whose target (or a variant) is missing (``term_missing``)."""
    if item.glossary is None:
        return []
    flags = []
    for e in item.glossary.entries_in(item.source):
        if not target_present(e, item.target):
            kind = "do-not-translate term" if e.type == "dnt" else "term"
            flags.append(Flag("term_missing", f"{kind} {e.source!r} should appear as {e.output!r}",
                              {"source": e.source, "expected": e.output, "variants": list(e.variants),
                               "glossary": f"{e.file}:{e.line}"}))
    return flags
