"""Term base loading, validation, matching, enforcement and the editors' CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from translator import Pipeline
from translator.cli import cli
from translator.errors import InputError, ValidationError
from translator.glossary import Entry, load_glossary, target_present
from translator.glossary.protection import TermProtector

from .conftest import ROOT
from .fake_engine import FakeEngine

HEADER = "source\ttarget\tvariants\ttype\tcase\tstatus\tnote\n"
SHIPPED = ROOT / "glossary" / "zh-en.tsv"


def write(tmp_path, body, name="g.tsv"):
    path = tmp_path / name
    path.write_text(HEADER + body, "utf-8")
    return path


def test_shipped_glossary_is_valid_and_covers_the_report():
    g = load_glossary([SHIPPED])
    assert len(g.entries) >= 40
    assert not [p for p in g.problems if p.severity != "info"]
    sources = {e.source for e in g.entries}
    for needed in ("RCEP", "专精特新", "小巨人", "高新技术企业", "瞪羚企业", "规上工业企业", "市北区", "青岛",
                   "青岛啤酒博物馆", "无废城市", "煤改气", "鲁通码", "爱山东", "黄河战略"):
        assert needed in sources
    museum = next(e for e in g.entries if e.source == "青岛啤酒博物馆")
    assert "Tsingtao" in museum.target
    assert g.version.startswith("sha256:")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("RCEP\t\n", 2, "blank target"),
        ("\tRCEP\n", 2, "blank source"),
        ("RCEP\tRCEP\t\tkeep\n", 2, "unknown type 'keep'"),
        ("RCEP\tRCEP\t\tdnt\tupper\n", 2, "unknown case 'upper'"),
        ("RCEP\tRCEP\t\tdnt\t\tdraft\n", 2, "unknown status 'draft'"),
        ("青岛\tQingdao\n青岛\tTsingtao\n", 3, "conflicts with '青岛' -> 'Qingdao'"),
        ("ＲＣＥＰ\tRCEP\nRCEP\tR.C.E.P.\n", 3, "full-width/half-width"),
        ("a\tb\tc\td\te\tf\tg\th\n", 2, "8 fields"),
    ],
)
def test_validation_errors_name_file_and_line(tmp_path, body, line, message):
    path = write(tmp_path, body)
    with pytest.raises(ValidationError) as info:
        load_glossary([path])
    text = str(info.value)
    assert f"{path}:{line}: error" in text and message in text


def test_all_problems_are_reported_at_once(tmp_path):
    path = write(tmp_path, "RCEP\t\n青岛\tQingdao\t\tbad\n市北\tShibei\t\t\t\tmaybe\n")
    with pytest.raises(ValidationError) as info:
        load_glossary([path])
    assert len([p for p in info.value.problems if p.severity == "error"]) == 3


def test_warnings_and_infos_do_not_stop(tmp_path):
    path = write(tmp_path, " 青岛 \tQingdao\n青岛\tQingdao\n青岛啤酒博物馆\tTsingtao Beer Museum\n")
    g = load_glossary([path])
    kinds = sorted({p.severity for p in g.problems})
    assert kinds == ["info", "warning"]
    assert len(g.entries) == 2


def test_missing_header_and_missing_file(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("# only a comment\n", "utf-8")
    with pytest.raises(ValidationError, match="no header row"):
        load_glossary([path])
    with pytest.raises(InputError, match="not found"):
        load_glossary([tmp_path / "nope.tsv"])


def test_conflicts_across_files_are_found(tmp_path):
    a = write(tmp_path, "青岛\tQingdao\n", "a.tsv")
    b = write(tmp_path, "青岛\tTsingtao\n", "b.tsv")
    with pytest.raises(ValidationError, match="a.tsv:2"):
        load_glossary([a, b])


def test_matching_rules():
    g = load_glossary([SHIPPED])
    found = [(m.entry.source, m.start, m.end) for m in g.find("专精特新“小巨人”企业在青岛市北区,ＲＣＥＰ与RCEPS及青岛啤酒博物馆")]
    assert ("专精特新", 0, 4) in found
    assert ("小巨人", 5, 8) in found
    assert ("青岛", 12, 14) in found and ("市北区", 14, 17) in found
    assert ("RCEP", 18, 22) in found  # full-width form matches
    assert [s for s, _, _ in found].count("RCEP") == 1  # RCEPS: no word boundary
    assert ("青岛啤酒博物馆", 29, 36) in found  # longest match wins over 青岛


def test_case_sensitive_entries():
    g = load_glossary([SHIPPED])
    assert [m.entry.source for m in g.find("AI应用")] == ["AI"]
    assert g.find("ai应用") == []


def test_target_present_accepts_variants_plurals_and_hyphens():
    e = Entry("高新技术企业", "high-tech enterprise", ("high and new technology enterprise",))
    assert target_present(e, "55 new High-Tech Enterprises were recognised")
    assert target_present(e, "high tech enterprise")
    assert target_present(e, "a high and new technology enterprise")
    assert not target_present(e, "hi-tech firms")


def test_placeholder_codes_survive_the_real_tokenizer(tiny_engine):
    protector = TermProtector(load_glossary([SHIPPED]), tiny_engine.accepts_verbatim)
    assert len(protector.codes) >= 10
    tok = tiny_engine.tokenizer
    for code in protector.codes:
        src = tok(code, add_special_tokens=False)["input_ids"]
        tgt = tok(text_target=code, add_special_tokens=False)["input_ids"]
        assert tok.unk_token_id not in src and tok.unk_token_id not in tgt
        assert tok.decode(tgt, skip_special_tokens=True) == code
    # a letter the Chinese-trained source model never saw is refused
    assert not tiny_engine.accepts_verbatim("ZZZ") or "Z" in "".join(protector.codes)


def _pipeline(engine, **kw):
    return Pipeline(engine=engine, glossaries=[str(SHIPPED)], use_cache=False, **kw)


SENTENCE = "全年新增2家国家级专精特新“小巨人”企业、2家山东省瞪羚企业。"


def test_placeholder_strategy_keeps_every_term():
    engine = FakeEngine()
    seg = _pipeline(engine).translate_segments([SENTENCE])[0]
    assert {t.source for t in seg.terms} == {"专精特新", "小巨人", "山东省", "瞪羚企业"}
    assert all(t.satisfied and t.strategy == "placeholder" for t in seg.terms)
    assert "specialized, refined, distinctive and innovative" in seg.target
    assert not [f for f in seg.flags if f.check == "term_missing"]
    assert len(engine.calls) == 1


def test_garbled_placeholders_are_retried_with_injection():
    engine = FakeEngine(drop_codes=True)
    seg = _pipeline(engine).translate_segments([SENTENCE])[0]
    assert all(t.satisfied and t.strategy == "inject" for t in seg.terms)
    assert "gazelle enterprise" in seg.target
    assert len(engine.calls) == 2


def test_term_still_missing_after_retries_is_flagged_with_expected_target():
    engine = FakeEngine(drop_codes=True, drop_latin=True)
    seg = _pipeline(engine).translate_segments([SENTENCE])[0]
    missing = {f.details["expected"] for f in seg.flags if f.check == "term_missing"}
    assert "little giant" in missing and "gazelle enterprise" in missing
    assert all(f.details.get("attempts") == 3 for f in seg.flags if f.check == "term_missing")
    assert not any(t.satisfied for t in seg.terms if t.source == "小巨人")
    assert len(engine.calls) == 3


def test_retries_zero_flags_immediately():
    engine = FakeEngine(drop_codes=True)
    seg = _pipeline(engine, retries=0).translate_segments([SENTENCE])[0]
    assert any(f.check == "term_missing" for f in seg.flags)
    assert len(engine.calls) == 1


def test_degenerate_output_is_retried_with_anti_repetition_decoding():
    engine = FakeEngine(loop=True)
    seg = _pipeline(engine).translate_segments(["深化RCEP区域经贸合作。"])[0]
    assert "the the the" not in seg.target
    assert engine.calls[-1][1].no_repeat_ngram_size == 3
    assert not [f for f in seg.flags if f.check == "degenerate"]


def test_proposed_entries_are_reported_not_enforced(tmp_path):
    path = write(tmp_path, "新金融产业园\tNew Finance Industrial Park\t\tterm\t\tproposed\n")
    engine = FakeEngine()
    seg = Pipeline(engine=engine, glossaries=[str(path)], use_cache=False).translate_segments(["青岛新金融产业园获评试点。"])[0]
    assert seg.terms[0].status == "proposed" and seg.terms[0].strategy == "none"
    assert not any(f.check == "term_missing" for f in seg.flags)
    assert "新金融产业园" not in engine.calls[0][0][0] or "XD" not in engine.calls[0][0][0]


def test_document_reports_adherence_and_glossary_version():
    engine = FakeEngine(drop_codes=True, drop_latin=True)
    doc = _pipeline(engine, retries=0).translate_text("标题\n" + SENTENCE + "深化RCEP区域经贸合作。")
    assert doc.signature.glossary == load_glossary([SHIPPED]).version
    assert doc.term_adherence() == 0.0
    good = _pipeline(FakeEngine(), retries=0).translate_text("标题\n" + SENTENCE + "深化RCEP区域经贸合作。")
    assert good.term_adherence() == 100.0
    assert good.to_dict()["term_adherence"] == 100.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["专精特新", "小巨人", "RCEP", "青岛", "市北区", "瞪羚企业", "企业", "增长", "，", "“", "”", "2家"]),
                min_size=1, max_size=12))
def test_protect_restore_round_trip(parts):
    """With an engine that copies codes, every approved term comes back exactly."""
    text = "".join(parts)
    protector = TermProtector(load_glossary([SHIPPED]), FakeEngine().accepts_verbatim)
    protected = protector.protect(text, "placeholder")
    for code in protected.slots:
        assert code in protected.text
    restored = protector.restore(protected.text, protected)
    uses = protector.assess(restored, protected)
    assert all(u.satisfied for u in uses if u.status == "approved")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_loader_raises_only_typed_errors(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("g") / "g.tsv"
    path.write_text(text, "utf-8")
    try:
        load_glossary([path])
    except (ValidationError, InputError):
        pass


# ----------------------------------------------------------------- the CLI
def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def editable(tmp_path):
    path = tmp_path / "zh-en.tsv"
    path.write_text("# editors' comment\n" + HEADER + "青岛\tQingdao\n# section two\n市北区\tShibei District\n", "utf-8")
    return path


def test_cli_add_keeps_comments_and_order(editable):
    r = run("glossary", "add", "煤改气", "coal-to-gas conversion", "--variant", "coal-to-gas", "--note", "energy", "-f", editable)
    assert r.exit_code == 0 and "added" in r.output
    lines = editable.read_text("utf-8").splitlines()
    assert lines[0] == "# editors' comment" and lines[3] == "# section two"
    assert lines[-1].startswith("煤改气\tcoal-to-gas conversion\tcoal-to-gas\tterm")


def test_cli_add_refuses_conflict_unless_replace(editable):
    r = run("glossary", "add", "青岛", "Tsingtao", "-f", editable)
    assert r.exit_code == 2 and "--replace" in r.output
    assert "Qingdao" in editable.read_text("utf-8")
    r = run("glossary", "add", "青岛", "Tsingtao", "--replace", "-f", editable)
    assert r.exit_code == 0 and "replaced" in r.output
    assert editable.read_text("utf-8").splitlines()[2].startswith("青岛\tTsingtao")


def test_cli_add_dnt_and_remove(editable):
    assert run("glossary", "add", "RCEP", "RCEP", "--dnt", "-f", editable).exit_code == 0
    assert "RCEP\tRCEP\t\tdnt" in editable.read_text("utf-8")
    r = run("glossary", "remove", "市北区", "-f", editable)
    assert r.exit_code == 0 and "市北区" not in editable.read_text("utf-8")
    assert "# section two" in editable.read_text("utf-8")
    assert run("glossary", "remove", "不存在", "-f", editable).exit_code == 2


def test_cli_list_grep(editable):
    r = run("glossary", "list", "--grep", "shibei", "-f", editable)
    assert r.output.strip() == "市北区\tShibei District\t\tterm\tinsensitive\tapproved"


def test_cli_check_passes_on_shipped_and_fails_with_lines(tmp_path):
    r = run("glossary", "check", SHIPPED)
    assert r.exit_code == 0 and "ok:" in r.output
    bad = write(tmp_path, "RCEP\t\n青岛\tQingdao\t\tbad\n")
    r = run("glossary", "check", bad)
    assert r.exit_code == 2
    assert f"{bad}:2: error: blank target" in r.output and f"{bad}:3: error: unknown type" in r.output


def test_tbx_round_trip_through_cli_and_translate_toolkit(tmp_path):
    tbx = tmp_path / "g.tbx"
    assert run("glossary", "export", "--format", "tbx", "-o", tbx, "-f", SHIPPED).exit_code == 0
    from translate.storage import tbx as tk_tbx

    store = tk_tbx.tbxfile.parsestring(tbx.read_bytes())
    pairs = {(u.source, u.target) for u in store.units}
    assert ("青岛啤酒博物馆", "Tsingtao Beer Museum") in pairs
    fresh = tmp_path / "fresh.tsv"
    r = run("glossary", "import", tbx, "-f", fresh)
    assert r.exit_code == 0, r.output
    assert [e.row()[:6] for e in load_glossary([fresh]).entries] == [e.row()[:6] for e in load_glossary([SHIPPED]).entries]
    assert load_glossary([fresh]).version == load_glossary([SHIPPED]).version


def test_csv_and_tmx_export(tmp_path):
    r = run("glossary", "export", "--format", "csv", "-f", SHIPPED)
    assert r.output.splitlines()[0] == "source,target,variants,type,case,status,note"
    tmx = tmp_path / "g.tmx"
    run("glossary", "export", "--format", "tmx", "-o", tmx, "-f", SHIPPED)
    from translate.storage import tmx as tk_tmx

    units = tk_tmx.tmxfile.parsestring(tmx.read_bytes()).units
    assert ("RCEP", "RCEP") in {(u.source, u.target) for u in units}
    assert len(units) == len(load_glossary([SHIPPED]).entries)


# ------------------------------------------------- decoding-time completion
def test_completion_targets():
    from translator.engines.term_completion import completion_targets

    seqs = [[7, 8, 9], [7, 5]]
    assert completion_targets([1, 2, 7], seqs) == {8, 5}
    assert completion_targets([1, 7, 8], seqs) == {9}
    assert completion_targets([1, 7, 8, 9], seqs) == set()  # finished: no push
    assert completion_targets([3], seqs) == set()


def test_completion_processor_boosts_the_next_piece_of_a_started_term(tiny_engine):
    import torch

    from translator.engines.term_completion import COMPLETION_BONUS, make_processor

    tok = tiny_engine.tokenizer
    term = tok(text_target="gazelle enterprise", add_special_tokens=False)["input_ids"]
    assert len(term) >= 2
    start = tiny_engine.model.config.decoder_start_token_id
    processor = make_processor([[term], []], beams=2)
    input_ids = torch.tensor([[start, term[0]], [start, 5], [start, term[0]], [start, term[0]]])
    scores = torch.zeros(4, len(tok.encoder) if hasattr(tok, "encoder") else 2000)
    out = processor(input_ids, scores.clone())
    assert out[0, term[1]] == COMPLETION_BONUS  # item 0, beam 0 has begun the term
    assert out[1].abs().sum() == 0  # item 0, beam 1 has not
    assert out[2].abs().sum() == 0 and out[3].abs().sum() == 0  # item 1 has no terms


def test_pipeline_passes_term_hints_to_the_engine():
    engine = FakeEngine()
    seen = []
    original = engine._translate_batch

    def spy(texts, lengths, settings, hints=None):
        seen.append(hints)
        return original(texts, lengths, settings, hints)

    engine._translate_batch = spy
    _pipeline(engine).translate_segments([SENTENCE])
    codes = seen[0][0]
    assert len(codes) == 4 and all(len(c) == 3 and c.isupper() for c in codes)


# ------------------------------------------------------------ editors' first hour (issue 17)
def _cli(*args):
    from click.testing import CliRunner

    from translator.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args])


def test_every_exchange_format_is_read_wherever_a_glossary_is_read(tmp_path):
    """check, translate -g and import all take TSV, CSV (also GBK, as Chinese Excel writes it), TBX and TMX."""
    csv_gbk = tmp_path / "excel.csv"
    csv_gbk.write_bytes("source,target,note\n市北区,Shibei District,区名\n青岛,Qingdao,城市\n".encode("gbk"))
    assert _cli("glossary", "check", csv_gbk).exit_code == 0
    assert "2 entries" in _cli("glossary", "check", "-g", csv_gbk).output
    for fmt in ("tbx", "tmx"):
        exported = tmp_path / f"g.{fmt}"
        assert _cli("glossary", "export", "--format", fmt, "-g", csv_gbk, "-o", exported).exit_code == 0
        back = load_glossary([exported])
        assert [(e.source, e.target, e.note) for e in back.entries] == [
            ("市北区", "Shibei District", "区名"), ("青岛", "Qingdao", "城市")]
    target = tmp_path / "tb.tsv"
    assert "added 2" in _cli("glossary", "import", tmp_path / "g.tmx", "-g", target).output
    from .fake_engine import FakeEngine

    doc = Pipeline(engine=FakeEngine(), glossaries=[str(csv_gbk)], use_cache=False).translate_text("市北区位于青岛。")
    assert {t.source for s in doc.segments for t in s.terms} == {"市北区", "青岛"}


def test_dnt_and_variants_survive_a_tmx_round_trip(tmp_path):
    tsv = tmp_path / "g.tsv"
    tsv.write_text("source\ttarget\tvariants\ttype\tcase\nRCEP\tRCEP\t\tdnt\tsensitive\n专精特新\tSRDI\tspecialised|niche\n",
                   "utf-8")
    out = tmp_path / "g.tmx"
    _cli("glossary", "export", "--format", "tmx", "-g", tsv, "-o", out)
    assert [e.row() for e in load_glossary([out]).entries] == [e.row() for e in load_glossary([tsv]).entries]


def test_csv_problems_cite_the_csv_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('source,target\n市北区,Shibei\n"多行\n来源",x\n青岛,\n', "utf-8")
    r = _cli("glossary", "check", bad)
    assert r.exit_code == 2
    assert "bad.csv:3:" in r.output and "line break" in r.output  # the quoted field spans lines 3-4
    assert "bad.csv:5:" in r.output and "blank target" in r.output


def test_import_conflicts_cite_the_imported_file_and_change_nothing(tmp_path):
    base = tmp_path / "tb.tsv"
    base.write_text("source\ttarget\n市北区\tShibei District\n", "utf-8")
    before = base.read_bytes()
    incoming = tmp_path / "in.tsv"
    incoming.write_text("source\ttarget\n青岛\tQingdao\n市北区\tShibei\n青岛\tTsingtao\n", "utf-8")
    for extra in ((), ("--replace",)):
        r = _cli("glossary", "import", incoming, "-g", base, *extra)
        assert r.exit_code == 2
        assert "in.tsv:4:" in r.output and "line 2 of the same file" in r.output  # contradicts itself: always an error
        assert base.read_bytes() == before
    incoming.write_text("source\ttarget\n市北区\tShibei\n", "utf-8")
    r = _cli("glossary", "import", incoming, "-g", base)
    assert r.exit_code == 2 and "in.tsv:2:" in r.output and "tb.tsv:2" in r.output


def test_replace_takes_the_new_note(tmp_path):
    base = tmp_path / "tb.tsv"
    base.write_text("source\ttarget\tnote\n市北区\tShibei District\told rendering, see style guide\n", "utf-8")
    assert _cli("glossary", "add", "市北区", "Shibei", "--replace", "-g", base).exit_code == 0
    assert "old rendering" not in base.read_text("utf-8")


def test_add_warns_as_check_does(tmp_path):
    base = tmp_path / "tb.tsv"
    r = _cli("glossary", "add", "数字\u3000经济", "digital economy", "-g", base)
    assert r.exit_code == 0 and "stray whitespace" in r.output
    r = _cli("glossary", "add", "云计算", "云 computing", "-g", base)
    assert r.exit_code == 0 and "contains Chinese" in r.output


def test_traditional_chinese_matches_simplified_entries():
    g = load_glossary([ROOT / "glossary" / "zh-en.tsv"])
    text = "市北區推進專精特新企業發展，青島"
    found = {m.entry.source: text[m.start:m.end] for m in g.find(text)}
    assert found == {"市北区": "市北區", "专精特新": "專精特新", "青岛": "青島"}
