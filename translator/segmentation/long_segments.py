"""Keep every model input within its token budget without losing text.

A segment over budget is cut at clause boundaries (，、：；, and ASCII ``,:;``
when not between digits) and the pieces are packed greedily. A clause that
still does not fit is cut into token windows; those pieces are flagged.
Cuts never fall inside a run of digits, so numbers stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

LONG_SEGMENT_CHARS = 2_000
"""Segments longer than this (characters) are translated piece by piece, each piece cached as it finishes."""

_CLAUSE_END = re.compile(r"[，、：；﹐](?=.)|[,:;](?!\d)(?=.)|(?<!\d)[,:;](?=.)")


@dataclass
class Piece:
    """A piece of a segment.

    Attributes:
        text: The piece's text.
        window: True when it came from a token-window cut (not a clause boundary).
    """

    text: str
    window: bool = False


def clause_spans(text: str) -> list[str]:
    """Split ``text`` after each clause mark, keeping the marks; joining gives ``text``."""
    pieces, last = [], 0
    for m in _CLAUSE_END.finditer(text):
        pieces.append(text[last:m.end()])
        last = m.end()
    pieces.append(text[last:])
    return [p for p in pieces if p]


def _window_cut(text: str, fits: Callable[[str], bool], budget: int) -> list[str]:
    """Cut ``text`` into the longest prefixes that fit, never inside digits.

    The search looks at a bounded prefix (grown only while it still fits), so a
    5,000,000-character run costs a few tokenizer calls on short prefixes per
    window, never a tokenization of the whole remaining run.
    """
    out = []
    rest = text
    while rest:
        hi = min(len(rest), budget * 4)
        while hi < len(rest) and fits(rest[:hi]):
            hi = min(len(rest), hi * 2)
        if hi == len(rest) and fits(rest):
            break
        lo = 1
        while lo < hi:  # longest prefix that fits, within rest[:hi]
            mid = (lo + hi + 1) // 2
            if fits(rest[:mid]):
                lo = mid
            else:
                hi = mid - 1
        cut = lo
        while 1 < cut < len(rest) and rest[cut - 1].isdigit() and rest[cut].isdigit():
            cut -= 1
        out.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        out.append(rest)
    return out


def split_to_budget(text: str, count_tokens: Callable[[list[str]], list[int]], budget: int) -> list[Piece]:
    """Split ``text`` into pieces of at most ``budget`` tokens each.

    Args:
        text: The model-facing segment text.
        count_tokens: The model tokenizer's counter (includes special tokens).
        budget: Most tokens per piece.

    Returns:
        Pieces whose texts concatenate back to ``text``.
    """
    if count_tokens([text])[0] <= budget:
        return [Piece(text)]

    def fits(s: str) -> bool:
        return count_tokens([s])[0] <= budget

    clauses = clause_spans(text)
    sizes = count_tokens(clauses)
    pieces: list[Piece] = []
    current = ""
    for clause, size in zip(clauses, sizes):
        if size > budget:
            if current:
                pieces.append(Piece(current))
                current = ""
            pieces.extend(Piece(w, window=True) for w in _window_cut(clause, fits, budget))
            continue
        if current and not fits(current + clause):
            pieces.append(Piece(current))
            current = ""
        current += clause
    if current:
        pieces.append(Piece(current))
    return pieces
