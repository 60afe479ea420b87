"""PDF: the text in reading order, rebuilt into paragraphs; the English is written as .docx or .md.

Read with pdfplumber (MIT, on pdfminer.six). Lines are taken top to bottom on
each page (one column; multi-column pages are read line by line across the
columns). Running headers and footers (lines near the top or bottom edge that
repeat on several pages, digits ignored) and page numbers are dropped. Lines
are joined into paragraphs across line *and* page breaks: a new paragraph
starts at a larger vertical gap, an indented first line, a change of font size,
or after a line that ends a sentence well short of the right margin. Joining two Chinese
lines adds no space (a Chinese line break is not a word or sentence break).
Larger type is a heading (the largest on the first page the title); bold fonts
are kept as bold runs. A glyph whose font has no Unicode map (pdfminer's
``(cid:N)``) is read as a space, never as text.

The PDF's layout (pages, columns, fonts, images) is not kept: the English is
written as a .docx (default) or Markdown document that says so at the top. A
PDF without a text layer (a scan) is refused with a clear error.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..results import DocumentResult
from ..textio import write_atomic
from .inline import join_segments
from .model import ParsedDocument, Run, Unit

BOLD = ("bold",)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*\d+\s*[-–—]|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
                          r"(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?|\d+)\s*$", re.IGNORECASE)
_EDGE = 0.1  # share of the page height, top and bottom, where running headers and footers live
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")
_UNMAPPED = re.compile(r"\(cid:\d+\)")
_PARAGRAPH_END = set("。！？!?：:；;…”’」』）)")
NOTE = ("Translated from {name} by translator. The PDF's layout (pages, columns, fonts, images) is not kept: "
        "this is its text, paragraph by paragraph.")


@dataclass
class _Line:
    page: int
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    runs: list[Run]
    page_height: float


def _runs_of(text: str, chars: list[dict]) -> list[Run]:
    """Style the line's text (which has the spaces pdfplumber inferred) from its characters' fonts."""
    runs: list[Run] = []
    k = 0
    style = None
    for ch in text:
        if k < len(chars) and chars[k]["text"] == ch:
            style = BOLD if "bold" in str(chars[k].get("fontname", "")).lower() else None
            k += 1
        if runs and runs[-1].style == style:
            runs[-1] = Run(runs[-1].text + ch, style)
        else:
            runs.append(Run(ch, style))
    return runs


def _joiner(left: str, right: str) -> str:
    if not left or not right:
        return ""
    if _CJK.match(left[-1]) or _CJK.match(right[0]):
        return ""
    if left.endswith("-") and left[-2:-1].isalpha():
        return ""
    return " "


class PdfDocument(ParsedDocument):
    """A PDF's text as paragraphs (its layout is not kept)."""

    format_name = "pdf"
    native_outputs = ("docx", "md")

    def __init__(self, path: Path, data: bytes) -> None:
        super().__init__(path)
        import pdfplumber

        if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
            raise InputError(f"{path}: not a PDF file (no %PDF header)")
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                lines = self._lines(pdf)
                pages = len(pdf.pages)
                encrypted = getattr(pdf.doc, "encryption", None) is not None
        except InputError:
            raise
        except Exception as exc:  # pdfminer raises many unrelated types on damaged or encrypted files
            name = type(exc).__name__
            inner = " ".join(type(a).__name__ for a in exc.args if isinstance(a, BaseException))
            if any(word in f"{name} {inner} {exc}".lower() for word in ("password", "encrypt")):
                raise InputError(f"{path}: the PDF is encrypted; remove the password and try again") from exc
            raise InputError(f"{path}: cannot read the PDF, damaged or not a PDF ({inner or name}: {exc})") from exc
        if not any(line.text.strip() for line in lines) and encrypted:
            raise InputError(f"{path}: the PDF is encrypted (an owner password) and no text could be read from it; "
                             "remove the password (e.g. qpdf --decrypt) and try again")
        if not any(line.text.strip() for line in lines):
            raise InputError(f"{path}: the PDF has no text layer ({pages} page(s) of images, probably scanned); "
                             "run OCR on it first")
        self._build(self._body(lines, pages))

    @staticmethod
    def _lines(pdf) -> list[_Line]:
        out = []
        for number, page in enumerate(pdf.pages, start=1):
            for item in page.extract_text_lines(layout=False, strip=True, return_chars=True):
                chars = [dict(c, text=_UNMAPPED.sub(" ", c["text"])) for c in item.get("chars", []) if c.get("text")]
                text = re.sub(r" {2,}", " ", _UNMAPPED.sub(" ", item["text"])).strip()
                if not text.strip():
                    continue
                sizes = [float(c.get("size", 0)) for c in chars] or [0.0]
                out.append(_Line(number, text, float(item["top"]), float(item["bottom"]), float(item["x0"]),
                                 float(item["x1"]), statistics.median(sizes), _runs_of(text, chars),
                                 float(page.height)))
        return out

    @staticmethod
    def _body(lines: list[_Line], pages: int) -> list[_Line]:
        """Drop page numbers and running headers/footers."""
        def key(line: _Line) -> str:
            return re.sub(r"\d+", "#", line.text.strip())

        def at_edge(line: _Line) -> bool:
            return line.top < line.page_height * _EDGE or line.bottom > line.page_height * (1 - _EDGE)

        repeats: dict[str, set[int]] = {}
        for line in lines:
            if at_edge(line):
                repeats.setdefault(key(line), set()).add(line.page)
        running = {k for k, p in repeats.items() if len(p) >= 2 and len(p) >= pages / 2}
        return [line for line in lines
                if not (at_edge(line) and (key(line) in running or _PAGE_NUMBER.match(line.text)))]

    def _build(self, lines: list[_Line]) -> None:
        if not lines:
            return
        body_size = statistics.median(line.size for line in lines)
        left = min(line.x0 for line in lines)
        right = statistics.median(line.x1 for line in lines)
        gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.bottom]
        gap = statistics.median(gaps) if gaps else body_size * 0.5
        title_done = False
        current: list[_Line] = []
        paragraphs: list[list[_Line]] = []
        for line in lines:
            if current:
                prev = current[-1]
                em = max(prev.size, 1.0)
                new = (abs(line.size - prev.size) > 0.15 * body_size
                       or line.x0 > left + 1.5 * em
                       or (prev.x1 < right - 3 * em and prev.text.rstrip()[-1:] in _PARAGRAPH_END)
                       or (line.page == prev.page and line.top - prev.bottom > gap + max(2.0, 0.3 * em)))
                if new:
                    paragraphs.append(current)
                    current = []
            current.append(line)
        paragraphs.append(current)
        for para in paragraphs:
            runs: list[Run] = []
            for line in para:
                if runs:
                    sep = _joiner(runs[-1].text, line.runs[0].text)
                    if sep:
                        runs.append(Run(sep, runs[-1].style))
                runs.extend(line.runs)
            merged: list[Run] = []
            for run in runs:
                if merged and merged[-1].style == run.style:
                    merged[-1] = Run(merged[-1].text + run.text, run.style)
                else:
                    merged.append(run)
            size = statistics.median(line.size for line in para)
            kind = "paragraph"
            if size > body_size * 1.15 and len(para) <= 3:
                kind = "heading" if title_done or para[0].page > 1 else "title"
                title_done = True
            self.units.append(Unit(kind, merged, para[0].page))

    def describe_style(self, style: Hashable) -> str:
        """Return ``bold`` or ``plain``."""
        return "bold" if style == BOLD else "plain"

    def write(self, result: DocumentResult, english: list[list[list[Run]]], output: Path, fmt: str) -> None:
        """Write the English as .docx or Markdown, opening with a note that the layout is not kept."""
        note = NOTE.format(name=self.path.name)
        units = [(unit.kind, join_segments(runs)) for unit, runs in zip(self.units, english)]
        if fmt == "md":
            from .markdown import _render_run

            out = [f"> {note}", ""]
            for kind, runs in units:
                text = "".join(_render_run(Run(r.text, (("strong",),) if r.style == BOLD else ()), False) for r in runs)
                out.append({"title": "# ", "heading": "## "}.get(kind, "") + text.strip())
                out.append("")
            write_atomic(output, "\n".join(out))
            return
        write_atomic(output, docx_bytes(note, units))


def docx_bytes(note: str | None, units: list[tuple[str, list[Run]]]) -> bytes:
    """Build a simple .docx (python-docx) of (kind, runs) blocks; runs styled ``("bold",)`` are bold."""
    from docx import Document
    from docx.shared import RGBColor

    doc = Document()
    doc.core_properties.language = "en-US"
    if note:
        p = doc.add_paragraph()
        r = p.add_run(note)
        r.italic = True
        r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    for kind, runs in units:
        if kind == "title":
            p = doc.add_heading("", level=0)
        elif kind == "heading":
            p = doc.add_heading("", level=1)
        elif kind == "caption":
            p = doc.add_paragraph(style="Caption")
        else:
            p = doc.add_paragraph()
        for run in runs:
            r = p.add_run(run.text)
            if run.style == BOLD:
                r.bold = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def read_pdf(path: Path, data: bytes) -> PdfDocument:
    """Read a PDF file (``data`` is its content)."""
    return PdfDocument(path, data)
