"""What a reviewer does to a translated document: edit, re-check, confirm into the memory, add terms, download.

:class:`Reviewer` joins the :class:`~translator.review.store.ReviewStore` with the checks, the glossary the
server translates with, the editors' glossary file and the translation memory. The server's review
routes each make one call here.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..checks import CheckInput, run_checks
from ..errors import InputError
from ..results import DocumentResult, Flag, SegmentResult, Signature, TermUse
from .store import ReviewDocument, ReviewSegment, ReviewStore

__all__ = ["Checked", "Reviewer", "TermAdded", "check_english", "highlights"]

#: Formats a reviewed document can be downloaded in besides its own kind.
EXCHANGE_FORMATS = ("xliff", "tmx", "json")


@dataclass
class Checked:
    """The checks' verdict on one English.

    Attributes:
        flags: The flags (empty when all is well).
        terms: The glossary terms found in the source and whether the English keeps each.
        highlights: Where each term is, as ``{"source": [[start, end, term], ...], "target": [...]}``
            (``term`` indexes ``terms``).
    """

    flags: list[Flag] = field(default_factory=list)
    terms: list[TermUse] = field(default_factory=list)
    highlights: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Return the spans of ``needle`` in ``text``, case-insensitively (same-length folding only)."""
    if not needle:
        return []
    hay, pin = text.lower(), needle.lower()
    if len(hay) != len(text) or len(pin) != len(needle):
        hay, pin = text, needle
    spans, start = [], hay.find(pin)
    while start >= 0:
        spans.append((start, start + len(pin)))
        start = hay.find(pin, start + len(pin))
    return spans


def highlights(source: str, target: str, glossary, terms: list[TermUse]) -> dict:
    """Return where each term of ``terms`` is in the source (glossary matching) and in the English (its renderings)."""
    index = {t.source: i for i, t in enumerate(terms)}
    src: list[list[int]] = []
    if glossary is not None:
        for m in glossary.find(source):
            if m.entry.source in index:
                src.append([m.start, m.end, index[m.entry.source]])
    tgt: list[list[int]] = []
    taken: list[tuple[int, int]] = []
    entries = {e.source: e for e in glossary.entries} if glossary is not None else {}
    for i, term in enumerate(terms):
        entry = entries.get(term.source)
        renderings = list(entry.renderings) if entry is not None else [term.target]
        for rendering in sorted(set(renderings), key=len, reverse=True):
            for a, b in _find_all(target, rendering):
                if all(b <= x or a >= y for x, y in taken):
                    taken.append((a, b))
                    tgt.append([a, b, i])
    return {"source": sorted(src), "target": sorted(tgt)}


def check_english(source: str, english: str, glossary) -> Checked:
    """Run every segment check on ``english`` as the translation of ``source``; find its terms.

    The same checks the pipeline runs on the model's English (numbers, units, terms, degenerate, copied ...).
    """
    from ..memory.apply import term_uses

    flags = run_checks(CheckInput(source, english, glossary)) if source.strip() else []
    terms = term_uses(source, english, glossary)
    return Checked(flags, terms, highlights(source, english, glossary, terms))


@dataclass
class TermAdded:
    """A term added from the page.

    Attributes:
        outcome: ``added``, ``replaced`` or ``unchanged``.
        file: The glossary file written.
        warnings: What ``glossary check`` says of the new row (messages).
        rechecked: The segments of the document that contain the term, checked again and marked for re-check.
    """

    outcome: str
    file: str
    warnings: list[str]
    rechecked: list[ReviewSegment]


def reviewer_name(owner: str | None) -> str:
    """Return how the memory records who confirmed: ``review`` and a short hash of the key (never the key)."""
    if not owner:
        return "review"
    return "review:" + hashlib.sha256(owner.encode("utf-8")).hexdigest()[:12]


class Reviewer:
    """Review state plus the checks, glossary and memory of the server.

    Args:
        store: Where review state lives.
        glossaries: The glossary files translations use (empty: the default term base).
        use_glossary: False: no term checks and no glossary editing.
        memory: The translation memory file confirmations go to (None: confirming records the state only).
        memory_threshold: Lowest similarity of a memory match shown (0..1).
        check_owner: Documents are visible only with the key that uploaded them (API keys on).
    """

    def __init__(self, store: ReviewStore, glossaries: list[str] | tuple[str, ...] = (), use_glossary: bool = True,
                 memory: str | None = None, memory_threshold: float = 0.75, check_owner: bool = False) -> None:
        self.store = store
        self.glossaries = list(glossaries)
        self.use_glossary = use_glossary
        self.memory = memory
        self.memory_threshold = memory_threshold
        self.check_owner = check_owner
        self._glossary = None
        self._loaded = False
        self._lock = threading.RLock()

    # -------------------------------------------------------------- glossary
    @property
    def glossary(self):
        """Return the glossary the checks use (loaded on first use, again after a term is added)."""
        with self._lock:
            if not self._loaded:
                from ..glossary.termbase import resolve_glossary

                self._glossary = resolve_glossary(self.glossaries, self.use_glossary)
                self._loaded = True
            return self._glossary

    def glossary_file(self) -> Path:
        """Return the file a new term goes into: what ``translator glossary add`` edits (the last ``-g`` file, else
        ``TRANSLATOR_GLOSSARY``, else the user's own glossary layered over the shipped one).

        Raises:
            InputError: The glossary is disabled.
        """
        if not self.use_glossary:
            raise InputError("the glossary is disabled on this server (--no-glossary): no term can be added")
        from ..glossary import edited_glossary_file

        return edited_glossary_file(self.glossaries[-1] if self.glossaries else None)

    # ------------------------------------------------------------- documents
    def document(self, doc_id: str, owner: str | None = None) -> ReviewDocument:
        """Return a document this caller may see.

        Raises:
            ReviewNotFound: No such document, or (with API keys) another key's.
        """
        return self.store.document(doc_id, owner, self.check_owner)

    def ready(self, doc_id: str, owner: str | None = None) -> ReviewDocument:
        """Return a document whose translation is finished.

        Raises:
            ReviewNotFound: No such document. InputError: Still translating, or failed.
        """
        doc = self.document(doc_id, owner)
        if doc.status != "ready":
            raise InputError(f"{doc.name}: translation failed: {doc.error}" if doc.status == "failed"
                             else f"{doc.name}: still translating")
        return doc

    def rows(self, doc_id: str, owner: str | None = None) -> list[dict]:
        """Return every segment as the page shows it: texts, flags, terms, highlights and memory matches."""
        self.ready(doc_id, owner)
        segments = self.store.segments(doc_id)
        matches = self._matches([s.source for s in segments])
        glossary = self.glossary
        return [s.to_dict() | {"highlights": highlights(s.source, s.english, glossary, s.terms),
                               "matches": matches.get(s.source, [])} for s in segments]

    def _matches(self, sources: list[str], limit: int = 5) -> dict[str, list[dict]]:
        if not self.memory or not Path(self.memory).exists():
            return {}
        from ..memory import TranslationMemory

        with TranslationMemory(self.memory, read_only=True) as memory:
            found = memory.fuzzy_many(list(dict.fromkeys(s for s in sources if s.strip())), self.memory_threshold,
                                      limit, include_exact=True)
        return {source: [{"percent": m.percent, "source": m.unit.source, "target": m.unit.target,
                          "differences": [asdict(d) for d in m.differences],
                          "numbers": [list(p) for p in m.numbers]} for m in ms] for source, ms in found.items()}

    # --------------------------------------------------------------- editing
    def edit(self, doc_id: str, index: int, owner: str | None = None, english: str | None = None,
             confirmed: bool | None = None) -> ReviewSegment:
        """Change a segment's English and/or its confirmed mark; return it with its new flags and terms.

        A new English is checked again at once; changing it takes back a confirmation (unless ``confirmed`` is
        given too). Confirming stores the pair in the translation memory when there is one.

        Raises:
            ReviewNotFound: No such document or segment. InputError: Not ready, or an empty English confirmed.
            TranslationMemoryError: The memory cannot be written.
        """
        doc = self.ready(doc_id, owner)
        seg = self.store.segment(doc_id, index)
        if english is not None and english != seg.english:
            if any(0xD800 <= ord(c) <= 0xDFFF for c in english):
                raise InputError(f"{doc.name}: segment {seg.id}: the English holds a lone surrogate (not text)")
            checked = check_english(seg.source, english, self.glossary)
            seg.english, seg.flags, seg.terms, seg.recheck = english, checked.flags, checked.terms, False
            seg.confirmed = False
        if confirmed is not None:
            if confirmed and not seg.english.strip():
                raise InputError(f"{doc.name}: segment {seg.id}: an empty English cannot be confirmed")
            if confirmed and self.memory and seg.source.strip():
                self._remember(seg, owner)
            seg.confirmed = bool(confirmed)
            if confirmed:
                seg.recheck = False
        self.store.update(doc_id, seg)
        return seg

    def _remember(self, seg: ReviewSegment, owner: str | None) -> None:
        from ..memory import TranslationMemory

        glossary = self.glossary
        with TranslationMemory(self.memory) as memory:
            memory.add(seg.source, seg.english, origin="review", approved_by=reviewer_name(owner),
                       glossary_version=glossary.version if glossary is not None else "none")

    def add_term(self, doc_id: str | None, source: str, target: str, owner: str | None = None) -> TermAdded:
        """Add a term to the editors' glossary file (``translator glossary add``'s validation), then re-check.

        The segments of the document (when given) whose source contains the new term are checked again with
        the new glossary and marked for re-check.

        Raises:
            GlossaryConflictError: The source is already listed with another English (nothing written).
            ValidationError, InputError: The entry is invalid (nothing written).
        """
        from ..glossary.editing import add_entry

        if doc_id is not None:
            self.ready(doc_id, owner)
        if not isinstance(source, str) or not source.strip() or not isinstance(target, str) or not target.strip():
            raise InputError("a term needs its Chinese and its English (both non-empty)")
        path = self.glossary_file()
        with self._lock:
            outcome, warnings = add_entry(str(path), source, target)
            self._loaded = False
        glossary = self.glossary
        rechecked: list[ReviewSegment] = []
        if doc_id is not None and glossary is not None:
            key = source.strip()
            for seg in self.store.segments(doc_id):
                if not any(m.entry.source == key for m in glossary.find(seg.source)):
                    continue
                checked = check_english(seg.source, seg.english, glossary)
                seg.flags, seg.terms, seg.recheck = checked.flags, checked.terms, True
                self.store.update(doc_id, seg)
                rechecked.append(seg)
        return TermAdded(outcome, str(path), [p.message for p in warnings], rechecked)

    # -------------------------------------------------------------- download
    def result(self, doc_id: str, owner: str | None = None):
        """Return the parsed source (None for text) and the reviewed :class:`DocumentResult` (edits applied).

        Raises:
            InputError: The kept file reads differently now (another version segments it otherwise).
        """
        from ..documents import open_source

        doc = self.ready(doc_id, owner)
        parsed, source, encoding = open_source(doc.input_path)
        segments = self.store.segments(doc_id)
        if len(segments) != len(source.segments) or any(a.source != b.raw for a, b in zip(segments, source.segments)):
            raise InputError(f"{doc.name}: the kept file segments differently from when it was translated "
                             "(another version of translator?); upload it again")
        results = [SegmentResult(id=s.id, index=s.index, block_index=s.block_index, kind=s.kind, source=s.raw,
                                 target=r.english, start=s.start, end=s.end, line=s.line, flags=list(r.flags),
                                 terms=list(r.terms), origin=self._origin(r))
                   for s, r in zip(source.segments, segments)]
        sig = Signature(**doc.signature) if doc.signature else Signature("?", "?", "?", 0)
        result = DocumentResult(name=doc.name, document=source, segments=results, signature=sig)
        return parsed, result

    def _origin(self, seg: ReviewSegment) -> str:
        """Return a reviewed segment's origin: ``memory`` once confirmed into the memory, ``review`` when edited."""
        if seg.confirmed and self.memory:
            return "memory"  # an approved unit now: XLIFF marks it translated, the memory import takes it
        return "review" if seg.edited else seg.origin

    def formats(self, doc: ReviewDocument) -> list[str]:
        """Return the formats a document can be downloaded in: its own kind first, then xliff, tmx, json."""
        from ..documents import output_formats

        own = output_formats(doc.input_path)
        return list(dict.fromkeys([own[0], *EXCHANGE_FORMATS]))

    def download(self, doc_id: str, fmt: str | None = None, owner: str | None = None) -> tuple[Path, str]:
        """Write the reviewed document as ``fmt`` (its own kind by default) and return the file and its name.

        Raises:
            UnknownNameError: A format this document cannot be written in.
        """
        from ..documents import default_output, write_translation
        from ..errors import UnknownNameError

        doc = self.ready(doc_id, owner)
        valid = self.formats(doc)
        fmt = fmt or valid[0]
        if fmt not in valid:
            raise UnknownNameError(f"{doc.name}: cannot download as {fmt!r}; valid formats: {', '.join(valid)}")
        parsed, result = self.result(doc_id, owner)
        out = doc.folder / f"reviewed.{'xlf' if fmt == 'xliff' else fmt}"
        write_translation(parsed, result, out, fmt, notes=False)
        name = default_output(doc.name, fmt).name
        if fmt == "xliff":
            name = str(Path(name).with_suffix(".xlf"))
        return out, name

