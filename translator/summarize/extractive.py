"""Stage 5: English summaries traced to their source segments.

Default method (no extra model): extractive and section-aware. Paragraph
sentences are scored on

* centrality: TF-IDF cosine similarity over character 1-2-grams to the
  document (or section) centroid;
* position: earlier sentences of a section, and of a paragraph, score higher;
* figures: quantities found by the number checker (money, percentages ...);
* glossary terms found in the sentence;
* length: topic phrases under 12 characters are penalised.

Selection uses maximal marginal relevance (MMR) so no two near-duplicates are
chosen. The selected segments are translated by the pipeline (translations made
earlier in the same run, or in the cache, are reused), so every summary sentence
carries the id of its source segment.

Optional abstractive mode runs an HF summarisation model on the English
translation and checks each output sentence for numbers that the source does
not support, for Chinese left in it and for glossary terms it reworded
(``term_altered``: most words of an approved rendering close together, but not
the rendering itself). A term it leaves out is not flagged: summaries omit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..checks import CheckInput
from ..checks.numbers import extract_chinese, extract_english, same_value
from ..checks.output import check_untranslated
from ..segmentation.document import Document
from ..errors import ModelNotAvailableError, TranslatorError
from ..glossary import Glossary
from ..glossary.termbase import target_present
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
    """Score every paragraph sentence of ``doc`` (sections follow the numbered headings)."""
    section, section_index = None, 0
    cands: list[Candidate] = []
    pos_in_section: list[int] = []
    pos_in_paragraph: list[int] = []
    counter = 0
    for block in doc.blocks:
        if block.kind == "heading":
            section = doc.segments[block.segment_indices[0]].text
            section_index += 1
            counter = 0
            continue
        if block.kind != "paragraph":
            continue
        for k, i in enumerate(block.segment_indices):
            seg = doc.segments[i]
            cands.append(Candidate(i, seg.text, section, section_index))
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
        raise TranslatorError("--sentences must be at least 1")
    if ratio is not None and not 0 < ratio <= 1:
        raise TranslatorError("--ratio must be in (0, 1]")
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


def check_summary_sentence(text: str, source: str) -> list[Flag]:
    """Flag numbers the source does not support and Chinese left in a summary sentence."""
    flags = []
    supported = extract_chinese(source)
    for q in extract_english(text):
        if not any(same_value(q, s) for s in supported):
            flags.append(Flag("number", f"{q.describe()} is not supported by the source", {"value": q.value, "text": q.text}))
    return flags + check_untranslated(CheckInput(source, text))


_WORDS = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and as at by for from in into of on or the to with".split())


def _content_words(text: str) -> list[str]:
    return [w for w in _WORDS.findall(text.lower()) if w not in _STOP]


def check_summary_terms(text: str, source: str, glossary: Glossary | None) -> list[Flag]:
    """Flag approved glossary terms of ``source`` that a summary sentence rewords.

    A term counts as reworded when its approved rendering (and every variant)
    is absent but at least two of its content words, and half of them, stand
    together with at most one other word among them: "specialized and
    innovative" for "specialized, refined, distinctive and innovative",
    "high-quality economic development" for "high-quality development". Terms
    of fewer than two content words cannot be judged and are skipped.
    """
    if glossary is None or not text:
        return []
    words = _WORDS.findall(text.lower())
    flags, seen = [], set()
    for match in glossary.find(source):
        entry = match.entry
        if entry.key in seen or entry.status != "approved" or entry.type != "term":
            continue
        seen.add(entry.key)
        wanted = set(_content_words(entry.output))
        if len(wanted) < 2 or target_present(entry, text):
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


def split_english_sentences(text: str) -> list[str]:
    """Split English text into sentences (at . ! ? followed by a space and a capital)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def abstractive_summary(model: str, english: str, max_new_tokens: int = 160, device: str = "cpu") -> str:
    """Summarise English text with an HF summarisation model (loaded like the MT model).

    Raises:
        ModelNotAvailableError: The model is not available (same message as for MT models).
    """
    from ..models.store import hub_offline, model_missing_error, resolve_model

    ref = resolve_model(model)
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(ref.load_from, local_files_only=hub_offline())
        mdl = AutoModelForSeq2SeqLM.from_pretrained(ref.load_from, local_files_only=hub_offline()).to(device).eval()
    except (OSError, ValueError) as exc:
        raise model_missing_error(model, exc) from exc
    limit = min(getattr(tok, "model_max_length", 1024) or 1024, 1024)
    batch = tok([english], return_tensors="pt", truncation=False)
    if batch["input_ids"].shape[1] > limit:
        raise ModelNotAvailableError(f"the text ({batch['input_ids'].shape[1]} tokens) exceeds {model}'s {limit}-token "
                                     "input; use --per-section so each section is summarised on its own")
    with torch.inference_mode():
        out = mdl.generate(**batch.to(device), num_beams=4, max_new_tokens=max_new_tokens)
    return tok.decode(out[0], skip_special_tokens=True).strip()


def build_summary(picks: list[Candidate], translations: dict[int, str], method: str = "extractive") -> Summary:
    """Assemble a :class:`Summary` from picked sentences and their translations (by segment index)."""
    sentences = []
    for c in picks:
        text = translations.get(c.index, "")
        flags = check_summary_sentence(text, c.text) if text else [Flag("empty", "no translation for this sentence")]
        sentences.append(SummarySentence(segment_id=f"s{c.index + 1}", source=c.text, text=text,
                                         section=c.section, score=round(c.score, 4), flags=flags))
    return Summary(method=method, sentences=sentences)
