"""Broken model folders, unknown devices and malformed summaries: one clear line, exit 2 (issue 12)."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from translator.errors import ModelNotAvailableError, UnknownNameError
from translator.models.store import check_device, check_model_folder

from .conftest import run_main


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("标题\n全年新增企业。\n", "utf-8")
    return path


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


BREAKS = {
    "source.spm": (lambda d: (d / "source.spm").unlink(), "source.spm is missing"),
    "vocab.json": (lambda d: (d / "vocab.json").unlink(), "vocab.json is missing"),
    "config.json": (lambda d: (d / "config.json").write_text("[1, 2]", "utf-8"), "config.json must hold a JSON object"),
    "config-syntax": (lambda d: (d / "config.json").write_text("{", "utf-8"), "config.json is not valid JSON"),
    "truncated": (lambda d: _truncate(d / "model.safetensors"), "model.safetensors is truncated"),
    "garbage": (lambda d: (d / "model.safetensors").write_bytes(os.urandom(4096)), "model.safetensors is damaged"),
    "no-weights": (lambda d: (d / "model.safetensors").unlink(), "model.safetensors is missing"),
    "garbage-spm": (lambda d: (d / "target.spm").write_bytes(os.urandom(4096)), "target.spm is damaged"),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_broken_model_folder_is_one_line_naming_folder_and_file(tiny_model, tmp_path, doc, capsys, case):
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    damage, message = BREAKS[case]
    damage(folder)
    with pytest.raises(ModelNotAvailableError, match=message):
        check_model_folder(folder)
    assert run_main(["translate", str(doc), "--model", str(folder), "--no-cache", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(folder) in err and message in err, err


def test_garbage_ctranslate2_model_bin_is_named(tiny_model, tmp_path, doc, capsys):
    pytest.importorskip("ctranslate2")
    folder = tmp_path / "ct2"
    folder.mkdir()
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copy(tiny_model / name, folder / name)
    (folder / "model.bin").write_bytes(os.urandom(5000))
    assert run_main(["translate", str(doc), "--model", str(folder), "--backend", "ctranslate2", "--no-cache", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"model folder {folder}: model.bin cannot be loaded by CTranslate2" in err, err


@pytest.mark.parametrize("device", ["tpu", "gpu", "cuda:x", "cpu:0", ""])
def test_unknown_device_is_refused_with_the_valid_ones(tiny_model, doc, capsys, device):
    with pytest.raises(UnknownNameError, match="valid devices: cpu, cuda, cuda:N"):
        check_device(device)
    assert run_main(["translate", str(doc), "--model", str(tiny_model), "--device", device, "--no-cache", "-q"]) == 2
    assert "unknown device" in capsys.readouterr().err


def test_known_devices_pass():
    assert [check_device(d) for d in ("cpu", "cuda", "cuda:1")] == ["cpu", "cuda", "cuda:1"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"sentences": [\n  {"text": "a"},\n  oops\n]}', r"s.json:3: not valid JSON"),
    ('{"sentences": {"text": "a"}}', "expected an object with a 'sentences' list"),
    ('[1, 2]', "expected an object with a 'sentences' list"),
    ('{"sentences": [{"text": "a"}, "b"]}', "sentence 2: expected an object"),
    ('{"sentences": [{"segment_id": "s1"}]}', "sentence 1: 'text' is missing"),
    ('{"sentences": [{"text": "a", "flags": ["x"]}]}', "sentence 1: 'flags' must be a list of objects"),
])
def test_evaluate_summary_with_malformed_json_is_a_clear_error(tmp_path, capsys, content, message):
    pytest.importorskip("rouge_score")
    summary = tmp_path / "s.json"
    summary.write_text(content, "utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text("The district grew.\n", "utf-8")
    assert run_main(["evaluate", "--summary", str(summary), "--ref-summary", str(ref), "--no-glossary"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    import re

    assert re.search(message, err), err


def test_evaluate_summary_still_reads_a_good_json_summary(tmp_path, capsys):
    pytest.importorskip("rouge_score")
    summary = tmp_path / "s.json"
    summary.write_text(json.dumps({"sentences": [{"segment_id": "s1", "text": "The district grew."}]}), "utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text("The district grew.\n", "utf-8")
    assert run_main(["evaluate", "--summary", str(summary), "--ref-summary", str(ref), "--no-glossary", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scores"][0]["score"] == 100.0
