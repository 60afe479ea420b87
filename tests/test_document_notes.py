"""A translated document tells its reader what to check and that it is machine output (issue 25).

Word: a comment anchored on each flagged sentence of the body (a number and a notes list where Word has no
comments: headers, footers); HTML: a marked span with a numbered link and a notes list; Markdown: numbered
markers and notes, as the md output. Every document closes with "Machine translation, check before use" and
the signature, and declares English. ``--no-notes`` leaves the flags out, never the notice.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from translator.documents import translate_document
from translator.formats.text import CHECK_BEFORE_USE
from translator.pipeline import Pipeline

from .fake_engine import FakeEngine

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
UNKNOWN = "天气很好。"  # the fake engine knows none of these words: an empty translation, flagged `empty`


@pytest.fixture
def fake():
    return Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False)


def _word(path: Path, language: str = "zh-CN") -> Path:
    d = docx.Document()
    d.core_properties.language = language
    d.add_paragraph("全年新增55家企业。" + UNKNOWN)
    d.add_paragraph("深化合作。")
    d.sections[0].header.paragraphs[0].text = "山东企业。" + UNKNOWN
    d.save(path)
    return path


def _comment_anchors(path: Path) -> dict[str, str]:
    """Comment id -> the document text between its range start and end."""
    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    out, open_ids = {}, []
    for el in root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t"):
        if el.tag == f"{W}commentRangeStart":
            open_ids.append(el.get(f"{W}id"))
            out[el.get(f"{W}id")] = ""
        elif el.tag == f"{W}commentRangeEnd":
            open_ids.remove(el.get(f"{W}id"))
        else:
            for cid in open_ids:
                out[cid] += el.text or ""
    return out


def test_word_comment_on_each_flagged_sentence_numbered_notes_elsewhere_and_a_closing_notice(tmp_path, fake):
    fr = translate_document(fake, _word(tmp_path / "r.docx"))
    d = docx.Document(str(fr.output))  # python-docx reads the comments we add
    comments = list(d.comments)
    assert len(comments) == 1 and comments[0].text.startswith("s2: empty:") and comments[0].author == "translator"
    assert _comment_anchors(fr.output) == {str(comments[0].comment_id): UNKNOWN}
    header = d.sections[0].header.paragraphs[0].text
    assert header.endswith(" [1]")  # Word has no comments in headers: a number, listed at the end
    texts = [p.text for p in d.paragraphs]
    assert texts[:2] == ["this year added 55 enterprises " + UNKNOWN, "deepen cooperation"]
    assert texts[-3].startswith("Flagged segments") and re.match(r"\[1\] s\d+: empty: ", texts[-2])
    assert texts[-1].startswith(CHECK_BEFORE_USE + str(fr.result.signature)) and "1 flagged segment: see the comments" in texts[-1]
    package = zipfile.ZipFile(fr.output)
    assert "<dc:language>en-US</dc:language>" in package.read("docProps/core.xml").decode()
    styles = package.read("word/styles.xml").decode()
    assert not re.search(r'w:lang w:val="zh', styles) and 'w:val="en-US"' in styles


def test_word_no_notes_keeps_only_the_closing_notice(tmp_path, fake):
    fr = translate_document(fake, _word(tmp_path / "r.docx"), notes=False)
    d = docx.Document(str(fr.output))
    assert not list(d.comments) and "word/comments.xml" not in zipfile.ZipFile(fr.output).namelist()
    assert not d.sections[0].header.paragraphs[0].text.endswith("]")
    assert [p.text for p in d.paragraphs][-1] == CHECK_BEFORE_USE + str(fr.result.signature)


def test_word_comments_are_added_to_the_documents_own(tmp_path, fake):
    src = tmp_path / "c.docx"
    d = docx.Document()
    p = d.add_paragraph(UNKNOWN)
    d.add_comment(p.runs, text="原有批注", author="editor")
    d.save(src)
    fr = translate_document(fake, src)
    comments = list(docx.Document(str(fr.output)).comments)
    assert [c.author for c in comments] == ["editor", "translator"]
    assert len({c.comment_id for c in comments}) == 2


def test_html_marks_flagged_sentences_lists_notes_and_declares_english(tmp_path, fake):
    src = tmp_path / "p.html"
    src.write_text(f'<html lang="zh-CN"><head><title>{UNKNOWN}</title></head><body><p lang="zh">全年新增55家企业。'
                   f'{UNKNOWN}</p></body></html>', "utf-8")
    page = translate_document(fake, src).output.read_text("utf-8")
    assert '<html lang="en">' in page and 'lang="zh' not in page
    marks = re.findall(r'<mark class="mt-flag" id="mt-ref-(\d+)" title="([^"]*)">([^<]*)</mark>'
                       r'<sup class="mt-note-ref"><a href="#mt-note-\1">\[\1\]</a></sup>', page)
    assert [(n, text) for n, _title, text in marks] == [("2", UNKNOWN)]  # the <title> (1) has no markup: listed
    notes = re.findall(r'<li id="mt-note-(\d+)" value="\d+">([^<]*)</li>', page)
    assert [n for n, _ in notes] == ["1", "2"] and all(": empty: " in text for _, text in notes)
    assert page.index("mt-note-2") > page.index("mt-ref-2")
    assert f"<em>{CHECK_BEFORE_USE}{fr_sig(page)}</em>" in page
    bare = translate_document(fake, src, output=tmp_path / "bare.html", notes=False).output.read_text("utf-8")
    assert "<mark" not in bare and "mt-note-1" not in bare and CHECK_BEFORE_USE in bare


def fr_sig(page: str) -> str:
    return re.search(r"check before use: ([^<]*)</em>", page).group(1)


def test_markdown_numbers_flagged_sentences_as_the_md_output_does(tmp_path, fake):
    src = tmp_path / "n.md"
    src.write_text(f"# 深化合作\n\n全年新增55家企业。{UNKNOWN}\n\n| 企业 | 合作 |\n|---|---|\n| {UNKNOWN} | 山东 |\n", "utf-8")
    fr = translate_document(fake, src)
    text = fr.output.read_text("utf-8")
    assert f"this year added 55 enterprises {UNKNOWN} [1]" in text and f"| {UNKNOWN} [2] | Shandong |" in text
    assert re.search(r"> \[1\] s\d+: empty: .*\n> \[2\] s\d+: empty: ", text)
    assert text.rstrip().endswith(f"*{CHECK_BEFORE_USE}`{fr.result.signature}`*")
    bare = translate_document(fake, src, output=tmp_path / "bare.md", notes=False).output.read_text("utf-8")
    assert "[1]" not in bare and CHECK_BEFORE_USE in bare


def test_cli_document_flags_and_no_notes(tmp_path, tiny_model):
    from click.testing import CliRunner

    from translator.cli import cli

    src = _word(tmp_path / "r.docx")
    base = ["translate", str(src), "--model", str(tiny_model), "--beams", "1", "--retries", "0", "--no-glossary",
            "--no-cache", "--quiet"]
    run = CliRunner().invoke(cli, base, catch_exceptions=False)
    assert run.exit_code == 0, run.output
    assert list(docx.Document(str(tmp_path / "r.en.docx")).comments)  # the random-weight model's output is flagged
    run = CliRunner().invoke(cli, [*base, "--no-notes", "--force"], catch_exceptions=False)
    assert run.exit_code == 0, run.output
    d = docx.Document(str(tmp_path / "r.en.docx"))
    assert not list(d.comments) and d.paragraphs[-1].text.startswith(CHECK_BEFORE_USE)


def test_libreoffice_reads_the_comments_and_the_closing_notice(tmp_path, fake):
    """LibreOffice (as a reviewer opens the file) sees one annotation per comment, on the flagged sentence."""
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is needed (Debian package libreoffice-writer)")
        pytest.skip("LibreOffice (soffice) is not installed")
    fr = translate_document(fake, _word(tmp_path / "r.docx"))
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                           "--convert-to", "odt", "--outdir", str(tmp_path / "odt"), str(fr.output)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    content = zipfile.ZipFile(tmp_path / "odt" / "r.en.odt").read("content.xml").decode()
    annotations = re.findall(r"<office:annotation\b.*?</office:annotation>", content, re.S)
    assert len(annotations) == 1 and "s2: empty:" in annotations[0]
    assert re.search(r"</office:annotation>(?:<[^>]+>)*" + re.escape(UNKNOWN) + r"(?:<[^>]+>)*<office:annotation-end",
                     content)  # the annotation spans exactly the flagged sentence
    assert CHECK_BEFORE_USE in content
