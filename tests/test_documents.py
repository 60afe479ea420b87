"""Documents: .docx, .html, Markdown and .pdf in, the same kind of document out in English.

Documents are built by the tests (python-docx, HTML/Markdown strings, reportlab). Formatting and
structure are tested with the deterministic fake engine (known English); the committed sample
documents are translated end to end with the tiny model; LibreOffice must open every .docx written.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from translator.documents import FileResult, Run, open_document, translate_document
from translator.documents.inline import english_units
from translator.documents.model import ParsedDocument, Unit
from translator.errors import InputError
from translator.pipeline import Pipeline
from translator.segmentation import segment_blocks

from .fake_engine import FakeEngine

docx = pytest.importorskip("docx")
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GLOSSARY = ROOT / "glossary" / "zh-en.tsv"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def fake():
    """A pipeline on the deterministic fake engine (known English) with the shipped glossary."""
    return Pipeline(engine=FakeEngine(), glossaries=[str(GLOSSARY)], use_cache=False)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _hyperlink(paragraph, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def build_docx(path: Path) -> Path:
    """A Word file with a three-run sentence (bold number), a coloured term, a link, a table, an image,
    a header and a footer with a page field."""
    from docx.shared import Inches, RGBColor

    image = path.parent / "px.png"
    image.write_bytes(_png())
    d = docx.Document()
    d.add_heading("市北区", level=1)
    p = d.add_paragraph("全年新增")
    p.add_run("55").bold = True
    p.add_run("家瞪羚企业。")
    p = d.add_paragraph("位于")
    r = p.add_run("市北区")
    r.italic = True
    r.font.color.rgb = RGBColor(0xFF, 0, 0)
    p.add_run("的企业深化合作。")
    p = d.add_paragraph("全年")
    p.add_run("新增").underline = True
    p.add_run("企业。")
    p = d.add_paragraph("深化")
    _hyperlink(p, "瞪羚企业", "https://example.com/gazelle")
    p.add_run("合作。")
    table = d.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["山东企业", "青岛合作", "区域经贸", "国家级企业"]):
        cell.text = text
    d.add_picture(str(image), width=Inches(1))
    section = d.sections[0]
    section.header.paragraphs[0].text = "青岛合作"
    footer = section.footer.paragraphs[0]
    footer.add_run("山东企业 ")
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind in ("begin", "instr", "end"):
        run = footer.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    d.save(path)
    return path


def _paragraph_runs(path: Path) -> list[list[tuple[str, bool | None, bool | None]]]:
    d = docx.Document(str(path))
    return [[(r.text, r.bold, r.italic) for r in p.runs] for p in d.paragraphs]


# ------------------------------------------------------------------- segmentation of blocks
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["title", "heading", "paragraph", "caption", "meta"]),
                          st.text(alphabet="市北区企业。！？;, ab1\n", min_size=1, max_size=30)
                          .filter(lambda t: t.strip())), min_size=1, max_size=6))
def test_segment_blocks_rebuilds_and_points_into_the_text(blocks):
    doc = segment_blocks(blocks, "x")
    assert doc.rebuild() == doc.text == "\n".join(t for _, t in blocks)
    assert len(doc.blocks) == len(blocks)
    for seg in doc.segments:
        assert doc.text[seg.start:seg.end] == seg.raw and seg.raw.strip()
        assert seg.kind == blocks[seg.line - 1][0]


def test_one_block_kind_per_structure_and_sentences_split():
    doc = segment_blocks([("title", "报告"), ("paragraph", "第一句。第二句！"), ("caption", "图为园区。")])
    assert [(s.kind, s.raw, s.line) for s in doc.segments] == [
        ("title", "报告", 1), ("paragraph", "第一句。", 2), ("paragraph", "第二句！", 2), ("caption", "图为园区。", 3)]


# ---------------------------------------------------------------- inline formatting (property)
class _Plain(ParsedDocument):
    format_name = "test"


@settings(max_examples=80, deadline=None)
@given(st.permutations(["alpha", "beta", "gamma", "delta", "42", "7.5%"]).flatmap(
    lambda words: st.lists(st.sampled_from([None, "b", "i"]), min_size=len(words), max_size=len(words))
    .map(lambda styles: list(zip(words, styles)))))
def test_formatting_is_placed_exactly_when_the_english_keeps_the_words(words):
    """An identity translation (the Latin words copied) gets every word back with its own formatting."""
    from translator.results import DocumentResult, SegmentResult, Signature

    runs: list[Run] = []
    for k, (word, style) in enumerate(words):
        text = ("" if k == 0 else " ") + word
        if runs and runs[-1].style == style:
            runs[-1] = Run(runs[-1].text + text, style)
        else:
            runs.append(Run(text, style))
    parsed = _Plain(Path("t"), [Unit("paragraph", runs)])
    seg = parsed.document.segments[0]
    result = DocumentResult("t", parsed.document, [SegmentResult(seg.id, 0, 0, "paragraph", seg.raw, seg.text,
                                                                 seg.start, seg.end, 1)], Signature("0", "m", "b", 1))
    out = english_units(parsed, result)[0][0]
    assert "".join(r.text for r in out) == seg.text
    assert not result.segments[0].flags
    assert [(w, r.style) for r in out for w in r.text.split()] == words


# ----------------------------------------------------------------------------------- Word
def test_docx_sentence_over_three_runs_is_one_segment_and_keeps_its_bold(tmp_path, fake):
    src = build_docx(tmp_path / "report.docx")
    parsed = open_document(src)
    assert "全年新增55家瞪羚企业。" in [s.raw for s in parsed.document.segments]
    result = translate_document(fake, src)
    assert isinstance(result, FileResult) and result.output == tmp_path / "report.en.docx"
    paragraphs = _paragraph_runs(result.output)
    bold = [(text, b) for runs in paragraphs for text, b, _ in runs if b]
    assert ("55", True) in bold
    assert "this year added 55 gazelle enterprise" in ["".join(t for t, _, _ in runs) for runs in paragraphs]


def test_docx_glossary_term_keeps_its_formatting_and_unplaceable_span_is_flagged(tmp_path, fake):
    result = translate_document(fake, build_docx(tmp_path / "report.docx"))
    runs = [r for runs in _paragraph_runs(result.output) for r in runs]
    assert ("Shibei District", None, True) in runs  # italic (and red) on the term's approved English
    d = docx.Document(str(result.output))
    red = [r.text for p in d.paragraphs for r in p.runs if r.font.color is not None and r.font.color.rgb is not None]
    assert red == ["Shibei District"]
    lost = [s for s in result.result.segments if any(f.check == "formatting_lost" for f in s.flags)]
    assert [s.source for s in lost] == ["全年新增企业。"]
    assert "新增" in lost[0].flags[-1].message and "underline" in lost[0].flags[-1].message
    assert "this year added enterprises" in [p.text for p in d.paragraphs]  # translated all the same


def test_docx_link_text_translated_and_link_kept(tmp_path, fake):
    result = translate_document(fake, build_docx(tmp_path / "report.docx"))
    xml = zipfile.ZipFile(result.output).read("word/document.xml").decode()
    link = re.search(r"<w:hyperlink [^>]*>(.*?)</w:hyperlink>", xml)
    assert link and re.sub(r"<[^>]+>", "", link.group(1)) == "gazelle enterprise"
    rels = zipfile.ZipFile(result.output).read("word/_rels/document.xml.rels").decode()
    assert "https://example.com/gazelle" in rels


def test_docx_tables_headers_footers_translated_images_and_other_parts_identical(tmp_path, fake):
    src = build_docx(tmp_path / "report.docx")
    out = translate_document(fake, src).output
    d = docx.Document(str(out))
    cells = [c.text for c in d.tables[0]._cells]
    assert cells == ["Shandong enterprises", "Qingdao cooperation", "regional economic and trade",
                     "national-level enterprises"]
    assert d.sections[0].header.paragraphs[0].text == "Qingdao cooperation"
    assert d.sections[0].footer.paragraphs[0].text.startswith("Shandong enterprises")
    before, after = zipfile.ZipFile(src), zipfile.ZipFile(out)
    # flagged segments get Word comments (a new part, linked), the language becomes English (styles, settings,
    # properties); every other part is copied byte for byte
    assert [n for n in after.namelist() if n not in before.namelist()] in ([], ["word/comments.xml"])
    assert after.namelist()[:len(before.namelist())] == before.namelist()
    translated = {n for n in before.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)}
    changed = {"word/styles.xml", "word/settings.xml", "docProps/core.xml", "[Content_Types].xml",
               "word/_rels/document.xml.rels"}
    for name in before.namelist():
        if name not in translated | changed:
            assert before.read(name) == after.read(name), name
    assert any(n.startswith("word/media/") for n in before.namelist())
    xml = after.read("word/document.xml").decode()
    assert "<w:drawing>" in xml and 'r:embed="' in xml  # the image is still placed
    footer = next(after.read(n).decode() for n in translated if "footer" in n)
    assert footer.count("w:fldCharType") == 2 and " PAGE " in footer  # the page field is intact
    assert not CJK.search(re.sub(r"<[^>]+>", "", xml))


def test_docx_anchor_inside_a_sentence_goes_after_its_english(tmp_path, fake):
    d = docx.Document()
    p = d.add_paragraph("山东")
    img = tmp_path / "px.png"
    img.write_bytes(_png())
    p.add_run().add_picture(str(img))
    p.add_run("企业。青岛合作。")
    d.save(tmp_path / "a.docx")
    out = translate_document(fake, tmp_path / "a.docx").output
    body = zipfile.ZipFile(out).read("word/document.xml").decode()
    para = re.search(r"<w:p>.*?</w:p>", body, re.S).group(0)
    text_before_image = re.sub(r"<[^>]+>", "", para.split("<w:drawing>")[0])
    assert text_before_image == "Shandong enterprises"


# ----------------------------------------------------------------------------------- HTML
PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>市北区</title>
<style>p::before { content: "青岛"; }</style><script>var s = "山东企业";</script></head>
<body>
<h1 title="区域经贸">市北区</h1>
<p>全年新增<b>55</b>家<a href="https://example.com/x">瞪羚企业</a>。</p>
<p>运行<code>pip install x</code>命令。<img src="a.png" alt="青岛合作"></p>
<ul><li>青岛合作</li><li>山东企业</li></ul>
<table><tr><td>山东企业</td><th>青岛</th></tr></table>
<pre>青岛 code</pre>
<p translate="no">青岛不翻译</p>
<input placeholder="山东企业">
</body></html>
"""


def test_html_keeps_markup_translates_text_and_visible_attributes(tmp_path, fake):
    src = tmp_path / "page.html"
    src.write_text(PAGE, "utf-8")
    fr = translate_document(fake, src)
    out = fr.output.read_text("utf-8")
    assert fr.output == tmp_path / "page.en.html"
    assert '<html lang="en">' in out and "<title>Shibei District</title>" in out
    assert "<b>55</b>" in out and '<a href="https://example.com/x">gazelle enterprise</a>' in out
    assert "<code>pip install x</code>" in out
    assert 'alt="Qingdao cooperation"' in out and 'placeholder="Shandong enterprises"' in out
    assert 'title="regional economic and trade"' in out
    assert "<li>Qingdao cooperation</li>" in out and "<td>Shandong enterprises</td>" in out
    for kept in ('var s = "山东企业";', 'content: "青岛";', "<pre>青岛 code</pre>", '<p translate="no">青岛不翻译</p>'):
        assert kept in out


def test_html_in_gbk_is_written_as_utf8(tmp_path, fake):
    src = tmp_path / "gbk.htm"
    src.write_bytes(PAGE.replace('charset="utf-8"', 'charset="gbk"').encode("gbk"))
    out = translate_document(fake, src).output.read_text("utf-8")
    assert '<meta charset="utf-8">' in out and "Shibei District" in out


# ------------------------------------------------------------------------------- Markdown
MARKDOWN = """# 市北区

> 全年新增**55**家[瞪羚企业](https://example.com/x "t")。

运行`pip install x`命令。![图](a.png)

| 山东 | 青岛 | |
|---|---|---|
| 山东企业 | *青岛* | |

- 青岛合作
  山东企业
1. 区域经贸

```
青岛代码
```
"""


def test_markdown_keeps_structure_links_and_code(tmp_path, fake):
    src = tmp_path / "notes.md"
    src.write_text(MARKDOWN, "utf-8")
    out = translate_document(fake, src).output.read_text("utf-8")
    assert out.splitlines()[-1].startswith("*Machine translation, check before use: `")  # the closing notice
    assert out.splitlines()[:-4] == [
        "# Shibei District", "",
        '> this year added **55** [gazelle enterprise](https://example.com/x "t")', "",
        "`pip install x` ![图](a.png)", "",
        "| Shandong | Qingdao |  |", "|---|---|---|", "| Shandong enterprises | *Qingdao* |  |", "",
        "- Qingdao cooperation Shandong enterprises", "1. regional economic and trade", "",
        "```", "青岛代码", "```"]


# ------------------------------------------------------------------------------------ PDF
def _pdf(path: Path, pages: list[list[tuple[float, str]]], header: str | None = "青岛日报", size: float = 12) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(400, 600), invariant=1)
    for number, lines in enumerate(pages, start=1):
        if header:
            c.setFont("STSong-Light", 9)
            c.drawString(40, 580, header)
            c.drawString(195, 15, str(number))
        for x_top, text in lines:
            x, top = (x_top if isinstance(x_top, tuple) else (40, x_top))
            c.setFont("STSong-Light", size)
            c.drawString(x, 600 - top, text)
        c.showPage()
    c.save()
    return path


def test_pdf_paragraph_broken_across_lines_and_pages_is_rejoined(tmp_path, fake):
    full = "全年新增五十五家瞪羚企业研发投入突破十亿元"  # 22 characters, cut at both breaks
    pdf = _pdf(tmp_path / "r.pdf", [
        [((64, 80), "市北区报告。"), ((64, 110), full[:11]), ((40, 126), full[11:19])],
        [((40, 100), full[19:] + "。"), ((64, 130), "山东企业。")],
    ])
    parsed = open_document(pdf)
    texts = [u.text for u in parsed.units]
    assert texts == ["市北区报告。", full + "。", "山东企业。"]  # no header, no page numbers, no spaces
    fr = translate_document(fake, pdf)
    assert fr.output == tmp_path / "r.en.docx" and not fr.layout_kept
    paras = [p.text for p in docx.Document(str(fr.output)).paragraphs]
    assert "layout" in paras[0] and paras[-2] == "Shandong enterprises"
    assert paras[-1].startswith("Machine translation, check before use: ")
    md = translate_document(fake, pdf, fmt="md").output.read_text("utf-8")
    assert md.startswith("> Translated from r.pdf") and "Shandong enterprises" in md


def test_pdf_without_text_layer_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(InputError, match=r"scan\.pdf: the PDF has no text layer"):
        open_document(tmp_path / "scan.pdf")


def test_encrypted_pdf_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "locked.pdf"), encrypt="secret")
    c.drawString(100, 100, "hello")
    c.showPage()
    c.save()
    with pytest.raises(InputError, match=r"locked\.pdf: the PDF is encrypted"):
        open_document(tmp_path / "locked.pdf")


# -------------------------------------------------------------------------------- bad files
@pytest.mark.parametrize("name, content, message", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "legacy Word .doc"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "OLE2"),
    ("text.docx", "这不是Word文件。".encode(), "not a zip package"),
    ("broken.docx", b"PK\x03\x04" + b"\0" * 100, "corrupt .docx"),
    ("fake.pdf", b"<html>not a pdf</html>", "not a PDF"),
    ("cut.pdf", b"%PDF-1.4\n1 0 obj\n<<", "cannot read the PDF"),
    ("zip.html", b"PK\x03\x04" + b"\0" * 100, "not an HTML file"),
    ("plain.html", "只有文字。".encode(), "does not look like HTML"),
    ("empty.md", b"", "empty"),
])
def test_bad_files_raise_input_errors_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(name)) as info:
        open_document(path)
    assert message in str(info.value)


def test_output_never_overwrites_the_input(tmp_path, fake):
    src = tmp_path / "page.html"
    src.write_text(PAGE, "utf-8")
    with pytest.raises(InputError, match="would overwrite the input"):
        translate_document(fake, src, output=src)
    assert src.read_text("utf-8") == PAGE


def test_zip_that_is_not_a_word_document(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", "<x/>")
    (tmp_path / "odt.docx").write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="odt.docx: not a Word document"):
        open_document(tmp_path / "odt.docx")


# ----------------------------------------------------------------- bilingual review output
def test_bilingual_review_highlights_flagged_segments(tmp_path, fake):
    src = build_docx(tmp_path / "report.docx")
    fr = translate_document(fake, src, bilingual=True)
    assert fr.output == tmp_path / "report.zh-en.docx"
    d = docx.Document(str(fr.output))
    rows = [[c.text for c in row.cells] for row in d.tables[0].rows]
    assert ["全年新增55家瞪羚企业。", "this year added 55 gazelle enterprise"] in rows
    comments = zipfile.ZipFile(fr.output).read("word/comments.xml").decode()
    assert "formatting_lost" in comments
    page = translate_document(fake, src, bilingual=True, fmt="html").output.read_text("utf-8")
    assert "<mark" in page and "formatting_lost" in page


# ------------------------------------------------------------ samples end to end (tiny model)
@pytest.fixture(scope="session")
def sample_outputs(tiny_model, tmp_path_factory):
    """Translate the three sample documents (and their bilingual review) with the tiny model, sharing a cache."""
    out = tmp_path_factory.mktemp("sample-docs")
    pipeline = Pipeline(model=str(tiny_model), beams=1, retries=0, use_glossary=False,
                        cache_path=str(out / "cache.sqlite"), max_length_ratio=0.2, max_length_extra=2)
    results = {}
    for ext in ("docx", "html", "pdf"):
        src = out / f"report.zh.{ext}"
        shutil.copy(SAMPLES / f"shibei-2023-report.zh.{ext}", src)
        results[ext] = translate_document(pipeline, src, output=out / f"report-{ext}.en.{'html' if ext == 'html' else 'docx'}")
    results["bilingual"] = translate_document(pipeline, out / "report.zh.docx", bilingual=True)
    results["pdf-md"] = translate_document(pipeline, out / "report.zh.pdf", fmt="md")
    return results


@pytest.mark.parametrize("kind", ["docx", "html", "pdf", "bilingual", "pdf-md"])
def test_sample_documents_translate_end_to_end(sample_outputs, kind):
    fr = sample_outputs[kind]
    assert fr.output.is_file() and fr.output.stat().st_size > 1000
    segments = fr.result.segments
    assert len(segments) > 200
    assert all(s.target.strip() or s.flags for s in segments)
    if kind == "docx":
        d = docx.Document(str(fr.output))
        source = docx.Document(str(SAMPLES / "shibei-2023-report.zh.docx"))
        n = len(source.paragraphs)  # then the notes of headers/footers (no comments there) and the closing notice
        numbered = [p.text for p in d.paragraphs[n + 1:-1]]
        assert d.paragraphs[-1].text.startswith("Machine translation, check before use")
        assert [p.style.name for p in d.paragraphs[:n]] == [p.style.name for p in source.paragraphs]
        assert len(list(d.comments)) + len(numbered) == fr.result.flagged > 200  # the tiny model: all flagged
        assert not any(CJK.search(p.text) for p in d.paragraphs[:n])  # (notes quote the Chinese they flag)


def test_libreoffice_opens_every_docx_we_write(sample_outputs, tmp_path, fake):
    """Convert every kind of .docx we write to PDF with LibreOffice, in one call; any failure fails."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is needed (Debian package libreoffice-writer)")
        pytest.skip("LibreOffice (soffice) is not installed")
    written = [sample_outputs[k].output for k in ("docx", "pdf", "bilingual")]
    written.append(translate_document(fake, build_docx(tmp_path / "built.docx")).output)
    for i, path in enumerate(written):
        shutil.copy(path, tmp_path / f"doc{i}.docx")
    files = [str(tmp_path / f"doc{i}.docx") for i in range(len(written))]
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *files],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert "Error" not in proc.stdout + proc.stderr.replace("javaldx", ""), proc.stdout + proc.stderr
    import pdfplumber

    for i in range(len(files)):
        pdf = tmp_path / "pdf" / f"doc{i}.pdf"
        assert pdf.is_file() and pdf.stat().st_size > 500, f"LibreOffice did not convert {written[i]}"
    with pdfplumber.open(tmp_path / "pdf" / f"doc{len(files) - 1}.pdf") as pdf:
        assert "this year added 55 gazelle enterprise" in pdf.pages[0].extract_text()


# ------------------------------------------------------------------------------------- CLI
def _cli(*args):
    from click.testing import CliRunner

    from translator.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


CLI_BASE = ("--beams", "1", "--retries", "0", "--no-glossary", "--max-input-tokens", "16")


def test_cli_translates_a_docx_into_a_docx_and_a_bilingual_review(tmp_path, tiny_model):
    src = build_docx(tmp_path / "report.docx")
    r = _cli("translate", src, "--model", tiny_model, *CLI_BASE)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "report.en.docx").is_file() and "report.en.docx" in r.output
    assert len(docx.Document(str(tmp_path / "report.en.docx")).tables[0]._cells) == 4
    r = _cli("translate", src, "--bilingual", "--model", tiny_model, *CLI_BASE, "-q")
    assert r.exit_code == 0 and (tmp_path / "report.zh-en.docx").is_file()
    r = _cli("translate", src, "--format", "json", "-o", "-", "--model", tiny_model, *CLI_BASE, "-q")
    assert r.exit_code == 0 and '"segment_count"' in r.output


def test_cli_pdf_says_the_layout_is_not_kept(tmp_path, tiny_model):
    pdf = _pdf(tmp_path / "r.pdf", [[((64, 80), "市北区报告。")]])
    r = _cli("translate", pdf, "--format", "md", "--model", tiny_model, *CLI_BASE)
    assert r.exit_code == 0 and "layout is not kept" in r.output and (tmp_path / "r.en.md").is_file()


@pytest.mark.parametrize("name, content", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
    ("text.docx", "这不是Word文件。".encode()),
    ("broken.docx", b"PK\x03\x04" + b"\0" * 100),
    ("fake.pdf", b"<html>not a pdf</html>"),
])
def test_cli_bad_document_exits_2_naming_the_file(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    r = _cli("translate", tmp_path / name, "--model", tmp_path / "no-model")
    assert r.exit_code == 2 and name in r.output
    assert not list(tmp_path.glob("*.en.*"))


def test_docx_footnotes_translated_and_reference_kept(tmp_path, fake):
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    d = docx.Document()
    p = d.add_paragraph("山东企业")
    p._p.append(parse_xml('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                          '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'))
    p.add_run("。")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {ns}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
             '<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> 区域经贸合作。</w:t></w:r></w:p></w:footnote>'
             '</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                notes.encode(), d.part.package)
    d.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    d.save(tmp_path / "notes.docx")
    fr = translate_document(fake, tmp_path / "notes.docx")
    z = zipfile.ZipFile(fr.output)
    footnotes = z.read("word/footnotes.xml").decode()
    assert "regional economic and trade cooperation" in footnotes and "<w:footnoteRef/>" in footnotes
    body = z.read("word/document.xml").decode()
    para = re.search(r"<w:body><w:p>(.*?)</w:p>", body, re.S).group(1)
    assert re.sub(r"<[^>]*>?", "", para.split("<w:footnoteReference")[0]) == "Shandong enterprises"
    assert 'w:footnoteReference w:id="1"' in para


def test_pipeline_translate_file_reads_every_format_and_says_where_it_wrote(tmp_path, fake):
    """The Python API: one call per file, any format; nothing written unless asked, then the path is returned."""
    samples = Path(__file__).resolve().parents[1] / "samples"
    text = fake.translate_file(samples / "shibei-2023-report.zh.txt")
    for suffix in ("docx", "html", "pdf"):
        src = samples / f"shibei-2023-report.zh.{suffix}"
        result = fake.translate_file(src)
        assert result.output is None and len(result.segments) > 100
        out = tmp_path / f"report.en.{'docx' if suffix == 'pdf' else suffix}"
        written = fake.translate_file(src, output=out)
        assert written.output == str(out) and out.stat().st_size > 0
        assert [s.target for s in written.segments] == [s.target for s in result.segments]
    batch = fake.translate_batch([samples / "shibei-2023-report.zh.txt", samples / "shibei-2023-report.zh.docx"])
    assert [s.target for s in batch[0].segments] == [s.target for s in text.segments]
    assert batch[1].name.endswith(".docx") and batch[1].segments
