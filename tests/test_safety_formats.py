"""json and jsonl stream one segment at a time, with the same text as before (issue 12)."""

from __future__ import annotations

import json

import pytest

from translator import Pipeline
from translator.formats import render, render_chunks
from translator.formats.review import to_jsonl
from translator.results import Summary, SummarySentence
from translator.textio import write_atomic

from .fake_engine import FakeEngine

DOC = "标题\n全年新增国家级企业5家。研发投入突破10亿元，同比增长20%。\n\n1 深化合作\n深化区域经贸合作。\n"


@pytest.fixture(scope="module")
def doc():
    return Pipeline(engine=FakeEngine(), use_cache=False, retries=0).translate_text(DOC, name="d.txt")


def test_streamed_json_is_the_document_dict_laid_out_as_before(doc):
    chunks = list(render_chunks(doc, "json"))
    assert len(chunks) > len(doc.segments)  # one chunk per block and segment, never the whole document
    text = "".join(chunks)
    assert text == json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert render(doc, "json") == text
    doc.summary = Summary("extractive", [SummarySentence("s2", "研发投入突破10亿元", "R&D exceeded 1 billion")])
    try:
        assert "".join(render_chunks(doc, "json")) == json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n"
    finally:
        doc.summary = None


def test_streamed_json_of_an_empty_document(doc):
    from dataclasses import replace

    from translator.segmentation.document import Document

    empty = replace(doc, segments=[], document=Document(text=""))
    assert "".join(render_chunks(empty, "json")) == json.dumps(empty.to_dict(), ensure_ascii=False, indent=2) + "\n"


def test_streamed_jsonl_has_one_chunk_per_segment(doc):
    chunks = list(render_chunks(doc, "jsonl"))
    assert len(chunks) == len(doc.segments)
    assert "".join(chunks) == to_jsonl(doc) == render(doc, "jsonl")
    assert [json.loads(c)["id"] for c in chunks] == [s.id for s in doc.segments]


def test_chunks_are_written_atomically(doc, tmp_path):
    out = tmp_path / "d.en.json"
    write_atomic(out, render_chunks(doc, "json"))
    assert json.loads(out.read_text("utf-8"))["segment_count"] == len(doc.segments)

    def failing():
        yield from render_chunks(doc, "json")
        raise RuntimeError("renderer failed half way")

    with pytest.raises(RuntimeError):
        write_atomic(out, failing())
    assert json.loads(out.read_text("utf-8"))["segment_count"] == len(doc.segments)  # old file intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.en.json"]


@pytest.mark.parametrize("fmt", ["xliff", "tmx"])
def test_control_characters_are_refused_not_dropped_in_xml_formats(fmt):
    pytest.importorskip("translate")
    from translator.errors import InputError

    doc = Pipeline(engine=FakeEngine(), use_cache=False, retries=0, use_glossary=False).translate_text(
        "标题\n全年\x00新增企业。\n", name="ctl.txt")
    with pytest.raises(InputError, match=r"ctl.txt:2: segment s2: the source holds U\+0000"):
        render(doc, fmt)
    assert "\\u0000" in render(doc, "json")  # JSON carries it, escaped
