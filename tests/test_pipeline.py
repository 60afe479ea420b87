"""The Pipeline API end to end on the tiny model."""

from __future__ import annotations

import json

import pytest

from translator import Pipeline, PipelineSettings
from translator.errors import ModelNotAvailableError, UnknownNameError
from translator.segmentation.long_segments import clause_spans, split_to_budget

SHORT_DOC = "市北:高质量发展\n\n  ■市北区打造多层次创新平台。   修相科 摄\n\n  1\u00a0实施创新驱动发展战略\n\n  全社会研发投入突破10亿元,同比增长28.3%。全年引进人才2.5万余人。\n\n记者:君君\n"


@pytest.fixture
def pipeline(tiny_model):
    return Pipeline(model=str(tiny_model), beams=1, retries=0, use_glossary=False)


def test_every_source_segment_has_one_target(pipeline):
    result = pipeline.translate_text(SHORT_DOC, name="short")
    assert [s.source for s in result.segments] == [s.raw for s in result.document.segments]
    assert len(result.segments) == 7
    for seg in result.segments:
        assert seg.target or seg.flags
        assert SHORT_DOC[seg.start:seg.end] == seg.source
    kinds = [s.kind for s in result.segments]
    assert kinds == ["title", "caption", "caption", "heading", "paragraph", "paragraph", "byline"]


def test_signature_is_stamped(pipeline, tiny_model):
    result = pipeline.translate_text(SHORT_DOC)
    sig = result.signature
    assert sig.model == str(tiny_model) and sig.backend == "transformers" and sig.beams == 1
    assert str(sig).startswith("translator:0.1.0|model:")
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["signature"] == str(sig)
    assert data["segment_count"] == 7


def test_settings_round_trip_through_a_plain_dict(tiny_model):
    settings = PipelineSettings(model=str(tiny_model), beams=1, retries=0, use_glossary=False)
    data = json.loads(json.dumps(settings.to_dict()))
    worker = Pipeline.from_settings(data)
    assert worker.settings == settings
    with pytest.raises(UnknownNameError, match="valid settings"):
        Pipeline.from_settings({"modell": "x"})


def test_translate_batch_shares_one_model(pipeline, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SHORT_DOC, "utf-8")
    b.write_text("标题\n\n第一句。第二句。\n", "gb18030")
    docs = pipeline.translate_batch([a, b])
    assert [len(d.segments) for d in docs] == [7, 3]
    assert docs[1].signature.encoding == "gb18030"


def test_missing_model_is_a_clear_error(tmp_path):
    p = Pipeline(model="Helsinki-NLP/opus-mt-zh-en", use_glossary=False, use_cache=False)
    with pytest.raises(ModelNotAvailableError, match="translator models download Helsinki-NLP/opus-mt-zh-en"):
        p.translate_text("市北区。")
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        Pipeline(model=str(tmp_path / "nope"), use_glossary=False, use_cache=False).translate_text("市北区。")


def test_long_segment_is_split_at_clauses_and_nothing_is_lost(tiny_engine):
    text = "全社会研发投入突破10亿元,同比增长28.3%,有研发活动的规上工业企业占比67.9%,同比增长24.8个百分点,占比及增幅均位居全市第一。" * 3
    pieces = split_to_budget(text, tiny_engine.count_tokens, 40)
    assert "".join(p.text for p in pieces) == text
    assert len(pieces) > 1 and not any(p.window for p in pieces)
    assert all(tiny_engine.count_tokens([p.text])[0] <= 40 for p in pieces)
    assert all("28.3%" in p.text or "28.3" not in p.text for p in pieces)


def test_clause_split_keeps_thousands_separators():
    assert clause_spans("共25,000人,增长") == ["共25,000人,", "增长"]


def test_unpunctuated_run_is_windowed_and_flagged(tiny_model):
    p = Pipeline(model=str(tiny_model), beams=1, retries=0, use_glossary=False, max_input_tokens=24, use_cache=False)
    text = "标题\n" + "市北区打造多层次创新平台" * 8
    result = p.translate_text(text)
    seg = result.segments[1]
    assert seg.pieces > 1
    assert any(f.check == "split_window" for f in seg.flags)


def test_unreachable_hub_fails_fast_with_the_offline_hint(monkeypatch, tmp_path):
    """Not offline, not cached, and the hub does not answer: a clear error at once, not minutes of retries."""
    import time

    from translator.errors import ModelNotAvailableError

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty Hugging Face cache
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # the discard port: nothing listens there
    start = time.perf_counter()
    with pytest.raises(ModelNotAvailableError) as err:
        Pipeline(model="Helsinki-NLP/opus-mt-zh-en", backend="transformers", use_glossary=False,
                 use_cache=False).translate_text("市北区。")
    assert time.perf_counter() - start < 60  # transformers alone retries for minutes
    assert "HF_HUB_OFFLINE=1" in str(err.value) and "cannot be reached" in str(err.value)


def test_progress_advances_per_finished_batch_and_adds_up(tiny_model):
    """One chunk of 64 segments in batches of 4: the bar moves 16 times, not once, and ends at the total."""
    texts = [f"第{n}季度营业收入增长{n}%。" for n in range(64)]
    calls = []
    p = Pipeline(model=str(tiny_model), beams=1, retries=0, use_glossary=False, use_cache=False, batch_size=4,
                 max_length_ratio=0.2, max_length_extra=1)
    p.translate_texts(texts, lambda n, total: calls.append((n, total)))
    moves = [n for n, _ in calls if n]
    assert len(moves) >= 16 and all(total == 64 for _, total in calls)
    assert abs(sum(moves) - 64) < 1e-9


def test_saved_count_is_whole_segments_when_a_long_segment_goes_in_pieces(tmp_path):
    """A segment translated piece by piece is one saved segment, not one per piece (Ctrl-C's figure)."""
    from .fake_engine import FakeEngine

    from translator.segmentation.long_segments import LONG_SEGMENT_CHARS

    clause = "全社会研发投入突破10亿元,同比增长28.3%,"
    long = clause * (LONG_SEGMENT_CHARS // len(clause) + 2) + "山东。"  # one sentence, clauses only
    p = Pipeline(engine=FakeEngine(), use_glossary=False, cache_path=str(tmp_path / "c.sqlite3"), max_input_tokens=64)
    result = p.translate_text("标题\n\n" + long + "\n\n山东合作。\n")
    assert len(result.segments) == 3 and result.segments[1].pieces > 1
    assert p.saved_segments == 3
    again = Pipeline(engine=FakeEngine(), use_glossary=False, cache_path=str(tmp_path / "c.sqlite3"), max_input_tokens=64)
    again.translate_text("标题\n\n" + long + "\n\n山东合作。\n")
    assert again.saved_segments == 3
