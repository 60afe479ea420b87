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
