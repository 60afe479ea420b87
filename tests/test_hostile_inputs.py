"""What a demanding new user tries first: hostile inputs and outputs, and the commands the README documents.

Each test states a product promise (never lose the source, name what is wrong, read what we can read)
on input nobody tidied first.
"""

from __future__ import annotations

from click.testing import CliRunner

from translator.cli import cli

from .conftest import ROOT

GLOSSARY = ROOT / "glossary" / "zh-en.tsv"
BASE = ("--beams", "1", "--retries", "0", "--no-glossary")
SOURCE = "市北区经济运行报告\n全区生产总值增长5.2%，达到1200亿元。新增企业300家，其中高新技术企业52家。\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_summarize_never_overwrites_its_input(tmp_path, tiny_model):
    src = tmp_path / "report.zh.txt"
    src.write_text(SOURCE, "utf-8")
    for output in (src, tmp_path / "." / "report.zh.txt"):
        r = run("summarize", src, "--model", tiny_model, *BASE, "-o", output)
        assert r.exit_code == 2, r.output
        assert "input" in r.output and "report.zh.txt" in r.output
        assert src.read_text("utf-8") == SOURCE


def test_glossary_export_never_overwrites_the_term_base_it_reads(tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_bytes(GLOSSARY.read_bytes())
    r = run("glossary", "export", "--format", "tbx", "-g", glossary, "-o", glossary)
    assert r.exit_code == 2, r.output
    assert "terms.tsv" in r.output
    assert glossary.read_bytes() == GLOSSARY.read_bytes()
