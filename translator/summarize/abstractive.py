"""Abstractive summaries: an HF summarisation model run on the English translation.

Each output sentence is checked against the Chinese it summarises (see
:mod:`translator.checks.summary`): numbers the source does not support, Chinese
left in it and glossary terms it rewords are flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..checks import check_summary_sentence
from ..errors import ModelNotAvailableError
from ..glossary import Glossary
from ..models.store import load_seq2seq
from ..results import Summary, SummarySentence
from ..segmentation import Document


def split_english_sentences(text: str) -> list[str]:
    """Split English text into sentences (at . ! ? followed by a space and a capital)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def abstractive_summary(model: str, english: str, max_new_tokens: int = 160, device: str = "cpu") -> str:
    """Summarise English text with an HF summarisation model (loaded like the MT model).

    Raises:
        ModelNotAvailableError: The model is not available (same message as for MT models).
    """
    import torch

    tok, mdl = load_seq2seq(model)
    mdl = mdl.to(device).eval()
    limit = min(getattr(tok, "model_max_length", 1024) or 1024, 1024)
    batch = tok([english], return_tensors="pt", truncation=False)
    if batch["input_ids"].shape[1] > limit:
        raise ModelNotAvailableError(f"the text ({batch['input_ids'].shape[1]} tokens) exceeds {model}'s {limit}-token "
                                     "input; summarise per section (per_section) so each section fits")
    with torch.inference_mode():
        out = mdl.generate(**batch.to(device), num_beams=4, max_new_tokens=max_new_tokens)
    return tok.decode(out[0], skip_special_tokens=True).strip()




def summarize_abstractive(doc: Document, translate: Callable[[list[int]], dict[int, str]], model: str,
                          glossary: Glossary | None = None, per_section: bool = False, device: str = "cpu") -> Summary:
    """Summarise the English of ``doc``'s headings and paragraphs (per numbered section with ``per_section``).

    Args:
        doc: The segmented source document.
        translate: Returns the English of the given segment indices.
        model: HF summarisation model id or directory.
        glossary: Term base for the ``term_altered`` check.
        per_section: One summary per numbered section.
        device: ``cpu`` or ``cuda``.
    """
    groups: list[list[int]] = [[]]
    for block in doc.blocks:
        if block.kind == "heading" and per_section and groups[-1]:
            groups.append([])
        if block.kind in ("paragraph", "heading"):
            groups[-1].extend(block.segment_indices)
    english_of = translate([i for group in groups for i in group])
    summary = Summary(method=f"abstractive:{model}")
    for group in filter(None, groups):
        english = " ".join(english_of[i] for i in group if english_of[i])
        source = "".join(doc.segments[i].text for i in group)
        span = f"s{group[0] + 1}-s{group[-1] + 1}"
        for sentence in split_english_sentences(abstractive_summary(model, english, device=device)):
            flags = check_summary_sentence(sentence, source, glossary, "abstractive")
            summary.sentences.append(SummarySentence(segment_id=span, source=source, text=sentence, flags=flags))
    return summary
