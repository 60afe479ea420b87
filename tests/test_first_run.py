"""A new user's second run: everything cached loads nothing, and the cache does not care how a path is typed.

Issue 25: a fully cached rerun imported torch and loaded the model (6 s); ``models/tiny``, ``./models/tiny``
and the absolute path each got 0 cache hits, and ``batch`` resume compared the typed string.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from translator.pipeline import Pipeline

from .conftest import ROOT

DOC = "市北区全年新增55家瞪羚企业。\n深化区域经贸合作。\n"

# Runs the CLI in this process, then reports which heavy modules the run imported.
PROBE = """
import json, sys
from translator.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "torch": "torch" in sys.modules, "transformers": "transformers" in sys.modules,
                  "ctranslate2": "ctranslate2" in sys.modules}), file=sys.stderr)
"""


def _run(args: list[str], cwd: Path, cache: Path) -> dict:
    env = os.environ | {"PYTHONPATH": str(ROOT), "TRANSLATOR_CACHE_DIR": str(cache.parent)}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1]) | {"stderr": proc.stderr}


def test_a_fully_cached_rerun_imports_no_torch_and_loads_no_model(tmp_path, tiny_ct2_model):
    """The whole CLI in a fresh process (the transformers backend is covered in-process below: no engine built)."""
    backend = "ctranslate2"
    src = tmp_path / "doc.txt"
    src.write_text(DOC, "utf-8")
    cache = tmp_path / "cache" / "segments.sqlite3"
    args = ["translate", str(src), "--model", str(tiny_ct2_model), "--backend", backend, "--beams", "1",
            "--cache-path", str(cache), "--format", "json", "-o", str(tmp_path / "out.json"), "--force", "--quiet"]
    first = _run(args, tmp_path, cache)
    assert first["code"] in (0, None), first["stderr"]
    assert first["ctranslate2"]  # the first run loads the model
    again = _run(args, tmp_path, cache)
    assert again["code"] in (0, None), again["stderr"]
    assert not again["torch"] and not again["transformers"] and not again["ctranslate2"], again
    segments = json.loads((tmp_path / "out.json").read_text("utf-8"))["segments"]
    assert segments and all(s["cached"] for s in segments)


def test_cache_hits_however_the_model_path_is_typed(tmp_path, tiny_model, monkeypatch):
    monkeypatch.chdir(tiny_model.parent.parent)
    relative = f"{tiny_model.parent.name}/{tiny_model.name}"
    cache = tmp_path / "segments.sqlite3"
    spellings = [relative, f"./{relative}", str(tiny_model), f"{relative}/", str(tiny_model.parent / "." / "tiny")]
    contexts = {Pipeline(model=m, backend="transformers", cache_path=str(cache)).cache_context() for m in spellings}
    assert len(contexts) == 1
    first = Pipeline(model=str(tiny_model), backend="transformers", beams=1, retries=0, cache_path=str(cache))
    fresh = first.translate_text(DOC)
    again = Pipeline(model=str(tiny_model), backend="transformers", beams=1, retries=0, cache_path=str(cache))
    result = again.translate_text(DOC)
    assert all(s.cached for s in result.segments) and again._engine is None  # all hits: no model loaded
    assert str(result.signature) == str(fresh.signature)  # the same stamp with or without the model loaded
    other = Pipeline(model=f"./{relative}", backend="transformers", beams=1, retries=0, cache_path=str(cache))
    assert all(s.cached for s in other.translate_text(DOC).segments) and other._engine is None


def test_a_model_with_other_files_is_another_cache_key(tmp_path, tiny_model):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny_model, copy)
    same = Pipeline(model=str(copy), backend="transformers", cache_path=str(tmp_path / "c.sqlite3")).cache_context()
    assert same == Pipeline(model=str(tiny_model), backend="transformers",
                            cache_path=str(tmp_path / "c.sqlite3")).cache_context()  # identical files: same model
    config = json.loads((copy / "config.json").read_text("utf-8"))
    config["num_beams"] = config.get("num_beams", 4) + 1
    (copy / "config.json").write_text(json.dumps(config), "utf-8")
    assert Pipeline(model=str(copy), backend="transformers",
                    cache_path=str(tmp_path / "c.sqlite3")).cache_context() != same


def test_batch_resume_skips_documents_whatever_the_model_path_spelling(tmp_path, tiny_ct2_model, monkeypatch):
    from translator import PipelineSettings
    from translator.batch import translate_corpus

    monkeypatch.chdir(tiny_ct2_model.parent.parent)
    relative = f"{tiny_ct2_model.parent.name}/{tiny_ct2_model.name}"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DOC, "utf-8")
    out = tmp_path / "en"

    def run(model: str):
        settings = PipelineSettings(model=model, beams=1, retries=0, cache_path=str(tmp_path / "c.sqlite3"))
        return translate_corpus([str(docs)], settings, str(out), executor="local", workers=1)

    assert run(str(tiny_ct2_model)).translated == 1
    again = run(f"./{relative}")
    assert again.skipped == 1 and again.translated == 0


def test_qa_severity_error_keeps_what_its_help_says(tmp_path):
    from click.testing import CliRunner

    from translator.cli import cli

    help_text = " ".join(CliRunner().invoke(cli, ["qa", "--help"]).output.split())
    assert "error: only translations that are wrong" in help_text and "dropped date" in help_text
    src, hyp = tmp_path / "s.txt", tmp_path / "h.txt"
    src.write_text("2023年全年新增55家企业。\n", "utf-8")
    hyp.write_text("This year 56 enterprises were added.\n", "utf-8")  # a dropped date, a changed amount
    base = ["qa", "--src", str(src), "--hyp", str(hyp), "--no-glossary", "--json"]
    every = json.loads(CliRunner().invoke(cli, base).stdout)["segments"][0]["issues"]
    errors = json.loads(CliRunner().invoke(cli, [*base, "--severity", "error"]).stdout)["segments"][0]["issues"]
    assert {i["severity"] for i in every} == {"warning", "error"}
    assert [i["message"] for i in errors] == [i["message"] for i in every if i["severity"] == "error"]
    assert any("2023" in i["message"] for i in every) and not any("2023" in i["message"] for i in errors)
