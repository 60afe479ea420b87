"""Bilingual review documents: each source paragraph beside its English, flagged segments highlighted.

Works for any translated document (text or formatted input). ``docx``: a
two-column table, one row per block (paragraph, heading, cell ...); every
flagged segment is highlighted in yellow on both sides and carries a Word
comment with the flag messages. ``html``: the same table, flagged segments in
``<mark>`` with the messages in a note under the English.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from ..errors import UnknownNameError
from ..results import DocumentResult, SegmentResult
from ..textio import write_atomic

FORMATS = ("docx", "html")


def _notes(seg: SegmentResult) -> list[str]:
    notes = [f"[{f.check}] {f.message}" for f in seg.flags]
    notes += [f"[term] {t.source} -> {t.target}: MISSING" for t in seg.terms if not t.satisfied and t.status == "approved"]
    return notes


def _rows(result: DocumentResult) -> list[tuple[str, list[SegmentResult]]]:
    return [(b.kind, [result.segments[i] for i in b.segment_indices]) for b in result.document.blocks]


def to_docx(result: DocumentResult) -> bytes:
    """Return the bilingual review as .docx bytes (python-docx)."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(f"Bilingual review: {Path(result.name).name}", level=1)
    flagged = result.flagged
    doc.add_paragraph(f"{len(result.segments)} segments, {flagged} flagged (highlighted, with the flags as comments). "
                      f"Signature: {result.signature}")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Source (zh)"
    table.rows[0].cells[1].text = "English"
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for kind, segs in _rows(result):
        cells = table.add_row().cells
        for side, cell in enumerate(cells):
            p = cell.paragraphs[0]
            for k, seg in enumerate(segs):
                text = seg.source if side == 0 else (seg.target.strip() or f"[untranslated: {seg.id}]")
                run = p.add_run(("" if k == 0 or side == 0 else " ") + text)
                if kind in ("title", "heading"):
                    run.bold = True
                run.font.size = Pt(10)
                notes = _notes(seg)
                if notes:
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
                    if side == 1:
                        doc.add_comment(run, text=f"{seg.id}: " + "\n".join(notes), author="translator", initials="TR")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_html(result: DocumentResult) -> str:
    """Return the bilingual review as an HTML page."""
    rows = []
    for kind, segs in _rows(result):
        left, right, notes = [], [], []
        for seg in segs:
            seg_notes = _notes(seg)
            src = html.escape(seg.source)
            tgt = html.escape(seg.target.strip() or f"[untranslated: {seg.id}]")
            if seg_notes:
                title = html.escape(" | ".join(seg_notes))
                src = f'<mark title="{title}">{src}</mark>'
                tgt = f'<mark id="{seg.id}" title="{title}">{tgt}</mark>'
                notes += [f"<li>{seg.id}: {html.escape(n)}</li>" for n in seg_notes]
            left.append(src)
            right.append(tgt)
        note = f'<ul class="flags">{"".join(notes)}</ul>' if notes else ""
        tag = "th" if kind in ("title", "heading") else "td"
        rows.append(f'<tr class="{kind}"><{tag} lang="zh">{"".join(left)}</{tag}>'
                    f'<{tag} lang="en">{" ".join(right)}{note}</{tag}></tr>')
    name = html.escape(Path(result.name).name)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>Bilingual review: {name}</title>\n"
            "<style>table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px;"
            "vertical-align:top;text-align:left;width:50%}mark{background:#ff0}.flags{color:#a00;font-size:90%}</style>\n"
            f"</head>\n<body>\n<h1>Bilingual review: {name}</h1>\n"
            f"<p>{len(result.segments)} segments, {result.flagged} flagged (highlighted; the flags are listed under "
            f"the English). Signature: <code>{html.escape(str(result.signature))}</code></p>\n"
            "<table>\n<tr><th>Source (zh)</th><th>English</th></tr>\n" + "\n".join(rows) + "\n</table>\n</body>\n</html>\n")


def write_bilingual(result: DocumentResult, output: str | Path, fmt: str = "docx") -> Path:
    """Write the bilingual review of ``result`` to ``output`` (atomically).

    Raises:
        UnknownNameError: ``fmt`` is not docx or html.
    """
    if fmt == "docx":
        write_atomic(output, to_docx(result))
    elif fmt == "html":
        write_atomic(output, to_html(result))
    else:
        raise UnknownNameError(f"unknown bilingual format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    return Path(str(output))
