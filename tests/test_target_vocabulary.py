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


@pytest.fixture(scope="module")
def trained_tiny(tiny_model, tmp_path_factory):
    from .trained_model import train_copy

    return train_copy(tiny_model, tmp_path_factory.mktemp("trained") / "tiny")


def non_target_mass(model_dir, pairs) -> float:
    """Mean probability the model gives the non-target ids, teacher-forced on ``pairs``."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    enc = tok([s for s, _ in pairs], text_target=[t for _, t in pairs], return_tensors="pt", padding=True)
    with torch.no_grad():
        probs = model(**enc).logits.softmax(-1)
    other = torch.ones(probs.shape[-1], dtype=torch.bool)
    other[target_side_ids(tok)] = False
    return probs[..., other].sum(-1)[enc["labels"] != tok.pad_token_id].mean().item()


def test_a_trained_model_learns_to_leave_the_source_only_ids_alone(tiny_model, trained_tiny):
    """The premise of the restriction: labels are target pieces, so training drives the other ids' mass to ~0."""
    from .trained_model import TRAIN_LINES, aligned_pairs

    held_out = aligned_pairs()[TRAIN_LINES:]
    untrained, trained = non_target_mass(tiny_model, held_out), non_target_mass(trained_tiny, held_out)
    assert untrained > 0.3  # random weights: about the share of non-target ids
    assert trained < 0.05 and trained < untrained / 10  # after 150 steps on 200 lines (a real model trains for days)


def test_a_trained_model_gives_the_same_output_with_and_without_the_restriction(trained_tiny):
    """Held-out segments translate identically on the transformers backend (masking after normalisation).

    CTranslate2 renormalises over the target pieces, so scores shift by the (tiny) non-target mass:
    outputs may differ only where the model is degenerate anyway, which the checks flag either way.
    """
    from translator.checks.base import CheckInput
    from translator.checks.degenerate import check_degenerate

    from .trained_model import TRAIN_LINES, aligned_pairs

    held_out = [s for s, _ in aligned_pairs()[TRAIN_LINES:]]
    settings = DecodeSettings(beams=4)
    restricted = TransformersEngine(str(trained_tiny)).translate(held_out, settings)
    full = TransformersEngine(str(trained_tiny), target_vocab_only=False).translate(held_out, settings)
    assert [o.text for o in restricted] == [o.text for o in full]
    assert all(o.text.isascii() for o in full)  # it learnt to write target pieces only

    pytest.importorskip("ctranslate2")
    from translator.engines.ctranslate2_engine import CTranslate2Engine, convert_model

    convert_model(str(trained_tiny), quantization="int8")
    restricted = CTranslate2Engine(str(trained_tiny)).translate(held_out, settings)
    full = CTranslate2Engine(str(trained_tiny), target_vocab_only=False).translate(held_out, settings)
    for src, a, b in zip(held_out, restricted, full):
        if a.text != b.text:
            for out in (a, b):
                item = CheckInput(src, out.text, None, out.hit_cap, out.max_new_tokens, out.source_tokens, out.target_tokens)
                assert check_degenerate(item), (src, a.text, b.text)


def test_ctranslate2_loads_the_generated_map_without_symlinks_too(tiny_model, tmp_path, monkeypatch):
    """Where symbolic links are refused (Windows without privileges), the files go over in memory."""
    pytest.importorskip("ctranslate2")
    import os

    from translator.engines.ctranslate2_engine import CTranslate2Engine, convert_model

    copy = tmp_path / "tiny"
    shutil.copytree(tiny_model, copy)
    convert_model(str(copy))

    def refuse(*_a, **_k):
        raise OSError("symbolic links are not allowed here")

    monkeypatch.setattr(os, "symlink", refuse)
    engine = CTranslate2Engine(str(copy))
    outs = engine.translate(TEXTS, DecodeSettings(beams=2, max_length_extra=5))
    assert all(o.text and not CJK.search(o.text) for o in outs)
