"""Flag severities in every output, qa filtering and counts, and the unknown_source check."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from translator.checks import CheckInput, run_checks
from translator.engines.marian_tokenizer import MarianSpmTokenizer
from translator.engines.tokenizer_engine import unknown_source_chars
from translator.errors import UnknownNameError
from translator.evaluation.qa import run_qa
from translator.formats.review import to_jsonl, to_tmx, to_xliff
from translator.results import DocumentResult, Flag, SegmentResult, Signature, at_least
from translator.segmentation.segmenter import segment_text

from .conftest import ROOT

#: The real opus-mt-zh-en tokenizer files (no weights), shipped in models/ (see its SOURCE.md).
REAL_TOKENIZER = ROOT / "models" / "opus-mt-zh-en-tokenizer"


def test_flags_are_errors_unless_said_otherwise():
    assert Flag("number", "x").severity == "error"
    assert asdict(Flag("number", "x", severity="warning"))["severity"] == "warning"


@pytest.mark.parametrize(("severity", "minimum", "kept"), [("error", "error", True), ("warning", "error", False),
                                                          ("error", "warning", True), ("warning", "warning", True)])
def test_at_least(severity, minimum, kept):
    assert at_least(severity, minimum) == kept


def test_unknown_severity_names_the_valid_ones():
    with pytest.raises(UnknownNameError, match="error, warning"):
        at_least("error", "fatal")


@pytest.mark.parametrize(("zh", "en", "severity"), [
    ("新华社北京7月26日电 国务院召开会议", "Beijing (Xinhua) -- The State Council held a meeting", "warning"),  # dropped date
    ("确诊病例54例", "43 confirmed cases", "error"),  # wrong value
    ("投资10亿元", "an investment of 10 billion yuan", "error"),  # wrong scale
    ("投资10亿元", "an investment was made", "error"),  # dropped amount
    ("组建三支队伍", "teams were formed", "warning"),  # a small count the English may leave implicit
])
def test_number_flag_severity(zh, en, severity):
    flags = run_checks(CheckInput(zh, en), ["number"])
    assert flags and {f.severity for f in flags} == {severity}


def _doc() -> DocumentResult:
    document = segment_text("确诊病例54例。\n新华社北京7月26日电。\n")
    seg_flags = [[Flag("number", "'54' = 54 not found", severity="error")], [Flag("number", "'26' = 26 not found", severity="warning")]]
    segments = [SegmentResult(s.id, i, s.block_index, "paragraph", s.text, "text", s.start, s.end, s.line, flags=f)
                for i, (s, f) in enumerate(zip(document.segments, seg_flags))]
    return DocumentResult("d.txt", document, segments, Signature("0", "m", "b", 1))


def test_severity_in_json_and_jsonl():
    doc = _doc()
    data = doc.to_dict()
    assert data["severity_counts"] == {"error": 1, "warning": 1}
    assert doc.has_errors
    lines = [json.loads(line) for line in to_jsonl(doc).splitlines()]
    assert [line["flags"][0]["severity"] for line in lines] == ["error", "warning"]


def test_severity_in_xliff_and_tmx_notes():
    pytest.importorskip("translate.storage.xliff")
    doc = _doc()
    assert "[number] error: '54' = 54 not found" in to_xliff(doc)
    assert "[number] warning: '26' = 26 not found" in to_tmx(doc)


def test_qa_counts_by_check_and_severity_and_filters():
    sources = ["确诊病例54例", "新华社北京7月26日电 国务院召开会议", "组建三支队伍"]
    hyps = ["43 confirmed cases", "Beijing (Xinhua) -- The State Council held a meeting", "three teams were formed"]
    report = run_qa(sources, hyps)
    summary = report.summary
    assert summary["by_severity"] == {"error": 1, "warning": 1}  # 54 -> 43; the dateline's date dropped (one flag)
    assert summary["by_check_severity"] == {"number": {"error": 1, "warning": 1}}
    assert [i["severity"] for s in report.to_dict()["segments"] for i in s["issues"]] == ["error", "warning"]
    dateline = report.to_dict()["segments"][1]["issues"][0]
    assert dateline["message"].startswith("date/time '7月26日' not found")
    errors = run_qa(sources, hyps, min_severity="error")
    assert errors.summary["by_severity"] == {"error": 1, "warning": 0}
    assert report.filtered("error").summary == errors.summary
    with pytest.raises(UnknownNameError):
        run_qa(sources, hyps, min_severity="severe")


# ------------------------------------------------------------------ unknown_source
def test_unknown_source_names_the_characters():
    flags = run_checks(CheckInput("王赟龑出席", "Wang Yun attended", unknown_source=("赟", "龑")), ["unknown_source"])
    assert len(flags) == 1 and flags[0].severity == "error"
    assert "赟 (U+8D5F)" in flags[0].message and flags[0].details["characters"] == ["赟", "龑"]
    assert run_checks(CheckInput("王云出席", "Wang Yun attended"), ["unknown_source"]) == []


def test_real_opus_tokenizer_reports_rare_name_characters():
    tok = MarianSpmTokenizer(REAL_TOKENIZER)
    assert tok.unknown_source_chars("刘䶮称帝，王赟龑出席。") == ["䶮", "赟", "龑"]
    assert tok.unknown_source_chars("市北区打造多层次创新平台。") == []
    ids = tok("赟", add_special_tokens=False)["input_ids"]
    assert tok.unk_token_id in ids


def test_qa_flags_unknown_source_with_a_tokenizer(tiny_model):
    tok = MarianSpmTokenizer(tiny_model)
    unknown = tok.unknown_source_chars("龘")
    assert unknown == ["龘"]  # the tiny model was never shown it
    report = run_qa(["王龘出席"], ["Wang attended"], tokenizer=tok)
    assert [f.check for f in report.lines[0].issues] == ["unknown_source"]


class _CharTokenizer:
    """A transformers-like tokenizer that knows only some characters (no unknown_source_chars of its own)."""

    unk_token_id = 1

    def __call__(self, text, add_special_tokens=True):
        return {"input_ids": [5 if c in "市北区" else self.unk_token_id for c in text if not c.isspace()]}


def test_generic_tokenizers_report_unknown_characters_too():
    assert unknown_source_chars(_CharTokenizer(), "市北 区") == []
    assert unknown_source_chars(_CharTokenizer(), "市北龘区龘") == ["龘"]


def test_qa_cli_filters_by_severity_and_prints_it(tmp_path):
    from click.testing import CliRunner

    from translator.cli import cli

    src, hyp = tmp_path / "s.txt", tmp_path / "h.txt"
    src.write_text("研发投入突破10亿元。\n会议于3月5日召开。\n", "utf-8")
    hyp.write_text("R&D exceeded 10 billion yuan.\nThe meeting was held.\n", "utf-8")  # wrong scale; dropped date
    every = CliRunner().invoke(cli, ["qa", "--src", str(src), "--hyp", str(hyp), "--no-glossary"])
    errors = CliRunner().invoke(cli, ["qa", "--src", str(src), "--hyp", str(hyp), "--no-glossary", "--severity", "error"])
    assert "line 1\tnumber\terror\t" in every.output and "line 2\tnumber\twarning\t" in every.output
    assert "line 1\tnumber\terror\t" in errors.output and "line 2" not in errors.output


def test_strict_fails_on_errors_not_on_warnings(monkeypatch, tmp_path):
    """`translate --strict` exits 1 for an error flag, 0 when the only flags are warnings."""
    from click.testing import CliRunner

    from translator import Pipeline
    from translator.cli import cli
    from translator.results import Flag

    from .fake_engine import FakeEngine

    src = tmp_path / "d.txt"
    src.write_text("标题\n会议召开。\n", "utf-8")
    for severity, code in (("warning", 0), ("error", 1)):
        def flagged(item, severity=severity):
            return [Flag("number", "planted", severity=severity)]

        monkeypatch.setattr("translator.checks.CHECKS", {"number": flagged})
        monkeypatch.setattr("translator.pipeline.Pipeline", lambda settings: Pipeline(settings, engine=FakeEngine()))
        r = CliRunner().invoke(cli, ["translate", str(src), "--no-cache", "--strict", "-q", "-o", str(tmp_path / f"{severity}.txt")])
        assert r.exit_code == code, r.output
