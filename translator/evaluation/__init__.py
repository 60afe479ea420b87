"""Evaluation against references: a registry of metrics, each stamped with a signature.

Corpus metrics come from sacrebleu (BLEU, chrF, TER) with sacrebleu's own
signatures; term accuracy and number fidelity are ours, computed from the
source; ROUGE (summaries) comes from rouge-score. Heavy imports are lazy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from ..errors import UnknownNameError


@dataclass
class Score:
    """One metric's result.

    Attributes:
        name: Metric name.
        score: The value (0-100 for every metric here).
        signature: How to reproduce it.
        detail: Extra numbers (counts).
    """

    name: str
    score: float
    signature: str
    detail: dict

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


def _sacrebleu_metric(cls_name: str) -> Callable:
    def compute(hyps: list[str], refs: list[str], **_) -> Score:
        import sacrebleu

        metric = getattr(sacrebleu.metrics, cls_name)()
        result = metric.corpus_score(hyps, [refs])
        return Score(result.name, round(result.score, 2), str(metric.get_signature()), {"text": str(result)})

    return compute


def term_accuracy(hyps: list[str], refs: list[str], srcs: list[str] | None = None, glossary=None, **_) -> Score | None:
    """Share of approved glossary entries in the source whose rendering is in the hypothesis."""
    if not srcs or glossary is None:
        return None
    from ..glossary import target_present

    total = ok = 0
    for src, hyp in zip(srcs, hyps):
        for entry in glossary.entries_in(src):
            total += 1
            ok += target_present(entry, hyp)
    value = 100.0 * ok / total if total else 100.0
    return Score("term_accuracy", round(value, 2), f"glossary:{glossary.version}|unit:entry-per-segment",
                 {"satisfied": ok, "total": total})


def number_fidelity(hyps: list[str], refs: list[str], srcs: list[str] | None = None, **_) -> Score | None:
    """Share of source quantities found with the same value in the hypothesis."""
    if not srcs:
        return None
    from .. import __version__
    from ..checks.numbers import compare_numbers

    total = missing = 0
    for src, hyp in zip(srcs, hyps):
        report = compare_numbers(src, hyp)
        total += len(report.source)
        missing += len(report.missing)
    value = 100.0 * (total - missing) / total if total else 100.0
    return Score("number_fidelity", round(value, 2), f"translator:{__version__}|unit:quantity",
                 {"found": total - missing, "total": total})


METRICS: dict[str, Callable] = {
    "bleu": _sacrebleu_metric("BLEU"),
    "chrf": _sacrebleu_metric("CHRF"),
    "ter": _sacrebleu_metric("TER"),
    "term_accuracy": term_accuracy,
    "number_fidelity": number_fidelity,
}


def metric_names(metrics: list[str] | tuple[str, ...] | None) -> list[str]:
    """Return the metrics to compute (all of :data:`METRICS` when none are named), duplicates dropped.

    Raises:
        UnknownNameError: Names that are not registered (all of them, with the valid ones), before any work.
    """
    names = list(dict.fromkeys(metrics or METRICS))
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise UnknownNameError(f"unknown metric{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                               f"valid metrics: {', '.join(METRICS)}")
    return names


def evaluate(hyps: list[str], refs: list[str], srcs: list[str] | None = None, glossary=None,
             metrics: list[str] | None = None) -> list[Score]:
    """Score hypotheses against references with the named metrics (all by default).

    Raises:
        UnknownNameError: A metric is not registered; the message lists valid ones.
    """
    scores = []
    for name in metric_names(metrics):
        score = METRICS[name](hyps, refs, srcs=srcs, glossary=glossary)
        if score is not None:
            scores.append(score)
    return scores


def evaluate_files(hyp: str, ref: str, src: str | None = None, glossary=None,
                   metrics: list[str] | None = None) -> tuple[list[Score], int]:
    """Score a line-aligned hypothesis file against a reference file (terms and numbers with ``src``).

    Args:
        hyp: Translations, one segment per line (or our json/jsonl output).
        ref: Reference translations, line-aligned.
        src: Source lines (adds term accuracy and number fidelity).
        glossary: Term base for term accuracy.
        metrics: Names from :data:`METRICS` (all by default).

    Returns:
        The scores and the number of lines.

    Raises:
        InputError: A file is unreadable or the files are not line-aligned (the message names them).
    """
    from .qa import read_aligned

    metrics = metric_names(metrics)  # before reading: TER alone takes minutes on a few thousand lines
    data = read_aligned({"hyp": hyp, "ref": ref} | ({"src": src} if src else {}))
    return evaluate(data["hyp"], data["ref"], data.get("src"), glossary, metrics), len(data["hyp"])


__all__ = ["METRICS", "Score", "evaluate", "evaluate_files", "metric_names", "number_fidelity", "term_accuracy"]
