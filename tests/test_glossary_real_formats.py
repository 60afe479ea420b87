"""Term bases written by other tools read right (found on real TBX, TMX and CSV glossaries; benchmarks/REAL_TERMBASES.md).

Every file here is built in the test, in the dialect real tools write: Microsoft's ``ntig``/``termGrp``
TBX, TBX v3 ``conceptEntry``/``langSec`` with a namespace, KDE's concept entries with several Chinese
terms, TMX 1.1/1.4 with inline codes, CSV glossaries whose header names the languages.
"""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.cli import cli
from translator.glossary import Entry, Glossary, load_glossary
from translator.glossary.exchange import parse_entries, to_tbx, to_tmx


def _cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _rows(path):
    return [(e.source, e.target, e.variants, e.status) for e in load_glossary([path]).entries]


MS_TBX = """<?xml version="1.0" encoding="UTF-8"?><martif type="TBX" xml:lang="en-US"><martifHeader><fileDesc>
<sourceDesc><p>Terminology Collection</p></sourceDesc></fileDesc></martifHeader><text><body>
<termEntry id="2_76365"><langSet xml:lang="en-US"><descripGrp><descrip type="definition">To end a session.</descrip>
</descripGrp><ntig><termGrp><term id="76365">log off</term><termNote type="partOfSpeech">Verb</termNote></termGrp></ntig>
</langSet><langSet xml:lang="zh-CN"><ntig><termGrp><term id="9">注销</term><termNote type="partOfSpeech">Verb</termNote>
</termGrp></ntig></langSet></termEntry>
</body></text></martif>
"""


def test_microsoft_style_ntig_termgrp_is_read_and_a_part_of_speech_is_not_a_status(tmp_path):
    path = tmp_path / "ms.tbx"
    path.write_text(MS_TBX, "utf-8")
    [entry] = load_glossary([path]).entries
    assert (entry.source, entry.target, entry.variants, entry.status) == ("注销", "log off", (), "approved")
    assert entry.note == "To end a session."
    assert entry.line == 5  # the line of the Chinese term, not the entry's number


KDE_TBX = """<?xml version='1.0' encoding='UTF-8'?>
<!DOCTYPE martif PUBLIC 'ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN' 'TBXcdv04.dtd'>
<martif type="TBX" xml:lang="en_US">
  <text>
    <body>
      <termEntry id="a-0">
        <descrip type="subjectField">动作</descrip>
        <langSet xml:lang="en-US">
          <tig><term>print</term></tig>
        </langSet>
        <langSet xml:lang="zh-CN">
          <tig><term>打印</term></tig>
          <tig><term>输出</term></tig>
        </langSet>
      </termEntry>
      <termEntry id="a-1">
        <langSet xml:lang="en-US"><tig><term>shortcut</term></tig><tig><term/></tig></langSet>
        <langSet xml:lang="nan-TW"><tig><term>快速齒</term></tig></langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""


def test_every_chinese_term_of_a_concept_is_an_entry_citing_its_own_line(tmp_path):
    path = tmp_path / "terms.tbx"
    path.write_text(KDE_TBX, "utf-8")
    entries, problems = parse_entries(str(path))
    assert [(e.source, e.target, e.line) for e in entries] == [("打印", "print", 12), ("输出", "print", 13)]
    # the concept without Chinese (nan-TW is not zh) is reported with its line, not imported and not an error
    assert [(p.severity, p.line) for p in problems] == [("warning", 16)]
    assert "1 concept entries with no zh term skipped" in problems[0].message


V3_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
<tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
<text><body>
<conceptEntry id="c1">
  <langSec xml:lang="en">
    <termSec><term>sewage plant</term><termNote type="administrativeStatus">admitted</termNote></termSec>
    <termSec><term>wastewater treatment plant</term><termNote type="administrativeStatus">preferred</termNote></termSec>
    <termSec><term>sewage farm</term><termNote type="administrativeStatus">deprecated</termNote></termSec>
  </langSec>
  <langSec xml:lang="zh-Hant">
    <termSec><term>汙水處理廠</term><termNote type="administrativeStatus">preferred</termNote></termSec>
    <termSec><term>污水廠</term><termNote type="administrativeStatus">deprecated</termNote></termSec>
  </langSec>
</conceptEntry>
</body></text></tbx>
"""


def test_tbx_v3_statuses_pick_the_preferred_target_and_never_accept_a_deprecated_term(tmp_path):
    path = tmp_path / "v3.tbx"
    path.write_text(V3_TBX, "utf-8")
    assert _rows(path) == [("汙水處理廠", "wastewater treatment plant", ("sewage plant",), "approved"),
                           ("污水廠", "wastewater treatment plant", ("sewage plant",), "proposed")]
    glossary = load_glossary([path])
    # the Traditional source matches Simplified text through the OpenCC fold
    assert [m.entry.source for m in glossary.find("新建污水处理厂一座")] == ["汙水處理廠"]
    assert glossary.entries_in("污水厂") == []  # deprecated Chinese term: reported (proposed), never enforced


def test_tbx_with_no_chinese_english_pair_is_one_clear_error_listing_the_languages(tmp_path):
    path = tmp_path / "ug.tbx"
    path.write_text(MS_TBX.replace('xml:lang="zh-CN"', 'xml:lang="ug-CN"'), "utf-8")
    r = _cli("glossary", "check", path)
    assert r.exit_code == 2
    assert "ug.tbx:1: error: nothing to read" in r.output and "en-US, ug-CN" in r.output


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" segtype="phrase" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="html"/>
<body>
<tu tuid="1">
  <tuv xml:lang="ZH-CN"><seg>点击<bpt i="1">&lt;b&gt;</bpt>保存<ept i="1">&lt;/b&gt;</ept>按钮</seg></tuv>
  <tuv xml:lang="EN-US"><seg>Click the <bpt i="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> button</seg></tuv>
</tu>
<tu tuid="2">
  <tuv lang="zh-TW"><seg>市北區</seg></tuv>
  <tuv lang="en-US"><seg>Shibei District</seg></tuv>
  <tuv lang="en-GB"><seg>Shibei district</seg></tuv>
  <tuv lang="en-GB"><seg>Shibei Qu</seg></tuv>
</tu>
<tu tuid="3"><tuv xml:lang="zh-CN"><seg>只有中文</seg></tuv><tuv xml:lang="ja-JP"><seg>日本語</seg></tuv></tu>
</body></tmx>
"""


def test_tmx_inline_codes_keep_the_text_around_them_and_language_codes_in_any_case(tmp_path):
    path = tmp_path / "memory.tmx"
    path.write_text(TMX, "utf-8")
    entries, problems = parse_entries(str(path))
    assert [(e.source, e.target, e.variants, e.line) for e in entries] == [
        ("点击保存按钮", "Click the Save button", (), 5),
        ("市北區", "Shibei District", ("Shibei district", "Shibei Qu"), 9)]
    messages = [(p.severity, p.line, p.message) for p in problems]
    assert [(s, n) for s, n, _ in messages] == [("warning", 5), ("warning", 6), ("warning", 14)]
    assert "inline codes (bpt, ept)" in messages[0][2] and "no en segment" in messages[2][2]


def test_import_reports_what_it_skipped_and_how_many_it_read(tmp_path):
    path = tmp_path / "memory.tmx"
    path.write_text(TMX, "utf-8")
    target = tmp_path / "tb.tsv"
    r = _cli("glossary", "import", path, "-g", target)
    assert r.exit_code == 0, r.output
    assert "memory.tmx:14: warning:" in r.output and "added 2 (2 entries read)" in r.output


def test_csv_glossary_whose_header_names_the_languages(tmp_path):
    path = tmp_path / "ms.csv"
    path.write_text('en,zh_CN,pos,description\nlog off,注销,Verb,"To end a session, remotely"\nhome page,主页\n', "utf-8")
    assert [(e.source, e.target, e.note, e.line) for e in load_glossary([path]).entries] == [
        ("注销", "log off", "To end a session, remotely", 2), ("主页", "home page", "", 3)]
    out = _cli("glossary", "check", path).output
    assert "ms.csv:1: warning: column(s) pos ignored" in out
    tsv = tmp_path / "lshk.tsv"
    tsv.write_text("Marking\tEnglish\tChinese\tCount\n\tabsolute\t絕對\t100\n", "utf-8")
    assert _rows(tsv) == [("絕對", "absolute", (), "approved")]


def test_a_header_with_two_chinese_columns_is_refused_rather_than_guessed(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("English,zh-Hans,zh-Hant\nsoftware,软件,軟體\n", "utf-8")
    r = _cli("glossary", "check", path)
    assert r.exit_code == 2 and "several Chinese columns (zh-Hans, zh-Hant)" in r.output


def test_our_own_header_stays_strict(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\tvaraints\n市北区\tShibei District\tShibei\n", "utf-8")
    r = _cli("glossary", "check", path)
    assert r.exit_code == 2 and "unknown column(s) varaints" in r.output


_word = st.text(st.sampled_from("abcdefgh XYZ-"), min_size=1, max_size=12).map(str.strip).filter(bool)
_han = st.text(st.sampled_from("市北区青岛创新平台科技企业研发投入"), min_size=1, max_size=6)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(_han, _word, st.lists(_word, max_size=2, unique=True), st.sampled_from(["approved", "proposed"])),
                min_size=1, max_size=6, unique_by=lambda t: t[0]))
def test_tbx_and_tmx_exports_read_back_unchanged(tmp_path_factory, specs):
    entries = [Entry(s, t, tuple(v for v in vs if v != t), status=st_) for s, t, vs, st_ in specs]
    glossary = Glossary(entries=entries)
    folder = tmp_path_factory.mktemp("rt")
    for name, text in (("g.tbx", to_tbx(glossary)), ("g.tmx", to_tmx(glossary))):
        path = folder / name
        path.write_text(text, "utf-8")
        back, problems = parse_entries(str(path))
        assert [p for p in problems if "one-character source" not in p.message] == []  # 市 alone is warned of
        assert [e.row() for e in back] == [e.row() for e in entries]


def test_sources_that_cannot_match_as_written_are_warned_in_every_format(tmp_path):
    """Real glossaries write optional parts in brackets (突發（音）) and alternatives with ；: such a source never
    matches running text as the editor meant, so check says so (a warning: the entry is still read)."""
    tsv = tmp_path / "g.tsv"
    tsv.write_text("source\ttarget\n突發（音）\tplosive\n插件板；电路板\tplug-in board\n市北区\tShibei District\n", "utf-8")
    out = _cli("glossary", "check", tsv).output
    assert "g.tsv:2: warning:" in out and "brackets" in out
    assert "g.tsv:3: warning:" in out and "list separator" in out
    assert "g.tsv:4:" not in out
    tmx = tmp_path / "g.tmx"
    tmx.write_text('<tmx version="1.4"><body><tu>\n<tuv xml:lang="zh-CN"><seg>形容（詞）語</seg></tuv>\n'
                   '<tuv xml:lang="en"><seg>adjectival 形容</seg></tuv></tu></body></tmx>', "utf-8")
    out = _cli("glossary", "check", tmx).output
    assert "g.tmx:2: warning:" in out and "brackets" in out
    assert "g.tmx:2: warning:" in out and "contains Chinese characters" in out


def test_headerless_omegat_glossary_txt_is_read_in_either_direction(tmp_path):
    """OmegaT glossaries (.txt, tab-separated source/target/comment, no header) are what CAT users have."""
    zh_en = tmp_path / "glossary.txt"
    zh_en.write_text("# Glossary in tab-separated format -*- coding: utf-8 -*-\n凌寒\tLing Han\n"
                     "不灭天经\tUndying Heavenly Scripture\t功法\n", "utf-8")
    entries, problems = parse_entries(str(zh_en))
    assert [(e.source, e.target, e.note, e.line) for e in entries] == [
        ("凌寒", "Ling Han", "", 2), ("不灭天经", "Undying Heavenly Scripture", "功法", 3)]
    assert [(p.severity, p.line) for p in problems] == [("warning", 2)] and "no header" in problems[0].message
    en_zh = tmp_path / "omegat.txt"  # an English -> Chinese project's glossary, UTF-16 as OmegaT may write it
    en_zh.write_bytes("translation memory\t翻译记忆\nsource file\t源文件\tUI\n".encode("utf-16"))
    entries, problems = parse_entries(str(en_zh))
    assert [(e.source, e.target, e.note, e.line) for e in entries] == [
        ("翻译记忆", "translation memory", "", 1), ("源文件", "source file", "UI", 2)]
    assert "column 2 as the source" in problems[0].message


def test_a_tsv_with_our_header_is_never_read_as_headerless(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("source\ttarget\n市北区\tShibei District\n", "utf-8")
    assert parse_entries(str(path)) == ([Entry("市北区", "Shibei District", file=str(path), line=2)], [])


def test_import_can_merge_a_files_own_alternatives_as_variants(tmp_path):
    """Real glossaries list one Chinese term with several English (下拉菜单: drop-down menu, pull-down menu ...):
    refused by default (citing every line), merged into variants of the first on request, nothing lost."""
    incoming = tmp_path / "ms.csv"
    incoming.write_text("en,zh_CN\ndrop-down menu,下拉菜单\npulldown menu,下拉菜单\npull-down menu,下拉菜单\n"
                        "home page,主页\n", "utf-8")
    base = tmp_path / "tb.tsv"
    base.write_text("source\ttarget\n主页\thome page\n", "utf-8")
    refused = _cli("glossary", "import", incoming, "-g", base)
    assert refused.exit_code == 2 and "ms.csv:3:" in refused.output and "ms.csv:4:" in refused.output
    merged = _cli("glossary", "import", incoming, "-g", base, "--merge-variants")
    assert merged.exit_code == 0, merged.output
    assert "added 1, unchanged 1 (4 entries read, 2 merged into an earlier row of the same source)" in merged.output
    assert _rows(base) == [("主页", "home page", (), "approved"),
                           ("下拉菜单", "drop-down menu", ("pulldown menu", "pull-down menu"), "approved")]


def test_importing_into_a_two_column_term_base_keeps_variants_notes_and_status(tmp_path):
    """A term base with only ``source target`` columns took imported entries without their variants, note or
    proposed status, silently; the missing columns are now added to its header."""
    base = tmp_path / "tb.tsv"
    base.write_text("# editors' list\nsource\ttarget\n市北区\tShibei District\n", "utf-8")
    path = tmp_path / "v3.tbx"
    path.write_text(V3_TBX, "utf-8")
    assert _cli("glossary", "import", path, "-g", base).exit_code == 0
    assert _rows(base) == [("市北区", "Shibei District", (), "approved"), *_rows(path)]
    assert [e.note for e in load_glossary([base]).entries][2] == "deprecated Chinese term in the TBX"
    assert base.read_text("utf-8").startswith("# editors' list\nsource\ttarget\tvariants\ttype\tcase\tstatus\tnote\n")


def test_a_source_of_punctuation_only_is_refused_unless_it_is_copied_as_is(tmp_path):
    """Found in a real novel glossary (。 -> a character's name) and a Microsoft export (@ -> at sign): such a source
    matches every sentence end or e-mail address and would force its English into each one."""
    path = tmp_path / "glossary.txt"
    path.write_text("凌寒\tLing Han\n。\tChen Ping'an\n@\tat sign\n×\t×\n", "utf-8")
    r = _cli("glossary", "check", path)
    assert r.exit_code == 2
    assert "glossary.txt:2: error:" in r.output and "glossary.txt:3: error:" in r.output
    assert "glossary.txt:4:" not in r.output and "glossary.txt:1: warning: no header" in r.output


MULTITERM = """<?xml version="1.0" encoding="UTF-16"?>
<mtf>
  <conceptGrp>
    <concept>1</concept>
    <languageGrp>
      <language type="English" lang="EN-US"/>
      <termGrp><term>work package</term></termGrp>
    </languageGrp>
    <languageGrp>
      <language type="Chinese" lang="ZH-CN"/>
      <termGrp><term>工作包</term></termGrp>
      <termGrp><term>工作套件</term></termGrp>
    </languageGrp>
  </conceptGrp>
</mtf>
"""


def test_multiterm_xml_export_is_read(tmp_path):
    path = tmp_path / "termbase.xml"
    path.write_bytes(MULTITERM.encode("utf-16"))
    entries, problems = parse_entries(str(path))
    assert [(e.source, e.target, e.line) for e in entries] == [("工作包", "work package", 11), ("工作套件", "work package", 12)]
    assert problems == []


def test_a_headerless_omegat_glossary_is_read_but_editing_it_says_why_not(tmp_path):
    """OmegaT glossaries have no header: `list` reads them; `add` says what is missing instead of writing a
    broken header (it once reported 'unknown column(s) 电路板, circuit board')."""
    path = tmp_path / "project.txt"
    path.write_text("电路板\tcircuit board\n青岛\tQingdao\n", "utf-8")
    assert "circuit board" in _cli("glossary", "list", "-g", str(path)).output
    r = _cli("glossary", "add", "山东", "Shandong", "-g", str(path))
    assert r.exit_code == 2
    assert f"{path}:1: no header row naming the source and target columns" in r.output
    assert path.read_text("utf-8") == "电路板\tcircuit board\n青岛\tQingdao\n"
