"""Stage 2: protect glossary terms before translation and judge them after.

Strategies, tried in this order by the pipeline:

1. ``placeholder``: each approved entry in a segment is replaced by a short
   Latin code (e.g. ``XQA``) that the model's own tokenizer encodes without
   unknown pieces on both sides (checked with the tokenizer, not assumed);
   MT models copy such codes, and the approved English is put back after.
2. ``inject``: the approved English is written into the Chinese source;
   models copy Latin text they do not understand.
3. a retry of ``inject`` with anti-repetition decoding.

After each attempt every entry is verified in the output; an entry still
missing after the last attempt is flagged ``term_missing`` with the
expected target. No term is dropped silently.

Placeholders and template syntax (``{{name}}``, ``%1$s``, ``$x$`` ...; see
:mod:`translator.glossary.placeholders`) are protected the same way, with or
without a glossary; the ``placeholder`` check flags one that did not come back.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .placeholders import placeholder_matches
from .termbase import Entry, Glossary, TermMatch, distinct_entries, target_present
from ..results import TermUse

STRATEGIES = ("placeholder", "inject")
_PREFERRED = "XZQJKVWYUHFMGBPLDCTSRNOIEA"


def placeholder_candidates(accepts: Callable[[str], bool], count: int = 26, length: int = 3) -> list[str]:
    """Return up to ``count`` placeholder codes the tokenizer keeps intact.

    Args:
        accepts: Tells whether the model's tokenizer encodes (and decodes) a
            string without unknown pieces.
        count: How many codes to find.
        length: Letters per code.
    """
    letters = [c for c in _PREFERRED if accepts(c)]
    found: list[str] = []
    for combo in itertools.product(letters, repeat=length):
        code = "".join(combo)
        if len(set(code)) < 2 or code.lower() in _COMMON_WORDS:
            continue
        if accepts(code):
            found.append(code)
            if len(found) >= count:
                break
    return found


_COMMON_WORDS = {"the", "and", "for", "are", "not", "can", "all", "new", "one", "two", "was", "has", "its", "our"}


@dataclass
class ProtectedText:
    """A segment ready for the engine.

    Attributes:
        text: What the engine sees.
        strategy: ``placeholder``, ``inject`` or ``none``.
        slots: Placeholder code -> entry (placeholder strategy only).
        matches: Every glossary match in the original segment.
    """

    text: str
    strategy: str
    slots: dict[str, Entry] = field(default_factory=dict)
    matches: list[TermMatch] = field(default_factory=list)

    @property
    def enforced(self) -> list[Entry]:
        """Return the distinct approved entries, in order of first appearance."""
        return distinct_entries(self.matches)


class TermProtector:
    """Apply one glossary to segments with a chosen strategy.

    Args:
        glossary: The term base (None: only placeholders and template syntax are protected).
        accepts: Tokenizer check for placeholder codes (None: no codes; protected text is injected as is).
    """

    def __init__(self, glossary: Glossary | None, accepts: Callable[[str], bool] | None = None) -> None:
        self.glossary = glossary
        self._accepts = accepts
        self._codes: list[str] | None = None

    @property
    def codes(self) -> list[str]:
        """Return the validated placeholder codes (computed once)."""
        if self._codes is None:
            self._codes = placeholder_candidates(self._accepts) if self._accepts else []
        return self._codes

    def find(self, text: str) -> list[TermMatch]:
        """Return the glossary matches and the placeholders in ``text``, in order, none overlapping.

        A placeholder wins over a glossary match that overlaps it (``{{name}}`` is kept as a whole).
        """
        held = placeholder_matches(text)
        terms = self.glossary.find(text) if self.glossary else []
        if not held:
            return terms
        terms = [t for t in terms if all(t.end <= h.start or t.start >= h.end for h in held)]
        return sorted(held + terms, key=lambda m: m.start)

    def protect(self, text: str, strategy: str) -> ProtectedText:
        """Rewrite ``text`` for the engine with ``strategy``.

        Falls back to ``inject`` when placeholders are unavailable (no valid
        codes, or more distinct entries than codes).
        """
        matches = self.find(text)
        approved = [m for m in matches if m.entry.status == "approved"]
        if not approved:
            return ProtectedText(text, "none", matches=matches)
        if strategy == "placeholder":
            usable = [c for c in self.codes if c.lower() not in text.lower()]
            keys = list(dict.fromkeys(m.entry.key for m in approved))
            if len(keys) <= len(usable):
                code_of = dict(zip(keys, usable))
                out = _replace(text, approved, lambda m: f" {code_of[m.entry.key]} ")
                slots = {code_of[k]: next(m.entry for m in approved if m.entry.key == k) for k in keys}
                return ProtectedText(out, "placeholder", slots, matches)
            strategy = "inject"
        out = _replace(text, approved, lambda m: f" {m.entry.output} ")
        return ProtectedText(out, "inject", matches=matches)

    @staticmethod
    def restore(translation: str, protected: ProtectedText) -> str:
        """Put the approved English back in place of placeholder codes."""
        if protected.strategy != "placeholder":
            return translation
        out = translation
        for code, entry in protected.slots.items():
            pattern = r"(?<![A-Za-z])" + r"\s?".join(code) + r"(?![A-Za-z])"
            out = re.sub(pattern, lambda _m, e=entry: e.output, out, flags=re.IGNORECASE)
        return out

    @staticmethod
    def assess(translation: str, protected: ProtectedText) -> list[TermUse]:
        """Report every distinct entry found in the source and whether it was kept."""
        uses = []
        for e in distinct_entries(protected.matches, approved_only=False):
            uses.append(TermUse(source=e.source, target=e.output, type=e.type,
                                satisfied=target_present(e, translation),
                                strategy=protected.strategy if e.status == "approved" else "none",
                                status=e.status))
        return uses


def _replace(text: str, matches: list[TermMatch], repl: Callable[[TermMatch], str]) -> str:
    parts, last = [], 0
    for m in matches:
        parts.append(text[last:m.start])
        parts.append(repl(m))
        last = m.end
    parts.append(text[last:])
    return re.sub(r" {2,}", " ", "".join(parts)).strip()
