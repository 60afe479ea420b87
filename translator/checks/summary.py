"""Checks of English summary sentences against the source they summarise.

An extractive summary sentence is the translation of one source segment, so it
gets the segment checks that apply to a whole sentence. An abstractive sentence
paraphrases several segments: every number it states must be supported by the
source (``unsupported_number``), no Chinese may be left in it, and an approved
glossary term it mentions must not be reworded (``term_altered``); a term it
leaves out is not flagged, because summaries omit.
"""

from __future__ import annotations

import re

from ..glossary import target_present
from ..results import Flag
from .base import CheckInput
from .numbers import extract_chinese, extract_english, same_value

_WORDS = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and as at by for from in into of on or the to with".split())


def check_unsupported_numbers(item: CheckInput) -> list[Flag]:
    """Flag numbers in the English that no quantity of the source supports."""
    supported = extract_chinese(item.source)
    return [Flag("number", f"{q.describe()} is not supported by the source", {"value": q.value, "text": q.text})
            for q in extract_english(item.target)
            if not q.soft and q.unit not in ("anyday", "people", "vague", "sequel")
            and not any(same_value(q, s) for s in supported)]


def _content_words(text: str) -> list[str]:
    return [w for w in _WORDS.findall(text.lower()) if w not in _STOP]


def check_term_altered(item: CheckInput) -> list[Flag]:
    """Flag approved glossary terms of the source that the English rewords.

    A term counts as reworded when its approved rendering (and every variant)
    is absent but at least two of its content words, and half of them, stand
    together with at most one other word among them: "specialized and
    innovative" for "specialized, refined, distinctive and innovative",
    "high-quality economic development" for "high-quality development". Terms
    of fewer than two content words cannot be judged and are skipped.
    """
    if item.glossary is None or not item.target:
        return []
    words = _WORDS.findall(item.target.lower())
    flags = []
    for entry in item.glossary.entries_in(item.source):
        if entry.type != "term":
            continue
        wanted = set(_content_words(entry.output))
        if len(wanted) < 2 or target_present(entry, item.target):
            continue
        own = set(_WORDS.findall(entry.output.lower()))
        need = max(2, (len(wanted) + 1) // 2)
        for start, word in enumerate(words):
            if word not in wanted:
                continue
            end, strangers = start, 0  # extend while at most one word from outside the rendering intervenes
            for i in range(start + 1, len(words)):
                if words[i] in own:
                    end = i
                elif (strangers := strangers + 1) > 1:
                    break
            run = words[start:end + 1]
            if len(wanted.intersection(run)) >= need:
                found = " ".join(run)
                flags.append(Flag("term_altered", f"glossary term {entry.source} reworded as {found!r}; the approved "
                                  f"rendering is {entry.output!r}", {"source": entry.source, "expected": entry.output,
                                                                     "found": found}))
                break
    return flags


#: The checks each kind of summary sentence gets (names in :data:`translator.checks.CHECKS`).
SUMMARY_CHECK_SETS: dict[str, tuple[str, ...]] = {
    "extractive": ("number", "term", "untranslated"),
    "abstractive": ("unsupported_number", "untranslated", "term_altered"),
}


def check_summary_sentence(text: str, source: str, glossary=None, method: str = "extractive") -> list[Flag]:
    """Check one summary sentence against its source with the check set of ``method``.

    Args:
        text: The English summary sentence.
        source: The Chinese it summarises (one segment, or a section for abstractive summaries).
        glossary: Term base for the term checks (None: no term checks).
        method: ``extractive`` or ``abstractive`` (see :data:`SUMMARY_CHECK_SETS`).
    """
    from . import run_checks

    kind = "abstractive" if method.startswith("abstractive") else "extractive"
    return run_checks(CheckInput(source, text, glossary), list(SUMMARY_CHECK_SETS[kind]))
