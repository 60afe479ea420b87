"""The memory in a run: exact matches replace the model, fuzzy ones are suggestions, everything is checked.

:func:`consult` looks up a run's distinct segment texts and returns, for each, either a finished result
(the same stored form the segment cache holds, with an ``origin``) or the suggestions to attach to the
model's result. Memory output goes through the same checks as the model's English, so a unit approved
before a glossary change is flagged ``term_missing`` like any other translation.

Origins of a segment's English (``SegmentResult.origin``):

* ``model``: translated now; ``cache``: the model's earlier output from the segment cache;
* ``memory``: an approved unit with the same source (after the cache's normalisation);
* ``memory-fuzzy-edited``: an approved unit whose source differs from the sentence only in numbers
  (``增长24.8%`` last year, ``增长28.3%`` this year), each of which its English writes once, as the source
  does: the English gets the sentence's numbers, the segment is flagged ``memory_edited`` (a warning
  naming each change) and it is used only when no check finds an error in it. Anything else similar is
  a suggestion, never used.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from ..checks import CheckInput, run_checks
from ..glossary import Glossary
from ..glossary.termbase import distinct_entries, target_present
from ..results import Flag, TermUse
from ..textnorm import fold_width
from .store import MemoryMatch, MemoryUnit, TranslationMemory, normalise_source

#: Where a segment's English came from.
ORIGINS = ("model", "cache", "memory", "memory-fuzzy-edited")

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Consulted:
    """What the memory gave a run.

    Attributes:
        found: Text -> finished stored result (``origin`` ``memory`` or ``memory-fuzzy-edited``): the model
            is not asked for these.
        suggestions: Text -> fuzzy matches for the texts the model translates.
    """

    found: dict[str, dict] = field(default_factory=dict)
    suggestions: dict[str, list[MemoryMatch]] = field(default_factory=dict)


def term_uses(text: str, target: str, glossary: Glossary | None) -> list[TermUse]:
    """Return the glossary entries found in ``text`` and whether ``target`` keeps each (strategy ``memory``)."""
    if glossary is None:
        return []
    return [TermUse(source=e.source, target=e.output, type=e.type, satisfied=target_present(e, target),
                    strategy="memory" if e.status == "approved" else "none", status=e.status)
            for e in distinct_entries(glossary.find(text), approved_only=False)]


def stored_result(text: str, target: str, glossary: Glossary | None, origin: str, matches: list[MemoryMatch],
                  extra_flags: list[Flag] = ()) -> dict:
    """Return the stored form of memory English for ``text``, checked as the model's English is."""
    flags = run_checks(CheckInput(text, target, glossary)) + list(extra_flags)
    return {"target": target, "flags": [asdict(f) for f in flags], "terms": [asdict(t) for t in term_uses(text, target, glossary)],
            "pieces": 0, "cached": False, "origin": origin, "matches": matches}


def adapt_numbers(text: str, unit: MemoryUnit) -> tuple[str, list[tuple[str, str]]] | None:
    """Return the unit's English with the sentence's numbers, and the (old, new) changes; None when not safe.

    Safe means: the sources are the same but for their numbers, the same count of them; every number that
    changes occurs once in the unit's source and once, written the same way, in its English.
    """
    query = fold_width(normalise_source(text))
    q_nums, u_nums = _NUMBER.findall(query), _NUMBER.findall(unit.source)
    if len(q_nums) != len(u_nums) or _NUMBER.sub("#", query) != _NUMBER.sub("#", unit.source):
        return None
    changes = [(u, q) for u, q in zip(u_nums, q_nums) if u != q]
    if not changes:
        return None
    spans = []
    for old, new in changes:
        if u_nums.count(old) != 1:
            return None
        found = list(re.finditer(rf"(?<![\d.,]){re.escape(old)}(?![\d]|[.,]\d)", unit.target))
        if len(found) != 1:
            return None
        spans.append((found[0].start(), found[0].end(), new))
    target = unit.target
    for start, end, new in sorted(spans, reverse=True):
        target = target[:start] + new + target[end:]
    return target, changes


def consult(memory: TranslationMemory, texts: list[str], glossary: Glossary | None, threshold: float,
            limit: int = 5) -> Consulted:
    """Look up distinct texts: exact matches and safe number edits are finished results, the rest get suggestions.

    Args:
        memory: The memory (read-only is enough).
        texts: Segment texts as the segmenter made them (duplicates and empty strings allowed).
        glossary: Term base the memory English is checked against (None: no term check).
        threshold: Lowest fuzzy similarity offered (0..1).
        limit: Most suggestions per text.
    """
    out = Consulted()
    distinct = list(dict.fromkeys(t for t in texts if t))
    for text, unit in memory.exact_many(distinct).items():
        out.found[text] = stored_result(text, unit.target, glossary, "memory", [MemoryMatch(unit, 1.0)])
    rest = [t for t in distinct if t not in out.found]
    for text, matches in memory.fuzzy_many(rest, threshold, limit).items():
        out.suggestions[text] = matches
        for match in matches:
            adapted = adapt_numbers(text, match.unit)
            if adapted is None:
                continue
            target, changes = adapted
            note = Flag("memory_edited", "English from translation memory unit " f"{match.unit.id} with its numbers "
                        "changed to this sentence's: " + ", ".join(f"{old} -> {new}" for old, new in changes),
                        {"unit": match.unit.id, "changes": [list(c) for c in changes], "score": match.score},
                        severity="warning")
            result = stored_result(text, target, glossary, "memory-fuzzy-edited", matches, [note])
            if not any(f["severity"] == "error" for f in result["flags"]):
                out.found[text] = result
                del out.suggestions[text]
            break  # only the best number-only match is tried
    return out


__all__ = ["Consulted", "ORIGINS", "adapt_numbers", "consult", "stored_result", "term_uses"]
