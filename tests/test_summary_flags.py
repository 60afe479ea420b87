"""A summary sentence shows its source id and every flag of the segment it quotes, degenerate included (issue 25)."""

from __future__ import annotations

from translator.formats import render_summary
from translator.formats.text import render
from translator.pipeline import Pipeline

from .fake_engine import FakeEngine

TEXT = "市北区全年新增55家瞪羚企业。深化区域经贸合作。山东企业研发投入突破10亿元。"


def _pipeline() -> Pipeline:
    return Pipeline(engine=FakeEngine(loop=True), use_glossary=False, use_cache=False, retries=0)  # loops: degenerate


def test_quoted_sentences_carry_their_segments_flags(tmp_path):
    pipeline = _pipeline()
    doc = pipeline.translate_text(TEXT)
    by_id = {s.id: s for s in doc.segments}
    src = tmp_path / "r.txt"
    src.write_text(TEXT, "utf-8")
    for summary in (pipeline.summarize(doc, sentences=2), pipeline.summarize(str(src), sentences=2)):
        assert summary.sentences
        for sentence in summary.sentences:
            checks = {f.check for f in sentence.flags}
            assert {f.check for f in by_id[sentence.segment_id].flags} <= checks and "degenerate" in checks
        md = render_summary(summary, "md")
        assert all(f"({s.segment_id})" in md and f"> {s.segment_id}: " in md for s in summary.sentences)
        assert md.count("degenerate: repeated") == len(summary.sentences)


def test_a_translations_summary_lists_ids_and_flags_in_txt_and_md():
    pipeline = _pipeline()
    doc = pipeline.translate_text(TEXT)
    doc.summary = pipeline.summarize(doc, sentences=2)
    for fmt in ("txt", "md"):
        out = render(doc, fmt).split("Summary", 1)[1]
        for s in doc.summary.sentences:
            assert f"({s.segment_id})" in out and f"{s.segment_id}: " in out and "degenerate" in out
