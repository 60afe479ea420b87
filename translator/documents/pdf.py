"""PDF: the text in reading order, rebuilt into paragraphs; the English is written as .docx or .md.

Read with pdfplumber (MIT, on pdfminer.six). Lines are taken top to bottom on
each page (one column; multi-column pages are read line by line across the
columns); characters whose boxes overlap vertically are one line (a word in
another font sitting a little lower stays in its sentence). Ruled tables
(pdfplumber's table finder) are read cell by cell, each cell a unit, and
written back as tables. Running headers and footers (lines near the top or bottom edge that
repeat on several pages, digits ignored) and page numbers are dropped. Lines
are joined into paragraphs across line *and* page breaks: a new paragraph
starts at a larger vertical gap, an indented first line (against that page's own
margin), a change of font size (unless the line before is full and ends no
sentence),
or after a line that ends a sentence well short of the right margin. Joining two Chinese
lines adds no space (a Chinese line break is not a word or sentence break).
Larger type than the body (the size of most of the text) is a heading, unless it
ends a sentence (the largest on the first page the title); bold fonts
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
from .notes import Note, closing_notice, document_notes

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
    cell: tuple[int, int, int] | None = None  # (table number, row, column) for the text of a table cell


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


def _high(values: list[float]) -> float:
    """The 90th percentile: where full lines end (the right margin), whatever the short ones."""
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]


def _find_tables(page) -> list:
    """The page's ruled tables (pdfplumber's line-based detection); none when detection fails."""
    try:
        return [t for t in page.find_tables() if len(t.rows) > 1 and max(len(r.cells) for r in t.rows) > 1]
    except Exception:  # a damaged drawing: read the page as text
        return []


def _line(page_number: int, item: dict, page) -> _Line | None:
    """A text line from pdfplumber (its characters' fonts give the runs), or None when blank."""
    chars = [dict(c, text=_UNMAPPED.sub(" ", c["text"])) for c in item.get("chars", []) if c.get("text")]
    text = re.sub(r" {2,}", " ", _UNMAPPED.sub(" ", item["text"])).strip()
    if not text:
        return None
    sizes = [float(c.get("size", 0)) for c in chars] or [0.0]
    return _Line(page_number, text, float(item["top"]), float(item["bottom"]), float(item["x0"]), float(item["x1"]),
                 statistics.median(sizes), _runs_of(text, chars), float(page.height))


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
        out: list[_Line] = []
        tables = 0
        for number, page in enumerate(pdf.pages, start=1):
            sizes = [float(c.get("size", 0)) for c in page.chars if c.get("text", "").strip()]
            # characters whose boxes overlap vertically are one line: a word in another font that sits a
            # little lower (inline code in a monospace face) stays in its sentence
            tolerance = max(3.0, 0.45 * statistics.median(sizes)) if sizes else 3.0
            cells: list[tuple[tuple[float, float, float, float], tuple[int, int, int]]] = []
            for table in _find_tables(page):
                tables += 1
                for r, row in enumerate(table.rows):
                    for k, box in enumerate(row.cells):
                        if box is not None:
                            cells.append((box, (tables, r, k)))
            boxes = [box for box, _ in cells]

            def outside(obj, boxes=boxes) -> bool:
                cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

            body = page.filter(outside) if boxes else page
            page_lines = [line for item in body.extract_text_lines(layout=False, strip=True, return_chars=True,
                                                                   y_tolerance=tolerance)
                          if (line := _line(number, item, page)) is not None]
            for box, where in cells:  # a table is read cell by cell, never across
                crop = page.crop(box, strict=False)
                parts = [line for item in crop.extract_text_lines(layout=False, strip=True, return_chars=True,
                                                                  y_tolerance=tolerance)
                         if (line := _line(number, item, page)) is not None]
                if not parts:
                    continue
                runs: list[Run] = []
                for line in parts:
                    if runs and (sep := _joiner(runs[-1].text, line.runs[0].text)):
                        runs.append(Run(sep, runs[-1].style))
                    runs += line.runs
                first = parts[0]
                page_lines.append(_Line(number, "".join(r.text for r in runs), box[1], box[3], box[0], box[2],
                                        first.size, runs, float(page.height), where))
            page_lines.sort(key=lambda line: (line.top, line.x0))
            out += page_lines
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
        # the body size is the size of most of the text (a median of lines is pulled by many short small ones)
        weight: dict[float, int] = {}
        for line in lines:
            weight[round(line.size * 2) / 2] = weight.get(round(line.size * 2) / 2, 0) + len(line.text)
        body_size = max(weight, key=lambda size: weight[size])
        text_lines = [line for line in lines if line.cell is None]
        # margins page by page (a page of another layout must not make every line an indented first line)
        left = {page: min(line.x0 for line in text_lines if line.page == page) for page in {l.page for l in text_lines}}
        right = {page: _high([line.x1 for line in text_lines if line.page == page]) for page in left}
        gaps = [b.top - a.bottom for a, b in zip(text_lines, text_lines[1:]) if a.page == b.page and b.top > a.bottom]
        gap = statistics.median(gaps) if gaps else body_size * 0.5
        title_done = False
        current: list[_Line] = []
        paragraphs: list[list[_Line]] = []
        for line in lines:
            if current:
                prev = current[-1]
                em = max(prev.size, 1.0)
                # a full line that ends no sentence goes on in the next one, whatever that line's font or size
                continues = (prev.x1 >= right[prev.page] - 1.5 * em and prev.text.rstrip()[-1:] not in _PARAGRAPH_END
                             and not (line.page == prev.page and line.top - prev.bottom > 2 * gap + em))
                new = (line.cell is not None or prev.cell is not None) or not continues and (
                       abs(line.size - prev.size) > 0.15 * body_size
                       or line.x0 > left[line.page] + 1.5 * em
                       or (prev.x1 < right[prev.page] - 3 * em and prev.text.rstrip()[-1:] in _PARAGRAPH_END)
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
            text = "".join(r.text for r in merged).strip()
            if para[0].cell is not None:
                self.units.append(Unit(kind, merged, para[0].cell))
                continue
            if size > body_size * 1.15 and len(para) <= 3 and text[-1:] not in "。！？；":  # a sentence is no heading
                kind = "heading" if title_done or para[0].page > 1 else "title"
                title_done = True
            self.units.append(Unit(kind, merged, para[0].page))

    def describe_style(self, style: Hashable) -> str:
        """Return ``bold`` or ``plain``."""
        return "bold" if style == BOLD else "plain"

    def write(self, result: DocumentResult, english: list[list[list[Run]]], output: Path, fmt: str,
              notes: bool = True) -> None:
        """Write the English as .docx or Markdown, opening with a note that the layout is not kept.

        Flagged segments carry a Word comment (.docx) or a numbered note (.md, as the md output); the
        document closes with "Machine translation, check before use" and the signature.
        """
        note = NOTE.format(name=self.path.name)
        flagged = document_notes(result, notes)
        blocks = self.document.blocks
        # (kind, [(a segment's runs, its note or None)], (table, row, column) for a table cell or None)
        units = [(unit.kind, [(seg_runs, flagged.get(i)) for seg_runs, i in zip(runs, blocks[k].segment_indices)],
                  unit.handle if isinstance(unit.handle, tuple) else None)
                 for k, (unit, runs) in enumerate(zip(self.units, english))]
        if fmt == "md":
            from .markdown import _render_run, notes_markdown

            out = [f"> {note}", ""]
            for kind, segments, cell in units:
                text = " ".join("".join(_render_run(Run(r.text, (("strong",),) if r.style == BOLD else ()), cell is not None)
                                        for r in join_segments([runs])).strip() + (n.marker if n else "")
                                for runs, n in segments).strip()
                if cell is not None:  # a table: one Markdown row per table row
                    table, row, _column = cell
                    previous = out[-2] if len(out) > 1 else ""
                    if previous.startswith(f"<!-- table {table} row {row} -->"):
                        out[-2] = previous + " " + text + " |"
                        continue
                    out.append(f"<!-- table {table} row {row} --> | {text} |")
                else:
                    out.append({"title": "# ", "heading": "## "}.get(kind, "") + text)
                out.append("")
            body = "\n".join(_markdown_tables(out)).rstrip("\n")
            write_atomic(output, body + "\n\n" + notes_markdown(result, flagged))
            return
        write_atomic(output, docx_bytes(note, units, closing_notice(result)))


def _markdown_tables(lines: list[str]) -> list[str]:
    """Turn the rows marked ``<!-- table N row R -->`` into Markdown tables (a header rule after the first row)."""
    out: list[str] = []
    marker = re.compile(r"^<!-- table (\d+) row (\d+) --> ")
    previous = None
    for line in lines:
        m = marker.match(line)
        if m:
            row = line[m.end():]
            if previous != m.group(1):
                if out and out[-1]:
                    out.append("")
                out += [row, "|" + " --- |" * max(1, row.count(" |"))]
            else:
                out.append(row)
            previous = m.group(1)
        elif not line and previous is not None:
            continue  # between two rows of a table
        else:
            if previous is not None:  # the table ends before the next block
                out.append("")
                previous = None
            out.append(line)
    return out


def docx_bytes(note: str | None, units: list[tuple], closing: str | None = None) -> bytes:
    """Build a simple .docx (python-docx) of (kind, segments, cell) blocks; runs styled ``("bold",)`` are bold.

    Each segment is (its runs, its note or None); a note becomes a Word comment on the segment's runs.
    A block whose cell is a (table, row, column) triple is a table cell; cells of one table make a table.
    ``closing`` is an italic last paragraph (the machine-translation notice).
    """
    from docx import Document
    from docx.shared import RGBColor

    doc = Document()
    doc.core_properties.language = "en-US"
    if note:
        p = doc.add_paragraph()
        r = p.add_run(note)
        r.italic = True
        r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    commented = 0
    tables: dict[int, object] = {}
    for kind, segments, cell in units:
        if cell is not None:
            number, row, column = cell
            if number not in tables:
                shape = [c[1:] for _kind, _segments, c in units if c and c[0] == number]
                tables[number] = doc.add_table(rows=max(r for r, _ in shape) + 1, cols=max(c for _, c in shape) + 1)
                tables[number].style = "Table Grid"
            p = tables[number].cell(row, column).paragraphs[0]
        elif kind == "title":
            p = doc.add_heading("", level=0)
        elif kind == "heading":
            p = doc.add_heading("", level=1)
        elif kind == "caption":
            p = doc.add_paragraph(style="Caption")
        else:
            p = doc.add_paragraph()
        for k, (runs, seg_note) in enumerate(segments):
            added = []
            for j, run in enumerate(join_segments([runs])):
                added.append(p.add_run((" " if k and not j else "") + run.text))
                if run.style == BOLD:
                    added[-1].bold = True
            if seg_note is not None and added:
                doc.add_comment(added, text=seg_note.text, author="translator", initials="MT")
                commented += 1
    if closing:
        if commented:
            closing += f" ({commented} flagged segment{'s' if commented != 1 else ''}: see the comments)"
        doc.add_paragraph().add_run(closing).italic = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def read_pdf(path: Path, data: bytes) -> PdfDocument:
    """Read a PDF file (``data`` is its content)."""
    return PdfDocument(path, data)
