"""Summary evaluation: ROUGE against a reference summary, and for extractive
summaries BLEU/chrF of each sentence against the aligned reference sentence."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from ..checks import check_summary_sentence
from ..errors import BackendUnavailableError, InputError
from ..textio import parse_json, read_text
from . import METRICS, Score
from .qa import read_lines


def rouge(summary: str, reference: str) -> list[Score]:
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum F-measures (rouge-score, Porter stemmer)."""
    try:
        from rouge_score import rouge_scorer
    except ImportError as exc:
        raise BackendUnavailableError("ROUGE needs `pip install rouge-score` (or the [summary] extra)") from exc
    from ..summarize.abstractive import split_english_sentences

    types = ["rouge1", "rouge2", "rougeLsum"]
    # Lsum needs one sentence per line; we split ourselves (rouge-score's splitter needs NLTK data downloads).
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=True, split_summaries=False)
    result = scorer.score("\n".join(split_english_sentences(reference)), "\n".join(split_english_sentences(summary)))
    return [Score(t, round(100 * result[t].fmeasure, 2), "rouge-score|stemmer:porter|measure:F|split:translator",
                  {"precision": round(100 * result[t].precision, 2), "recall": round(100 * result[t].recall, 2)})
            for t in types]


def load_summary(path: str) -> tuple[str, list[dict]]:
    """Read a summary: JSON from ``translator summarize --format json`` or plain text (one sentence a line).

    Raises:
        InputError: Malformed JSON, or JSON that is not a summary; the message names the file,
            the line (for syntax errors) or the sentence, and what is wrong.
    """
    text = read_text(path).text
    if Path(path).suffix.lower() == ".json" or text.lstrip().startswith("{"):
        data = parse_json(text, path)
        sentences = data.get("sentences") if isinstance(data, dict) else None
        if not isinstance(sentences, list):
            raise InputError(f"{path}: not a summary JSON (expected an object with a 'sentences' list, "
                             "as `translator summarize --format json` writes)")
        for n, sent in enumerate(sentences, 1):
            problem = _sentence_problem(sent)
            if problem:
                raise InputError(f"{path}: sentence {n}: {problem}")
        return " ".join(s["text"] for s in sentences), sentences
    return " ".join(line.strip() for line in text.splitlines() if line.strip()), []


def _sentence_problem(sent: object) -> str | None:
    """Return what is wrong with one summary sentence of a JSON summary, or None."""
    if not isinstance(sent, dict):
        return f"expected an object, found {type(sent).__name__}"
    if not isinstance(sent.get("text"), str):
        return "'text' is missing or not a string"
    for key in ("segment_id", "source"):
        if key in sent and not isinstance(sent[key], (str, type(None))):
            return f"'{key}' must be a string"
    flags = sent.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, dict) for f in flags):
        return "'flags' must be a list of objects"
    return None


def evaluate_summary(summary_path: str, ref_summary_path: str, ref_translation: str | None = None, glossary=None) -> dict:
    """Score a summary; returns ``{"scores": [...], "sentences": [...]}``.

    With a JSON (extractive) summary and ``ref_translation`` (the aligned
    reference), each sentence is also scored against its reference sentence,
    and every sentence is checked for terms and numbers against its source.
    """
    summary_text, sentences = load_summary(summary_path)
    reference = " ".join(read_lines(ref_summary_path))
    scores = rouge(summary_text, reference)
    per_sentence = []
    aligned_hyp, aligned_ref = [], []
    ref_lines = read_lines(ref_translation) if ref_translation else None
    for s in sentences:
        flags = [dict(f) for f in s.get("flags", [])]
        seg_id = str(s.get("segment_id", ""))
        if s.get("source") and seg_id.startswith("s") and seg_id[1:].isdigit():
            flags = [asdict(f) for f in check_summary_sentence(s["text"], s["source"], glossary, "extractive")]
            if ref_lines is not None:
                idx = int(seg_id[1:]) - 1
                if not 0 <= idx < len(ref_lines):
                    raise InputError(f"{summary_path}: {seg_id} is outside the reference ({len(ref_lines)} lines)")
                aligned_hyp.append(s["text"])
                aligned_ref.append(ref_lines[idx])
        per_sentence.append({"segment_id": seg_id, "text": s["text"], "flags": flags})
    if aligned_hyp:
        for name in ("bleu", "chrf"):
            score = METRICS[name](aligned_hyp, aligned_ref)
            score.name = f"aligned_{score.name}"
            scores.append(score)
    return {"scores": scores, "sentences": per_sentence}
