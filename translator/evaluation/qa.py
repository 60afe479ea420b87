"""Standalone quality checks of line-aligned source/translation files."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks import CheckInput, run_checks
from ..errors import InputError
from ..glossary import Glossary
from ..results import SEVERITIES, Flag, at_least
from ..textio import read_aligned, read_lines


@dataclass
class LineReport:
    """The issues found on one line."""

    line: int
    issues: list[Flag] = field(default_factory=list)


@dataclass
class QaReport:
    """Issues per line and counts per check and severity."""

    lines: list[LineReport]

    @property
    def summary(self) -> dict:
        """Return counts: lines, flagged lines, issues per check, per severity, and per check and severity."""
        by_check: dict[str, int] = {}
        by_severity: dict[str, int] = {s: 0 for s in SEVERITIES}
        by_check_severity: dict[str, dict[str, int]] = {}
        for rep in self.lines:
            for f in rep.issues:
                by_check[f.check] = by_check.get(f.check, 0) + 1
                by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
                per = by_check_severity.setdefault(f.check, {})
                per[f.severity] = per.get(f.severity, 0) + 1
        return {"lines": len(self.lines), "flagged_lines": sum(1 for r in self.lines if r.issues), "by_check": by_check,
                "by_severity": by_severity, "by_check_severity": by_check_severity}

    def filtered(self, min_severity: str = "warning") -> QaReport:
        """Return a report with only the issues of ``min_severity`` or worse (``error`` keeps errors only).

        Raises:
            UnknownNameError: ``min_severity`` is not a severity; the message lists the valid ones.
        """
        return QaReport([LineReport(r.line, [f for f in r.issues if at_least(f.severity, min_severity)])
                         for r in self.lines])

    def to_dict(self) -> dict:
        """Return ``{"segments": [{"line", "issues": [{"check", "severity", "message", ...}]}], "summary": {...}}``."""
        return {
            "segments": [{"line": r.line, "issues": [{"check": f.check, "severity": f.severity, "message": f.message,
                                                      **f.details} for f in r.issues]}
                         for r in self.lines],
            "summary": self.summary,
        }


def run_qa(sources: list[str], translations: list[str], glossary: Glossary | None = None,
           min_severity: str = "warning", tokenizer: object | None = None) -> QaReport:
    """Check each translation against its source line with every check.

    Args:
        sources: Source lines.
        translations: Their translations, line-aligned.
        glossary: Term base for the term check (None: none).
        min_severity: Keep issues of this severity or worse: ``warning`` (all) or ``error``.
        tokenizer: A model tokenizer with ``unknown_source_chars(text)`` (e.g.
            :class:`~translator.engines.marian_tokenizer.MarianSpmTokenizer`): source characters it cannot
            encode are flagged (``unknown_source``). None: not checked.

    Raises:
        InputError: The two lists differ in length.
        UnknownNameError: ``min_severity`` is not a severity.
    """
    if len(sources) != len(translations):
        raise InputError(f"{len(sources)} source lines but {len(translations)} translations")
    at_least("error", min_severity)  # validate before the work
    reports = []
    for i, (src, hyp) in enumerate(zip(sources, translations), 1):
        unknown = tuple(tokenizer.unknown_source_chars(src)) if tokenizer is not None and src.strip() else ()
        issues = run_checks(CheckInput(src, hyp, glossary, unknown_source=unknown)) if src.strip() else []
        reports.append(LineReport(i, [f for f in issues if at_least(f.severity, min_severity)]))
    return QaReport(reports)


def qa_files(src: str, hyp: str, glossary: Glossary | None = None, min_severity: str = "warning",
             tokenizer: object | None = None) -> QaReport:
    """Run :func:`run_qa` on two line-aligned files."""
    data = read_aligned({"src": src, "hyp": hyp})
    return run_qa(data["src"], data["hyp"], glossary, min_severity, tokenizer)


__all__ = ["LineReport", "QaReport", "qa_files", "read_aligned", "read_lines", "run_qa"]
