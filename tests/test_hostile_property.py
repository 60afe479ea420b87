"""Issue 27: generated hostile text through every input and output format (bounded hypothesis test).

Paragraphs of Chinese sentences are salted with control characters, NUL, lone surrogates, right-to-left and
zero-width characters, entities, comments and deep or wide markup, and written as .txt, .md, .html or .docx.
Each is translated (tiny CTranslate2 model) to json and to one other output format. The promise: exit 0 with
every Chinese character of the input in the segments (nothing lost), or exit 2 with one line naming the file
and no output; never a traceback, a partial output, a changed input, or time out of proportion.
"""

from __future__ import annotations

import json
import re
import time
from html import escape

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from translator.cli import cli

CJK = re.compile("[\u4e00-\u9fff]")
SENTENCES = ["全区生产总值增长5.2%。", "新增企业300家。", "推进城市更新建设", "研发投入突破10亿元！", "深化区域合作？"]
ODD = ["\x00", "\x01", "\x0b", "\x1f", "\u202e", "\u200f", "\u200b", "\u2060", "\ufeff", "\ud800", "\udfff",
       "\u2028", "\u0600", "مرحبا", "\t", " ", "&", "<", ">", "&amp;", "&#1;", "&#x202E;", "&lt;script&gt;", "*", "_",
       "`", "[", "]", "|", "#", "\\", "'", '"']
OUTPUTS = {".txt": ["txt", "md", "jsonl", "xliff", "tmx"], ".md": ["md", "txt", "xliff"],
           ".html": ["html", "txt", "tmx"], ".docx": ["docx", "md", "jsonl"]}


@st.composite
def paragraphs(draw):
    out = []
    for _ in range(draw(st.integers(1, 4))):
        pieces = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))
        salt = draw(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(ODD)), max_size=3))
        text = "".join(pieces)
        for at, odd in salt:
            at = min(at, len(text))
            text = text[:at] + odd + text[at:]
        out.append(text)
    return out


@st.composite
def shapes(draw):
    """How the paragraphs are wrapped: nesting depth, a comment, and a wide run of siblings."""
    return {"depth": draw(st.sampled_from([0, 1, 30, 300])), "comment": draw(st.booleans()),
            "wide": draw(st.sampled_from([0, 200]))}


def _write(path, paras: list[str], shape: dict) -> None:
    suffix = path.suffix
    depth, wide = shape["depth"], shape["wide"]
    if suffix == ".txt":
        data = "\n\n".join(paras) + "\n"
    elif suffix == ".md":
        quote = "> " * min(depth, 40)
        data = "\n\n".join(quote + ("**" + p + "**" if shape["comment"] else p) for p in paras) + "\n"
        data += "\n" + "- x\n" * wide + ("<!-- note -->\n" if shape["comment"] else "")
    elif suffix == ".html":
        body = "".join(f"<p>{p}</p>" for p in paras)  # unescaped on purpose: & and < as people write them
        body = "<div>" * depth + body + "</div>" * depth + "<span></span>" * wide
        if shape["comment"]:
            body = "<!-- note --><?pi x?>" + body
        data = f"<html><body>{body}</body></html>"
    else:
        from .test_hostile_classes import docx_bytes

        body = "".join(f"<w:p><w:r><w:t>{escape(p, quote=False)}</w:t></w:r>{'<!-- c -->' if shape['comment'] else ''}"
                       "</w:p>" for p in paras)
        body = "<w:customXml>" * depth + body + "</w:customXml>" * depth + "<w:p/>" * wide
        path.write_bytes(docx_bytes(body))
        return
    path.write_bytes(data.encode("utf-8", "surrogatepass"))


def _check(result, out, seconds: float, source_bytes: bytes, src) -> bool:
    """The promise for one run; returns True when the run succeeded (exit 0)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}\n{result.output}")
    assert result.exit_code in (0, 2), result.output
    assert seconds < 10, f"{seconds:.1f} s"
    assert src.read_bytes() == source_bytes  # the input never changes
    if result.exit_code == 2:
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:") and src.name in lines[0], result.output
        assert not out.exists()
        return False
    assert out.exists() and out.stat().st_size > 0
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(paras=paragraphs(), shape=shapes(), suffix=st.sampled_from(sorted(OUTPUTS)), data=st.data())
def test_generated_hostile_documents_are_translated_whole_or_refused_in_one_line(tmp_path_factory, tiny_ct2_model,
                                                                                paras, shape, suffix, data):
    folder = tmp_path_factory.mktemp("hostile")
    src = folder / f"input{suffix}"
    _write(src, paras, shape)
    source_bytes = src.read_bytes()
    base = ("translate", str(src), "--model", str(tiny_ct2_model), "--beams", "1", "--retries", "0", "--no-glossary",
            "--cache-path", str(folder / "cache.sqlite3"))
    runner = CliRunner()
    out = folder / "out.json"
    started = time.perf_counter()
    result = runner.invoke(cli, [*base, "--format", "json", "-o", str(out)])
    if not _check(result, out, time.perf_counter() - started, source_bytes, src):
        return
    # nothing lost: every Chinese character of the input is in some segment's source, in order
    doc = json.loads(out.read_text("utf-8"))
    read = "".join(seg["source"] for seg in doc["segments"])
    written = "".join(CJK.findall("".join(paras)))
    assert "".join(CJK.findall(read)) == written
    assert all(seg["target"] or seg["flags"] for seg in doc["segments"])
    fmt = data.draw(st.sampled_from(OUTPUTS[suffix]))
    out = folder / f"out.{fmt}"
    started = time.perf_counter()
    result = runner.invoke(cli, [*base, "--format", fmt, "-o", str(out)])
    _check(result, out, time.perf_counter() - started, source_bytes, src)
