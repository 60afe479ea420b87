"""The translation memory: store, lookups, imports and exports, and its place in a run (issue 22)."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator import Pipeline
from translator.cli import cli
from translator.errors import InputError, TranslationMemoryError, ValidationError
from translator.memory import TranslationMemory, import_file, read_units, to_tmx
from translator.memory.apply import adapt_numbers

GROWTH_OLD = "全年地区生产总值增长24.8%。"
GROWTH_NEW = "全年地区生产总值增长28.3%。"


def _cli(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def tm(tmp_path):
    with TranslationMemory(tmp_path / "tm.sqlite3") as memory:
        yield memory


def _write(path, text):
    path.write_text(text, "utf-8")
    return path


def _add(tm, source, target, who="li", glossary="none"):
    return tm.add(source, target, origin="test", approved_by=who, glossary_version=glossary)


# ------------------------------------------------------------------ the store
def test_exact_lookup_uses_the_caches_normalisation_and_the_newest_approval_wins(tm):
    _add(tm, "全年增长２８.３%。", "Growth was 28.3%.")  # full-width digits, as a report may write them
    assert tm.exact("全年增长28.3%。").target == "Growth was 28.3%."
    assert tm.exact(" 全年增长28.3%。\u3000").target == "Growth was 28.3%."
    _add(tm, "全年增长28.3%。", "The year's growth was 28.3%.", who="wang")
    assert tm.exact("全年增长28.3%。").approved_by == "wang"
    _add(tm, "全年增长28.3%。", "Growth was 28.3%.", who="zhao")  # approved again: the newest again
    unit = tm.exact("全年增长28.3%。")
    assert (unit.target, unit.approved_by) == ("Growth was 28.3%.", "zhao")
    assert len(tm) == 2 and tm.stats().sources == 1
    assert tm.exact("全年增长28.4%。") is None


def test_fuzzy_matches_score_characters_and_name_the_differing_numbers(tm):
    _add(tm, GROWTH_OLD, "GDP grew 24.8% for the year.")
    _add(tm, "全年一般公共预算收入增长5%。", "General public budget revenue grew 5%.")
    _add(tm, "完全无关的另一句话。", "Something else entirely.")
    matches = tm.fuzzy(GROWTH_NEW)
    assert [m.unit.target for m in matches] == ["GDP grew 24.8% for the year."]
    (m,) = matches
    assert 0.75 <= m.score < 1 and m.percent == int(m.score * 100)
    assert m.numbers == (("28.3", "24.8"),)
    assert {d.op for d in m.differences} == {"replace"} and "".join(d.query for d in m.differences) == "83"
    assert tm.fuzzy(GROWTH_NEW, threshold=0.99) == []
    assert tm.fuzzy(GROWTH_OLD) == [] and tm.fuzzy(GROWTH_OLD, include_exact=True)[0].score == 1.0
    with pytest.raises(ValueError, match="threshold"):
        tm.fuzzy(GROWTH_NEW, threshold=75)


def test_fuzzy_returns_at_most_limit_best_first_one_per_source(tm):
    for n in range(10):
        _add(tm, f"本年度新增企业{n}家，同比增长{n}成。", f"{n} new firms.")
    _add(tm, "本年度新增企业3家，同比增长3成。", "Three new firms.", who="wang")  # a newer English of one source
    matches = tm.fuzzy("本年度新增企业3家，同比增长4成。", limit=5)
    assert len(matches) == 5
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert len({m.unit.source for m in matches}) == 5
    assert "Three new firms." in [m.unit.target for m in matches]  # the newest English of that source


@settings(max_examples=150, deadline=None)
@given(keys=st.lists(st.text("甲乙丙丁戊12。", min_size=1, max_size=14), min_size=1, max_size=40, unique=True),
       query=st.text("甲乙丙丁戊12。", min_size=1, max_size=14), threshold=st.sampled_from([0.3, 0.5, 0.6, 0.75, 0.9]))
def test_narrowing_candidates_never_loses_a_match(keys, query, threshold):
    """The length and bigram filters are exact: the same matches as scoring every source."""
    from rapidfuzz.distance import Levenshtein

    from translator.memory.fuzzy import FuzzyIndex

    index = FuzzyIndex.build(sorted(((len(k), k, i) for i, k in enumerate(keys)), key=lambda r: r[0]))
    found = {key for key, _, _ in index.search(query, threshold, limit=len(keys))}
    assert found == {k for k in keys if Levenshtein.normalized_similarity(query, k) >= threshold - 1e-12}


def test_remove_by_source_by_english_and_by_id(tm):
    a = _add(tm, "甲句。", "Sentence A.")
    _add(tm, "甲句。", "Sentence A, again.")
    b = _add(tm, "乙句。", "Sentence B.")
    assert tm.remove("甲句。", "Sentence A, again.") == 1
    assert tm.exact("甲句。").id == a.id
    assert tm.remove(unit_id=b.id) == 1 and tm.exact("乙句。") is None
    assert tm.remove("甲句。") == 1 and len(tm) == 0
    assert tm.remove("不存在。") == 0


def test_read_only_memory_refuses_writes_and_a_missing_file(tmp_path, tm):
    _add(tm, "甲句。", "Sentence A.")
    with TranslationMemory(tm.path, read_only=True) as ro:
        assert ro.exact("甲句。").target == "Sentence A."
        with pytest.raises(TranslationMemoryError, match="read-only"):
            _add(ro, "乙句。", "Sentence B.")
    with pytest.raises(TranslationMemoryError, match="no translation memory there"):
        TranslationMemory(tmp_path / "missing.sqlite3", read_only=True)
    assert not (tmp_path / "missing.sqlite3").exists()


def test_a_file_that_is_not_a_memory_is_named(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(TranslationMemoryError, match="junk.sqlite3: not a usable translation memory"):
        TranslationMemory(junk)
    cache = tmp_path / "cache.sqlite3"
    sqlite3.connect(cache).execute("CREATE TABLE segments (k TEXT)")
    with pytest.raises(TranslationMemoryError, match="not a translation memory"):
        TranslationMemory(cache, read_only=True)


def test_threads_share_one_memory(tm):
    units = [(f"第{n}句话。", f"Sentence {n}.") for n in range(40)]
    tm.add_many(units[:20], origin="test", approved_by="li")
    errors = []

    def work(k: int) -> None:
        try:
            tm.add_many(units[20 + k * 5:25 + k * 5], origin="test", approved_by=f"t{k}")
            for source, target in units[:20]:
                assert tm.exact(source).target == target
            tm.fuzzy("第3句话啊。")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(tm) == 40


def test_add_many_is_all_or_nothing(tm):
    with pytest.raises(InputError, match="record 2: empty target"):
        tm.add_many([("甲句。", "A."), ("乙句。", "  ")], origin="test", approved_by="li")
    with pytest.raises(InputError, match=r"record 1: holds U\+FFFE, a character XML cannot carry"):
        tm.add_many([("甲句\ufffe。", "A.")], origin="test", approved_by="li")
    assert len(tm) == 0


# ------------------------------------------------------------------ imports and exports
UNIT_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs"),
                                  exclude_characters="\ufffe\uffff"), min_size=1, max_size=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(UNIT_TEXT.map(lambda s: "中" + s), UNIT_TEXT.map(lambda s: "E" + s)), min_size=1,
                      max_size=6),
       who=st.sampled_from(["li", "Wang Fang", "reviewer@example.org"]))
def test_tmx_export_imports_back_unchanged(tmp_path_factory, pairs, who):
    folder = tmp_path_factory.mktemp("tmx")
    with TranslationMemory(folder / "a.sqlite3") as a, TranslationMemory(folder / "b.sqlite3") as b:
        a.add_many(pairs, origin="report.xlf", approved_by=who, glossary_version="sha256:abc")
        a.export_tmx(folder / "a.tmx")
        report = b.import_file(folder / "a.tmx")
        expected = [(u.source, u.target, u.origin, u.approved_by, u.approved_at, u.glossary_version) for u in a.units()]
        assert [(u.source, u.target, u.origin, u.approved_by, u.approved_at, u.glossary_version)
                for u in b.units()] == expected
        assert report.added == len(expected) and report.problems == []


# An excerpt of a real OmegaT project memory (TMX 1.1, `lang=`, English -> zh-CN, approver and date on the
# Chinese variant, OmegaT tags as text): Lilium27/omegat-l10n-zh-cn, omegat/project_save.tmx @ 00d00652
# (benchmarks/REAL_TERMBASES.md #6).
OMEGAT_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" creationtoolversion="5.2.0_0_747fc65a" segtype="sentence" srclang="en"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv lang="en">
        <seg>A source sentence might look like:</seg>
      </tuv>
      <tuv lang="zh-CN" changeid="DSS" changedate="20200418T123707Z" creationid="DSS" creationdate="20200418T123707Z">
        <seg>源语言也许类似这样：</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="en">
        <seg>A team project can be opened and translated offline.</seg>
      </tuv>
      <tuv lang="zh-CN" changeid="DSS" changedate="20200418T120928Z" creationid="DSS" creationdate="20200418T120928Z">
        <seg>团队项目可以离线打开并翻译。</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="en">
        <seg>&lt;a0&gt;OmegaT&lt;/a0&gt; tags in RTL segments</seg>
      </tuv>
      <tuv lang="zh-CN" changeid="Liliu" changedate="20200419T030342Z" creationid="hp" creationdate="20200418T070322Z">
        <seg>从右向左句段中的 &lt;a0&gt;OmegaT&lt;/a0&gt; 标签</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="en">
        <seg>All other files are read-only.</seg>
      </tuv>
      <tuv lang="zh-CN" changeid="hp" changedate="20200418T073814Z" creationid="hp" creationdate="20200418T073814Z">
        <seg>所有其他的文件都是只读的。</seg>
      </tuv>
    </tu>
    <tu>
      <tuv lang="en"><seg>Aligner</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_a_real_omegat_tmx_imports_with_its_approvers_and_dates(tmp_path, tm):
    path = tmp_path / "project_save.tmx"
    path.write_text(OMEGAT_TMX, "utf-8")
    report = tm.import_file(path, approved_by="fallback")
    assert (report.read, report.added, report.skipped) == (4, 4, {"with no zh segment": 1})
    assert "project_save.tmx:39: warning: 1 unit(s) with no zh segment skipped" in str(report.problems[0])
    unit = tm.exact("团队项目可以离线打开并翻译。")
    assert (unit.target, unit.approved_by, unit.approved_at[:19], unit.origin) == (
        "A team project can be opened and translated offline.", "DSS", "2020-04-18T12:09:28", "project_save.tmx")
    assert tm.exact("从右向左句段中的 <a0>OmegaT</a0> 标签").approved_by == "Liliu"


def test_json_and_jsonl_import_only_segments_marked_approved(tmp_path, tm):
    rows = [{"source": "甲句。", "target": "Sentence A.", "approved": True},
            {"source": "乙句。", "target": "Machine B."},
            {"source": "丙句。", "target": "Sentence C.", "approved": True}]
    jsonl = tmp_path / "review.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    report = import_file(tm, jsonl, approved_by="li")
    assert (report.read, report.added, report.skipped) == (2, 2, {'not marked "approved": true': 1})
    assert tm.exact("乙句。") is None and tm.exact("丙句。").approved_by == "li"
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"segments": rows}, ensure_ascii=False, indent=2), "utf-8")
    assert import_file(tm, doc).updated == 2


def test_our_json_output_reviewed_imports_citing_each_segments_line(tiny_model, tmp_path, tm):
    from translator.formats import render

    doc = _pipeline(tiny_model, None).translate_text(REPORT)
    data = json.loads(render(doc, "json"))
    data["segments"][1]["target"], data["segments"][1]["approved"] = "GDP grew 24.8%.", True
    data["segments"][2]["approved"] = "yes"
    path = _write(tmp_path / "reviewed.json", json.dumps(data, ensure_ascii=False, indent=2))
    line = path.read_text("utf-8").splitlines().index('      "id": "s3",') + 1
    with pytest.raises(ValidationError, match=f"reviewed.json:{line}: error: \"approved\" must be true or false"):
        import_file(tm, path)
    del data["segments"][2]["approved"]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    assert import_file(tm, path).added == 1 and tm.exact(GROWTH_OLD).target == "GDP grew 24.8%."


def test_a_bad_line_refuses_the_whole_file_naming_it(tmp_path, tm):
    jsonl = tmp_path / "review.jsonl"
    jsonl.write_text('{"source": "甲句。", "target": "A.", "approved": true}\n{"source": "乙句。", "target": \n'
                     '{"source": "丙句。", "target": "C.", "approved": "yes"}\n', "utf-8")
    with pytest.raises(ValidationError) as err:
        import_file(tm, jsonl)
    assert "review.jsonl:2: error: not valid JSON" in str(err.value)
    assert 'review.jsonl:3: error: "approved" must be true or false' in str(err.value)
    assert len(tm) == 0  # nothing half-imported


def test_aligned_text_imports_every_line_pair_and_refuses_misaligned_files(tmp_path, tm):
    src, tgt = tmp_path / "a.zh", tmp_path / "a.en"
    src.write_text("甲句。\n\n乙句。\n", "utf-8")
    tgt.write_text("Sentence A.\n\nSentence B.\n", "utf-8")
    assert import_file(tm, src, target_path=tgt).added == 2
    tgt.write_text("Sentence A.\n", "utf-8")
    with pytest.raises(InputError, match="line counts differ: .*a.zh has 3, .*a.en has 1"):
        import_file(tm, src, target_path=tgt)
    tgt.write_text("Sentence A.\n\n\n", "utf-8")
    with pytest.raises(ValidationError, match="a.zh:3: error: line 3 is empty in .*a.en but not in .*a.zh"):
        import_file(tm, src, target_path=tgt)
    with pytest.raises(ValidationError, match="a.en:1: error: .*source and target swapped"):
        import_file(tm, _write(tmp_path / "a.en", "Sentence A.\n"), target_path=_write(src, "甲句。\n"))


def test_a_translation_written_as_tmx_is_machine_output_and_skipped(tiny_model, tmp_path, tm):
    src, out = tmp_path / "report.txt", tmp_path / "report.tmx"
    src.write_text(REPORT, "utf-8")
    _pipeline(tiny_model, None).translate_file(src, output=out)
    report = tm.import_file(out)
    assert report.read == 0 and report.skipped == {"machine output nobody approved (x-translator-origin model)": 4}
    assert tm.import_file(out, all_units=True).added == 4


def test_xliff_2_and_another_tools_xliff_1_2(tmp_path, tm):
    v2 = _write(tmp_path / "v2.xlf", '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN" '
                'trgLang="en-US"><file id="f"><unit id="1"><segment state="final"><source>甲句。</source>'
                '<target>Sentence A.</target></segment></unit><unit id="2"><segment state="initial"><source>乙句。'
                '</source><target>Draft B.</target></segment></unit></file></xliff>')
    assert import_file(tm, v2).added == 1 and tm.exact("乙句。") is None
    v12 = _write(tmp_path / "en-zh.xliff", '<xliff version="1.2"><file source-language="en-US" target-language="zh-CN" '
                 'datatype="html" original="x"><body>\n<trans-unit id="1"><source>Click <g id="1">Save</g><x id="2"/>'
                 '</source><target state="translated">点击<g id="1">保存</g><x id="2"/></target></trans-unit>'
                 '</body></file></xliff>')
    report = import_file(tm, v12)  # English -> Chinese: read the other way round; inline markup keeps its text
    assert report.added == 1 and tm.exact("点击保存").target == "Click Save"


def test_an_xliff_into_another_language_is_refused(tmp_path, tm):
    path = tmp_path / "de.xlf"
    path.write_text('<xliff version="1.2"><file source-language="en" target-language="de" datatype="plaintext" '
                    'original="x"><body><trans-unit id="1" approved="yes"><source>Hello</source><target>Hallo</target>'
                    '</trans-unit></body></file></xliff>', "utf-8")
    with pytest.raises(InputError, match="de.xlf:1: an XLIFF from en to de"):
        import_file(tm, path)


# ------------------------------------------------------------------ in a run
def test_number_edits_need_the_same_sentence_but_its_numbers():
    from translator.memory import MemoryUnit

    unit = MemoryUnit(1, GROWTH_OLD, "GDP grew 24.8% for the year.", "t", "li", "2024-01-01T00:00:00+00:00", "none")
    assert adapt_numbers(GROWTH_NEW, unit) == ("GDP grew 28.3% for the year.", [("24.8", "28.3")])
    assert adapt_numbers("全年地区生产总值下降28.3%。", unit) is None  # words differ too
    vague = MemoryUnit(2, GROWTH_OLD, "GDP grew by almost a quarter.", "t", "li", "2024-01-01T00:00:00+00:00", "none")
    assert adapt_numbers(GROWTH_NEW, vague) is None  # the English does not write the number


REPORT = "标题\n全年地区生产总值增长24.8%。新增市场主体1.2万户。\n完成固定资产投资项目56个。\n"


def _pipeline(tiny_model, memory, **kw):
    return Pipeline(model=str(tiny_model), backend="transformers", beams=1, retries=0, use_cache=False,
                    memory=str(memory) if memory else None, **kw)


def test_changed_numbers_never_match_exactly(tiny_model, tmp_path):
    memory = tmp_path / "tm.sqlite3"
    with TranslationMemory(memory) as tm:
        _add(tm, GROWTH_OLD, "GDP grew 24.8% for the year.")
        _add(tm, "完成固定资产投资项目65个。", "Sixty-five fixed-asset investment projects were completed.")
    doc = _pipeline(tiny_model, memory).translate_text(REPORT.replace("24.8", "28.3"))
    by_source = {s.source: s for s in doc.segments}
    edited = by_source[GROWTH_NEW]
    assert edited.origin == "memory-fuzzy-edited" and edited.target == "GDP grew 28.3% for the year."
    assert [f.check for f in edited.flags] == ["memory_edited"] and "24.8 -> 28.3" in edited.flags[0].message
    model = by_source["完成固定资产投资项目56个。"]  # the English spells the number out: only a suggestion
    assert model.origin == "model" and model.target != model.matches[0].unit.target
    assert model.matches[0].numbers == (("56", "65"),)


def test_a_unit_approved_before_a_glossary_change_is_flagged(tiny_model, tmp_path):
    memory, glossary = tmp_path / "tm.sqlite3", tmp_path / "g.tsv"
    glossary.write_text("source\ttarget\n市场主体\tmarket entities\n", "utf-8")
    with TranslationMemory(memory) as tm:
        _add(tm, "新增市场主体1.2万户。", "12,000 new market players were registered.", glossary="sha256:old")
    doc = _pipeline(tiny_model, memory, glossaries=[str(glossary)]).translate_text(REPORT)
    seg = next(s for s in doc.segments if s.source == "新增市场主体1.2万户。")
    assert seg.origin == "memory" and seg.target == "12,000 new market players were registered."
    assert [f.check for f in seg.flags] == ["term_missing"] and "market entities" in seg.flags[0].message
    assert [(t.source, t.satisfied, t.strategy) for t in seg.terms] == [("市场主体", False, "memory")]
    assert seg.matches[0].unit.glossary_version == "sha256:old"


def test_reviewed_xliff_round_trip_through_a_cat_tool(tiny_model, tmp_path):
    """translate -> XLIFF -> a reviewer approves two units in a CAT tool (translate-toolkit) -> import -> the
    next run takes exactly those from the memory, and the rest from the model."""
    from translate.storage import xliff

    src = tmp_path / "report.txt"
    src.write_text(REPORT, "utf-8")
    xlf = tmp_path / "report.xlf"
    first = _pipeline(tiny_model, None).translate_file(src, output=xlf)
    assert all(s.origin == "model" for s in first.segments)

    store = xliff.xlifffile.parsefile(str(xlf))
    assert not any(u.isapproved() for u in store.units)  # machine output is never approved
    units = {u.source: u for u in store.units}
    units["全年地区生产总值增长24.8%。"].target = "Regional GDP grew by 24.8% over the year."
    units["全年地区生产总值增长24.8%。"].markapproved(True)
    units["标题"].target = "Title"
    units["标题"].set_state_n(units["标题"].S_SIGNED_OFF)  # "final", another CAT tool's way to confirm
    draft = units["新增市场主体1.2万户。"]
    draft.target = "A draft the reviewer is unsure of."  # editing a target translates it (the toolkit's way) ...
    draft.set_state_n(draft.S_NEEDS_REVIEW)  # ... unless the reviewer marks it as needing another look
    xlf.write_bytes(bytes(store))

    memory = tmp_path / "tm.sqlite3"
    result = _cli("tm", "import", xlf, "--tm", memory, "--approved-by", "li")
    assert result.exit_code == 0, result.output
    assert "added 2, updated 0 (2 approved units read, 2 skipped)" in result.output
    with TranslationMemory(memory, read_only=True) as tm:
        assert tm.exact("标题").glossary_version == first.signature.glossary  # from the file's signature

    out = tmp_path / "again.json"
    result = _cli("translate", src, "-o", out, "--model", tiny_model, "--backend", "transformers", "--beams", "1",
                  "--retries", "0", "--no-cache", "--tm", memory)
    assert result.exit_code == 0, result.output
    assert "4 segments (0 cached, 2 memory" in result.output
    data = json.loads(out.read_text("utf-8"))
    origins = {s["source"]: (s["origin"], s["target"]) for s in data["segments"]}
    assert origins["标题"] == ("memory", "Title")
    assert origins["全年地区生产总值增长24.8%。"] == ("memory", "Regional GDP grew by 24.8% over the year.")
    assert origins["新增市场主体1.2万户。"][0] == "model" and origins["完成固定资产投资项目56个。"][0] == "model"
    assert data["origin_counts"] == {"memory": 2, "model": 2}
    memory_seg = next(s for s in data["segments"] if s["source"] == "标题")
    assert memory_seg["matches"][0]["unit"]["approved_by"] == "li"

    again = tmp_path / "again.xlf"
    _pipeline(tiny_model, memory).translate_file(src, output=again)
    approved = {u.source for u in xliff.xlifffile.parsefile(str(again)).units if u.isapproved()}
    assert approved == {"标题", "全年地区生产总值增长24.8%。"}


def test_suggestions_reach_json_xliff_and_md(tiny_model, tmp_path):
    from translate.storage import xliff

    from translator.formats import render

    memory = tmp_path / "tm.sqlite3"
    with TranslationMemory(memory) as tm:
        _add(tm, "完成固定资产投资项目65个。", "Sixty-five fixed-asset investment projects were completed.")
    doc = _pipeline(tiny_model, memory).translate_text(REPORT)
    seg = next(s for s in doc.segments if s.source == "完成固定资产投资项目56个。")
    assert seg.origin == "model" and seg.matches[0].percent >= 75
    assert json.loads(render(doc, "json"))["segments"][seg.index]["matches"][0]["numbers"] == [["56", "65"]]
    unit = next(u for u in xliff.xlifffile.parsestring(render(doc, "xliff").encode()).units if u.source == seg.source)
    (alt,) = unit.getalttrans()
    assert alt.target == "Sixty-five fixed-asset investment projects were completed."
    md = render(doc, "md")
    assert "memory suggestion" in md and "numbers differ: 56 (memory 65)" in md
    assert "Segments from: model 4" in md


def test_a_run_entirely_from_memory_loads_no_model(tiny_model, tmp_path):
    memory = tmp_path / "tm.sqlite3"
    with TranslationMemory(memory) as tm:
        tm.add_many([("标题", "Title"), ("第一句。", "First."), ("第二句。", "Second.")], origin="t", approved_by="li")
    pipe = Pipeline(model=str(tiny_model), backend="transformers", use_cache=False, use_glossary=False,
                    memory=str(memory))
    doc = pipe.translate_text("标题\n第一句。第二句。\n")
    assert [s.origin for s in doc.segments] == ["memory"] * 3 and pipe._engine is None


def test_missing_memory_is_one_clear_error(tiny_model, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(REPORT, "utf-8")
    result = _cli("translate", src, "--model", tiny_model, "--tm", tmp_path / "nope.sqlite3")
    assert result.exit_code == 2 and "nope.sqlite3: no translation memory there" in result.output


# ------------------------------------------------------------------ the tm commands
def test_tm_commands(tmp_path):
    memory = tmp_path / "tm.sqlite3"
    src, tgt = tmp_path / "a.zh", tmp_path / "a.en"
    src.write_text("甲句。\n乙句。\n", "utf-8")
    tgt.write_text("Sentence A.\nSentence B.\n", "utf-8")
    r = _cli("tm", "import", "--src", src, "--tgt", tgt, "--tm", memory, "--approved-by", "li")
    assert r.exit_code == 0 and "added 2, updated 0 (2 approved units read)" in r.output
    r = _cli("tm", "list", "--tm", memory, "--grep", "乙")
    assert r.exit_code == 0 and r.output.startswith("2\t乙句。\tSentence B.\tli\t")
    r = _cli("tm", "stats", "--tm", memory, "--json")
    assert json.loads(r.output)["units"] == 2 and json.loads(r.output)["approvers"] == {"li": 2}
    r = _cli("tm", "export", "--tm", memory, "-o", tmp_path / "out.tmx")
    assert r.exit_code == 0 and len(read_units(tmp_path / "out.tmx")[0]) == 2
    r = _cli("tm", "remove", "甲句。", "--tm", memory)
    assert r.exit_code == 0 and "removed 1 unit(s)" in r.output
    r = _cli("tm", "remove", "甲句。", "--tm", memory)
    assert r.exit_code == 2 and "no unit for '甲句。'" in r.output
    r = _cli("tm", "import", src, "--tm", memory)
    assert r.exit_code == 2 and "cannot tell the format from the extension '.zh'" in r.output
    bad = _write(tmp_path / "bad.jsonl", '{"source": "丙句。", "target": "C.", "approved": true}\n{"source": \n')
    r = _cli("tm", "import", bad, "--tm", memory)
    assert r.exit_code == 2 and "bad.jsonl:2: error: not valid JSON" in r.output
    assert "丙句" not in _cli("tm", "list", "--tm", memory).output  # nothing half-imported
    with TranslationMemory(memory) as tm:
        assert "<seg>乙句。</seg>" in to_tmx(tm)


def test_batch_workers_share_a_read_only_memory_and_an_import_redoes_the_documents(tiny_ct2_model, tmp_path):
    from translator.batch import translate_corpus

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(REPORT, "utf-8")
    (docs / "b.txt").write_text("标题\n完成固定资产投资项目56个。\n", "utf-8")
    memory = tmp_path / "team.tm"
    with TranslationMemory(memory) as tm:
        _add(tm, "标题", "Title")
    settings = {"model": str(tiny_ct2_model), "beams": 1, "retries": 0, "use_cache": False, "memory": str(memory)}
    first = translate_corpus([str(docs)], settings, tmp_path / "out", workers=1, fmt="json")
    assert first.translated == 2 and first.memory_segments == 2  # both titles
    with TranslationMemory(memory) as tm:
        _add(tm, "完成固定资产投资项目56个。", "56 fixed-asset investment projects were completed.")
    again = translate_corpus([str(docs)], settings, tmp_path / "out", workers=1, fmt="json")
    assert again.translated == 2 and again.memory_segments == 4  # the memory changed: nothing skipped
    b = json.loads((tmp_path / "out" / "b.en.json").read_text("utf-8"))
    assert [s["origin"] for s in b["segments"]] == ["memory", "memory"]
    assert translate_corpus([str(docs)], settings, tmp_path / "out", workers=1, fmt="json").skipped == 2
