"""Stage 5: English summaries, each sentence traced to its source segment.

``extractive`` picks source sentences (section-aware TF-IDF centrality with MMR) and reuses their
translations; ``abstractive`` runs a summarisation model over the English. Both are handed a
``translate`` callable (segment indices -> English), so neither knows the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable

from ..glossary import Glossary
from ..results import Summary
from ..segmentation import Document


def summarize_document(doc: Document, translate: Callable[[list[int]], dict[int, str]],
                       glossary: Glossary | None = None, sentences: int | None = None, ratio: float | None = None,
                       per_section: bool = False, abstractive_model: str | None = None,
                       device: str = "cpu") -> Summary:
    """Summarise a segmented document in English.

    Args:
        doc: The segmented source document.
        translate: Returns the English of the given segment indices (reusing what is translated).
        glossary: Term base (scores sentences; term checks).
        sentences: Sentences wanted (default 8; with ``per_section``, a minimum).
        ratio: Or a share of the paragraph sentences.
        per_section: The key sentence of every numbered section plus the lead.
        abstractive_model: HF summarisation model run on the English instead.
        device: Device for the abstractive model.
    """
    if abstractive_model:
        from .abstractive import summarize_abstractive

        return summarize_abstractive(doc, translate, abstractive_model, glossary, per_section, device)
    from .extractive import build_summary, select_sentences

    picks = select_sentences(doc, glossary, sentences, ratio, per_section)
    wanted = [c.index for c in picks] + sorted({c.section_segment for c in picks if c.section_segment is not None})
    return build_summary(picks, translate(wanted), glossary)


__all__ = ["summarize_document"]
