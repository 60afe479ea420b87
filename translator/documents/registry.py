"""Readers by file extension, with the content checked against the extension."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BackendUnavailableError, InputError, UnknownNameError
from .model import ParsedDocument, Run


def _docx(path: Path, data: bytes) -> ParsedDocument:
    from .docx import read_docx

    return read_docx(path, data)


def _html(path: Path, data: bytes) -> ParsedDocument:
    from .html import read_html

    return read_html(path, data)


def _markdown(path: Path, data: bytes) -> ParsedDocument:
    from .markdown import read_markdown

    return read_markdown(path, data)


def _pdf(path: Path, data: bytes) -> ParsedDocument:
    from .pdf import read_pdf

    return read_pdf(path, data)


#: Extension -> reader(path, bytes) for the document formats.
READERS: dict[str, Callable[[Path, bytes], ParsedDocument]] = {
    ".docx": _docx, ".html": _html, ".htm": _html, ".xhtml": _html, ".md": _markdown, ".markdown": _markdown,
    ".pdf": _pdf,
}
#: Document formats that are text: they share the input size limit of plain text (TRANSLATOR_MAX_INPUT_BYTES).
TEXT_LIKE = (".html", ".htm", ".xhtml", ".md", ".markdown")
#: Extensions read as plain text by :func:`translator.textio.read_text`.
TEXT_EXTENSIONS = (".txt", ".text", "")
#: Extensions refused with a hint (formats we cannot read).
_REFUSED = {".doc": "a legacy Word .doc file; save it as .docx", ".rtf": "an RTF file; save it as .docx",
            ".odt": "an OpenDocument file; save it as .docx", ".wps": "a WPS file; save it as .docx",
            ".pptx": "a PowerPoint file", ".xlsx": "an Excel file", ".xls": "an Excel file",
            ".ppt": "a PowerPoint file"}


#: Python frames a reader may use: documents nest elements (HTML up to the parser's 2,048 levels, Word's
#: content controls), and readers walk them recursively; deeper is refused with a clear error.
RECURSION_LIMIT = 20_000


@contextmanager
def deep_recursion(limit: int = RECURSION_LIMIT) -> Iterator[None]:
    """Raise Python's recursion limit to at least ``limit`` for the block (readers and writers of deep trees)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def is_document(path: str | Path) -> bool:
    """Return True when ``path``'s extension is a document format (not plain text)."""
    suffix = Path(str(path)).suffix.lower()
    return suffix in READERS or suffix in _REFUSED


def open_document(path: str | Path, encoding: str | None = None) -> ParsedDocument:
    """Read a .docx, .html, .md or .pdf file into units ready to translate.

    Args:
        path: The file.
        encoding: The encoding of a Markdown or HTML file (None: detected; .docx and .pdf define their own).

    Raises:
        InputError: Missing, unreadable, wrong-content, encrypted, corrupt or textless file (named in the message).
        UnknownNameError: An extension that is not a document format (the valid ones are listed).
        BackendUnavailableError: The format's library is not installed.
    """
    p = Path(str(path))
    suffix = p.suffix.lower()
    if suffix in _REFUSED:
        raise InputError(f"{p}: cannot translate {_REFUSED[suffix]}")
    reader = READERS.get(suffix)
    if reader is None:
        raise UnknownNameError(f"{p}: unknown document format {suffix or '(no extension)'!r}; valid: "
                               f"{', '.join(sorted(READERS))} (or plain text)")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a document")
    from ..textio import read_bytes

    # text formats get the input size limit of text; a .docx or .pdf may be large with images (0: no limit)
    data = read_bytes(str(p), None if suffix in TEXT_LIKE else 0)
    if encoding and suffix in TEXT_LIKE:  # the readers detect the encoding: hand them the text as UTF-8
        from ..textio import decode_bytes

        data = decode_bytes(data, str(p), encoding).text.encode("utf-8")
    if not data.strip():
        raise InputError(f"{p}: the file is empty")
    try:
        with deep_recursion():
            parsed = reader(p, data)
    except RecursionError as exc:
        raise InputError(f"{p}: elements nested too deeply to read (more than a few thousand levels)") from exc
    except ImportError as exc:
        raise BackendUnavailableError(f"reading {suffix} files needs the documents extra: "
                                      f"pip install -e '.[docs]' in a checkout ({exc.name} is missing)") from exc
    _control_characters(parsed)
    if not parsed.units:
        raise InputError(f"{p}: no text to translate in this document")
    return parsed


#: C0 controls but tab, newline and carriage return: not text, and no XML output (docx, XLIFF, TMX) can carry them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _control_characters(parsed: ParsedDocument) -> None:
    """Refuse control characters in a document's text (``&#1;`` in HTML), naming the unit; a PDF's are dropped.

    In a PDF they are what text extraction made of glyphs without a character (U+0000), never the author's text.
    """
    for n, unit in enumerate(parsed.units, 1):
        found = _CONTROL.search(unit.text)
        if found is None:
            continue
        if parsed.format_name == "pdf":
            unit.runs = [Run(_CONTROL.sub("", r.text), r.style) for r in unit.runs]
            continue
        near = unit.text[max(0, found.start() - 12):found.start()].strip()
        raise InputError(f"{parsed.path}: {unit.kind} {n}{f' (after {near!r})' if near else ''}: control character "
                         f"U+{ord(found.group()):04X}; remove it (it is not text and cannot be written to XML)")
    if parsed.format_name == "pdf":
        parsed.units = [u for u in parsed.units if u.text.strip()]
