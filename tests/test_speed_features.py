"""The CTranslate2 backend on the converted tiny model, the convert command, and the segment cache."""

from __future__ import annotations

import shutil

import pytest

from translator.errors import InputError
from click.testing import CliRunner

from translator import Pipeline
from translator.translation.cache import SegmentCache
from translator.cli import cli
from translator.engines.base import DecodeSettings

from .conftest import ROOT
from .test_pipeline import SHORT_DOC

pytest.importorskip("ctranslate2")


@pytest.fixture(scope="module")
def converted(tiny_model, tmp_path_factory):
    """A private copy of the tiny model with its CTranslate2 conversion inside."""
    copy = tmp_path_factory.mktemp("ct2") / "tiny"
    shutil.copytree(tiny_model, copy)
    r = CliRunner().invoke(cli, ["models", "convert", str(copy), "--to", "ct2", "--quantization", "int8"])
    assert r.exit_code == 0, r.output
    return copy


def test_convert_refuses_to_overwrite_without_force(converted):
    r = CliRunner().invoke(cli, ["models", "convert", str(converted)])
    assert r.exit_code == 2 and "--force" in r.output
    assert (converted / "ctranslate2" / "model.bin").is_file()
    assert (converted / "ctranslate2" / "source.spm").is_file()


def test_auto_backend_picks_ctranslate2_when_converted(converted, tiny_model):
    assert Pipeline(model=str(converted), use_glossary=False).backend == "ctranslate2"
    assert Pipeline(model=str(tiny_model), use_glossary=False).backend == "transformers"


def test_ctranslate2_backend_gives_the_same_structure_flags_and_terms(converted):
    kw = dict(model=str(converted), beams=2, retries=0, use_cache=False, glossaries=[str(ROOT / "glossary" / "zh-en.tsv")])
    ct2 = Pipeline(backend="ctranslate2", **kw).translate_text(SHORT_DOC)
    hf = Pipeline(backend="transformers", **kw).translate_text(SHORT_DOC)
    assert ct2.signature.backend == "ctranslate2" and hf.signature.backend == "transformers"
    assert "compute:int8" in str(ct2.signature) and "compute:" not in str(hf.signature)
    assert [s.source for s in ct2.segments] == [s.source for s in hf.segments]
    assert [[t.source for t in s.terms] for s in ct2.segments] == [[t.source for t in s.terms] for s in hf.segments]
    for seg in ct2.segments:
        assert seg.target or seg.flags
        assert any(f.check == "degenerate" for f in seg.flags)  # random weights hit the explicit cap: flagged, not cut silently


def test_ctranslate2_engine_reports_cap(converted):
    engine = Pipeline(model=str(converted), backend="ctranslate2", use_glossary=False).engine
    outs = engine.translate(["全社会研发投入突破10亿元。", "市北区"], DecodeSettings(beams=1, max_length_ratio=1.0, max_length_extra=0))
    assert [o.source_tokens for o in outs] == engine.count_tokens(["全社会研发投入突破10亿元。", "市北区"])
    assert all(o.hit_cap and o.target_tokens == o.max_new_tokens for o in outs)


def test_missing_conversion_is_a_clear_error(tiny_model):
    r = CliRunner().invoke(cli, ["translate", "-", "--model", str(tiny_model), "--backend", "ctranslate2", "--no-glossary"],
                           input="市北区。".encode())
    assert r.exit_code == 2 and "translator models convert" in r.output


# ------------------------------------------------------------------ cache
def test_cache_hit_miss_and_invalidation(tiny_model, tmp_path):
    cache_path = tmp_path / "c.sqlite3"
    glossary = tmp_path / "g.tsv"
    glossary.write_text("source\ttarget\n市北区\tShibei District\n", "utf-8")
    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)  # this test changes the model's files
    kw = dict(model=str(model), beams=1, retries=0, cache_path=str(cache_path), glossaries=[str(glossary)])
    first = Pipeline(**kw).translate_text(SHORT_DOC)
    assert not any(s.cached for s in first.segments)
    second = Pipeline(**kw).translate_text(SHORT_DOC)
    assert all(s.cached for s in second.segments)
    assert [s.target for s in second.segments] == [s.target for s in first.segments]
    assert [s.flags for s in second.segments] == [s.flags for s in first.segments]
    # other decoding settings: miss
    assert not any(s.cached for s in Pipeline(**(kw | {"beams": 2})).translate_text(SHORT_DOC).segments)
    # glossary edited: its version changes, so: miss
    glossary.write_text("source\ttarget\n市北区\tShibei\n", "utf-8")
    assert not any(s.cached for s in Pipeline(**kw).translate_text(SHORT_DOC).segments)
    glossary.write_text("source\ttarget\n市北区\tShibei District\n", "utf-8")
    assert all(s.cached for s in Pipeline(**kw).translate_text(SHORT_DOC).segments)
    # the local model rebuilt with identical files (new mtimes): still a hit, keyed by content
    from translator.models.tiny import build_model

    build_model(model, force=True)
    assert all(s.cached for s in Pipeline(**kw).translate_text(SHORT_DOC).segments)
    # a model file with other content: miss
    config = model / "config.json"
    config.write_text(config.read_text("utf-8") + "\n", "utf-8")
    assert not any(s.cached for s in Pipeline(**kw).translate_text(SHORT_DOC).segments)
    # --no-cache never reads
    assert not any(s.cached for s in Pipeline(**(kw | {"use_cache": False})).translate_text(SHORT_DOC).segments)


def test_hub_model_from_the_hf_cache_is_keyed_by_its_snapshot(tiny_model, tmp_path, monkeypatch):
    """A hub id is loaded from the Hugging Face cache offline; a new cached revision invalidates the segment cache."""
    from huggingface_hub import constants

    from translator.models.store import model_fingerprint

    hub = tmp_path / "hf"
    repo = hub / "models--acme--tiny-zh-en"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))

    def download(sha: str) -> None:  # what the hub client leaves behind: snapshots/<commit>, refs/main
        shutil.copytree(tiny_model, repo / "snapshots" / sha)
        (repo / "refs").mkdir(parents=True, exist_ok=True)
        (repo / "refs" / "main").write_text(sha)

    assert model_fingerprint("acme/tiny-zh-en") == "hub:uncached"
    download("a" * 40)
    assert model_fingerprint("acme/tiny-zh-en") == "hub:" + "a" * 40
    kw = dict(model="acme/tiny-zh-en", backend="transformers", beams=1, retries=0, cache_path=str(tmp_path / "c.sqlite3"))
    first = Pipeline(**kw).translate_text(SHORT_DOC)
    assert first.signature.model == "acme/tiny-zh-en" and not any(s.cached for s in first.segments)
    assert all(s.cached for s in Pipeline(**kw).translate_text(SHORT_DOC).segments)
    download("b" * 40)  # a newer revision of the model arrived in the cache
    assert not any(s.cached for s in Pipeline(**kw).translate_text(SHORT_DOC).segments)


def test_cache_is_shared_between_connections(tmp_path):
    a, b = SegmentCache(tmp_path / "c.sqlite3"), SegmentCache(tmp_path / "c.sqlite3")
    a.put_many({"k1": {"target": "x"}})
    b.put_many({"k2": {"target": "y"}})
    assert a.get_many(["k1", "k2", "k3"]) == {"k1": {"target": "x"}, "k2": {"target": "y"}}
    assert len(b) == 2


# ------------------------------------------------------ tokenizer and vmap
def test_torch_free_marian_tokenizer_matches_transformers(tiny_model, sample_text):
    from transformers import AutoTokenizer

    from translator.engines.marian_tokenizer import MarianSpmTokenizer
    from translator.segmentation.segmenter import segment_text

    hf, ours = AutoTokenizer.from_pretrained(str(tiny_model)), MarianSpmTokenizer(tiny_model)
    sources = [s.text for s in segment_text(sample_text).segments] + ["ＲＣＥＰ XDX 𠀀 ", ""]
    targets = (ROOT / "samples" / "shibei-2023-report.en.ref.txt").read_text("utf-8").splitlines()
    assert ours(sources)["input_ids"] == hf(sources)["input_ids"]
    assert ours(text_target=targets, add_special_tokens=False)["input_ids"] == \
        hf(text_target=targets, add_special_tokens=False)["input_ids"]
    for line in targets[:60]:
        ids = hf(text_target=line)["input_ids"]
        assert ours.decode(ids) == hf.decode(ids, skip_special_tokens=True)
    assert ours.tokenize(sources[10]) == hf.tokenize(sources[10])


def test_ctranslate2_engine_does_not_import_torch(converted):
    import subprocess
    import sys

    code = ("import sys; from translator.engines.ctranslate2_engine import CTranslate2Engine; "
            f"e = CTranslate2Engine({str(converted)!r}); e.translate(['市北区。'], __import__('translator').DecodeSettings(beams=1)); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_vmap_builder_keeps_cooccurring_tokens():
    from translator.models.vmap import build_vmap

    text = build_vmap(["甲 乙", "甲 丙", "丁"], ["alpha beta", "alpha gamma", "delta"], str.split, str.split,
                      per_token=2, always=1)
    lines = text.splitlines()
    assert lines[0] == "\talpha"
    rules = dict(line.split("\t") for line in lines[1:])
    assert rules["甲"].split()[0] == "alpha"
    assert rules["丁"] == "delta"
    with pytest.raises(InputError, match="line-aligned"):  # a typed error: the CLI shows it without a traceback
        build_vmap(["a"], [], str.split, str.split)


def test_build_vmap_command_and_translating_with_it(converted, tmp_path):
    src, ref = tmp_path / "src.txt", tmp_path / "ref.txt"
    src.write_text("全社会研发投入突破10亿元。\n市北区打造多层次创新平台。\n", "utf-8")
    ref.write_text("R&D investment exceeded 1 billion yuan.\nShibei District builds innovation platforms.\n", "utf-8")
    r = CliRunner().invoke(cli, ["models", "build-vmap", str(converted), "--src", str(src), "--ref", str(ref), "--always", "20"])
    assert r.exit_code == 0, r.output
    assert (converted / "ctranslate2" / "vmap.txt").is_file()
    kw = dict(model=str(converted), backend="ctranslate2", beams=2, retries=0, use_cache=False, use_glossary=False)
    with_vmap = Pipeline(use_vmap=True, **kw)
    result = with_vmap.translate_text(SHORT_DOC)
    assert with_vmap.engine.info.extra["vmap"] is True
    assert all(seg.target or seg.flags for seg in result.segments)
    allowed = set((converted / "ctranslate2" / "vmap.txt").read_text("utf-8").replace("\t", " ").split())
    engine = with_vmap.engine
    tokens = [engine.tokenizer.convert_ids_to_tokens(ids) for ids in engine.tokenizer(["市北区打造多层次创新平台。"])["input_ids"]]
    hyp = engine.translator.translate_batch(tokens, beam_size=2, max_decoding_length=20, use_vmap=True)[0].hypotheses[0]
    assert hyp and set(hyp) <= allowed | {"<unk>", "</s>"}  # our vmap file is read: output stays in the shortlist
    (converted / "ctranslate2" / "vmap.txt").unlink()
    from translator.errors import ModelNotAvailableError

    with pytest.raises(ModelNotAvailableError, match="build-vmap"):
        Pipeline(use_vmap=True, **kw).engine


def test_next_chunk_is_queued_before_the_previous_is_collected_and_results_do_not_depend_on_chunking():
    from .fake_engine import FakeEngine

    class RecordingEngine(FakeEngine):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.events: list[tuple[str, int]] = []

        def submit(self, texts, settings, hints=None, on_batch=None):
            n = len([e for e in self.events if e[0] == "submit"])
            self.events.append(("submit", n))
            wait = super().submit(texts, settings, hints, on_batch)

            def collect():
                self.events.append(("collect", n))
                return wait()

            return collect

    texts = [f"全年新增{i}家国家级专精特新企业。" if i % 3 else f"深化RCEP区域经贸合作{i}次。" for i in range(150)]
    chunked = RecordingEngine(drop_codes=True)  # every placeholder is garbled: every segment is retried
    small = Pipeline(engine=chunked, use_cache=False, batch_size=1).translate_segments(texts)  # chunks of 64
    whole = Pipeline(engine=FakeEngine(drop_codes=True), use_cache=False, batch_size=64).translate_segments(texts)
    assert [(s.source, s.target, s.flags, s.terms) for s in small] == [(s.source, s.target, s.flags, s.terms) for s in whole]
    events = chunked.events
    assert events.index(("submit", 1)) < events.index(("collect", 0))  # chunk 2 queued while chunk 1 runs
    assert len([e for e in events if e[0] == "submit"]) == 3 + 3  # 3 chunks, each retried once
    assert all(s.target and any(t.strategy == "inject" for t in s.terms) for s in small)


def test_auto_backend_converts_a_downloaded_model_once(tiny_model, tmp_path, monkeypatch, caplog):
    """A model fetched by id (here: in the local store) gets CTranslate2 on first use, then reuses it."""
    import logging
    import shutil

    store = tmp_path / "store"
    shutil.copytree(tiny_model, store / "Helsinki-NLP--opus-mt-zh-en")
    kw = dict(model="Helsinki-NLP/opus-mt-zh-en", beams=1, retries=0, use_glossary=False, use_cache=False)
    with caplog.at_level(logging.INFO, logger="translator"):
        first = Pipeline(**kw)
        assert first.backend == "ctranslate2"
        doc = first.translate_text(SHORT_DOC)
    assert doc.signature.backend == "ctranslate2"
    assert (store / "Helsinki-NLP--opus-mt-zh-en" / "ctranslate2" / "model.bin").is_file()
    assert sum("converting" in r.message for r in caplog.records) == 1
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="translator"):
        again = Pipeline(**kw).translate_text(SHORT_DOC)
    assert not any("converting" in r.message for r in caplog.records)
    assert [s.target for s in again.segments] == [s.target for s in doc.segments]
    # a directory the user names is never written to
    assert Pipeline(model=str(tiny_model), use_glossary=False).backend == "transformers"


def test_auto_conversion_failure_falls_back_with_a_warning(tiny_model, tmp_path, monkeypatch, caplog):
    import logging
    import shutil

    import translator.engines.ctranslate2_engine as ct2_engine

    shutil.copytree(tiny_model, tmp_path / "store" / "org--model")

    def broken(*args, **kwargs):
        raise RuntimeError("converter exploded")

    monkeypatch.setattr(ct2_engine, "convert_model", broken)
    with caplog.at_level(logging.WARNING, logger="translator"):
        doc = Pipeline(model="org/model", beams=1, retries=0, use_glossary=False, use_cache=False).translate_text(SHORT_DOC)
    assert doc.signature.backend == "transformers"
    assert any("converter exploded" in r.message and "falling back" in r.message for r in caplog.records)
    assert not (tmp_path / "store" / "org--model" / "ctranslate2").exists()
    assert not (tmp_path / "store" / "org--model" / "ctranslate2.partial").exists()
