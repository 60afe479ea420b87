"""Output restricted to the target-side vocabulary of Marian models, on both backends."""

from __future__ import annotations

import re
import shutil

import pytest

from translator import Pipeline
from translator.engines.base import DecodeSettings
from translator.engines.marian_tokenizer import MarianSpmTokenizer
from translator.engines.target_vocabulary import always_allowed_vmap, target_side_ids, target_side_tokens
from translator.engines.transformers_engine import TransformersEngine

CJK = re.compile(r"[\u3400-\u9fff]")
TEXTS = ["全社会研发投入突破10亿元。", "市北区新增专精特新企业24家", "深入实施RCEP,推动外贸发展。"]


def target_pieces(model_dir) -> set[str]:
    import sentencepiece as spm

    proc = spm.SentencePieceProcessor(model_file=str(model_dir / "target.spm"))
    return {proc.id_to_piece(i) for i in range(proc.get_piece_size()) if not proc.is_control(i)}


def test_target_side_tokens_are_exactly_the_target_models_pieces(tiny_model):
    tok = MarianSpmTokenizer(tiny_model)
    tokens = target_side_tokens(tok)
    assert set(tokens) == (target_pieces(tiny_model) | {"</s>"}) & set(tok.encoder)
    assert "<pad>" not in tokens and "</s>" in tokens and "<unk>" in tokens
    assert len(tokens) < len(tok.encoder)
    source_only = [p for p in tok.encoder if CJK.search(p) and p not in tokens]
    assert source_only, "the joint vocabulary holds Chinese pieces the target model never produces"
    assert target_side_ids(tok) == [tok.encoder[t] for t in tokens] == sorted(target_side_ids(tok))


def test_no_restriction_without_a_separate_target_model(tiny_model, tmp_path):
    shared = tmp_path / "shared"
    shutil.copytree(tiny_model, shared)
    shutil.copy(shared / "source.spm", shared / "target.spm")  # one sentencepiece model for both sides
    assert target_side_tokens(MarianSpmTokenizer(shared)) is None
    assert target_side_tokens(object()) is None  # e.g. an NLLB tokenizer: no spm_target


def test_vmap_line_rejects_pieces_with_whitespace():
    assert always_allowed_vmap(["▁a", "b"]) == "\t▁a b\n"
    with pytest.raises(ValueError, match="whitespace"):
        always_allowed_vmap(["a b"])


@pytest.mark.parametrize("restricted", [True, False])
def test_transformers_backend_outputs_only_target_pieces(tiny_model, restricted):
    engine = TransformersEngine(str(tiny_model), target_vocab_only=restricted)
    outs = engine.translate(TEXTS, DecodeSettings(beams=2, max_length_extra=5))
    chinese = [o.text for o in outs if CJK.search(o.text)]
    # The random model spreads its choices over the whole joint vocabulary, Chinese pieces included,
    # unless the output is restricted.
    assert (not chinese) if restricted else chinese
    assert engine.info.extra.get("output_vocab") == (len(target_side_tokens(engine.tokenizer)) if restricted else None)


@pytest.mark.parametrize("restricted", [True, False])
def test_ctranslate2_backend_outputs_only_target_pieces(tiny_model, tmp_path, restricted):
    pytest.importorskip("ctranslate2")
    from translator.engines.ctranslate2_engine import CTranslate2Engine, convert_model

    copy = tmp_path / "tiny"
    shutil.copytree(tiny_model, copy)
    convert_model(str(copy))
    (copy / "ctranslate2" / "vmap.txt").write_text("\t</s>\n", "utf-8")  # a shortlist on disk must not be used
    engine = CTranslate2Engine(str(copy), target_vocab_only=restricted)
    outs = engine.translate(TEXTS, DecodeSettings(beams=2, max_length_extra=5))
    assert all(o.text for o in outs)
    chinese = [o.text for o in outs if CJK.search(o.text)]
    assert (not chinese) if restricted else chinese
    assert engine.info.extra["output_vocab"] == (len(target_side_tokens(engine.tokenizer)) if restricted else None)


def test_full_vocabulary_is_stamped_and_keyed_apart(tiny_model, tmp_path):
    default = Pipeline(model=str(tiny_model), backend="transformers", cache_path=str(tmp_path / "c.sqlite3"))
    full = Pipeline(model=str(tiny_model), backend="transformers", target_vocab_only=False,
                    cache_path=str(tmp_path / "c.sqlite3"))
    assert "vocab:full" in str(full.signature()) and "vocab:full" not in str(default.signature())
    doc = default.translate_text("市北区")
    again = full.translate_text("市北区")
    assert not again.segments[0].cached and doc.segments[0].target != again.segments[0].target


def test_separate_id_tables_are_left_alone(tiny_model, tmp_path):
    from translator.engines.marian_tokenizer import is_marian_dir

    tok = MarianSpmTokenizer(tiny_model)
    tok.separate_vocabs = True  # as transformers' MarianTokenizer says for models with target_vocab.json
    assert target_side_tokens(tok) is None
    copy = tmp_path / "separate"
    shutil.copytree(tiny_model, copy)
    assert is_marian_dir(copy)
    shutil.copy(copy / "vocab.json", copy / "target_vocab.json")
    assert not is_marian_dir(copy)  # the torch-free tokenizer knows one joint table only
