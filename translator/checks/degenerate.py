"""Degenerate output: n-gram loops, length-ratio outliers, hitting the cap."""

from __future__ import annotations

import re

from ..results import Flag
from .base import CheckInput

#: English characters per Chinese character in ordinary report translation is
#: about 2-4; these bounds only catch gross failures.
MIN_RATIO = 0.6
MAX_RATIO = 9.0
#: English characters any source may take: official English spells out short abbreviations (放管服 "streamline
#: administration, delegate power, and improve regulation and services"), so the upper bound of the ratio scales
#: with how short the source is: max(MAX_RATIO, SHORT_BUDGET / source characters), 20 for 9 characters; a source
#: of more than 20 characters keeps MAX_RATIO.
SHORT_BUDGET = 180
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_ELLIPSIS = re.compile(r"(?:\s*(?:\.{2,}|…)\s*)+")
#: A subword loop with no spaces ("andandandand", "ververver..."): a unit of 2-10 letters 5+ times
#: back to back, or one letter 8+ times. Ordinary English words never do this.
_SUBWORD_LOOP = re.compile(r"([A-Za-z]{2,10}?)\1{4,}|([A-Za-z])\2{7,}")


def repeated_ngram(tokens: list[str], max_n: int = 4, min_repeats: int = 4) -> tuple[str, int] | None:
    """Return the n-gram repeated back to back most, if it loops ``min_repeats`` times."""
    best = None
    for n in range(1, max_n + 1):
        i = 0
        while i + n <= len(tokens):
            gram = tokens[i:i + n]
            reps = 1
            while tokens[i + reps * n:i + (reps + 1) * n] == gram:
                reps += 1
            needed = min_repeats if n > 1 else min_repeats + 2
            if reps >= needed and (best is None or reps * n > best[1] * len(best[0].split())):
                best = (" ".join(gram), reps)
            i += max(1, (reps - 1) * n) if reps > 1 else 1
    return best


def check_degenerate(item: CheckInput) -> list[Flag]:
    """Flag loops (of words, or of subwords glued together), implausible lengths and generation that hit its cap."""
    flags = []
    # an ellipsis ("... ...", the usual rendering of Chinese "……") is punctuation, not a loop
    tokens = _WORD.findall(_ELLIPSIS.sub(" … ", item.target.lower()))
    loop = repeated_ngram(tokens)
    if loop:
        flags.append(Flag("degenerate", f"repeated n-gram {loop[0]!r} x{loop[1]}", {"ngram": loop[0], "repeats": loop[1]}))
    else:
        sub = _SUBWORD_LOOP.search(item.target)
        if sub:
            unit = sub.group(1) or sub.group(2)
            repeats = len(sub.group(0)) // len(unit)
            flags.append(Flag("degenerate", f"subword {unit!r} repeated x{repeats} with no space",
                              {"ngram": unit, "repeats": repeats}))
    src_len = len(re.sub(r"\s", "", item.source))
    tgt_len = len(item.target.strip())
    if src_len >= 6 and tgt_len:
        ratio = tgt_len / src_len
        max_ratio = round(max(MAX_RATIO, SHORT_BUDGET / src_len), 1)
        if ratio < MIN_RATIO or ratio > max_ratio:
            flags.append(Flag("degenerate", f"length ratio {ratio:.2f} (English/Chinese characters) outside {MIN_RATIO}-{max_ratio}",
                              {"ratio": round(ratio, 3), "source_chars": src_len, "target_chars": tgt_len},
                              # far outside: content lost or invented; near the bounds: may be a terse or wordy style
                              severity="error" if ratio < MIN_RATIO / 2 or ratio > max_ratio * 2 else "warning"))
    if item.hit_cap:
        flags.append(Flag("degenerate", f"generation hit its cap of {item.max_new_tokens} tokens; the output may be cut",
                          {"max_new_tokens": item.max_new_tokens, "target_tokens": item.target_tokens}))
    return flags
