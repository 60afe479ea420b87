"""Typed results: flags, term uses, translated segments and documents."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .errors import UnknownNameError
from .segmentation.document import Document

#: Flag severities, most severe first.
SEVERITIES = ("error", "warning")


def at_least(severity: str, min_severity: str) -> bool:
    """Return True when ``severity`` is ``min_severity`` or more severe (``error`` > ``warning``).

    Raises:
        UnknownNameError: ``min_severity`` is not one of :data:`SEVERITIES`.
    """
    if min_severity not in SEVERITIES:
        raise UnknownNameError(f"unknown severity {min_severity!r}; valid severities: {', '.join(SEVERITIES)}")
    rank = SEVERITIES.index(severity) if severity in SEVERITIES else 0
    return rank <= SEVERITIES.index(min_severity)


@dataclass
class Flag:
    """Something a reader of the translation must know about one segment.

    Attributes:
        check: Name of the check or stage that raised it (``number``, ``term_missing`` ...).
        message: Human-readable explanation.
        details: The values involved (expected, found ...).
        severity: ``"error"`` (the translation is wrong: a changed value, scale, unit, an empty or
            degenerate output) or ``"warning"`` (worth a look, may be legitimate: a dropped date, a count
            the English may leave implicit). See :data:`SEVERITIES`.
    """

    check: str
    message: str
    details: dict = field(default_factory=dict)
    severity: str = "error"


@dataclass
class TermUse:
    """One glossary entry found in a source segment.

    Attributes:
        source: The source term as listed in the glossary.
        target: The approved English rendering.
        type: ``term`` or ``dnt``.
        satisfied: Whether the target (or a variant) is in the translation.
        strategy: How it was enforced (``placeholder``, ``inject``, ``none``).
        status: ``approved`` (enforced) or ``proposed`` (reported only).
    """

    source: str
    target: str
    type: str = "term"
    satisfied: bool = False
    strategy: str = "none"
    status: str = "approved"


@dataclass
class Signature:
    """Everything needed to reproduce a translation, sacrebleu style."""

    version: str
    model: str
    backend: str
    beams: int
    glossary: str = "none"
    device: str = "cpu"
    encoding: str | None = None
    options: str = ""

    def __str__(self) -> str:
        parts = [f"translator:{self.version}", f"model:{self.model}", f"backend:{self.backend}",
                 f"beams:{self.beams}", f"glossary:{self.glossary}", f"device:{self.device}"]
        if self.options:
            parts.append(self.options)
        if self.encoding:
            parts.append(f"encoding:{self.encoding}")
        return "|".join(parts)


@dataclass(frozen=True)
class MemoryUnit:
    """One approved translation (a translation memory's unit, :mod:`translator.memory`).

    Attributes:
        id: Row id in the store.
        source: The Chinese source (normalised as the cache normalises).
        target: The approved English.
        origin: Where it came from (a file name, ``user``, ``api`` ...).
        approved_by: Who or what approved it (a reviewer, a CAT tool, an import).
        approved_at: When (ISO 8601, UTC).
        glossary_version: The glossary version it was approved under (``none`` when unknown).
    """

    id: int
    source: str
    target: str
    origin: str
    approved_by: str
    approved_at: str
    glossary_version: str


@dataclass(frozen=True)
class Difference:
    """One place where a memory unit's source differs from the sentence looked up.

    Attributes:
        op: ``replace``, ``insert`` (the sentence has text the unit lacks) or ``delete`` (the unit has text
            the sentence lacks).
        query: The sentence's text at that place ('' for ``delete``).
        unit: The unit's source text at that place ('' for ``insert``).
        query_start: Offset of that place in the (normalised) sentence.
    """

    op: str
    query: str
    unit: str
    query_start: int


@dataclass(frozen=True)
class MemoryMatch:
    """A fuzzy match: a unit whose source is similar to the sentence looked up.

    Attributes:
        unit: The memory unit.
        score: Character-level similarity, 0..1 (1 = same text).
        differences: Where the unit's source differs from the sentence.
        numbers: Numbers that differ, as (sentence's, unit's) pairs (``("28.3", "24.8")``); a number only one
            side has is paired with ''.
    """

    unit: MemoryUnit
    score: float
    differences: tuple[Difference, ...] = ()
    numbers: tuple[tuple[str, str], ...] = ()

    @property
    def percent(self) -> int:
        """Return the score as a whole percentage (what CAT tools show)."""
        return int(self.score * 100 + 1e-9)


@dataclass
class SegmentResult:
    """A source segment and its translation.

    Attributes:
        id: ``s1`` for the first segment of the document.
        index: 0-based position.
        block_index: Index of its block.
        kind: Block kind.
        source: The exact source characters.
        target: The English translation ('' only together with a flag).
        start: Source offset of the first character.
        end: Source offset one past the last character.
        line: 1-based source line.
        flags: Problems found.
        terms: Glossary entries found in the source.
        pieces: How many pieces the segment was translated in (long segments; 0 for memory English or when
            copied).
        cached: Whether the translation came from the segment cache.
        origin: Where the English came from: ``model``, ``cache``, ``memory`` (an approved unit of the same
            source) or ``memory-fuzzy-edited`` (an approved unit with other numbers, changed; flagged).
        matches: Translation memory units for this source, best first: the unit used (origin ``memory*``),
            or suggestions (similarity at or above the run's threshold) for the model's English.
        copied: The source has no Chinese (code, English, a formula): copied as it is, never sent to the model.
    """

    id: str
    index: int
    block_index: int
    kind: str
    source: str
    target: str
    start: int
    end: int
    line: int
    flags: list[Flag] = field(default_factory=list)
    terms: list[TermUse] = field(default_factory=list)
    pieces: int = 1
    cached: bool = False
    origin: str = "model"
    matches: list[MemoryMatch] = field(default_factory=list)
    copied: bool = False

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


@dataclass
class SummarySentence:
    """One sentence of a summary, traced to its source segment."""

    segment_id: str
    source: str
    text: str
    section: str | None = None
    section_source: str | None = None
    score: float = 0.0
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Summary:
    """An English summary of a document."""

    method: str
    sentences: list[SummarySentence] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Return the summary as one paragraph."""
        return " ".join(s.text for s in self.sentences)


@dataclass
class DocumentResult:
    """A translated document.

    Attributes:
        name: Where the source came from.
        document: The segmented source.
        segments: One result per source segment, in order.
        signature: How it was produced.
        summary: An English summary, when one was asked for.
        output: Where the English was written, when it was (:meth:`Pipeline.translate_file` with an output).
    """

    name: str
    document: Document
    segments: list[SegmentResult]
    signature: Signature
    summary: Summary | None = None
    output: str | None = None

    def flag_counts(self) -> dict[str, int]:
        """Return how many segments carry each kind of flag."""
        counts: dict[str, int] = {}
        for seg in self.segments:
            for check in sorted({f.check for f in seg.flags}):
                counts[check] = counts.get(check, 0) + 1
        return counts

    def origin_counts(self) -> dict[str, int]:
        """Return how many segments came from each origin (``{"model": 200, "memory": 38}``)."""
        counts: dict[str, int] = {}
        for seg in self.segments:
            counts[seg.origin] = counts.get(seg.origin, 0) + 1
        return counts

    def severity_counts(self) -> dict[str, int]:
        """Return how many flags there are of each severity (``{"error": 2, "warning": 5}``)."""
        counts = {s: 0 for s in SEVERITIES}
        for seg in self.segments:
            for f in seg.flags:
                counts[f.severity] = counts.get(f.severity, 0) + 1
        return counts

    @property
    def has_errors(self) -> bool:
        """Return True when any segment carries an ``error`` flag (what ``translate --strict`` fails on)."""
        return any(f.severity == "error" for s in self.segments for f in s.flags)

    @property
    def copied(self) -> int:
        """Return the number of segments copied as they are (no Chinese in them: nothing to translate)."""
        return sum(1 for s in self.segments if s.copied)

    @property
    def flagged(self) -> int:
        """Return the number of segments with at least one flag."""
        return sum(1 for s in self.segments if s.flags)

    def term_adherence(self) -> float | None:
        """Return the percentage (0-100, one decimal) of approved term uses satisfied (None if no terms).

        The same scale as ``translator evaluate``'s term accuracy and every other score we print.
        """
        uses = [t for s in self.segments for t in s.terms if t.status == "approved"]
        if not uses:
            return None
        return round(100.0 * sum(t.satisfied for t in uses) / len(uses), 1)

    def head_dict(self) -> dict:
        """Return the document-level fields of :meth:`to_dict` (everything before ``blocks``)."""
        return {
            "name": self.name,
            "signature": str(self.signature),
            "signature_fields": asdict(self.signature),
            "segment_count": len(self.segments),
            "flagged_segments": self.flagged,
            "copied_segments": self.copied,
            "flag_counts": self.flag_counts(),
            "severity_counts": self.severity_counts(),
            "term_adherence": self.term_adherence(),
            "origin_counts": self.origin_counts(),
        }

    def to_dict(self) -> dict:
        """Return a JSON-ready dict: signature, summary counts, blocks and segments."""
        out = {
            **self.head_dict(),
            "blocks": [
                {"index": b.index, "kind": b.kind, "marker": b.marker, "line": b.line,
                 "segments": [self.segments[i].id for i in b.segment_indices]}
                for b in self.document.blocks
            ],
            "segments": [s.to_dict() for s in self.segments],
        }
        if self.summary is not None:
            out["summary"] = {"method": self.summary.method, "text": self.summary.text,
                              "sentences": [asdict(s) for s in self.summary.sentences]}
        return out
