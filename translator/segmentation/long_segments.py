"""Keep every model input within its token budget without losing text.

A segment over budget is cut at clause boundaries (，、：；, and ASCII ``,:;``
when not between digits) and the pieces are packed greedily. A clause that
still does not fit is cut into token windows; those pieces are flagged.
Cuts never fall inside a run of digits, so numbers stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

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


def translate_in_pieces(text: str, translate: Callable[[list[str]], dict[str, dict]],
                        count_tokens: Callable[[list[str]], list[int]], budget: int) -> dict | None:
    """Translate a very long segment as separate pieces, so a killed run resumes where it stopped.

    The pieces (clauses packed to ``budget`` tokens, else token windows) are
    handed to ``translate`` as ordinary texts: the pipeline caches each chunk of
    pieces as it finishes, so a 5 MB line with no punctuation is not one
    hours-long unit of work that a kill throws away.

    Args:
        text: The segment (model-facing text).
        translate: The pipeline's text -> stored-result translator (it caches as it goes).
        count_tokens: The model tokenizer's counter.
        budget: Most tokens per piece.

    Returns:
        The segment's stored result (targets joined, flags and terms merged,
        ``split_window`` flagged when windows were cut), or None when ``text``
        is a single piece (translate it as usual).
    """
    from ..results import Flag

    pieces = split_to_budget(text, count_tokens, budget)
    if len(pieces) < 2:
        return None
    done = translate([p.text for p in pieces])
    parts = [done.get(p.text) or {"target": "", "flags": [], "terms": [], "pieces": 1} for p in pieces]
    flags: dict[tuple[str, str], dict] = {}
    terms: dict[str, dict] = {}
    for part in parts:
        for f in part["flags"]:
            flags.setdefault((f["check"], f["message"]), f)
        for t in part["terms"]:
            terms.setdefault(t["source"], t)
    flag_list = list(flags.values())
    windows = sum(p.window for p in pieces)
    if windows:
        flag_list.append(asdict(Flag("split_window", f"segment longer than {budget} tokens with no clause boundary was "
                                     f"cut into {len(pieces)} pieces ({windows} token windows), translated and cached "
                                     "one by one", {"pieces": len(pieces)})))
    return {"target": " ".join(p["target"].strip() for p in parts if p["target"].strip()), "flags": flag_list,
            "terms": list(terms.values()), "pieces": len(pieces), "cached": False}
