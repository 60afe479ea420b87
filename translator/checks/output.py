"""Empty, untranslated and copied output."""

from __future__ import annotations

from ..results import Flag
from ..textnorm import cjk_chars, fold_for_matching
from .base import CheckInput


def check_empty(item: CheckInput) -> list[Flag]:
    """Flag an empty translation of a non-empty source."""
    if item.source.strip() and not item.target.strip():
        return [Flag("empty", "the translation is empty", {"source": item.source})]
    return []


#: Ideographs Chinese text uses as punctuation: 丨 (U+4E28) as a separator bar in headlines ("新华全媒+丨北京").
SEPARATOR_IDEOGRAPHS = frozenset("丨")


def check_untranslated(item: CheckInput) -> list[Flag]:
    """Flag Chinese characters left in the English (not the ideographs used as separators, such as 丨)."""
    left = [c for c in cjk_chars(item.target) if c not in SEPARATOR_IDEOGRAPHS]
    if left:
        return [Flag("untranslated", f"{len(left)} Chinese character(s) left in the translation: {''.join(left[:20])}",
                     {"characters": "".join(left)})]
    return []


def check_copied(item: CheckInput) -> list[Flag]:
    """Flag a translation that merely echoes the source."""
    src, tgt = fold_for_matching(item.source), fold_for_matching(item.target)
    if src and src == tgt and cjk_chars(item.source):
        return [Flag("copied", "the translation repeats the source", {"source": item.source})]
    return []
