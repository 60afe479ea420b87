"""Build the sample report as .docx, .html and .pdf from samples/shibei-2023-report.zh.txt.

The structure comes from the text segmenter (title, meta line, photo captions,
byline, numbered headings, paragraphs). Like the printed report, each
paragraph's lead sentence is bold. The .docx has a running header and a footer
with a page-number field; the .pdf (reportlab, its built-in STSong-Light CJK
font, no font file needed) has a running header, page numbers, indented
paragraphs that break across pages.

Usage: python samples/build_documents.py [OUT_DIR]   (default: samples/)
Needs: pip install -e '.[docs]' reportlab
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "shibei-2023-report.zh.txt"
HEADER = "青岛日报 · 市北区2023年工作回顾"
STEM = "shibei-2023-report.zh"


def blocks() -> list[tuple[str, str, str]]:
    """Return (kind, lead sentence, rest) for every block of the sample, markers dropped."""
    sys.path.insert(0, str(HERE.parent))
    from translator.segmentation import segment_text

    doc = segment_text(SOURCE.read_text("utf-8"), SOURCE.name)
    out = []
    for block in doc.blocks:
        segs = [doc.segments[i] for i in block.segment_indices]
        text = doc.text[segs[0].start:segs[-1].end]
        if block.kind == "heading" and block.marker:
            text = f"{block.marker} {text}"
        if block.kind == "paragraph" and len(segs) > 1:
            lead = doc.text[segs[0].start:segs[0].end]
            out.append((block.kind, lead, doc.text[segs[0].end:segs[-1].end]))
        else:
            out.append((block.kind, "", text))
    return out


def build_docx(path: Path) -> None:
    """Write the .docx (python-docx)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.language = "zh-CN"
    section = doc.sections[0]
    section.header.paragraphs[0].text = HEADER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = footer.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    footer.add_run(" 页")
    for kind, lead, rest in blocks():
        if kind == "title":
            doc.add_heading(rest, level=0)
        elif kind == "heading":
            doc.add_heading(rest, level=1)
        elif kind == "caption":
            doc.add_paragraph(rest, style="Caption")
        elif kind in ("meta", "byline"):
            doc.add_paragraph().add_run(rest).italic = True
        else:
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(21)
            if lead:
                p.add_run(lead).bold = True
            p.add_run(rest)
    doc.save(path)


def build_html(path: Path) -> None:
    """Write the .html."""
    body = []
    for kind, lead, rest in blocks():
        esc = html.escape(rest, quote=False)
        if kind == "title":
            body.append(f"<h1>{esc}</h1>")
        elif kind == "heading":
            body.append(f"<h2>{esc}</h2>")
        elif kind == "caption":
            body.append(f'<figure><img src="photo.jpg" alt="{html.escape(rest)}"><figcaption>{esc}</figcaption></figure>')
        elif kind in ("meta", "byline"):
            body.append(f'<p class="{kind}"><em>{esc}</em></p>')
        else:
            strong = f"<strong>{html.escape(lead, quote=False)}</strong>" if lead else ""
            body.append(f"<p>{strong}{esc}</p>")
    page = ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(blocks()[0][2])}</title>\n<style>p {{ text-indent: 2em; }}</style>\n</head>\n<body>\n"
            f"<header>{HEADER}</header>\n" + "\n".join(body) + "\n</body>\n</html>\n")
    path.write_text(page, "utf-8")


def build_pdf(path: Path) -> None:
    """Write the .pdf (reportlab, STSong-Light)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, firstLineIndent=21, wordWrap="CJK")
    plain = ParagraphStyle("plain", parent=body, firstLineIndent=0)
    title = ParagraphStyle("title", parent=plain, fontSize=18, leading=26, spaceAfter=8)
    heading = ParagraphStyle("heading", parent=plain, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4)

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawString(doc.leftMargin, A4[1] - 36, HEADER)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")
        canvas.restoreState()

    story = []
    for kind, lead, rest in blocks():
        text = html.escape(lead + rest, quote=False)
        style = {"title": title, "heading": heading, "meta": plain, "byline": plain, "caption": plain}.get(kind, body)
        story.append(Paragraph(text, style))
        story.append(Spacer(1, 4))
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=72, bottomMargin=72, title=blocks()[0][2],
                            invariant=1)
    doc.build(story, onFirstPage=page, onLaterPages=page)


def main(out_dir: str | None = None) -> None:
    """Build the three documents into ``out_dir`` (default: samples/)."""
    out = Path(out_dir) if out_dir else HERE
    out.mkdir(parents=True, exist_ok=True)
    build_docx(out / f"{STEM}.docx")
    build_html(out / f"{STEM}.html")
    build_pdf(out / f"{STEM}.pdf")
    print(f"wrote {STEM}.docx, .html and .pdf in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
