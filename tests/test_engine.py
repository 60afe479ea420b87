"""The transformers engine on the tiny model, batching and language codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from translator.engines import get_engine_class
from translator.engines.base import DecodeSettings, plan_batches
from translator.engines.tokenizer_engine import language_codes
from translator.errors import UnknownNameError


def test_registry_error_lists_valid_names():
    try:
        get_engine_class("marian-nmt")
    except UnknownNameError as exc:
        assert "transformers" in str(exc) and "ctranslate2" in str(exc)
    else:
        raise AssertionError("no error")


def test_tiny_model_has_opus_mt_files(tiny_model):
    for name in ("config.json", "source.spm", "target.spm", "vocab.json"):
        assert (tiny_model / name).is_file()


def test_translate_keeps_order_and_reports_cap(tiny_engine):
    texts = ["全社会研发投入突破10亿元。", "市北区", "全年新认定高新技术企业55家,青岛檬豆网络科技有限公司等2家企业入选高企上市培育库。"]
    settings = DecodeSettings(beams=2, batch_size=2, max_length_ratio=1.0, max_length_extra=2)
    outs = tiny_engine.translate(texts, settings)
    assert len(outs) == 3
    lengths = tiny_engine.count_tokens(texts)
    for out, n in zip(outs, lengths):
        assert out.source_tokens == n
        assert out.max_new_tokens >= 1
        # random weights never emit EOS on purpose: generation runs into the cap and says so
        assert out.hit_cap
    # the same text alone gives the same output (order restored, no cross-talk)
    alone = tiny_engine.translate([texts[1]], settings)[0]
    assert alone.source_tokens == outs[1].source_tokens


def test_count_tokens_uses_the_real_tokenizer(tiny_engine):
    n_short, n_long = tiny_engine.count_tokens(["市北", "市北区打造多层次创新平台"])
    assert 1 < n_short < n_long
    assert tiny_engine.max_input_tokens == 512


@given(st.lists(st.integers(1, 300), max_size=60), st.integers(1, 16), st.integers(16, 2000))
def test_plan_batches_covers_every_index_once_within_budget(lengths, batch_size, budget):
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = plan_batches(order, lengths, batch_size, budget)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= batch_size
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= budget


class NllbTokenizerFast:  # named like the real class: codes are chosen by class name
    pass


class M2M100Tokenizer:
    pass


class MarianTokenizer:
    pass


def test_language_codes_for_multilingual_models():
    assert language_codes(NllbTokenizerFast(), None, None) == ("zho_Hans", "eng_Latn")
    assert language_codes(M2M100Tokenizer(), None, None) == ("zh", "en")
    assert language_codes(M2M100Tokenizer(), "zh", "fr") == ("zh", "fr")
    assert language_codes(MarianTokenizer(), None, None) == (None, None)


@pytest.mark.parametrize(("cores", "load", "expected"), [(2, 0.1, 2), (2, 1.0, 1), (2, 2.3, 1), (8, 3.0, 5), (4, 0.0, 4)])
def test_default_threads_leave_busy_cores_alone(monkeypatch, cores, load, expected):
    import os

    from translator.engines.base import default_threads

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert default_threads() == expected


@given(st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=20), max_size=6), st.integers(1, 8))
def test_spread_batches_keeps_every_index_once_in_order(batches, count):
    from translator.engines.base import spread_batches

    flat = [i for b in batches for i in b]
    out = spread_batches(batches, count)
    assert [i for b in out for i in b] == flat
    assert len(out) >= min(count, len(flat)) or all(len(b) == 1 for b in out)
    assert all(out_batch for out_batch in out) or not flat
