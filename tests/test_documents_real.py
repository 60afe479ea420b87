"""Defects found by translating real documents nobody here wrote (benchmarks/REAL_DOCUMENTS.md).

Each test rebuilds the construct that failed, in a small document made here (the real files cannot be
committed), and checks the product's promise: every source text translated or flagged, nothing lost.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from translator.documents import translate_document
from translator.pipeline import Pipeline

from .fake_engine import FakeEngine

docx = pytest.importorskip("docx")
GLOSSARY = Path(__file__).resolve().parents[1] / "glossary" / "zh-en.tsv"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def fake():
    """A pipeline on the deterministic fake engine (known English) with the shipped glossary."""
    return Pipeline(engine=FakeEngine(), glossaries=[str(GLOSSARY)], use_cache=False)


# ------------------------------------------------------------------------------------ HTML
def test_html_title_of_an_inline_element_is_translated(tmp_path, fake):
    """News pages put title/alt on the links inside a paragraph; the rebuilt link kept the Chinese title."""
    src = tmp_path / "news.html"
    src.write_text('<html><body><p>全年新增<a href="/x" title="青岛合作">瞪羚企业</a>。</p>'
                   '<p><abbr title="区域经贸">山东</abbr></p></body></html>', "utf-8")
    out = translate_document(fake, src).output.read_text("utf-8")
    assert 'title="Qingdao cooperation"' in out and 'title="regional economic and trade"' in out
    assert 'href="/x"' in out and not CJK.search(out)


def test_html_button_labels_and_textarea_placeholder_are_translated(tmp_path, fake):
    """Search forms: a submit button's label is its value; a textarea's placeholder is shown in the box."""
    src = tmp_path / "form.html"
    src.write_text('<html><body><form><input type="text" name="q" value="青岛">'
                   '<input type="submit" value="山东企业"><input type="button" value="区域经贸">'
                   '<textarea placeholder="青岛合作">青岛</textarea></form></body></html>', "utf-8")
    out = translate_document(fake, src).output.read_text("utf-8")
    assert 'value="Shandong enterprises"' in out and 'value="regional economic and trade"' in out
    assert 'placeholder="Qingdao cooperation"' in out
    assert 'value="青岛"' in out and ">青岛</textarea>" in out  # what the user typed is data, kept
