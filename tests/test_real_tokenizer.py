"""The project on opus-mt-zh-en's real tokenizer files (models/opus-mt-zh-en-tokenizer/, CC-BY 4.0).

Until these files shipped, every test and benchmark model used sentencepiece
models trained on the sample: their token counts, ``<unk>``s and placeholder
behaviour were not the real model's. These tests pin the real ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator import Pipeline
from translator.engines.marian_tokenizer import MarianSpmTokenizer
from translator.engines.target_vocabulary import target_side_tokens
from translator.engines.tokenizer_engine import tokenizer_accepts
from translator.glossary.protection import placeholder_candidates
from translator.models.tiny import REAL_TOKENIZER_DIR, build_model
from translator.segmentation.segmenter import segment_text

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "samples" / "shibei-2023-report.en.ref.txt"
# A sample sentence whose county name holds a character (洮) outside the source sentencepiece model.
LINTAO = "全年销售临洮县、西和县、成武县等协作地农特产品695万余元。"


@pytest.fixture(scope="session")
def real_tok() -> MarianSpmTokenizer:
    """The project's torch-free tokenizer on the real files."""
    return MarianSpmTokenizer(REAL_TOKENIZER_DIR)


@pytest.fixture(scope="session")
def real_tokenizer_model(tmp_path_factory) -> Path:
    """A tiny random-weight MarianMT on the real tokenizer files (a few MB)."""
    return build_model(tmp_path_factory.mktemp("models") / "tiny-real", shape="tiny-real-tokenizer")


@pytest.fixture(scope="session")
def real_engine(real_tokenizer_model):
    from translator.engines.transformers_engine import TransformersEngine

    return TransformersEngine(str(real_tokenizer_model))


def sample_segments(sample_text: str) -> list[str]:
    return [s.text for s in segment_text(sample_text).segments]


def test_ids_identical_to_transformers_marian_tokenizer(real_tok, sample_text):
    from transformers import MarianTokenizer

    hf = MarianTokenizer(source_spm=str(REAL_TOKENIZER_DIR / "source.spm"),
                         target_spm=str(REAL_TOKENIZER_DIR / "target.spm"),
                         vocab=str(REAL_TOKENIZER_DIR / "vocab.json"))
    source = sample_segments(sample_text)
    target = [line.strip() for line in REFERENCE.read_text("utf-8").splitlines() if line.strip()]
    assert len(source) > 200 and len(target) > 50
    assert real_tok(source)["input_ids"] == hf(source)["input_ids"]
    assert real_tok(text_target=target)["input_ids"] == hf(text_target=target)["input_ids"]
    ids = real_tok(text_target=target)["input_ids"]
    assert [real_tok.decode(i) for i in ids[:50]] == [hf.decode(i, skip_special_tokens=True) for i in ids[:50]]


def test_sample_token_counts_are_the_real_models(real_tok, sample_text):
    segments = sample_segments(sample_text)
    ids = real_tok(segments)["input_ids"]
    chars_per_token = sum(map(len, segments)) / sum(len(i) - 1 for i in ids)
    # the padded sample-trained models gave about 1.45 characters per token; the real one gives about 1.4
    assert 1.3 < chars_per_token < 1.5
    assert max(map(len, ids)) <= real_tok.model_max_length


def test_target_side_vocabulary_has_31997_ids(real_tok):
    tokens = target_side_tokens(real_tok)
    assert len(real_tok.encoder) == 65001
    assert len(tokens) == 31997  # 32,000 target pieces, less the 2 missing from vocab.json and <unk>/</s> overlap
    assert "</s>" in tokens and "<unk>" in tokens and "<pad>" not in tokens
    assert {"▁Economics", "operationalizing"}.isdisjoint(tokens)  # target pieces vocab.json lacks


def test_placeholder_codes_are_checked_on_the_real_target_side(real_tok, real_engine):
    # The docstring's example code 'XQA' is refused: its target piece 'XQ' is missing from vocab.json.
    assert real_tok(text_target="XQA", add_special_tokens=False)["input_ids"].count(real_tok.unk_token_id) == 1
    assert not real_engine.accepts_verbatim("XQA") and not tokenizer_accepts(real_tok, "XQA")
    codes = placeholder_candidates(real_engine.accepts_verbatim)
    assert codes == placeholder_candidates(lambda s: tokenizer_accepts(real_tok, s))
    assert len(codes) == 26 and "XQA" not in codes
    for code in codes:
        for ids in (real_tok(code, add_special_tokens=False)["input_ids"],
                    real_tok(text_target=code, add_special_tokens=False)["input_ids"]):
            assert real_tok.unk_token_id not in ids
        assert real_tok.decode(real_tok(text_target=code)["input_ids"]) == code


def test_38_source_pieces_encode_to_unk(real_tok):
    spm = real_tok.spm_source
    missing = [spm.id_to_piece(i) for i in range(spm.get_piece_size())
               if not (spm.is_control(i) or spm.is_unknown(i) or spm.is_unused(i))
               and spm.id_to_piece(i) not in real_tok.encoder]
    assert len(missing) == 38 and "▁报告" in missing
    assert all(real_tok.convert_tokens_to_ids(p) == real_tok.unk_token_id for p in missing)
    # They are rarely produced: sentencepiece prefers '▁' + '报告' at a word start, and the single
    # characters come inside longer pieces (隧道, 租赁, 舆论), so words holding them keep their ids ...
    for text in ("报告显示,经济增长。", "修建海底隧道。", "融资租赁", "舆论监督"):
        assert real_tok.unk_token_id not in real_tok(text)["input_ids"], text
    # ... and when sentencepiece does produce one (湘潭, 岚皋: place names), the model is given the
    # shorter pieces it has (source_pieces) instead of <unk>; what stays <unk> is a character the
    # source model lacks altogether (洮 in 临洮县, 俟).
    assert real_tok.spm_source.encode("在湘潭市", out_type=str) == ["▁在", "湘潭", "市"] and "湘潭" not in real_tok.encoder
    assert real_tok.tokenize("在湘潭市") == ["▁在", "湘", "潭", "市"]
    assert real_tok.unk_token_id not in real_tok("在湘潭市")["input_ids"]
    assert real_tok.unk_token_id in real_tok("俟")["input_ids"]
    assert real_tok.tokenize(LINTAO).count("<unk>") == 1 and "洮" not in real_tok.encoder


def _recording(engine, monkeypatch) -> list[str]:
    """Record every text the engine is given (for this test only)."""
    seen: list[str] = []
    translate_batch = engine._translate_batch

    def record(texts, *args, **kwargs):
        seen.extend(texts)
        return translate_batch(texts, *args, **kwargs)

    monkeypatch.setattr(engine, "_translate_batch", record)
    return seen


def test_glossary_placeholder_keeps_unknown_characters_away_from_the_model(real_engine, real_tok, monkeypatch):
    """临洮县 holds 洮, which the real source model cannot encode: the approved term reaches the model as a code."""
    assert real_tok.unk_token_id in real_tok(LINTAO)["input_ids"]
    seen = _recording(real_engine, monkeypatch)
    seg = Pipeline(engine=real_engine, use_cache=False, retries=0, beams=1).translate_segments([LINTAO])[0]
    assert seen and all(real_tok.unk_token_id not in real_tok(t)["input_ids"] for t in seen)
    assert "洮" not in "".join(seen)
    lintao = [t for t in seg.terms if t.source == "临洮县"]
    assert lintao and lintao[0].strategy == "placeholder" and lintao[0].target == "Lintao County"
    assert seg.target  # translated (random weights: gibberish, and the term is flagged if the code is lost)
    assert seg.target.strip() and "<unk>" not in seg.target
    assert "unknown_source" not in {f.check for f in seg.flags}  # the model never saw 洮: nothing was lost


def test_unknown_characters_outside_the_glossary_reach_the_model_as_unk(real_engine, real_tok, monkeypatch):
    """Without a glossary entry a character the model lacks is lost to it: the segment is still translated,
    in place, and flagged ``unknown_source`` naming the character, so a reviewer knows where to look."""
    text = "临洮新增企业24家。"
    assert real_tok.unk_token_id in real_tok(text)["input_ids"]
    seen = _recording(real_engine, monkeypatch)
    doc = Pipeline(engine=real_engine, use_cache=False, retries=0, beams=1).translate_text("标题\n" + text)
    assert text in seen
    assert [s.source for s in doc.segments] == ["标题", text]
    assert all(s.target and "<unk>" not in s.target for s in doc.segments)
    lost = [f for f in doc.segments[1].flags if f.check == "unknown_source"]
    assert len(lost) == 1 and lost[0].details["characters"] == ["洮"]
    assert not any(f.check == "unknown_source" for f in doc.segments[0].flags)


def test_a_piece_missing_from_the_vocabulary_reaches_the_model_as_known_pieces(real_engine, real_tok):
    """湘潭 is a source sentencepiece piece that vocab.json lacks (one of the 38): both backends give the model
    湘 + 潭, which it has, instead of <unk>, and nothing is flagged as lost."""
    from translator.engines.ctranslate2_engine import CTranslate2Engine  # noqa: F401 - both share encode_source
    from translator.engines.marian_tokenizer import encode_source

    text = "湘潭市新增企业24家。"
    hf = real_engine.tokenizer  # transformers' MarianTokenizer
    assert hf.unk_token_id in hf(text)["input_ids"]  # what transformers alone would give the model
    ours = encode_source(hf, [text])[0]
    assert ours == real_tok(text)["input_ids"] and real_tok.unk_token_id not in ours
    assert real_tok.convert_ids_to_tokens(ours)[:3] == ["▁", "湘", "潭"]
    assert real_engine.unknown_source_chars(text) == []
    seg = Pipeline(engine=real_engine, use_cache=False, retries=0, beams=1).translate_segments([text])[0]
    assert seg.target and "unknown_source" not in {f.check for f in seg.flags}


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="湘潭岚皋报告洮俟隧道市北区发展了。, A1\u00a0", max_size=30))
def test_source_pieces_keep_the_text_and_lose_only_unknown_characters(real_tok, text):
    """Splitting a vocabulary-less piece keeps its text: the pieces join to what sentencepiece produced, and
    <unk> stands only where a piece holds a character the model lacks (洮, 俟, a lone 隧)."""
    from translator.engines.marian_tokenizer import source_pieces

    pieces, lost = source_pieces(real_tok.spm_source, real_tok.encoder, text)
    raw = real_tok.spm_source.encode(text, out_type="proto").pieces
    assert all(p in real_tok.encoder or p == "<unk>" for p in pieces)
    if "<unk>" not in pieces:
        assert "".join(pieces) == "".join(p.piece for p in raw) and lost == []
    assert set(lost) <= set(text) and (not lost or any(c not in real_tok.encoder for c in lost))
    assert ("<unk>" in pieces) == bool(lost)
    assert "湘" not in lost and "潭" not in lost  # 湘潭 is always given as 湘 + 潭


def test_real_tokenizer_shapes_ship_the_published_files_unchanged(real_tokenizer_model):
    import json

    for name in ("source.spm", "target.spm", "vocab.json"):
        assert (real_tokenizer_model / name).read_bytes() == (REAL_TOKENIZER_DIR / name).read_bytes(), name
    config = json.loads((real_tokenizer_model / "config.json").read_text("utf-8"))
    assert (config["vocab_size"], config["pad_token_id"], config["eos_token_id"]) == (65001, 65000, 0)
    assert "CC-BY 4.0" in (real_tokenizer_model / "README.md").read_text("utf-8")


def test_missing_tokenizer_folder_is_a_clear_error_and_creates_nothing(tmp_path):
    from translator.errors import ModelNotAvailableError

    with pytest.raises(ModelNotAvailableError, match="source.spm, target.spm, vocab.json"):
        build_model(tmp_path / "model", shape="opus-mt-zh-en", tokenizer_dir=tmp_path / "nowhere")
    assert not (tmp_path / "model").exists()


def test_unknown_source_names_only_the_authors_characters(tiny_model):
    """English the inject strategy writes into the source is ours: letters the tiny source model cannot read
    are never reported as the source's unknown characters."""
    doc = Pipeline(model=str(tiny_model), backend="transformers", use_cache=False, retries=2, beams=1,
                   max_length_ratio=0.3, max_length_extra=1).translate_text("标题\n市北区推进高质量发展。")
    for seg in doc.segments:
        for flag in seg.flags:
            if flag.check == "unknown_source":
                assert all(c in seg.source for c in flag.details["characters"]), flag.message
