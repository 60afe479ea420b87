"""What a demanding new user tries first: hostile inputs and outputs, and the commands the README documents.

Each test states a product promise (never lose the source, name what is wrong, read what we can read)
on input nobody tidied first.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from translator.cli import cli
from translator.errors import InputError

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


MARKDOWN = """# 市北区经济运行报告

全区生产总值增长5.2%，达到1200亿元。新增企业300家。

- 推进[城市更新](https://example.com/a)建设。
- 深化区域合作。

| 指标 | 数值 |
|---|---|
| 企业 | 300家 |
"""


def test_segment_reads_documents_as_documents(tmp_path):
    md = tmp_path / "notes.md"
    md.write_text(MARKDOWN, "utf-8")
    r = run("segment", md)
    assert r.exit_code == 0, r.output
    lines = [line.split("\t")[-1] for line in r.stdout.splitlines()]
    assert "市北区经济运行报告" in lines and "推进城市更新建设。" in lines and "300家" in lines
    assert not any(line.startswith(("#", "-", "|")) or "https://" in line for line in lines)
    r = run("segment", ROOT / "samples" / "shibei-2023-report.zh.docx")
    assert r.exit_code == 0, r.output
    assert "市北:澎湃绿色低碳高质量发展新动能" in r.stdout


def test_summarize_reads_documents_as_documents(tmp_path):
    from translator import Pipeline

    from .fake_engine import FakeEngine

    html = tmp_path / "page.html"
    html.write_text("<html><head><title>市北区经济</title></head><body><h1>市北区经济运行报告</h1>"
                    "<p>全区<b>研发投入</b>突破10亿元。新增国家级企业52家。</p></body></html>", "utf-8")
    pipeline = Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False)
    summary = pipeline.summarize(str(html), sentences=2)
    sources = [s.source for s in summary.sentences]
    assert sources and all("<" not in s for s in sources)
    assert "全区研发投入突破10亿元。" in sources


def test_short_gbk_and_big5_text_is_decoded_not_garbled(tmp_path):
    from translator.textio import read_text

    cases = [("市北区\n", "gb18030"), ("经济运行\n", "gb18030"), ("在杨洋的冷静沉着\n", "gb18030"),
             ("新增企业\n", "gb18030"), ("臺灣經濟發展報告\n", "big5"), ("市北區經濟\n", "big5"),
             ("“城市更新”\n", "big5"), ("《新聞報導》\n", "big5")]
    for n, (text, encoding) in enumerate(cases):
        path = tmp_path / f"{n}.txt"
        path.write_bytes(text.encode(encoding))
        decoded = read_text(str(path))
        assert decoded.text == text, (text, decoded.encoding)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(range(0x80, 0x100)) * 3)
    with pytest.raises(InputError, match="noise.txt"):
        read_text(str(noise))


def test_a_gbk_csv_glossary_from_excel_keeps_its_chinese(tmp_path):
    from translator.glossary import load_glossary

    path = tmp_path / "terms.csv"
    path.write_bytes("source,target\n市北区,Shibei District\n青岛,Qingdao\n".encode("gbk"))
    assert [e.source for e in load_glossary([str(path)]).entries] == ["市北区", "青岛"]


def test_a_number_with_its_unit_is_never_taken_for_a_section_number():
    from translator.segmentation import segment_text

    text = ("市北区工作安排\n"
            "1 实施创新驱动发展战略\n"
            "12 月 31 日前完成全部改造任务\n"
            "5 家企业获评国家级专精特新\n"
            "30 万元以下项目全部下放\n"
            "2 推进城市更新\n")
    doc = segment_text(text)
    kinds = {doc.segments[b.segment_indices[0]].text: (b.kind, b.marker) for b in doc.blocks}
    assert kinds["实施创新驱动发展战略"] == ("heading", "1")
    assert kinds["推进城市更新"] == ("heading", "2")
    for line in ("12 月 31 日前完成全部改造任务", "5 家企业获评国家级专精特新", "30 万元以下项目全部下放"):
        assert kinds[line] == ("paragraph", None)  # the model sees the number with what it counts


def test_a_manifest_saved_by_windows_notepad_or_in_gbk_is_read(tmp_path):
    from translator.batch.discovery import discover

    (tmp_path / "报告.txt").write_text(SOURCE, "utf-8")
    (tmp_path / "b.txt").write_text(SOURCE, "utf-8")
    for n, data in enumerate([b"\xef\xbb\xbf" + "报告.txt\r\nb.txt\r\n".encode(),   # UTF-8 with BOM, CRLF
                              "报告.txt\nb.txt\n".encode("gbk"),
                              "\ufeff报告.txt\r\nb.txt\r\n".encode("utf-16-le")]):
        manifest = tmp_path / f"list{n}.txt"
        manifest.write_bytes(data)
        jobs = discover([f"@{manifest}"], tmp_path / "en")
        assert [j.source for j in jobs] == [str(tmp_path / "报告.txt"), str(tmp_path / "b.txt")]


def test_glossary_edits_refuse_a_term_base_that_is_not_tsv(tmp_path):
    csv = tmp_path / "terms.csv"
    csv.write_text("source,target\n市北区,Shibei District\n", "utf-8")
    tbx = tmp_path / "new.tbx"
    for path, before in ((csv, csv.read_bytes()), (tmp_path / "new.csv", None), (tbx, None)):
        for args in (("add", "青岛", "Qingdao"), ("remove", "市北区"), ("import", GLOSSARY)):
            r = run("glossary", *args, "-g", path)
            assert r.exit_code == 2, (args, r.output)
            assert path.name in r.output and "TSV" in r.output
            assert (path.read_bytes() if path.exists() else None) == before
    assert run("glossary", "list", "-g", csv).stdout.startswith("市北区\tShibei District")


def test_a_short_text_without_paragraphs_still_gets_a_summary():
    from translator import Pipeline

    from .fake_engine import FakeEngine

    pipeline = Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False)
    for text in ("全年研发投入突破10亿元", "市北区经济\n1 研发投入突破10亿元\n"):  # a title only; a title and a heading
        result = pipeline.translate_text(text)
        assert all(b.kind != "paragraph" for b in result.document.blocks)
        summary = pipeline.summarize(result, sentences=3)
        assert summary.sentences, text
        assert "研发投入突破10亿元" in " ".join(s.source for s in summary.sentences)


def test_summary_md_carries_the_signature_and_the_flags_and_txt_only_the_sentences(tmp_path, tiny_model):
    src = tmp_path / "report.zh.txt"
    src.write_text(SOURCE, "utf-8")
    r = run("summarize", src, "--model", tiny_model, *BASE, "--format", "md", "--sentences", "1")
    assert r.exit_code == 0, r.output
    assert "Machine translation, check before use: translator:" in r.stdout
    assert "number: " in r.stdout  # the random English lacks the figures: flagged, and a reader sees it
    r = run("summarize", src, "--model", tiny_model, *BASE, "--format", "txt", "--sentences", "1")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 1  # one sentence a line: what evaluate reads


def test_a_script_that_calls_translate_corpus_unguarded_is_told_why_its_workers_die(tmp_path, tiny_ct2_model):
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.txt").write_text(SOURCE, "utf-8")
    script = tmp_path / "run.py"
    script.write_text("from translator import PipelineSettings\n"
                      "from translator.batch import translate_corpus\n"
                      f"report = translate_corpus(['reports/'], PipelineSettings(model={str(tiny_ct2_model)!r}), 'en/',"
                      " executor='local', workers=1)\n"
                      "print(report.records[0].error)\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'if __name__ == "__main__":' in proc.stdout
    row = json.loads((tmp_path / "en" / "manifest.jsonl").read_text("utf-8").splitlines()[0])
    assert row["status"] == "failed" and 'if __name__ == "__main__":' in row["error"]


def test_batch_names_inputs_that_are_inside_the_output_folder(tmp_path):
    from translator.batch.discovery import discover

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(SOURCE, "utf-8")
    for inputs, out_dir in (([reports], reports), ([reports / "a.txt"], reports), ([reports], tmp_path)):
        with pytest.raises(InputError, match="inside the output folder") as info:
            discover([str(p) for p in inputs], out_dir)
        assert str(inputs[0]) in str(info.value)
    assert [j.source for j in discover([str(reports)], reports / "en")] == [str(reports / "a.txt")]


def test_a_glossary_row_without_its_separator_is_explained(tmp_path):
    from translator.errors import ValidationError
    from translator.glossary import load_glossary

    path = tmp_path / "terms.tsv"
    path.write_text("source\ttarget\n市北区\tShibei District\n青岛  Qingdao\n", "utf-8")  # spaces typed for the tab
    with pytest.raises(ValidationError) as info:
        load_glossary([str(path)])
    message = str(info.value)
    assert "terms.tsv:3" in message and "one field" in message and "separator" in message


def test_a_line_that_starts_with_a_label_is_still_cut_into_sentences():
    from translator.segmentation import segment_text

    text = "会议纪要\n时间：3月5日上午，会议在北京召开。会议指出，要加快发展。\n日期：2024年3月5日 来源：新华社\n"
    doc = segment_text(text)
    assert [s.text for s in doc.segments] == ["会议纪要", "时间：3月5日上午，会议在北京召开。", "会议指出，要加快发展。",
                                              "日期：2024年3月5日", "来源：新华社"]
    assert doc.rebuild() == text


def test_translate_file_takes_its_options_by_name_so_an_output_is_never_mistaken_for_an_encoding(tmp_path):
    from translator import Pipeline

    from .fake_engine import FakeEngine

    src = tmp_path / "notes.md"
    src.write_text(MARKDOWN, "utf-8")
    pipeline = Pipeline(engine=FakeEngine(), use_glossary=False, use_cache=False)
    with pytest.raises(TypeError):
        pipeline.translate_file(str(src), str(tmp_path / "notes.en.md"))  # the README's order: path, output
    result = pipeline.translate_file(str(src), output=str(tmp_path / "notes.en.md"))
    assert result.output == str(tmp_path / "notes.en.md") and (tmp_path / "notes.en.md").exists()


def test_a_full_stop_after_a_character_outside_the_bmp_ends_the_sentence():
    from translator.segmentation import segment_text

    doc = segment_text("标题\n他的名字是陈𠮷. 他来自青岛. 他喜欢😀。\n")
    assert [s.text for s in doc.segments][1:] == ["他的名字是陈𠮷.", "他来自青岛.", "他喜欢😀。"]


def test_markdown_and_html_inputs_have_the_same_size_limit_as_text(tmp_path, monkeypatch):
    from translator.documents import open_document

    monkeypatch.setenv("TRANSLATOR_MAX_INPUT_BYTES", "200")
    md = tmp_path / "big.md"
    md.write_text(MARKDOWN * 3, "utf-8")
    html = tmp_path / "big.html"
    html.write_text("<html><body>" + "<p>全区生产总值增长5.2%。</p>" * 20 + "</body></html>", "utf-8")
    for path in (md, html):
        with pytest.raises(InputError, match="200-byte input limit") as info:
            open_document(path)
        assert path.name in str(info.value)
    monkeypatch.setenv("TRANSLATOR_MAX_INPUT_BYTES", "0")
    assert open_document(md).units


def test_page_breaks_from_pdftotext_and_word_line_breaks_are_line_breaks(tmp_path):
    from translator.textio import read_text

    path = tmp_path / "pdftotext.txt"
    path.write_text("第一页最后一句。\n\x0c第二页第一句。\x0b同一段的下一行。\n\x0c", "utf-8")  # pdftotext; Word's Shift+Enter
    assert read_text(str(path)).text == "第一页最后一句。\n\n第二页第一句。\n同一段的下一行。\n\n"


def test_cuda_on_a_machine_without_it_is_named_not_blamed_on_the_model(tiny_ct2_model, monkeypatch):
    import ctranslate2

    from translator.engines.ctranslate2_engine import CTranslate2Engine
    from translator.errors import TranslatorError

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    with pytest.raises(TranslatorError) as info:
        CTranslate2Engine(str(tiny_ct2_model), device="cuda:1")
    message = str(info.value)
    assert "cuda:1" in message and "'cpu'" in message and "convert" not in message


def test_cuda_n_selects_gpu_n_for_ctranslate2(tiny_ct2_model, monkeypatch):
    import ctranslate2

    from translator.engines.ctranslate2_engine import CTranslate2Engine

    seen = {}

    class Loaded(Exception):
        pass

    def fake_translator(path, **options):
        seen.update(options)
        raise Loaded

    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 2)
    monkeypatch.setattr(ctranslate2, "Translator", fake_translator)
    with pytest.raises(Exception):
        CTranslate2Engine(str(tiny_ct2_model), device="cuda:1", target_vocab_only=False)
    assert seen["device"] == "cuda" and seen["device_index"] == 1


def test_an_output_ending_in_a_slash_is_a_folder_never_a_file_of_that_name(tmp_path):
    from translator.errors import OutputError
    from translator.outputs import check_output, plan_outputs

    src = tmp_path / "report.zh.txt"
    src.write_text(SOURCE, "utf-8")
    for output in (f"{tmp_path}/en/", f"{tmp_path}/en//"):
        with pytest.raises(OutputError, match="folder"):
            plan_outputs([str(src)], output, None, "txt")
        with pytest.raises(OutputError, match="folder"):
            check_output(output, str(src))
    assert not (tmp_path / "en").exists()
    from translator import Pipeline

    from .fake_engine import FakeEngine

    with pytest.raises(OutputError, match="folder"):
        Pipeline(engine=FakeEngine(), use_cache=False).translate_file(str(src), output=f"{tmp_path}/en/")
    assert not (tmp_path / "en").exists()


def test_encoding_applies_to_markdown_and_html_too(tmp_path):
    from translator.documents import read_source

    md = tmp_path / "notes.md"
    md.write_bytes("# 國家\n".encode("big5"))  # too short to detect: it decodes as GB18030 瓣產 too
    assert [s.text for s in read_source(md, "big5")[0].segments] == ["國家"]
    html = tmp_path / "page.html"
    html.write_bytes("<html><body><p>國家</p></body></html>".encode("big5"))
    assert [s.text for s in read_source(html, "big5")[0].segments] == ["國家"]


def test_the_output_extension_chooses_the_format_when_none_is_given(tmp_path, tiny_model):
    import json

    src = tmp_path / "report.zh.txt"
    src.write_text(SOURCE, "utf-8")
    out = tmp_path / "report.en.json"
    r = run("translate", src, "--model", tiny_model, *BASE, "-o", out, "-q")
    assert r.exit_code == 0, r.output
    assert len(json.loads(out.read_text("utf-8"))["segments"]) == 3
    r = run("translate", src, "--model", tiny_model, *BASE, "-o", tmp_path / "report.en.xlf", "-q")
    assert r.exit_code == 0 and "<xliff" in (tmp_path / "report.en.xlf").read_text("utf-8")
    r = run("translate", src, "--model", tiny_model, *BASE, "-o", tmp_path / "report.en.docx", "-q")
    assert r.exit_code == 2 and "docx" in r.output  # a text input cannot become a .docx: said, not faked
    r = run("translate", src, "--model", tiny_model, *BASE, "-o", tmp_path / "plain.out", "-q")
    assert r.exit_code == 0 and "Machine translation" in (tmp_path / "plain.out").read_text("utf-8")  # txt


def test_summarize_output_extension_chooses_the_format_too(tmp_path, tiny_model):
    import json

    src = tmp_path / "report.zh.txt"
    src.write_text(SOURCE, "utf-8")
    out = tmp_path / "summary.json"
    r = run("summarize", src, "--model", tiny_model, *BASE, "--sentences", "1", "-o", out)
    assert r.exit_code == 0, r.output
    assert len(json.loads(out.read_text("utf-8"))["sentences"]) == 1


def test_digit_groups_separated_by_thin_or_no_break_spaces_are_one_number():
    """GB/T 15835 groups long numbers with a thin space (1 234 567); NBSP stands in for it in Word files."""
    from translator.checks import CheckInput, run_checks
    from translator.segmentation import segment_text

    for sep in ("\u2009", "\u202f", "\u00a0"):
        source = f"全区共有1{sep}234{sep}567名从业人员，其中新增12{sep}300人。"
        flags = run_checks(CheckInput(source, "The district has 1,234,567 workers, 12,300 of them new."))
        assert not [f for f in flags if f.check == "number"], (repr(sep), flags)
        assert segment_text(source).segments[0].text == "全区共有1,234,567名从业人员，其中新增12,300人。"
    assert segment_text("分别为3\u00a012家和5 200家。").segments[0].text == "分别为3 12家和5 200家。"  # not groups of three
    # decimal places are grouped too (GB 3101: 3.141 592 6); a comma there would be another number
    assert segment_text("圆周率约为3.141\u2009592\u20096。").segments[0].text == "圆周率约为3.141 592 6。"


def test_a_full_disk_is_a_one_line_error_with_exit_2_and_the_old_output_kept(tmp_path, tiny_model, tiny_ct2_model,
                                                                              monkeypatch):
    import errno
    import os

    from translator.errors import OutputError
    from translator.textio import write_atomic

    src = tmp_path / "report.zh.txt"
    src.write_text(SOURCE, "utf-8")
    if os.path.exists("/dev/full"):
        r = run("translate", src, "--model", tiny_model, *BASE, "-o", "/dev/full", "-q")
        assert r.exit_code == 2 and "/dev/full" in r.output and "Traceback" not in r.output
        import subprocess
        import sys

        with open("/dev/full", "w") as stdout:  # standard output on a full disk
            proc = subprocess.run([sys.executable, "-m", "translator", "translate", str(src), "--model", str(tiny_ct2_model),
                                   *BASE, "-q"], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=300,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert "standard output: cannot write: No space left on device" in proc.stderr
    out = tmp_path / "out.txt"
    out.write_text("old", "utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="out.txt: cannot write: No space left on device"):
        write_atomic(out, "new")
    assert out.read_text("utf-8") == "old"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_batch_refuses_a_format_its_documents_cannot_be_written_in_before_any_work(tmp_path):
    from translator.batch.discovery import discover
    from translator.errors import ValidationError

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SOURCE, "utf-8")
    (tmp_path / "in" / "b.md").write_text(MARKDOWN, "utf-8")
    with pytest.raises(ValidationError) as info:
        discover([str(tmp_path / "in")], tmp_path / "out", "docx")
    message = str(info.value)
    assert "a.txt" in message and "docx" in message and "b.md" in message
    assert [j.fmt for j in discover([str(tmp_path / "in")], tmp_path / "out", "md")] == ["md", "md"]


def test_batch_with_a_hub_model_that_is_not_here_fails_at_once_with_exit_2(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SOURCE, "utf-8")
    r = run("batch", tmp_path / "in", "--out-dir", tmp_path / "out", "--model", "Helsinki-NLP/opus-mt-zh-en",
            "--workers", "1", "-q")
    assert r.exit_code == 2, r.output
    assert "Helsinki-NLP/opus-mt-zh-en" in r.output and "not available" in r.output
    assert not (tmp_path / "out" / "manifest.jsonl").exists()  # no worker started, no document 'failed'
