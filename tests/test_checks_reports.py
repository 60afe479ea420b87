"""Conventions of official English translations of government work reports that the number, unit and length
checks must read (the classes of issue 24), tested on made-up sentences of that kind: each pair is a correct
translation that must pass, and a wrong one that must still be caught."""

from __future__ import annotations

import pytest

from translator.checks import CheckInput, run_checks
from translator.checks.unit_table import UNITS, conversion_factors, load_units
from translator.errors import InputError

CHECKS = ["number", "unit", "swapped", "degenerate"]

# (chinese, correct english, wrong english or None)
REPORT_CONVENTIONS = [
    # official unit conversions combined with 万/亿 scales: 斤 -> tonnes, 亩 -> hectares, 万千瓦 -> gigawatts
    ("全年粮食产量稳定在1.4万亿斤以上", "Annual grain output stayed above 700 million metric tons",
     "Annual grain output stayed above 70 million metric tons"),
    ("粮食总产量达到13908亿斤", "Total grain output reached 695.4 million tonnes", "Total grain output reached 659.4 million tonnes"),
    ("新建高标准农田9000万亩", "We built 6 million hectares of high-standard cropland",
     "We built 9 million hectares of high-standard cropland"),
    ("退耕还林还草3000多万亩", "over two million hectares of farmland were returned to forest and grassland",
     "over 3 million hectares of farmland were returned to forest and grassland"),
    ("新增风电装机4000万千瓦", "40 gigawatts of wind power capacity was added", "4 gigawatts of wind power capacity was added"),
    ("新增风电装机4000万千瓦", "40 million kilowatts of wind power capacity was added",
     "40 thousand kilowatts of wind power capacity was added"),
    ("修建山路80里", "a 40-kilometer mountain road was built", "a 80-kilometer mountain road was built"),
    # a figure given in the source unit too must be the source value
    ("每天喷洒3000多亩", "spraying over 3,000 mu (200 hectares) a day", "spraying over 3,001 mu (200 hectares) a day"),
    # Chinese numeral grammar: several scale words, characters, an estimate of two digits
    ("农村贫困人口减少1亿3千多万", "the rural poor population fell by over 130 million",
     "the rural poor population fell by over 100 million"),
    ("财政赤字2亿5000万元", "a deficit of 250 million yuan", "a deficit of 200 million yuan"),
    ("全年减税降费四万二千亿元", "tax and fee cuts totalled 4.2 trillion yuan", "tax and fee cuts totalled 4.2 billion yuan"),
    ("新增就业岗位八九十个", "eighty or ninety new posts", "sixty new posts"),
    ("每人补贴一万三四千元", "a subsidy of 13,000 to 14,000 yuan a person", "a subsidy of 31,000 yuan a person"),
    # numerals inside names: spacecraft, rockets, plans, plenary sessions; the English keeps the name
    ("天舟三号货运飞船发射成功", "The Tianzhou-III cargo craft was launched", None),
    ("天舟三号货运飞船发射成功", "The Tianzhou-3 cargo craft was launched", None),
    ("长征八号运载火箭首飞成功", "The Long March carrier rocket made its first flight", None),
    ("“十五五”规划编制工作启动", "Work began on drawing up the next five-year plan", None),
    ("学习贯彻二十届四中全会精神", "We studied the guiding principles of the plenary session of the 20th Central Committee", None),
    ("学习贯彻二十届四中全会精神", "We studied the guiding principles of the Fourth Plenary Session of the 20th Central Committee",
     "We studied the guiding principles of the Fourth Plenary Session of the 19th Central Committee"),
    ("坚持“一国两制”方针", "We upheld the policy of One Country, Two Systems", None),
    # idioms and set phrases with numerals; "first" said another way
    ("我们要千方百计稳就业", "We must do everything possible to keep employment stable", None),
    ("企业三心二意难成大事", "A company without focus achieves little", None),
    ("顾客习惯货比三家", "Customers like to shop around", None),
    ("这是我国第一次举办冬奥会", "China had never hosted the Winter Olympics before", "China hosted the Winter Olympics for the second time"),
    ("我第一次参加这样的会议", "I had never attended such a meeting", "It was my second such meeting"),
    ("这是第二次购买", "This is a second purchase", "This is a third purchase"),
    ("长按约 1 秒", "Press for roughly a second", "Press for roughly two seconds"),
    ("C919大飞机第一次商业飞行", "the maiden commercial flight of the C919 airliner", None),
    ("这家民宿获得五星评价", "The guesthouse got top ratings", None),
    # short abbreviations spelled out in the English: the length ratio scales with the source length
    ("深化“放管服”改革", "We deepened reforms to streamline administration, delegate power, and improve regulation and services", None),
]


@pytest.mark.parametrize(("zh", "good", "bad"), REPORT_CONVENTIONS)
def test_report_conventions_pass_and_errors_are_still_caught(zh, good, bad):
    assert [f.message for f in run_checks(CheckInput(zh, good), CHECKS)] == []
    if bad is not None:
        assert any(f.check in ("number", "unit") for f in run_checks(CheckInput(zh, bad), CHECKS)), bad


def test_the_unit_table_is_data_with_conversions_between_units_of_one_dimension():
    assert UNITS["jin"].dimension == UNITS["t"].dimension == "mass"
    assert conversion_factors("jin")["t"] == pytest.approx(0.0005)
    assert conversion_factors("mu")["ha"] == pytest.approx(1 / 15)
    assert "metric tons" in UNITS["t"].english and "亩" in UNITS["mu"].chinese


@pytest.mark.parametrize(("text", "says"), [
    ("unit\tdimension\tfactor\tchinese\tenglish\tconverted_to\nkg\tmass\tx\t公斤\tkg\t\n", "line 2: factor"),
    ("unit\tdimension\tfactor\tchinese\tenglish\tconverted_to\nkg\tmass\t1\t公斤\n", "line 2: expected 6"),
    ("unit\tdimension\tfactor\tchinese\tenglish\tconverted_to\nkg\tmass\t1\t公斤\tkg\tm\n", "converts to 'm'"),
])
def test_a_bad_unit_table_row_is_named(text, says):
    with pytest.raises(InputError, match=says):
        load_units(text)


def test_a_flag_cites_only_english_numbers_that_may_render_the_missing_value():
    # "sixth" renders 六中全会, another part of the sentence: it is not offered as the changed 3%
    flags = run_checks(CheckInput("六中全会后，增速达到3%", "After the Sixth Plenary Session, growth reached 8 percent"), ["number"])
    assert len(flags) == 1 and "'8 percent'" in flags[0].message and "Sixth" not in flags[0].message
    flags = run_checks(CheckInput("增长3%，第六次会议", "growth of 8 percent was discussed at the sixth meeting, twenty-first"),
                       ["number"])
    assert [f.details["source_text"] for f in flags] == ["3"] and "first" not in flags[0].message.split("English has")[1]


def _words(chars: int) -> str:
    return " ".join(f"w{i}" for i in range(chars))[:chars]


def test_a_long_line_keeps_the_length_ratio_bound():
    zh = "会议听取了关于今年经济社会发展情况的汇报并研究部署下一阶段工作"
    assert [f.check for f in run_checks(CheckInput(zh, _words(len(zh) * 10)), ["degenerate"])] == ["degenerate"]
    assert run_checks(CheckInput("深化“放管服”改革", _words(150)), ["degenerate"]) == []
    assert [f.check for f in run_checks(CheckInput("深化“放管服”改革", _words(400)), ["degenerate"])] == ["degenerate"]
