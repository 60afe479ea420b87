"""Issue 27: hostile and odd inputs, one test per class; each builds its input on the fly.

The promise under test: exit 0 with nothing lost, or one clear line naming the file with exit 2; never a
traceback, a hang, a partial output or a changed input.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from translator.cli import cli

BASE = ("--beams", "1", "--retries", "0", "--no-glossary")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def translate(src, out, model, *extra):
    return run("translate", src, "--model", model, *BASE, "-o", out, *extra)


def one_line_error(result, *names):
    """Exit 2 with a one-line message naming ``names``."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    assert all(n in lines[0] for n in names), result.output


def test_html_nested_deeper_than_libxml2s_default_limit_loses_no_paragraph(tmp_path, tiny_ct2_model):
    # unclosed <div>s nest every paragraph one level deeper than the last
    src = tmp_path / "deep.html"
    src.write_text("<html><body>" + "".join(f"<div><p>第{i}段。</p>" for i in range(400)) + "</body></html>", "utf-8")
    out = tmp_path / "deep.en.html"
    r = translate(src, out, tiny_ct2_model)
    assert r.exit_code == 0, r.output
    assert out.read_text("utf-8").count("<p>") == 400


def test_html_deeper_than_the_parser_reads_at_all_is_refused_not_shortened(tmp_path, tiny_ct2_model):
    src = tmp_path / "deeper.html"
    src.write_text("<html><body>" + "<div><p>段。</p>" * 2100 + "</body></html>", "utf-8")
    out = tmp_path / "deeper.en.html"
    one_line_error(translate(src, out, tiny_ct2_model), "deeper.html", "line 1")
    assert not out.exists()


def test_html_with_a_text_node_over_10_mb_keeps_what_follows_it(tmp_path, tiny_ct2_model):
    src = tmp_path / "image.html"
    src.write_text('<html><body><p>前言。</p><img src="data:image/png;base64,' + "A" * 11_000_000
                   + '"><p>后记。</p></body></html>', "utf-8")
    out = tmp_path / "image.en.html"
    r = translate(src, out, tiny_ct2_model)
    assert r.exit_code == 0, r.output
    text = out.read_text("utf-8")
    assert text.count("<p>") == 2 and "A" * 11_000_000 in text


@pytest.mark.parametrize("source", [
    "> " * 25 + "深层引用里的段落。\n",
    "".join("  " * i + f"- 第{i}项。\n" for i in range(25)),
])
def test_markdown_nested_deeper_than_markdown_its_default_is_translated(tmp_path, tiny_ct2_model, source):
    src = tmp_path / "deep.md"
    src.write_text(source, "utf-8")
    out = tmp_path / "deep.en.md"
    r = translate(src, out, tiny_ct2_model)
    assert r.exit_code == 0, r.output
    assert not re.search("[\u4e00-\u9fff]", out.read_text("utf-8"))


def test_markdown_deeper_than_the_parser_reads_is_refused(tmp_path, tiny_ct2_model):
    src = tmp_path / "abyss.md"
    src.write_text("> " * 1200 + "最深的段落。\n", "utf-8")
    out = tmp_path / "abyss.en.md"
    one_line_error(translate(src, out, tiny_ct2_model), "abyss.md", "line 1")
    assert not out.exists()
