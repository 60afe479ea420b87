"""Translate a very long segment piece by piece (the pieces cut by :mod:`translator.segmentation.long_segments`).

Kept in the translation stage: it merges stored results and flags, which the
segmentation stage below must not know about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from ..results import Flag
from ..segmentation.long_segments import split_to_budget

__all__ = ["translate_in_pieces"]


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
