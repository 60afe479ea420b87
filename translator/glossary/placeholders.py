"""Placeholders, template syntax and formulas inside Chinese sentences, kept verbatim like do-not-translate terms.

A contract template's ``{{name}}``, a message catalogue's ``%1$s`` or ``{count}``, Weblate's ``[X12X]``
tokens and a book's ``$\\mathbf{x}$`` must come back exactly as they were, in their place in the English.
The patterns are data (``translator/resources/placeholders.tsv``: name, regular expression, an example);
:func:`find_placeholders` finds them in any plain text, and :class:`~translator.glossary.protection.TermProtector`
protects every one it finds like an approved do-not-translate term (a placeholder code the model copies,
then the original put back; an injected copy on retries). The ``placeholder`` check flags any that did not
come back.

Example:
    >>> [p.text for p in find_placeholders("尊敬的{{name}}，您的订单%1$s已发货。")]
    ['{{name}}', '%1$s']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from .termbase import Entry, TermMatch

__all__ = ["PLACEHOLDER_TYPE", "Placeholder", "PlaceholderPattern", "find_placeholders", "patterns_version",
           "placeholder_matches", "placeholder_patterns"]

#: The ``type`` of the entries made for placeholders (in a segment's ``terms``, besides ``term`` and ``dnt``).
PLACEHOLDER_TYPE = "placeholder"


@dataclass(frozen=True)
class PlaceholderPattern:
    """One kind of placeholder.

    Attributes:
        name: Short name (``mustache``, ``printf`` ...).
        regex: The compiled pattern.
        example: A text it must match (checked when the list is loaded).
    """

    name: str
    regex: re.Pattern
    example: str


@dataclass(frozen=True)
class Placeholder:
    """A placeholder found in a text at ``[start, end)``.

    Attributes:
        text: Its characters.
        start: Offset of the first character.
        end: Offset one past the last.
        kind: The name of the pattern that found it.
    """

    text: str
    start: int
    end: int
    kind: str


class PlaceholderEntry(Entry):
    """A glossary-like entry whose source and English are the placeholder itself (matched case-sensitively)."""

    @cached_property
    def key(self) -> str:
        """Return the exact text (two placeholders differing only in case are two entries)."""
        return "\x01" + self.source


#: A text with none of these characters holds no placeholder (every pattern needs one; checked on loading).
_TRIGGERS = "{}%$[\\:@`"


@lru_cache(maxsize=1)
def patterns_version() -> str:
    """Return a short hash of the pattern list (part of the cache key of segments holding placeholders)."""
    import hashlib

    return hashlib.sha256("\n".join(f"{p.name}\t{p.regex.pattern}" for p in placeholder_patterns()).encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def placeholder_patterns() -> tuple[PlaceholderPattern, ...]:
    """Return the placeholder patterns, in priority order (read once from the package's data file).

    Raises:
        ValueError: A pattern that does not compile or does not match its own example (a broken data file).
    """
    text = resources.files("translator.resources").joinpath("placeholders.tsv").read_text("utf-8")
    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, regex, example = line.split("\t")
        try:
            compiled = re.compile(regex)
        except re.error as exc:
            raise ValueError(f"placeholders.tsv:{number}: pattern {name!r} does not compile: {exc}") from exc
        if compiled.fullmatch(example) is None:
            raise ValueError(f"placeholders.tsv:{number}: pattern {name!r} does not match its example {example!r}")
        if not any(c in example for c in _TRIGGERS):
            raise ValueError(f"placeholders.tsv:{number}: pattern {name!r}: its example has none of the characters "
                             f"{_TRIGGERS!r} that make a text worth searching; add one to _TRIGGERS")
        patterns.append(PlaceholderPattern(name, compiled, example))
    return tuple(patterns)


def find_placeholders(text: str) -> list[Placeholder]:
    """Return the placeholders in ``text``, in order, none overlapping (an earlier pattern wins).

    Args:
        text: Any plain text (a segment, a client's string).
    """
    if not any(c in text for c in _TRIGGERS):
        return []
    found: list[Placeholder] = []
    for pattern in placeholder_patterns():
        for m in pattern.regex.finditer(text):
            if m.end() > m.start() and all(m.end() <= p.start or m.start() >= p.end for p in found):
                found.append(Placeholder(m.group(), m.start(), m.end(), pattern.name))
    return sorted(found, key=lambda p: p.start)


def placeholder_matches(text: str) -> list[TermMatch]:
    """Return the placeholders in ``text`` as approved do-not-translate matches (for the term protector)."""
    return [TermMatch(PlaceholderEntry(p.text, p.text, type=PLACEHOLDER_TYPE, case="sensitive",
                                       note=f"placeholder ({p.kind})"), p.start, p.end)
            for p in find_placeholders(text)]
