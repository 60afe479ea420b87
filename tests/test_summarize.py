"""Extractive summaries: ranking, redundancy control, tracing, CLI and evaluation."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from translator import Pipeline
from translator.cli import cli
from translator.glossary import load_glossary
from translator.segmentation.segmenter import segment_text
from translator.checks import CheckInput, check_summary_sentence, run_checks
from translator.summarize.extractive import candidates, select_sentences

from .conftest import ROOT, SAMPLE
from .fake_engine import FakeEngine

GLOSSARY = load_glossary([ROOT / "glossary" / "zh-en.tsv"])
REF = ROOT / "samples" / "shibei-2023-report.en.ref.txt"
REF_SUMMARY = ROOT / "samples" / "shibei-2023-report.en.summary.txt"


def test_figures_and_terms_in_the_lead_outrank_boilerplate():
    text = ("标题\n1 实施创新驱动发展战略\n"
            "全社会研发投入突破10亿元,同比增长28.3%,全年新增2家国家级专精特新“小巨人”企业、2家山东省瞪羚企业。"
            "继续做好各项工作。按照要求开展相关工作。\n")
    cands = {c.text: c for c in candidates(segment_text(text), GLOSSARY)}
    lead = cands["全社会研发投入突破10亿元,同比增长28.3%,全年新增2家国家级专精特新“小巨人”企业、2家山东省瞪羚企业。"]
    assert lead.score > cands["继续做好各项工作。"].score
    assert lead.score > cands["按照要求开展相关工作。"].score
    assert lead.features["figures"] > 0 and lead.features["terms"] > 0


def test_near_duplicates_are_never_both_selected():
    sentence = "全社会研发投入突破10亿元,同比增长28.3%。"
    text = "标题\n" + sentence + "全社会研发投入突破10亿元,同比增长28.3%!" + "市北区举办文旅活动1500场次。" + "新增18所优质幼儿园。\n"
    picks = select_sentences(segment_text(text), GLOSSARY, sentences=4)
    chosen = [c.text for c in picks]
    assert sum(t.startswith("全社会研发投入") for t in chosen) == 1
    assert len(chosen) == 3


def test_per_section_picks_one_per_section_plus_lead(sample_text):
    doc = segment_text(sample_text)
    picks = select_sentences(doc, GLOSSARY, per_section=True)
    assert len(picks) == 11  # the lead paragraph + 10 numbered sections
    assert len({c.section for c in picks}) == 11
    assert [c.index for c in picks] == sorted(c.index for c in picks)
    assert all(doc.segments[c.index].kind == "paragraph" for c in picks)


def test_ratio_and_bad_values(sample_text):
    doc = segment_text(sample_text)
    assert len(select_sentences(doc, None, ratio=0.05)) == round(0.05 * len(candidates(doc)))
    from translator.errors import TranslatorError

    with pytest.raises(TranslatorError):
        select_sentences(doc, None, sentences=0)


def test_summary_sentences_point_to_their_source_segments():
    p = Pipeline(engine=FakeEngine(), glossaries=[str(ROOT / "glossary" / "zh-en.tsv")], use_cache=False)
    doc = segment_text(SAMPLE.read_text("utf-8"))
    summary = p.summarize(SAMPLE, sentences=6)
    assert summary.method == "extractive" and len(summary.sentences) == 6
    for s in summary.sentences:
        seg = doc.segments[int(s.segment_id[1:]) - 1]
        assert seg.text == s.source and s.text


def test_summary_reuses_translations_of_the_same_run():
    engine = FakeEngine()
    p = Pipeline(engine=engine, use_glossary=False, use_cache=False)
    result = p.translate_file(SAMPLE)
    calls = len(engine.calls)
    summary = p.summarize(result, sentences=5)
    assert len(engine.calls) == calls  # nothing translated again
    targets = {s.id: s.target for s in result.segments}
    assert all(s.text == targets[s.segment_id] for s in summary.sentences)


def test_summary_sentence_checks():
    for method in ("extractive", "abstractive"):
        assert check_summary_sentence("R&D exceeded 1 billion yuan.", "全社会研发投入突破10亿元。", method=method) == []
        flags = check_summary_sentence("R&D exceeded 5 billion yuan in 市北.", "全社会研发投入突破10亿元。", method=method)
        assert {f.check for f in flags} == {"number", "untranslated"}
    # a paraphrase may leave a number out; a whole-sentence (extractive) translation may not
    assert check_summary_sentence("R&D spending rose.", "全社会研发投入突破10亿元。", method="abstractive") == []
    assert [f.check for f in check_summary_sentence("R&D spending rose.", "全社会研发投入突破10亿元。")] == ["number"]


def check_summary_terms(text, source, glossary):
    return run_checks(CheckInput(source, text, glossary), ["term_altered"])


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_summarize_cli_end_to_end_and_evaluate(tiny_model, tmp_path):
    out = tmp_path / "summary.json"
    # --full-output-vocab: the random model then emits Chinese pieces too, which the checks must catch
    r = run("summarize", SAMPLE, "--model", tiny_model, "--per-section", "--format", "json", "--beams", "1",
            "--retries", "0", "--full-output-vocab", "-o", out)
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text("utf-8"))
    assert data["method"] == "extractive" and data["signature"].startswith("translator:")
    assert len(data["sentences"]) == 11
    assert {"segment_id", "source", "text", "section", "score", "flags"} <= set(data["sentences"][0])
    r = run("evaluate", "--summary", out, "--ref-summary", REF_SUMMARY, "--ref", REF, "--json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    names = [s["name"] for s in report["scores"]]
    assert names[:3] == ["rouge1", "rouge2", "rougeLsum"]
    assert "aligned_BLEU" in names and "aligned_chrF2" in names
    assert len(report["sentences"]) == 11
    assert any(f["check"] == "untranslated" for s in report["sentences"] for f in s["flags"])  # gibberish is caught


def test_reference_sentences_as_summary_score_well(tmp_path):
    """Evaluating the reference's own sentences proves the aligned scoring is wired right."""
    doc = segment_text(SAMPLE.read_text("utf-8"))
    ref = REF.read_text("utf-8").splitlines()
    picks = select_sentences(doc, GLOSSARY, per_section=True)
    data = {"sentences": [{"segment_id": f"s{c.index + 1}", "source": c.text, "text": ref[c.index]} for c in picks]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    r = run("evaluate", "--summary", path, "--ref-summary", REF_SUMMARY, "--ref", REF, "--json")
    scores = {s["name"]: s["score"] for s in json.loads(r.output)["scores"]}
    assert scores["aligned_BLEU"] == 100.0
    assert scores["rouge1"] > 30
    assert all(not s["flags"] for s in json.loads(r.output)["sentences"])


def test_translate_with_summary(tiny_model, tmp_path):
    out = tmp_path / "o.json"
    r = run("translate", SAMPLE, "--model", tiny_model, "--beams", "1", "--retries", "0", "--summary", "4",
            "--format", "json", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text("utf-8"))
    assert len(data["summary"]["sentences"]) == 4
    ids = {s["id"] for s in data["segments"]}
    assert all(s["segment_id"] in ids for s in data["summary"]["sentences"])


def test_abstractive_model_missing_is_a_clear_error(tiny_model):
    r = run("summarize", SAMPLE, "--model", tiny_model, "--beams", "1", "--retries", "0",
            "--abstractive-model", "sshleifer/distilbart-cnn-12-6")
    assert r.exit_code == 2
    assert "sshleifer/distilbart-cnn-12-6" in r.output and "translator models download" in r.output


def test_abstractive_path_runs_on_a_local_seq2seq_model(tiny_model):
    """The tiny MarianMT stands in for a summarisation model: same loading and checking code path."""
    p = Pipeline(model=str(tiny_model), beams=1, retries=0, use_glossary=False, use_cache=False)
    text = "标题\n1 实施创新驱动发展战略\n全社会研发投入突破10亿元。\n2 建设现代化产业体系\n全年新认定市级总部企业12家。\n"
    path = tiny_model.parent / "abstractive.txt"
    path.write_text(text, "utf-8")
    summary = p.summarize(path, per_section=True, abstractive_model=str(tiny_model))
    assert summary.method == f"abstractive:{tiny_model}"
    assert summary.sentences
    spans = {s.segment_id for s in summary.sentences}
    assert spans <= {"s2-s3", "s4-s5"}  # each sentence points to the section it summarises
    for s in summary.sentences:
        assert s.text and s.source
        assert any(f.check == "untranslated" for f in s.flags)  # random output is caught, not passed off


SRDI_SOURCE = "全年新增2家国家级专精特新企业,推动高质量发展。"


@pytest.mark.parametrize(("text", "found"), [
    ("Two national specialized and innovative firms were added.", "specialized and innovative"),
    ("Two distinctive, refined firms were added and high-quality development was promoted.", "distinctive refined"),
    ("It promoted high-quality economic development.", "high quality economic development"),
])
def test_abstractive_sentence_rewording_a_glossary_term_is_flagged(text, found):
    flags = check_summary_terms(text, SRDI_SOURCE, GLOSSARY)
    assert [f.check for f in flags] == ["term_altered"]
    assert flags[0].details["found"] == found and flags[0].details["expected"] in flags[0].message


@pytest.mark.parametrize("text", [
    "Two national specialized, refined, distinctive and innovative firms were added.",  # the approved rendering
    "Two national SRDI firms were added and high-quality development was promoted.",  # a variant
    "Two national firms were added.",  # omitted: summaries may leave terms out
    "Innovative firms grew; a specialized fund opened.",  # the words, but far apart
])
def test_abstractive_sentence_keeping_or_omitting_terms_is_not_flagged(text):
    assert check_summary_terms(text, SRDI_SOURCE, GLOSSARY) == []
    assert check_summary_terms(text, SRDI_SOURCE, None) == []


def test_abstractive_summary_sentences_are_term_checked(monkeypatch, tmp_path):
    import translator.summarize.abstractive as sm

    monkeypatch.setattr(sm, "abstractive_summary", lambda model, english, **kw: "Two specialized and innovative firms were added.")
    path = tmp_path / "doc.txt"
    path.write_text("标题\n" + SRDI_SOURCE + "\n", "utf-8")
    pipe = Pipeline(engine=FakeEngine(), glossaries=[str(ROOT / "glossary" / "zh-en.tsv")], use_cache=False)
    summary = pipe.summarize(path, abstractive_model="any-summariser")
    flags = [f for s in summary.sentences for f in s.flags]
    assert [f.details["found"] for f in flags if f.check == "term_altered"] == ["specialized and innovative"]
