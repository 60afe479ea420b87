"""Issue 27: hostile and odd inputs, one test per class; each builds its input on the fly.

The promise under test: exit 0 with nothing lost, or one clear line naming the file with exit 2; never a
traceback, a hang, a partial output or a changed input.
"""

from __future__ import annotations

import re
from pathlib import Path

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
    r = translate(src, out, tiny_ct2_model, "--no-notes")
    assert r.exit_code == 0, r.output
    page = out.read_text("utf-8").split('<section class="mt-notes"')[0]  # the closing notice has a <p> of its own
    assert page.count("<p>") == 400


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
    r = translate(src, out, tiny_ct2_model, "--no-notes")
    assert r.exit_code == 0, r.output
    text = out.read_text("utf-8").split('<section class="mt-notes"')[0]
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


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
                 'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
                 'main+xml"/></Types>')


def docx_bytes(body: str, doctype: str = "") -> bytes:
    """A minimal Word package whose body is ``body`` (WordprocessingML inside <w:body>)."""
    import io
    import zipfile

    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}<w:document xmlns:w="{W_NS}">'
           f"<w:body>{body}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", xml.encode("utf-8", "surrogatepass"))  # hostile tests put lone surrogates
    return buf.getvalue()


def english_of_docx(path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def test_an_entity_reference_in_a_word_part_does_not_end_the_paragraph(tmp_path, tiny_ct2_model):
    src = tmp_path / "entity.docx"
    src.write_bytes(docx_bytes("<w:p><w:r><w:t>前面的文字&co;后面的文字。</w:t></w:r></w:p>",
                               '<!DOCTYPE w:document [<!ENTITY co "公司">]>'))
    out = tmp_path / "entity.en.docx"
    r = translate(src, out, tiny_ct2_model)
    assert r.exit_code == 0, r.output
    assert not re.search("[\u4e00-\u9fff]", english_of_docx(out))


def test_an_external_entity_in_a_word_part_is_refused_never_read(tmp_path, tiny_ct2_model):
    secret = tmp_path / "secret.txt"
    secret.write_text("秘密", "utf-8")
    src = tmp_path / "xxe.docx"
    src.write_bytes(docx_bytes("<w:p><w:r><w:t>文字&x;。</w:t></w:r></w:p>",
                               f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'))
    one_line_error(translate(src, tmp_path / "xxe.en.docx", tiny_ct2_model), "xxe.docx", "word/document.xml")


def test_comments_and_processing_instructions_inside_word_runs_are_kept_not_a_traceback(tmp_path, tiny_ct2_model):
    src = tmp_path / "comments.docx"
    src.write_bytes(docx_bytes("<w:p><!-- c1 --><w:r><w:rPr><!-- in rPr --><w:b/></w:rPr><?pi x?><w:t>第一句。</w:t>"
                               "<!-- c2 --></w:r><w:customXml><?pi y?><w:r><w:t>第二句。</w:t></w:r></w:customXml></w:p>"))
    out = tmp_path / "comments.en.docx"
    r = translate(src, out, tiny_ct2_model)
    assert r.exit_code == 0, r.output
    english = english_of_docx(out)
    assert not re.search("[\u4e00-\u9fff]", english)
    assert "<!-- c1 -->" in english and "<!-- c2 -->" in english and "<?pi x?>" in english


def test_1500_nested_content_controls_are_read(tmp_path, tiny_ct2_model):
    src = tmp_path / "nested.docx"
    src.write_bytes(docx_bytes("<w:p>" + "<w:customXml>" * 1500 + "<w:r><w:t>深处的句子。</w:t></w:r>"
                               + "</w:customXml>" * 1500 + "</w:p>"))
    out = tmp_path / "nested.en.docx"
    r = translate(src, out, tiny_ct2_model)
    assert r.exit_code == 0, r.output
    assert not re.search("[\u4e00-\u9fff]", english_of_docx(out))


def test_a_zip_bomb_docx_is_refused_in_under_a_second(tmp_path, tiny_ct2_model):
    import time
    import zipfile

    src = tmp_path / "bomb.docx"
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        with zf.open("word/document.xml", "w") as part:  # 100 MB of empty paragraphs, about 150 KB compressed
            part.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode())
            chunk = b"<w:p/>" * 174_763
            for _ in range(100):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    assert src.stat().st_size < 1 << 20
    started = time.perf_counter()
    r = translate(src, tmp_path / "bomb.en.docx", tiny_ct2_model)
    assert time.perf_counter() - started < 1.0
    one_line_error(r, "bomb.docx", "word/document.xml", "zip bomb")


def test_a_part_with_too_many_elements_is_refused_before_parsing(tmp_path, tiny_ct2_model, monkeypatch):
    from translator.documents import docx

    monkeypatch.setattr(docx, "MAX_PART_ELEMENTS", 100)
    src = tmp_path / "wide.docx"
    src.write_bytes(docx_bytes("<w:p/>" * 200 + "<w:p><w:r><w:t>句子。</w:t></w:r></w:p>"))
    one_line_error(translate(src, tmp_path / "wide.en.docx", tiny_ct2_model), "wide.docx", "elements")


def _patch_entry(data: bytes, name: bytes, offset_local: int, offset_central: int, value: bytes) -> bytes:
    """Overwrite a field of ``name``'s local header and central directory record (``value`` at the given offsets)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
        at = 0
        while (at := out.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at:name_at + len(name)] == name:
                out[at + offset:at + offset + len(value)] = value
            at += 4
    return bytes(out)


@pytest.mark.parametrize("what, local, central, value", [
    ("compression method 9", 8, 10, b"\x09\x00"),  # Deflate64
    ("encrypted", 6, 8, b"\x01\x00"),  # general purpose flag bit 0
])
def test_deflate64_and_encrypted_entries_are_named(tmp_path, tiny_ct2_model, what, local, central, value):
    src = tmp_path / "odd.docx"
    src.write_bytes(_patch_entry(docx_bytes("<w:p><w:r><w:t>句子。</w:t></w:r></w:p>"), b"word/document.xml",
                                 local, central, value))
    one_line_error(translate(src, tmp_path / "odd.en.docx", tiny_ct2_model), "odd.docx", "word/document.xml",
                   what.split()[0])


@pytest.mark.parametrize("kind", ["the_input", "random_bytes", "another_database"])
def test_a_cache_path_naming_a_file_that_is_not_a_cache_is_an_error_and_the_file_untouched(tmp_path, tiny_ct2_model,
                                                                                          kind):
    import os
    import sqlite3

    src = tmp_path / "report.txt"
    src.write_text("第一句。第二句。\n", "utf-8")
    cache = src if kind == "the_input" else tmp_path / "other.db"
    if kind == "random_bytes":
        cache.write_bytes(os.urandom(5000))
    elif kind == "another_database":
        with sqlite3.connect(cache) as conn:
            conn.execute("CREATE TABLE segments (id INTEGER, blob BLOB)")
        conn.close()
    before = cache.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    r = run("translate", src, "--model", tiny_ct2_model, *BASE, "--cache-path", cache, "-o", tmp_path / "out.txt")
    one_line_error(r, cache.name, "not a segment cache")
    assert cache.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_cache_made_before_caches_were_marked_is_still_used(tmp_path):
    import sqlite3

    from translator.translation.cache import SegmentCache

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE segments (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO segments VALUES ('k', ?)", ('{"a": 1}',))
    conn.close()
    assert SegmentCache(path).get_many(["k"]) == {"k": {"a": 1}}


@pytest.mark.parametrize("name", ["report.txt", "page.html"])
def test_a_new_output_another_run_creates_meanwhile_is_not_replaced_without_force(tmp_path, name):
    from translator import Pipeline
    from translator.documents.api import translate_files
    from translator.errors import OutputError

    from .fake_engine import FakeEngine

    src = tmp_path / name
    src.write_text("<html><body><p>第一句。</p></body></html>" if name.endswith("html") else "第一句。\n", "utf-8")
    out = tmp_path / ("out" + src.suffix)
    pipeline = Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False)

    def other_run_finishes_first(done, total):  # the check passed at the start; the file appears during the work
        out.write_text("the other run's English", "utf-8")

    with pytest.raises(OutputError, match="created by someone else"):
        translate_files(pipeline, [str(src)], str(out), progress=other_run_finishes_first)
    assert out.read_text("utf-8") == "the other run's English"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, out.name])  # no temporary file left
    translate_files(pipeline, [str(src)], str(out), force=True)  # --force replaces it
    assert out.read_text("utf-8") != "the other run's English"


OVERLAPPING = "source\ttarget\n青岛\tQingdao\n青岛市\tQingdao City\n市北区\tShibei District\n北区\tNorth District\n"


def test_overlapping_terms_keep_the_reading_with_the_most_and_longest_terms(tmp_path):
    from translator.glossary import load_glossary

    path = tmp_path / "terms.tsv"
    path.write_text(OVERLAPPING, "utf-8")
    g = load_glossary([path])
    assert [m.entry.source for m in g.find("青岛市北区经济")] == ["青岛", "市北区"]
    assert [m.entry.source for m in g.find("青岛市的北区")] == ["青岛市", "北区"]
    assert [m.entry.source for m in g.find("青岛市北")] == ["青岛市"]  # nothing better: the longer term


def test_glossary_check_reports_overlaps_that_change_a_match(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text(OVERLAPPING, "utf-8")
    r = run("glossary", "check", path)
    assert r.exit_code == 0, r.output
    line = next(line for line in r.output.splitlines() if "overlap" in line)
    assert "'青岛市' and '市北区'" in line and "青岛市北区" in line and "'青岛市' is not matched" in line


class _EchoPipeline:
    """Stands in for the pipeline: every segment's "English" is its index (document handling alone is timed)."""

    def translate_documents(self, docs, progress=None):
        from translator.results import DocumentResult, SegmentResult

        out = []
        for doc, _enc in docs:
            segments = [SegmentResult(f"s{s.index + 1}", s.index, s.block_index, s.kind, s.raw, f"Sentence {s.index}.",
                                      s.start, s.end, s.line) for s in doc.segments]
            out.append(DocumentResult(doc.name, doc, segments, None))
        return out


def _make(path, n: int, bold: bool = False) -> None:
    sentences = [f"第{i}段的内容是{'**市北区**' if bold else '市北区'}经济发展。" for i in range(n)]
    if path.suffix == ".md":
        path.write_text(("".join(sentences) if bold else "\n\n".join(sentences)) + "\n", "utf-8")
    elif path.suffix == ".html":
        body = [s.replace("**", "<b>", 1).replace("**", "</b>", 1) for s in sentences]
        path.write_text("<html><body>" + (f"<p>{''.join(body)}</p>" if bold else "".join(f"<p>{s}</p>" for s in body))
                        + "</body></html>", "utf-8")
    else:
        import docx

        document = docx.Document()
        paragraph = document.add_paragraph() if bold else None
        for s in sentences:
            if bold:
                before, term, after = s.split("**")
                paragraph.add_run(before)
                paragraph.add_run(term).bold = True
                paragraph.add_run(after)
            else:
                document.add_paragraph(s)
        document.save(path)


@pytest.mark.parametrize("bold", [False, True], ids=["many_paragraphs", "one_long_paragraph_with_emphasis"])
@pytest.mark.parametrize("ext", [".md", ".html", ".docx"])
def test_document_handling_is_linear_in_paragraphs_and_in_one_long_paragraph(tmp_path, ext, bold):
    import time

    from translator.documents.api import translate_document

    def seconds(n: int) -> float:  # CPU time of this process: other work on the machine does not count
        src = tmp_path / f"d{n}{ext}"
        _make(src, n, bold)
        best = float("inf")
        for _ in range(2):
            started = time.process_time()
            translate_document(_EchoPipeline(), src, tmp_path / f"out{n}{ext}")
            best = min(best, time.process_time() - started)
        return best

    seconds(200)  # warm imports
    small, large = seconds(1000), seconds(4000)
    # 4x the input: about 4x the time when linear, 16x when quadratic (8,000 paragraphs took minutes so)
    assert large < 10 * small + 0.2, (small, large)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "xliff", "tmx", "txt"])
def test_a_file_name_that_is_not_utf8_is_written_escaped_not_a_traceback(tmp_path, tiny_ct2_model, fmt):
    import os

    src = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"r\xff\xfe.txt"))
    with open(src, "w", encoding="utf-8") as fh:
        fh.write("第一句。第二句。\n")
    out = tmp_path / f"out.{fmt}"
    r = translate(src, out, tiny_ct2_model, "--format", fmt)
    assert r.exit_code == 0, r.output
    text = out.read_text("utf-8")
    assert fmt == "txt" or "r\\\\xff\\\\xfe.txt" in text or "r\\xff\\xfe.txt" in text


def test_batch_of_a_file_whose_name_is_not_utf8_records_it_and_resumes(tmp_path, tiny_ct2_model):
    import json
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"r\xff.txt"), "w", encoding="utf-8") as fh:
        fh.write("第一句。\n")
    args = ("batch", folder, "--out-dir", tmp_path / "en", "--model", tiny_ct2_model, *BASE, "--workers", "1")
    r = run(*args)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in (tmp_path / "en" / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert rows[0]["status"] == "translated" and os.fsencode(rows[0]["document"]).endswith(b"r\xff.txt")
    r = run(*args)  # the rerun reads the manifest back and skips it
    assert r.exit_code == 0 and "1 already done" in r.output, r.output


@pytest.mark.parametrize("payload, where", [
    ('{"sentences": [{"text": "Growth \\ud800 rose."}]}', "sentences[0].text"),
    ('{"sentences": [{"text": "ok"}], "\\udfff": 1}', "\\udfff"),
])
def test_a_lone_surrogate_in_json_input_is_named(tmp_path, payload, where):
    summary = tmp_path / "summary.json"
    summary.write_text(payload, "utf-8")
    reference = tmp_path / "ref.txt"
    reference.write_text("Growth rose.\n", "utf-8")
    r = run("evaluate", "--summary", summary, "--ref-summary", reference)
    one_line_error(r, "summary.json", "lone surrogate")
    if where.startswith("sentences"):
        assert where in r.output


def test_json_nested_too_deeply_is_named(tmp_path):
    hyp = tmp_path / "hyp.json"
    hyp.write_text('{"segments": ' + "[" * 100_000 + "]" * 100_000 + "}", "utf-8")
    src = tmp_path / "src.txt"
    src.write_text("第一句。\n", "utf-8")
    one_line_error(run("qa", "--src", src, "--hyp", hyp, "--no-glossary"), "hyp.json", "nested too deeply")


@pytest.mark.parametrize("extra", [("--bilingual", "-o", "review.docx"), ("--bilingual", "-o", "review.html"),
                                   ("--format", "xliff", "-o", "out.xliff"), ("-o", "out.html")])
def test_control_characters_in_a_documents_text_are_named_not_a_traceback(tmp_path, tiny_ct2_model, extra):
    src = tmp_path / "cc.html"
    src.write_text("<html><body><p>第一句。</p><p>第二句&#1;。&#0;</p></body></html>", "utf-8")
    *options, flag, name = extra
    r = run("translate", src, "--model", tiny_ct2_model, *BASE, *options, flag, tmp_path / name)
    one_line_error(r, "cc.html", "paragraph 2", "U+0001")
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("body", [
    '"' + "长" * 140_000 + '",Long\n',  # a field over the csv module's 128 KiB limit
    '"青岛,Qingdao\n' + "".join(f"词{i},word {i}\n" for i in range(20_000)),  # a stray quote swallowing the rest
])
def test_a_csv_term_base_with_a_huge_field_or_a_stray_quote_is_named(tmp_path, body):
    path = tmp_path / "terms.csv"
    path.write_text("source,target\n市北区,Shibei District\n" + body, "utf-8")
    r = run("glossary", "check", path)
    assert r.exit_code == 2, r.output
    assert "terms.csv:3: error:" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("address, words", [
    ("127.0.0.1:1", ("nothing answers",)),
    ("not an address", ("not auto, HOST:PORT",)),
    ("localhost:99999", ("not auto, HOST:PORT",)),
])
def test_a_bad_ray_address_is_one_line_at_once_and_leaves_no_manifest(tmp_path, tiny_ct2_model, address, words):
    import time

    src = tmp_path / "a.txt"
    src.write_text("第一句。\n", "utf-8")
    started = time.perf_counter()
    r = run("batch", src, "--out-dir", tmp_path / "en", "--executor", "ray", "--ray-address", address,
            "--model", tiny_ct2_model, *BASE)
    assert time.perf_counter() - started < 10
    one_line_error(r, address, *words)
    assert not (tmp_path / "en" / "manifest.jsonl").exists()


def test_batch_over_a_folder_with_a_fifo_and_a_link_to_dev_zero_ends_and_names_them(tmp_path, tiny_ct2_model):
    import json
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("第一句。\n", "utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    r = run("batch", folder, "--out-dir", tmp_path / "en", "--model", tiny_ct2_model, *BASE, "--workers", "1")
    assert r.exit_code == 1, r.output  # two documents failed, the batch went on
    rows = [json.loads(line) for line in (tmp_path / "en" / "manifest.jsonl").read_text("utf-8").splitlines()]
    status = {Path(row["document"]).name: (row["status"], row["error"]) for row in rows if "document" in row}
    assert status["good.txt"][0] == "translated"
    assert status["pipe.txt"][0] == "failed" and "named pipe" in status["pipe.txt"][1]
    assert status["zero.txt"][0] == "failed" and "device" in status["zero.txt"][1]


def test_a_long_run_of_one_symbol_the_vocabulary_lacks_is_tokenized_in_linear_time():
    import time

    from translator.engines.marian_tokenizer import MarianSpmTokenizer

    from .conftest import ROOT

    tok = MarianSpmTokenizer(ROOT / "models" / "opus-mt-zh-en-tokenizer")  # the real opus-mt-zh-en files
    started = time.perf_counter()
    pieces = tok.tokenize("市北区" + "━" * 12_000 + "。")  # one sentencepiece piece no vocabulary entry covers
    assert time.perf_counter() - started < 2  # was cubic: 2,500 took 10 s, 12,000 over 40 minutes
    assert pieces


def test_markup_shown_as_text_never_becomes_live_html_in_markdown_output():
    from markdown_it import MarkdownIt

    from translator import Pipeline
    from translator.formats import render

    from .fake_engine import FakeEngine

    result = Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False).translate_text("全年新增企业。\n")
    result.segments[0].target = "The page shows <script>alert(1)</script> and <b>x</b> as text."  # as a model copies
    html = MarkdownIt("commonmark").render(render(result, "md"))
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_glossary_check_warns_about_invisible_characters_in_targets_and_one_character_terms(tmp_path):
    path = tmp_path / "terms.tsv"
    path.write_text("source\ttarget\n市北区\tShibei\u202e District\n经济\teco\u200bnomy\n一\tone\n", "utf-8")
    r = run("glossary", "check", "-q", path)
    assert r.exit_code == 0, r.output
    assert "terms.tsv:2: warning" in r.output and "U+202E" in r.output
    assert "terms.tsv:3: warning" in r.output and "U+200B" in r.output
    assert "terms.tsv:4: warning: one-character source '一'" in r.output


def test_markdown_footnote_definitions_are_translated_not_left_in_chinese(tmp_path, tiny_ct2_model):
    src = tmp_path / "notes.md"
    src.write_text("# 标题\n\n正文。\n\n[^1]: 这是脚注的内容。\n\n[^note]: 第二个脚注。\n\n[a]: https://example.com\n", "utf-8")
    out = tmp_path / "notes.en.md"
    r = translate(src, out, tiny_ct2_model, "--no-notes")  # flag notes may quote the source's characters
    assert r.exit_code == 0, r.output
    text = out.read_text("utf-8")
    assert not re.search("[\u4e00-\u9fff]", text)
    assert "\n[^1]: " in text and "\n[^note]: " in text and "[a]: https://example.com" in text


def test_html_urls_and_names_with_chinese_or_spaces_are_written_as_they_were(tmp_path):
    from translator import Pipeline
    from translator.documents.api import translate_files

    from .fake_engine import FakeEngine

    src = tmp_path / "links.html"
    src.write_text('<html><body><p>见<a href="/路径/文件.html?q=中文&amp;x=1 y">RCEP</a>。</p><img src="图 1.png" alt="">'
                   '<form action="/提交"><p>企业。</p></form><a name="锚点"></a></body></html>', "utf-8")
    out = tmp_path / "links.en.html"
    translate_files(Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False), [str(src)], str(out))
    text = out.read_text("utf-8")
    assert 'href="/路径/文件.html?q=中文&amp;x=1 y"' in text and 'src="图 1.png"' in text
    assert 'action="/提交"' in text and 'name="锚点"' in text and "%E" not in text


def test_an_encrypted_pdf_whose_text_cannot_be_read_is_called_encrypted_not_scanned(tmp_path, tiny_ct2_model):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    src = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(src), encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0))
    pdf.rect(72, 600, 100, 100)  # a page with a drawing and no text, as pdfminer sees one it cannot decrypt
    pdf.save()
    one_line_error(translate(src, tmp_path / "locked.en.docx", tiny_ct2_model), "locked.pdf", "encrypted")


def test_markdown_links_keep_their_url_and_title_exactly(tmp_path):
    from markdown_it import MarkdownIt

    from translator import Pipeline
    from translator.documents.api import translate_files

    from .fake_engine import FakeEngine

    src = tmp_path / "links.md"
    src.write_text('见[RCEP](<a)b.html> "标题\\\\")和[ABC](/路径/文件.html)与![图](<图 1.png>)。\n', "utf-8")
    out = tmp_path / "links.en.md"
    translate_files(Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False), [str(src)], str(out))
    md = MarkdownIt("commonmark")
    md.normalizeLink = lambda url: url
    links = [(t.attrs.get("href") or t.attrs.get("src"), t.attrs.get("title")) for t in md.parse(out.read_text("utf-8"))[1].children
             if t.type in ("link_open", "image")]
    assert ("a)b.html", "标题\\") in links and ("/路径/文件.html", None) in links and ("图 1.png", None) in links

