"""Placeholder check: every placeholder, template field and formula of the source is in the English as it was."""

from __future__ import annotations

from collections import Counter

from ..glossary.placeholders import find_placeholders
from ..results import Flag
from .base import CheckInput


def check_placeholders(item: CheckInput) -> list[Flag]:
    """Flag placeholders (``{{name}}``, ``%1$s``, ``$x$`` ...) missing from the English (``placeholder_missing``)."""
    wanted = Counter(p.text for p in find_placeholders(item.source))
    if not wanted:
        return []
    missing = [text for text, n in wanted.items() if item.target.count(text) < n]
    if not missing:
        return []
    return [Flag("placeholder_missing", f"placeholder(s) not kept verbatim in the English: "
                 f"{', '.join(repr(m) for m in missing)}", {"missing": missing})]
