"""Translate one document of a corpus: read, translate, render, and describe the outcome.

:func:`translate_document` is what every executor runs per document, in the
worker that holds the pipeline. Readers for other formats plug in through
:data:`DOCUMENT_HANDLERS` (by extension); a handler gets the raw bytes and
returns the translated :class:`~translator.results.DocumentResult` and the
rendered output. Any error is caught and recorded: one bad document never
stops a batch.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InputError, TranslatorError
from ..results import DocumentResult
from .discovery import DocumentJob

#: A document handler: (pipeline, source path, raw bytes or None (read the path), format, notes, encoding)
#: -> (result, rendered output as str or bytes).
Handler = Callable[..., tuple[DocumentResult, "str | bytes"]]


def translate_text_document(pipeline, source: str, data: bytes | None, fmt: str, notes: bool,
                            encoding: str | None) -> tuple[DocumentResult, str]:
    """Decode a text document, translate and render it (exactly what ``translate_file`` + ``render`` give)."""
    from ..formats import render
    from ..segmentation import segment_text
    from ..textio import decode_bytes, max_input_bytes, read_text

    if data is None:
        decoded = read_text(source, encoding)
    else:
        limit = max_input_bytes()
        if limit is not None and len(data) > limit:
            raise TranslatorError(f"{source}: larger than the {limit:,}-byte input limit (TRANSLATOR_MAX_INPUT_BYTES)")
        decoded = decode_bytes(data, source, encoding)
    result = pipeline.translate_documents([(segment_text(decoded.text, decoded.name), decoded.encoding)])[0]
    return result, render(result, fmt, notes=notes)


def translate_rich_document(pipeline, source: str, data: bytes | None, fmt: str, notes: bool,
                            encoding: str | None) -> tuple[DocumentResult, bytes]:
    """Translate a .docx, .html, .md or .pdf file with :func:`translator.documents.translate_document`.

    The output is written to a temporary folder in the worker and returned as bytes (the driver
    writes it), so a worker on another machine needs no access to the output folder; a source the
    worker cannot see is written there from ``data`` under its own name.
    """
    import tempfile

    from ..documents import translate_document as translate_file_document

    with tempfile.TemporaryDirectory(prefix="translator-batch-") as tmp:
        path = Path(source)
        if data is not None and not path.is_file():
            path = Path(tmp) / "in" / path.name
            path.parent.mkdir()
            path.write_bytes(data)
        out = Path(tmp) / f"out.{fmt}"
        result = translate_file_document(pipeline, path, out, fmt, encoding=encoding, notes=notes).result
        return result, out.read_bytes()


#: Handlers by lower-case extension. Text is the fallback; the document formats of
#: ``translator.documents`` (.docx, .html, .md, .pdf) go to :func:`translate_rich_document`.
DOCUMENT_HANDLERS: dict[str, Handler] = {".txt": translate_text_document}


def handler_for(source: str) -> Handler:
    """Return the handler for ``source``'s extension (text when it is not a document format)."""
    suffix = Path(source).suffix.lower()
    if suffix in DOCUMENT_HANDLERS:
        return DOCUMENT_HANDLERS[suffix]
    try:
        from ..documents import is_document
    except ImportError:
        return translate_text_document
    return translate_rich_document if is_document(source) else translate_text_document


def default_format(source: str) -> str:
    """Return the output format a document gets by default: its own kind (``.docx`` -> docx), text -> txt."""
    try:
        from ..documents import is_document, output_formats
    except ImportError:
        return "txt"
    return output_formats(source)[0] if is_document(source) else "txt"


@dataclass
class DocumentRecord:
    """What happened to one document (one manifest row).

    Attributes:
        document: The source path.
        output: The output path.
        status: ``translated``, ``skipped`` (done by an earlier run with the same settings) or ``failed``.
        segments: Source segments.
        cached_segments: Segments answered by the segment cache.
        memory_segments: Segments whose English came from the translation memory (exact or number-edited).
        flagged_segments: Segments with at least one flag.
        flags: Flag counts by check, then by severity (``{"numbers": {"error": 2}}``).
        term_adherence: Percentage of approved term uses kept (None: no terms).
        seconds: Time spent on the document in its worker.
        signature: The output's signature (model, backend, glossary, encoding...).
        run_signature: The run's settings key: a re-run skips the document only when this matches.
        source_sha256: Hash of the source bytes (a changed source is translated again).
        error: Why the document failed, if it did.
        worker: ``host:pid`` of the worker that did it.
    """

    document: str
    output: str
    status: str
    segments: int = 0
    cached_segments: int = 0
    memory_segments: int = 0
    flagged_segments: int = 0
    flags: dict[str, dict[str, int]] = field(default_factory=dict)
    term_adherence: float | None = None
    seconds: float = 0.0
    signature: str = ""
    run_signature: str = ""
    source_sha256: str = ""
    error: str | None = None
    worker: str = ""

    @property
    def ok(self) -> bool:
        """Return True unless the document failed."""
        return self.status != "failed"

    def to_dict(self) -> dict:
        """Return the manifest row."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> DocumentRecord:
        """Build a record from a manifest row (unknown keys ignored, for rows of newer versions)."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class DocumentOutcome:
    """A finished document as a worker returns it: the record, and the output to write (None when failed)."""

    record: DocumentRecord
    output: str | bytes | None = None


def flag_table(result: DocumentResult) -> dict[str, dict[str, int]]:
    """Return flag counts by check and severity (severity ``error`` when a flag has none)."""
    table: dict[str, dict[str, int]] = {}
    for seg in result.segments:
        for flag in seg.flags:
            severity = getattr(flag, "severity", "error")
            row = table.setdefault(flag.check, {})
            row[severity] = row.get(severity, 0) + 1
    return dict(sorted(table.items()))


def check_regular(path: str) -> None:
    """Raise unless ``path`` is a regular file (a named pipe may never be written to, a device never ends).

    Raises:
        InputError: A named pipe, device, socket or folder (named), or a file that cannot be looked at.
    """
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: is a named pipe, device or socket, not a document file; a batch reads regular "
                         "files only (translate a pipe with `translator translate`)")


def file_sha256(path: str) -> str:
    """Return the sha256 of a file's bytes (empty string when it cannot be read or is not a regular file: the
    handler says why; a named pipe or device is never opened, so this cannot hang)."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def worker_name() -> str:
    """Return ``host:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def translate_document(pipeline, job: DocumentJob, notes: bool = True, encoding: str | None = None,
                       run_signature: str = "", data: bytes | None = None) -> DocumentOutcome:
    """Translate one document and render its output; never raises for a bad document.

    Args:
        pipeline: The worker's :class:`~translator.pipeline.Pipeline`.
        job: The document, its output path and format.
        notes: txt/md: mark flagged segments and list their flags.
        encoding: Input encoding (None: detected).
        run_signature: The run's settings key, recorded for resuming.
        data: The document's bytes (None: read ``job.source`` here).

    Returns:
        The record, and the rendered output for the caller to write.
    """
    start = time.perf_counter()
    record = DocumentRecord(document=job.source, output=job.output, status="failed", run_signature=run_signature,
                            worker=worker_name())
    try:
        if data is None:
            check_regular(job.source)
        record.source_sha256 = hashlib.sha256(data).hexdigest() if data is not None else file_sha256(job.source)
        result, text = handler_for(job.source)(pipeline, job.source, data, job.fmt, notes, encoding)
    except Exception as exc:  # noqa: BLE001 - one bad document is recorded, never stops the batch
        record.error = str(exc) if isinstance(exc, TranslatorError) else f"{type(exc).__name__}: {exc}"
        record.seconds = round(time.perf_counter() - start, 3)
        return DocumentOutcome(record)
    record.status = "translated"
    record.segments = len(result.segments)
    record.cached_segments = sum(1 for s in result.segments if s.cached)
    record.memory_segments = sum(1 for s in result.segments if s.origin.startswith("memory"))
    record.flagged_segments = result.flagged
    record.flags = flag_table(result)
    record.term_adherence = result.term_adherence()
    record.signature = str(result.signature)
    record.seconds = round(time.perf_counter() - start, 3)
    return DocumentOutcome(record, text)


__all__ = ["DOCUMENT_HANDLERS", "DocumentOutcome", "DocumentRecord", "check_regular", "default_format", "file_sha256",
           "flag_table", "handler_for", "translate_document", "translate_rich_document", "translate_text_document"]
