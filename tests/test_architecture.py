"""The package as users get it: the wheel carries the default glossary; settings and engines own their options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from translator import Pipeline, PipelineSettings
from translator.engines import engine_options, get_engine_class, option_problems
from translator.errors import TranslatorError, ValidationError

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Build the project's wheel once (pip's isolated build, as a user's `pip install .` does)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    (path,) = out.glob("zhen_report_mt-*.whl")
    return path


def test_wheel_contains_the_default_glossary_as_a_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        packaged = zf.read("translator/termbases/zh-en.tsv")
    assert packaged == (ROOT / "glossary" / "zh-en.tsv").read_bytes()


def test_installed_wheel_translates_with_the_glossary_outside_a_checkout(wheel, tmp_path, tiny_model):
    """Install the wheel into an empty folder, run from elsewhere: the packaged glossary is applied."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    src = tmp_path / "doc.txt"
    src.write_text("标题\n我们加入了RCEP。\n", "utf-8")
    code = ("import json, sys, translator; from translator import Pipeline;"
            f"doc = Pipeline(model={str(tiny_model)!r}, backend='transformers', use_cache=False).translate_file({str(src)!r});"
            "print(json.dumps({'module': translator.__file__, 'glossary': doc.signature.glossary,"
            " 'terms': [t.source for s in doc.segments for t in s.terms]}))")
    env = os.environ | {"PYTHONPATH": str(target), "TRANSLATOR_GLOSSARY": ""}
    env.pop("TRANSLATOR_GLOSSARY")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["module"].startswith(str(target))  # the installed copy, not the checkout
    assert out["glossary"].startswith("sha256:")
    assert "RCEP" in out["terms"]


def test_settings_validation_lists_every_problem():
    with pytest.raises(ValidationError) as err:
        PipelineSettings(beams=0, token_budget=0, retries=-1, quantization="int3", glossaries="x.tsv", model=3,
                         device="tpu")
    message = str(err.value)
    for field in ("beams", "token_budget", "retries", "quantization", "glossaries", "model", "device"):
        assert field in message
    assert "7 error(s)" in message


def test_settings_accept_paths_and_round_trip(tmp_path):
    settings = PipelineSettings(model=tmp_path, glossaries=[tmp_path / "g.tsv"], cache_path=tmp_path / "c.sqlite3")
    assert settings.model == str(tmp_path) and settings.glossaries == [str(tmp_path / "g.tsv")]
    assert PipelineSettings.from_dict(json.loads(json.dumps(settings.to_dict()))) == settings


def test_api_type_errors_are_clear():
    pipe = Pipeline(use_cache=False)
    with pytest.raises(TypeError, match="list of file paths"):
        pipe.translate_batch("a.txt")
    with pytest.raises(TypeError, match="needs a str"):
        pipe.translate_text(None)
    with pytest.raises(TypeError, match="list of str"):
        pipe.translate_segments("一句话")


def test_engine_defaults_are_the_settings_defaults():
    for setting, (_, option) in engine_options().items():
        assert PipelineSettings.default(setting) == option.default, setting


def test_an_option_of_another_backend_is_refused_without_naming_cli_flags():
    problems = option_problems("transformers", {"use_vmap": True})
    assert problems == ["use_vmap=True needs the ctranslate2 backend (this run uses transformers)"]
    with pytest.raises(TranslatorError, match="needs the ctranslate2 backend"):
        Pipeline(backend="transformers", use_vmap=True).engine
    assert option_problems("ctranslate2", {"use_vmap": True}) == []


def test_signature_parts_come_from_the_engine():
    ct2 = get_engine_class("ctranslate2")
    assert ct2.signature_parts({"quantization": "int8", "use_vmap": True, "target_vocab_only": False}) == [
        "compute:int8", "vocab:full", "vmap:yes"]
    assert get_engine_class("transformers").signature_parts({"target_vocab_only": True}) == []


def test_layout_has_no_loose_stage_modules():
    """The stages are packages; only shared infrastructure stays at the top level."""
    top = sorted(p.name for p in (ROOT / "translator").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "errors.py", "outputs.py", "paths.py", "pipeline.py", "progress.py",
                   "results.py", "settings.py", "textio.py", "textnorm.py"]


def test_one_pipeline_shared_by_eight_threads(tiny_model):
    """Loading, the sqlite cache and translation rounds are safe when threads share one pipeline."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"第{n}季度营业收入增长{n}%。" for n in range(1, 9)]
    shared = Pipeline(model=str(tiny_model), backend="transformers", beams=1)  # nothing loaded yet: threads race to load
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda t: shared.translate_text(t).segments[0].target, texts * 2))
    alone = Pipeline(model=str(tiny_model), backend="transformers", beams=1, use_cache=False)
    expected = [alone.translate_text(t).segments[0].target for t in texts]
    assert threaded == expected * 2
