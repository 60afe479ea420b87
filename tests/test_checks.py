"""Number normaliser and checks (table-driven), and qa/evaluate through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from translator.checks import CheckInput, run_checks
from translator.checks.numbers import compare_numbers, extract_chinese, extract_english, parse_chinese_numeral
from translator.cli import cli
from translator.errors import InputError, UnknownNameError
from translator.glossary import load_glossary
from translator.segmentation.segmenter import segment_text

from .conftest import ROOT, SAMPLE

REF = ROOT / "samples" / "shibei-2023-report.en.ref.txt"
GLOSSARY = ROOT / "glossary" / "zh-en.tsv"

# (chinese, english, passes)
NUMBER_CASES = [
    ("全社会研发投入突破10亿元", "R&D investment exceeded 1 billion yuan", True),
    ("全社会研发投入突破10亿元", "R&D investment exceeded 10 billion yuan", False),
    ("全社会研发投入突破10亿元", "R&D investment exceeded 1,000,000,000 yuan", True),
    ("全社会研发投入突破10亿元", "R&D investment exceeded one billion yuan", True),
    ("人才2.5万余人", "over 25,000 talents", True),
    ("人才2.5万余人", "over 2,500 talents", False),
    ("人才2.5万余人", "over 25 thousand talents", True),
    ("同比增长24.8个百分点", "up 24.8 percentage points", True),
    ("同比增长24.8个百分点", "up 24.8%", False),
    ("同比增长28.3%", "up 28.3 percent", True),
    ("同比增长28.3%", "up 28.3 per cent", True),
    ("同比增长28.3%", "up 28.3 percentage points", False),
    ("同比增长28.3%", "up 23.8%", False),
    ("总量126.06万亿元", "a total of 126.06 trillion yuan", True),
    ("总量126.06万亿元", "a total of 126.06 billion yuan", False),
    ("盘活停车泊位1.05万个", "10,500 parking spaces", True),
    ("盘活停车泊位1.05万个", "1,050 parking spaces", False),
    ("实现午餐补助8.56万人次", "85,600 lunch subsidies", True),
    ("赔付102万余元", "over 1.02 million yuan", True),
    ("赔付102万余元", "over 102 million yuan", False),
    ("发放救助资金1.3亿余元", "over 130 million yuan", True),
    ("累计到位内资180亿元,外资1.6亿美元", "18 billion yuan of domestic and 160 million US dollars of foreign capital", True),
    ("累计到位内资180亿元,外资1.6亿美元", "18 billion yuan of domestic and 1.6 billion US dollars of foreign capital", False),
    ("全年新增2家", "two were added this year", True),
    ("全年新增两家企业", "two enterprises were added", True),
    ("全年新增两家企业", "three enterprises were added", False),
    ("组建三支队伍", "three teams were formed", True),
    ("在七方面持续发力", "efforts in seven areas", True),
    ("获评第三批全国示范步行街", "rated in the third batch of national model streets", True),
    ("获评第三批全国示范步行街", "rated in the second batch of national model streets", False),
    ("第四届“新媒体之夜”", "the 4th New Media Night", True),
    ("“五大战场”", "the five main battlefields", True),
    ("“五大战场”", "the main battlefields", True),  # a name, not a quantity
    ("落实“四减四增”方案", "implemented the Four Reductions plan", True),
    ("5G船厂", "a smart shipyard", True),  # 5G is a name
    ("占全市总量的1/6", "one sixth of the city's total", True),
    ("占全市总量的1/6", "one-sixth of the city's total", True),
    ("占全市总量的1/6", "1/6 of the city's total", True),
    ("占全市总量的1/6", "a quarter of the city's total", False),
    ("发布时间:2024-03-07 11:12", "Published: March 7, 2024, 11:12", True),
    ("发布时间:2024-03-07 11:12", "Published: 2024-03-07 11:12", True),
    ("发布时间:2024-03-07 11:12", "Published: March 8, 2024, 11:12", False),
    ("行动方案(2021—2023年)", "action plan (2021-2023)", True),
    ("行动方案(2021—2023年)", "action plan (2021-2025)", False),
    ("引进亿元以上项目15个", "15 projects worth over 100 million yuan", True),
    ("引导近万家经营主体", "nearly 10,000 business entities", True),
    ("实现跨境电商贸易额3亿元左右", "trade of about 300 million yuan", True),
    ("百日攻坚专项行动", "100-day special action", True),
    ("中车四方智汇港二期", "phase II of CRRC Sifang", True),
    ("全区初中学校参与100%全覆盖", "100% of junior high schools take part", True),
    ("完成ＲＣＥＰ项目１３个", "13 RCEP projects were completed", True),
    ("新建2.5公里滨海步行道", "a 2.5-kilometer promenade", True),
    ("新建2.5公里滨海步行道", "a 25-kilometer promenade", False),
    ("优化营商环境4.0版本", "version 4.0 of the measures", True),
    ("覆盖率达到百分之五十", "coverage reached 50%", True),
    ("覆盖率达到百分之五十", "coverage reached 15%", False),
    ("增长百分之三点五", "growth of 3.5 percent", True),
    ("增长百分之28.3", "growth of 28.3%", True),
    ("产值是去年的两倍", "output was twice last year's", True),
    ("产值是去年的两倍", "output was double last year's", True),
    ("产值是去年的两倍", "output was three times last year's", False),
    ("产值是去年的3倍", "output was threefold last year's", True),
    # 增长两倍: strictly "grew by 200%" (tripled), often meant as "doubled": both readings pass
    ("产值增长两倍", "output tripled", True),
    ("产值增长了两倍", "output increased by 200%", True),
    ("产值增长两倍", "output doubled", True),
    ("产值增长两倍", "output grew fivefold", False),
    ("产值增长两倍", "output increased by 300%", False),
    ("销售额增长近3倍", "sales nearly quadrupled", True),
    ("销售额增长近3倍", "sales rose by nearly 300%", True),
    ("产值是去年的两倍", "output tripled", False),  # "twice last year's" is not growth
    # Real-text families (reason codes R1-R9 of the WMT21 flag list), in sentences of our own
    # R1 month names without a day, abbreviations
    ("该项目于3月开工", "The project started in March", True),
    ("该项目于3月开工", "The project started in May", False),
    ("该项目于2019年10月开工", "Work began in Oct. 2019", True),
    ("9月底前完成", "to be completed by the end of September", True),
    # R2 digits glued to units and letters, times, separators
    ("每人每天饮水1.5-2升", "drink 1.5-2L of water a day", True),
    ("奖金5万元", "a bonus of RMB50K", True),
    ("奖金5万元", "a bonus of RMB5K", False),
    ("营收2.8亿元", "revenue of RMB280 million", True),
    ("营收2.8亿元", "revenue of RMB28 million", False),
    ("住在2层", "lives on 2F", True),
    ("于8时15分出发", "set off at 8:15am", True),
    ("于20时15分出发", "set off at 8:15 p.m.", True),
    ("于20时15分出发", "set off at 8:25 p.m.", False),
    ("总额1071.5亿元", "a total of 107.15 billion yuan", True),
    ("总额1071.5万元", "a total of 10,715,000 yuan", True),
    ("占比为89 %", "accounting for 89%", True),
    ("波音737MAX停飞", "the Boeing 737MAX was grounded", True),
    # R3 qualifier between number and scale; composed numbers
    ("游客达3000多万人次", "more than 30 million tourist visits", True),
    ("游客达3000多万人次", "more than 3,000 tourist visits", False),
    ("投资120余亿元", "over 12 billion yuan of investment", True),
    ("人口2万4801人", "a population of 24,801", True),
    # R4 numerals inside words, idioms, lists
    ("这是全省唯一一家", "it is the only one in the province", True),
    ("骑着三轮车", "riding a tricycle", True),
    ("走进千家万户", "reaching every household", True),
    ("两三个人", "two or three people", True),
    ("七八月份是汛期", "July and August are the flood season", True),
    # R5 values said in words
    ("双方两国", "both countries", True),
    ("12时发布", "released at noon", True),
    ("新增0例", "no new cases", True),
    ("数百名志愿者", "hundreds of volunteers", True),
    ("24小时值守", "on duty around the clock", True),
    ("近10年来", "over the past decade", True),
    ("26日晚", "the next evening", True),
    # R6 one figure for several
    ("增长80%至90%", "grew by 80-90%", True),
    ("增长80%至90%", "grew by 80-95%", False),
    ("7月17日和7月22日", "on July 17 and 22", True),
    # R7 implicit values
    ("北京、上海两个城市", "Beijing and Shanghai", True),
    ("北京、上海两个城市", "Beijing, Shanghai and Tianjin, three cities", False),
    # R8 conventions
    ("超过6成受访者", "over 60% of respondents", True),
    ("超过6成受访者", "over 6% of respondents", False),
    ("距离20里", "10 kilometers away", True),
    ("上世纪80年代", "in the 1980s", True),
    ("90后青年", "young people born in the 1990s", True),
    ("20世纪", "the 20th century", True),
    ("15时37分", "at 3:37 pm", True),
    # R9 adjacent numbers
    ("三架九尺钢琴", "three nine-foot pianos", True),
    ("前两个月", "the first two months", True),
]


@pytest.mark.parametrize(("zh", "en", "passes"), NUMBER_CASES)
def test_number_check_table(zh, en, passes):
    flags = run_checks(CheckInput(zh, en), ["number"])
    assert (not flags) == passes, [f.message for f in flags]


def test_growth_multiple_message_lists_the_accepted_readings():
    flags = run_checks(CheckInput("产值增长两倍", "output grew fivefold"), ["number"])
    assert "'两倍' = 2 or 3 or 200%" in flags[0].message
    assert flags[0].details["accepted"] == [{"value": 2.0, "unit": ""}, {"value": 3.0, "unit": ""}, {"value": 200.0, "unit": "%"}]


def test_number_message_names_both_values():
    flags = run_checks(CheckInput("全社会研发投入突破10亿元", "exceeded 10 billion yuan"), ["number"])
    assert "1,000,000,000" in flags[0].message and "10,000,000,000" in flags[0].message
    assert flags[0].details["expected"] == 1e9


@pytest.mark.parametrize(("text", "value"), [("两", 2), ("十", 10), ("十二", 12), ("二十五", 25), ("一百零八", 108), ("二〇二三", 2023)])
def test_chinese_numerals(text, value):
    assert parse_chinese_numeral(text) == value


@given(st.text(max_size=60))
def test_number_parsers_never_raise_on_random_text(text):
    extract_chinese(text)
    extract_english(text)
    compare_numbers(text, text)
    with pytest.raises(InputError):
        parse_chinese_numeral(text + "x")


@pytest.mark.parametrize(
    ("source", "target", "check"),
    [
        ("市北区打造多层次创新平台。", "", "empty"),
        ("市北区打造多层次创新平台。", "Shibei District builds 平台.", "untranslated"),
        ("市北区打造多层次创新平台。", "市北区打造多层次创新平台。", "copied"),
        ("市北区打造多层次创新平台。", "the the the the the the the the the", "degenerate"),
        ("市北区打造多层次创新平台和其他很多很多的东西。", "Shibei.", "degenerate"),
        ("市北区打造多层次创新平台。", "Shibei andandandandandandand platforms", "degenerate"),
        ("市北区打造多层次创新平台。", "Overververververalalal", "degenerate"),
        ("市北区打造多层次创新平台。", "Shibei buildsssssssss platforms", "degenerate"),
    ],
)
def test_output_checks_fire(source, target, check):
    assert check in {f.check for f in run_checks(CheckInput(source, target))}


def test_output_checks_quiet_on_good_translation():
    flags = run_checks(CheckInput("市北区打造多层次创新平台。", "Shibei District is building multi-level innovation platforms.",
                                  load_glossary([GLOSSARY])))
    assert flags == []


@pytest.mark.parametrize("target", [
    "Shibei District is building multi-level innovation platforms.",
    "The Mississippi committee assessed 1,111,111 yuan; see www.gov.cn...",
    "Bookkeeping, coffee and the assessee's successes were reviewed.",
    "It is getting harder to find him ... ... I have looked all day ... ... I will look again tonight.",  # 《……》
])
def test_no_subword_loop_in_ordinary_english(target):
    assert not run_checks(CheckInput("市北区打造多层次创新平台和其他很多的东西。", target), ["degenerate"])


def test_hit_cap_is_degenerate():
    flags = run_checks(CheckInput("市北区。", "Shibei District", hit_cap=True, max_new_tokens=12), ["degenerate"])
    assert flags and "cap of 12" in flags[0].message


def test_unknown_check_lists_valid_names():
    with pytest.raises(UnknownNameError, match="number"):
        run_checks(CheckInput("a", "b"), ["numbers!"])


def test_reference_translation_is_aligned_with_the_segmenter():
    """If segmentation changes, this fails: re-align the reference (see samples/README.md)."""
    doc = segment_text(SAMPLE.read_text("utf-8"))
    ref = REF.read_text("utf-8").splitlines()
    assert len(ref) == len(doc.segments)
    assert ref[0].startswith("Shibei:") and ref[-1].startswith("Reporter:")
    headings = [i for i, s in enumerate(doc.segments) if s.kind == "heading"]
    assert ref[headings[0]] == "Implementing the innovation-driven development strategy"
    assert ref[headings[-1]] == "Resolutely holding the bottom line of safe development"


def test_reference_passes_every_check():
    """The reference is the gold standard: numbers and terms all present."""
    doc = segment_text(SAMPLE.read_text("utf-8"))
    glossary = load_glossary([GLOSSARY])
    ref = REF.read_text("utf-8").splitlines()
    problems = [(s.id, f.message) for s, r in zip(doc.segments, ref) for f in run_checks(CheckInput(s.text, r, glossary))]
    assert problems == []


# ------------------------------------------------------------------- CLI
def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


QA = ROOT / "samples" / "qa"


def test_qa_flags_exactly_the_planted_errors():
    r = run("qa", "--src", QA / "src.zh.txt", "--hyp", QA / "hyp.en.txt", "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    expected = json.loads((QA / "expected.json").read_text("utf-8"))["flags"]
    got = {str(s["line"]): sorted(i["check"] for i in s["issues"]) for s in data["segments"] if s["issues"]}
    assert got == {k: sorted(v) for k, v in expected.items()}
    assert data["summary"]["lines"] == 18 and data["summary"]["flagged_lines"] == len(expected)


def test_qa_line_count_mismatch_is_bad_input(tmp_path):
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("one line\n", "utf-8")
    r = run("qa", "--src", QA / "src.zh.txt", "--hyp", hyp)
    assert r.exit_code == 2
    assert "has 18" in r.output and "has 1" in r.output


def test_evaluate_scores_with_signatures(tmp_path):
    doc = segment_text(SAMPLE.read_text("utf-8"))
    src = tmp_path / "src.txt"
    src.write_text("\n".join(s.text for s in doc.segments) + "\n", "utf-8")
    hyp = tmp_path / "hyp.txt"
    lines = REF.read_text("utf-8").splitlines()
    lines[15] = lines[15].replace("1 billion", "10 billion").replace("up 28.3%", "up 23.8%")
    lines[13] = lines[13].replace("little giant", "small giant")
    hyp.write_text("\n".join(lines) + "\n", "utf-8")
    r = run("evaluate", "--hyp", hyp, "--ref", REF, "--src", src, "--json")
    assert r.exit_code == 0, r.output
    scores = {s["name"]: s for s in json.loads(r.output)["scores"]}
    assert 95 < scores["BLEU"]["score"] < 100
    assert scores["BLEU"]["signature"].startswith("nrefs:1|case:mixed")
    assert "chrF2" in scores and "TER" in scores
    assert scores["number_fidelity"]["detail"]["total"] - scores["number_fidelity"]["detail"]["found"] == 2
    assert scores["term_accuracy"]["detail"]["total"] - scores["term_accuracy"]["detail"]["satisfied"] == 1
    table = run("evaluate", "--hyp", hyp, "--ref", REF)
    assert table.exit_code == 0 and "BLEU" in table.output and "term_accuracy" not in table.output


def test_evaluate_computes_only_the_metrics_asked_for(tmp_path):
    hyp = tmp_path / "hyp.txt"
    hyp.write_text(REF.read_text("utf-8"), "utf-8")
    r = run("evaluate", "--hyp", hyp, "--ref", REF, "--metric", "bleu", "--metric", "chrf", "--json")
    assert r.exit_code == 0, r.output
    assert [s["name"] for s in json.loads(r.output)["scores"]] == ["BLEU", "chrF2"]


def test_evaluate_names_every_unknown_metric_before_reading_anything(tmp_path):
    missing = tmp_path / "nowhere.txt"  # never read: the names are checked first
    r = run("evaluate", "--hyp", missing, "--ref", missing, "--metric", "bleu", "--metric", "meteor", "--metric", "comet")
    assert r.exit_code == 2
    assert "'meteor', 'comet'" in r.output and "valid metrics: bleu, chrf, ter" in r.output
    assert not missing.exists()


def test_line_aligned_files_end_lines_only_at_newlines_as_sacrebleu_does(tmp_path):
    """A lone CR or U+2028 inside an MT output line stays in that line (sacrebleu reads files the same way);
    splitting there would shift every later line. CRLF files still read as one line per line."""
    import sacrebleu

    from translator.evaluation.qa import read_aligned

    ref = tmp_path / "ref.txt"
    ref.write_bytes("The first line.\r\nGrowth was 5%.\r\nThe third line.\r\n".encode("utf-8"))
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("The first line.\nGrowth\u2028was 5%.\nThe third\rline.\n", "utf-8", newline="")
    data = read_aligned({"hyp": str(hyp), "ref": str(ref)})
    assert data["ref"] == ["The first line.", "Growth was 5%.", "The third line."]
    assert data["hyp"] == ["The first line.", "Growth\u2028was 5%.", "The third\rline."]
    r = run("evaluate", "--hyp", hyp, "--ref", ref, "--metric", "bleu", "--json")
    assert r.exit_code == 0, r.output
    ours = json.loads(r.output)["scores"][0]["score"]
    with open(hyp, encoding="utf-8", newline="\n") as h, open(ref, encoding="utf-8", newline="\n") as f:
        expected = sacrebleu.corpus_bleu([x.rstrip() for x in h], [[x.rstrip() for x in f]]).score
    assert abs(ours - expected) < 1e-9


def test_a_dropped_date_is_one_flag_naming_every_part():
    """A date or time left out is one note, not one per part (year, month, day, hour, minute)."""
    flags = run_checks(CheckInput("会议于2024年3月7日11时12分召开，投资5亿元。", "The meeting was held."), ["number"])
    assert [f.details["source_text"] for f in flags] == ["2024年3月7日11时12分", "5亿"]
    assert [p["source_text"] for p in flags[0].details["parts"]] == ["2024", "3", "7", "11", "12"]
    assert flags[0].severity == "warning" and flags[1].severity == "error"
    # a date rendered with another day is still caught, part by part
    wrong = run_checks(CheckInput("会议于2024年3月7日召开。", "The meeting was held on March 8, 2024."), ["number"])
    assert [f.details["source_text"] for f in wrong] == ["7"] and wrong[0].severity == "error"
