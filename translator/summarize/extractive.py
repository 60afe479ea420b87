"""Extractive, section-aware summaries traced to their source segments.

Paragraph sentences are scored on

* centrality: TF-IDF cosine similarity over character 1-2-grams to the
  document (or section) centroid;
* position: earlier sentences of a section, and of a paragraph, score higher;
* figures: quantities found by the number checker (money, percentages ...);
* glossary terms found in the sentence;
* length: topic phrases under 12 characters are penalised.

Selection uses maximal marginal relevance (MMR) so no two near-duplicates are
chosen. The selected segments (and their section headings) are translated with
the caller's ``translate`` (translations made earlier in the same run, or in the
cache, are reused), so every summary sentence carries the id of its source segment.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..checks.numbers import extract_chinese
from ..checks.summary import check_summary_sentence
from ..segmentation.document import Document
from ..errors import TranslatorError
from ..glossary import Glossary
from ..results import Flag, Summary, SummarySentence

WEIGHTS = {"centrality": 1.0, "position": 0.6, "figures": 0.8, "terms": 0.4}
MMR_LAMBDA = 0.7
DUPLICATE_SIMILARITY = 0.6
_PUNCT = re.compile(r"[\s，。、：；！？,.:;!?“”\"'()（）《》—\-]")


@dataclass
class Candidate:
    """A paragraph sentence with its features and score."""

    index: int
    text: str
    section: str | None
    section_index: int
    section_segment: int | None = None
    features: dict = field(default_factory=dict)
    score: float = 0.0
    vector: dict = field(default_factory=dict)


def _grams(text: str) -> Counter:
    chars = _PUNCT.sub("", text)
    grams = Counter(chars)
    grams.update(chars[i:i + 2] for i in range(len(chars) - 1))
    return grams


def _tfidf(docs: list[Counter]) -> list[dict]:
    n = len(docs)
    df = Counter(g for d in docs for g in d)
    vectors = []
    for d in docs:
        v = {g: (1 + math.log(c)) * math.log((1 + n) / (1 + df[g])) for g, c in d.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({g: x / norm for g, x in v.items()})
    return vectors


def cosine(a: dict, b: dict) -> float:
    """Cosine similarity of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(g, 0.0) for g, x in a.items())


def candidates(doc: Document, glossary: Glossary | None = None) -> list[Candidate]:
    """Score every paragraph sentence of ``doc`` (sections follow the numbered headings).

    A document with no paragraph (one line without a full stop is a title) is summarised from its
    titles, headings and captions instead, never as nothing.
    """
    cands = _score(doc, glossary, ("paragraph",))
    return cands or _score(doc, glossary, ("paragraph", "title", "heading", "caption"))


def _score(doc: Document, glossary: Glossary | None, kinds: tuple[str, ...]) -> list[Candidate]:
    """Score the sentences of the blocks of ``kinds`` (a heading also starts a section)."""
    section, section_index, heading = None, 0, None
    cands: list[Candidate] = []
    pos_in_section: list[int] = []
    pos_in_paragraph: list[int] = []
    counter = 0
    for block in doc.blocks:
        if block.kind == "heading":
            heading = block.segment_indices[0]
            section = doc.segments[heading].text
            section_index += 1
            counter = 0
        if block.kind not in kinds:
            continue
        for k, i in enumerate(block.segment_indices):
            seg = doc.segments[i]
            cands.append(Candidate(i, seg.text, section, section_index, heading))
            pos_in_section.append(counter)
            pos_in_paragraph.append(k)
            counter += 1
    if not cands:
        return []
    vectors = _tfidf([_grams(c.text) for c in cands])
    centroid: Counter = Counter()
    for v in vectors:
        centroid.update(v)
    norm = math.sqrt(sum(x * x for x in centroid.values())) or 1.0
    centroid_v = {g: x / norm for g, x in centroid.items()}
    for c, v, ps, pp in zip(cands, vectors, pos_in_section, pos_in_paragraph):
        c.vector = v
        figures = len(extract_chinese(c.text))
        terms = len(glossary.find(c.text)) if glossary else 0
        c.features = {
            "centrality": cosine(v, centroid_v),
            "position": 1.0 / (1 + 0.25 * ps) * (1.0 if pp <= 1 else 0.8),
            "figures": min(figures, 4) / 4,
            "terms": min(terms, 3) / 3,
        }
        penalty = 0.5 if len(_PUNCT.sub("", c.text)) < 12 else 1.0
        c.score = penalty * sum(WEIGHTS[k] * c.features[k] for k in WEIGHTS)
    return cands


def mmr_select(cands: list[Candidate], k: int, chosen: list[Candidate] | None = None) -> list[Candidate]:
    """Pick ``k`` candidates by MMR, never one too similar to a pick (``DUPLICATE_SIMILARITY``)."""
    chosen = list(chosen or [])
    picked: list[Candidate] = []
    pool = [c for c in cands if c not in chosen]
    while pool and len(picked) < k:
        def gain(c: Candidate) -> float:
            sim = max((cosine(c.vector, s.vector) for s in chosen + picked), default=0.0)
            return -1e9 if sim > DUPLICATE_SIMILARITY else MMR_LAMBDA * c.score - (1 - MMR_LAMBDA) * sim
        best = max(pool, key=gain)
        if gain(best) <= -1e9:
            break
        picked.append(best)
        pool.remove(best)
    return picked


def select_sentences(doc: Document, glossary: Glossary | None = None, sentences: int | None = None,
                     ratio: float | None = None, per_section: bool = False) -> list[Candidate]:
    """Choose the summary's source sentences, in document order.

    Args:
        doc: The segmented document.
        glossary: Term base (terms raise a sentence's score).
        sentences: Total sentences wanted (default 8).
        ratio: Or a share of the paragraph sentences (0-1).
        per_section: One sentence per numbered section plus the overall lead.

    Raises:
        TranslatorError: Bad ``sentences``/``ratio`` values.
    """
    if sentences is not None and sentences < 1:
        raise TranslatorError(f"the number of summary sentences must be at least 1, got {sentences}")
    if ratio is not None and not 0 < ratio <= 1:
        raise TranslatorError(f"the summary ratio must be in (0, 1], got {ratio}")
    cands = candidates(doc, glossary)
    if not cands:
        return []
    if per_section:
        picks: list[Candidate] = []
        for idx in sorted({c.section_index for c in cands}):
            group = [c for c in cands if c.section_index == idx]
            picks += mmr_select(group, 1, picks)
        if sentences is not None and sentences > len(picks):
            picks += mmr_select(cands, sentences - len(picks), picks)
    else:
        k = sentences or (max(1, round(ratio * len(cands))) if ratio else 8)
        picks = mmr_select(cands, k)
    return sorted(picks, key=lambda c: c.index)


def build_summary(picks: list[Candidate], translations: dict[int, str], glossary: Glossary | None = None,
                  method: str = "extractive") -> Summary:
    """Assemble a :class:`Summary` from picked sentences and their translations (by segment index).

    Each sentence is checked with the extractive summary checks (see :mod:`translator.checks.summary`).
    """
    sentences = []
    for c in picks:
        text = translations.get(c.index, "")
        flags = check_summary_sentence(text, c.text, glossary, "extractive") if text else [
            Flag("empty", "no translation for this sentence")]
        section = translations.get(c.section_segment, "") if c.section_segment is not None else None
        sentences.append(SummarySentence(segment_id=f"s{c.index + 1}", source=c.text, text=text,
                                         section=section or c.section, section_source=c.section,
                                         score=round(c.score, 4), flags=flags))
    return Summary(method=method, sentences=sentences)
