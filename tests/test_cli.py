"""The CLI through click's CliRunner on the tiny model."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from translator.cli import cli

from .test_pipeline import SHORT_DOC


def all_commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + (name,))


def test_every_command_has_help_text():
    for path, cmd in all_commands(cli):
        assert cmd.help and cmd.help.strip(), f"{' '.join(path)} has no help"
        for param in cmd.params:
            if isinstance(param, click.Option):
                assert param.help, f"{' '.join(path)} {param.opts} has no help"


def test_help_does_not_import_torch():
    code = "import sys; from translator.cli import cli; cli(['--help'], standalone_mode=False); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "report.zh.txt"
    path.write_text(SHORT_DOC, "utf-8")
    return path


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


BASE = ("--beams", "1", "--retries", "0", "--no-glossary")


def test_translate_json_has_every_segment(doc, tiny_model, tmp_path):
    out = tmp_path / "out.json"
    r = run("translate", doc, "--model", tiny_model, *BASE, "--format", "json", "-o", out)
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text("utf-8"))
    assert data["segment_count"] == 7 and len(data["segments"]) == 7
    assert data["signature"].startswith("translator:")
    assert {b["kind"] for b in data["blocks"]} >= {"title", "caption", "heading", "paragraph", "byline"}


def test_translate_md_keeps_structure(doc, tiny_model):
    r = run("translate", doc, "--model", tiny_model, *BASE, "--format", "md", "-q", "--no-notes")
    assert r.exit_code == 0
    lines = [line for line in r.output.splitlines() if line]
    assert lines[0].startswith("# ")
    assert lines[1].startswith("> **Photo:**")
    assert lines[2].startswith("## 1 ")
    assert lines[-1].startswith("*Machine translation, check before use: `translator:")


def test_translate_stdin_to_stdout(tiny_model):
    r = run("translate", "-", "--model", tiny_model, *BASE, "-q", input=SHORT_DOC.encode("utf-8"))
    assert r.exit_code == 0
    assert len([b for b in r.output.split("\n\n") if b.strip()]) == 5 + 1  # five blocks and the signature


def test_out_dir_handles_name_collisions(tmp_path, tiny_model):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "r.txt").write_text(SHORT_DOC, "utf-8")
    out = tmp_path / "out"
    r = run("translate", tmp_path / "a" / "r.txt", tmp_path / "b" / "r.txt", "--model", tiny_model, *BASE, "--out-dir", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["r-2.en.txt", "r.en.txt"]


def test_strict_exits_1_on_flags(doc, tiny_model):
    r = run("translate", doc, "--model", tiny_model, *BASE, "--strict", "-q")
    assert r.exit_code == 1  # the random model's output is always flagged


def test_missing_model_exits_2_with_instructions(doc):
    r = run("translate", doc, "--model", "Helsinki-NLP/opus-mt-zh-en", "--no-cache", "--no-glossary")
    assert r.exit_code == 2
    assert "translator models download Helsinki-NLP/opus-mt-zh-en" in r.output
    assert "Traceback" not in r.output


def test_bad_inputs_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    for path, message in ((empty, "empty"), (binary, "binary"), (tmp_path / "missing.txt", "cannot read")):
        r = run("segment", path)
        assert r.exit_code == 2
        assert message in r.output and str(path) in r.output


def test_segment_command_json(doc):
    r = run("segment", doc, "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["segment_count"] == 7 and data["encoding"] == "utf-8"


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "translator", "--version"], capture_output=True, text=True, check=True)
    assert "0.1.0" in out.stdout


def test_models_download_offline_is_a_clear_error():
    r = run("models", "download", "Helsinki-NLP/opus-mt-zh-en")
    assert r.exit_code == 2 and "HF_HUB_OFFLINE" in r.output


def test_models_list_shows_catalogue_and_store(tmp_path, monkeypatch, tiny_model):
    import shutil

    store = tmp_path / "store"
    shutil.copytree(tiny_model, store / "Helsinki-NLP--opus-mt-zh-en")
    monkeypatch.setenv("TRANSLATOR_MODELS_DIR", str(store))
    r = run("models", "list")
    assert "Helsinki-NLP/opus-mt-zh-en" in r.output and "facebook/nllb-200-distilled-600M" in r.output
    assert "[local]" in r.output
    # a hub id found in the store loads from there, offline
    from translator.models.store import resolve_model

    assert resolve_model("Helsinki-NLP/opus-mt-zh-en").local_dir == store / "Helsinki-NLP--opus-mt-zh-en"


def test_txt_and_md_mark_flagged_segments_and_show_the_signature(tiny_model, doc, tmp_path):
    """A reader of txt/md sees which segments to check and what made the translation."""
    for fmt in ("txt", "md"):
        out = tmp_path / f"o.{fmt}"
        assert run("translate", doc, "--model", tiny_model, *BASE, "--format", fmt, "-q", "-o", out).exit_code == 0
        text = out.read_text("utf-8")
        data = json.loads(run("translate", doc, "--model", tiny_model, *BASE, "--format", "json", "-q").output)
        flagged = [s for s in data["segments"] if s["flags"]]
        assert flagged  # random weights: every segment is flagged
        for n, seg in enumerate(flagged, 1):
            assert f" [{n}]" in text and f"[{n}] {seg['id']}: {seg['flags'][0]['check']}" in text
        assert data["signature"] in text and "Machine translation, check before use" in text
        plain = tmp_path / f"plain.{fmt}"
        run("translate", doc, "--model", tiny_model, *BASE, "--format", fmt, "-q", "--no-notes", "-o", plain)
        assert " [1]" not in plain.read_text("utf-8")


def test_summary_with_a_review_format_is_refused(tiny_model, doc):
    for fmt in ("jsonl", "xliff", "tmx"):
        r = run("translate", doc, "--model", tiny_model, *BASE, "--format", fmt, "--summary", "2")
        assert r.exit_code == 2 and "a summary needs the format txt, md, json" in r.output


def test_evaluate_reads_our_json_and_jsonl_outputs(tiny_model, tmp_path):
    """`translate`'s own outputs score against a line-aligned reference: one target per source segment."""
    from .conftest import ROOT, SAMPLE

    ref = ROOT / "samples" / "shibei-2023-report.en.ref.txt"
    scores = {}
    for fmt in ("json", "jsonl"):
        out = tmp_path / f"o.{fmt}"
        assert run("translate", SAMPLE, "--model", tiny_model, *BASE, "--format", fmt, "-q", "-o", out).exit_code == 0
        r = run("evaluate", "--hyp", out, "--ref", ref, "--json")
        assert r.exit_code == 0, r.output
        data = json.loads(r.output)
        assert data["lines"] == 238
        scores[fmt] = data["scores"]
    assert scores["json"] == scores["jsonl"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"no": "segments"}', "utf-8")
    r = run("evaluate", "--hyp", bad, "--ref", ref)
    assert r.exit_code == 2 and "bad.json" in r.output


def test_outputs_are_planned_before_translating(tiny_model, doc, tmp_path):
    """An existing output needs --force (and is announced); a missing folder is announced; an input is never an output."""
    out = tmp_path / "new" / "dir" / "o.txt"
    r = run("translate", doc, "--model", tiny_model, *BASE, "-o", out)
    assert r.exit_code == 0 and f"creating {out.parent}" in r.output
    r = run("translate", doc, "--model", tiny_model, *BASE, "-o", out)
    assert r.exit_code == 2 and "already exists; pass --force" in r.output
    r = run("translate", doc, "--model", tiny_model, *BASE, "-o", out, "--force")
    assert r.exit_code == 0 and f"replacing {out}" in r.output
    before = doc.read_bytes()
    r = run("translate", doc, "--model", tiny_model, *BASE, "-o", doc, "--force")
    assert r.exit_code == 2 and "refusing to overwrite an input" in r.output and doc.read_bytes() == before


def test_tmx_names_us_and_its_units_and_notes_say_a_term_problem_once(tmp_path):
    from translate.storage import tmx as tk_tmx

    from translator import Pipeline
    from translator.formats import render

    from .fake_engine import FakeEngine

    doc = Pipeline(engine=FakeEngine(drop_codes=True, drop_latin=True), use_cache=False,
                   retries=0).translate_text("标题\n市北区推进专精特新。")
    text = render(doc, "tmx")
    assert 'creationtool="translator"' in text and "Translate Toolkit" not in text
    store = tk_tmx.tmxfile.parsestring(text.encode("utf-8"))
    assert [u.xmlelement.get("tuid") for u in store.units] == [f"<text>#{s.id}" for s in doc.segments]
    for fmt in ("xliff", "tmx"):
        out = render(doc, fmt)
        missing = [t for s in doc.segments for t in s.terms if not t.satisfied]
        assert missing
        for t in missing:  # once, as the term_missing flag; never again as a term-use note
            assert out.count(f"{t.source!r} should appear as") == 1 and "MISSING" not in out
