"""Number fidelity: every quantity in the source appears with the same value in the English.

Chinese side: Arabic numbers (full-width folded) with 千/万/亿/万亿 scales,
``%`` and ``个百分点`` (percentage points), fractions ``1/6``, dates and
times split into their parts, ranges split into both ends, and Chinese
numerals used as quantities (两家, 三支, 七方面, 第三批). Qualifiers such as
余/多/近/约/左右/以上 do not change the value. Numerals inside names
(五大战场, 四减四增, 5G, 一站式) are not quantities. 百分之五十 is 50%.

English side: digits with thousands separators and decimals, scale words
(thousand, million, billion, trillion), number words and ordinals
(two, fifty-five, third), multiples (twice, tripled), ``%``/percent and percentage points, month names
next to a day or year, fractions (1/6, one-sixth) and Roman numerals after
"phase"/"stage"/"part" (phase II for 二期).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from ..results import Flag
from ..textnorm import fold_width
from .base import CheckInput


@dataclass(frozen=True)
class Quantity:
    """A number found in text.

    Attributes:
        value: Its value (scales applied).
        unit: ``""`` (plain), ``"%"`` or ``"pp"`` (percentage points).
        text: The text it was read from.
    """

    value: float
    unit: str
    text: str
    alternatives: tuple[tuple[float, str], ...] = ()

    def readings(self) -> list[tuple[float, str]]:
        """Return every (value, unit) this quantity may be rendered as."""
        return [(self.value, self.unit), *self.alternatives]

    def describe(self) -> str:
        """Return ``'10亿 = 1,000,000,000'`` style text (with any other accepted readings)."""
        shown = " or ".join(_show(v, u) for v, u in self.readings())
        return f"{self.text!r} = {shown}"


def _show(v: float, unit: str) -> str:
    number = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.2f}"
    return number + {"%": "%", "pp": " percentage points"}.get(unit, "")


# ---------------------------------------------------------------- Chinese side
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
MEASURE_WORDS = (
    "方面", "百分点", "家", "个", "支", "项", "次", "名", "人", "处", "座", "类", "条", "批", "届", "轮", "场", "部",
    "所", "件", "户", "套", "年", "月", "日", "天", "位", "只", "种", "块", "辆", "台", "倍", "号", "节", "篇", "期",
)
# Measure words after which a Chinese numeral is NOT a quantity (ordinal-free names).
_NAME_AFTER = ("大", "为", "减", "增", "区", "化", "站", "卡", "链", "策", "企", "事", "流", "佳", "等", "战")
_ZH_NUM = re.compile(
    r"(?<![A-Za-z0-9.])(\d+(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)"  # the number
    r"(?:\s*(万亿|亿|万|千)(?!米|克|瓦|伏|赫))?"  # scale (千米 etc. are units, not scales)
    r"(?![A-Za-z])"  # 5G, 4K: names
)
_FRACTION = re.compile(r"(?<![\d.])(\d+)/(\d+)(?![\d.])")
_ZH_BARE_SCALE = re.compile(r"(近|约|超|逾|上)?(万亿|亿|万)(?=元|人|家|户|次)")
_ZH_CN_NUM = re.compile(r"(第)?([零〇一二两三四五六七八九十百千]+)")
_ZH_PERCENT_WORDS = re.compile(r"百分之(?:([零〇一二两三四五六七八九十百]+)(?:点([零〇一二三四五六七八九]+))?|(\d+(?:\.\d+)?))")


def _fractions(text: str) -> tuple[list[tuple[int, Quantity]], list[tuple[int, int]]]:
    """Return the ``a/b`` fractions of ``text`` (both languages write them alike) and their spans."""
    found, taken = [], []
    for m in _FRACTION.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if b:
            found.append((m.start(), Quantity(a / b, "", m.group(0))))
            taken.append(m.span())
    return found, taken


def parse_chinese_numeral(text: str) -> int:
    """Parse a Chinese numeral such as 二十五, 两, 一百零八.

    Raises:
        InputError: ``text`` is not a Chinese numeral.
    """
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        raise InputError(f"not a Chinese numeral: {text!r}")
    if not any(c in _CN_UNITS for c in text):  # 二〇二三: digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def extract_chinese(text: str) -> list[Quantity]:
    """Return the quantities in a Chinese segment."""
    text = fold_width(text)
    found, taken = _fractions(text)
    for m in _ZH_PERCENT_WORDS.finditer(text):  # 百分之五十, 百分之三点五, 百分之28.3
        if m.group(3):
            value = float(m.group(3))
        else:
            try:
                value = float(parse_chinese_numeral(m.group(1)))
            except InputError:
                continue
            if m.group(2):
                value += float("0." + "".join(str(_CN_DIGITS[c]) for c in m.group(2)))
        found.append((m.start(), Quantity(value, "%", m.group(0))))
        taken.append(m.span())
    for m in _ZH_NUM.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= _ZH_SCALE[m.group(2)]
        rest = text[m.end():m.end() + 6]
        unit = ""
        qualifier = re.match(r"[余多左右以上]*", rest).group(0)
        after = rest[len(qualifier):]
        if after.startswith(("%", "％")):
            unit = "%"
        elif after.startswith(("个百分点", "百分点")):
            unit = "pp"
        found.append((m.start(), Quantity(value, unit, m.group(0))))
        taken.append(m.span())
    for m in _ZH_BARE_SCALE.finditer(text):
        if any(s <= m.start() < e for s, e in taken) or (m.start() > 0 and text[m.start() - 1].isdigit()):
            continue
        if m.start() > 0 and text[m.start() - 1] in _CN_DIGITS or m.start() > 0 and text[m.start() - 1] in _CN_UNITS:
            continue
        found.append((m.start(), Quantity(_ZH_SCALE[m.group(2)], "", m.group(0))))
    for m in _ZH_CN_NUM.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        ordinal, numeral = m.group(1), m.group(2)
        after = text[m.end():m.end() + 2]
        before = text[m.start() - 1] if m.start() else ""
        if not ordinal and numeral in ("一", "十", "千", "百千"):
            continue  # 一 is "a"/"one" and too ambiguous; bare 十/千 are names (十佳)
        if after[:1] in _NAME_AFTER or not after.startswith(MEASURE_WORDS):
            continue
        if before and (before in "“‘「《\"" or before in _CN_DIGITS):
            continue
        try:
            value = parse_chinese_numeral(numeral)
        except InputError:
            continue
        if value < 2 and not ordinal:
            continue
        found.append((m.start(), Quantity(float(value), "", m.group(0))))
    found.sort(key=lambda x: x[0])
    return [_growth_multiple(text, pos, q) for pos, q in found]


#: A growth verb right before "N倍": 增长两倍 strictly means "grew by 200%" (tripled), but is often
#: used for "doubled"; both readings are accepted. 是去年的两倍 ("twice last year's") is not growth.
_GROWTH_BEFORE = re.compile(r"(增长|增加|提高|提升|上升|扩大|增)了?(近|约|超过|超)?$")


def _growth_multiple(text: str, pos: int, q: Quantity) -> Quantity:
    end = pos + len(q.text)
    if q.unit or not text.startswith("倍", end) or not _GROWTH_BEFORE.search(text[max(0, pos - 6):pos]):
        return q
    return Quantity(q.value, q.unit, q.text + "倍", ((q.value + 1, ""), (q.value * 100, "%")))


# ---------------------------------------------------------------- English side
_EN_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_EN_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_WORDNUM = "|".join(sorted(list(_EN_WORDS) + [o + "s" for o in _EN_ORDINALS] + list(_EN_ORDINALS), key=len, reverse=True))
_EN_TOKEN = re.compile(
    r"(?<![\w.])(?P<num>\d+(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)(?:st|nd|rd|th)?(?![A-Za-z])"
    r"|(?<![A-Za-z])(?P<word>(?:" + _WORDNUM + r")(?:[- ](?:" + _WORDNUM + r"))?)(?![A-Za-z])",
    re.IGNORECASE,
)
_EN_AFTER = re.compile(r"\s*(?:-\s*)?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn)?(?![A-Za-z])", re.IGNORECASE)
_EN_UNIT = re.compile(r"\s*(?P<unit>%|percent\b|per cent\b|percentage points?\b|pp\b)", re.IGNORECASE)
_EN_MONTH_DAY = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)(?=\s+\d)|(?<=\d\s)(January|February|March|April|May|June|July|August|September|October|November|December)\b")
_EN_MULTIPLES = re.compile(r"\b(twice|double|doubled|twofold|triple|tripled|threefold|quadruple|quadrupled|fourfold)\b",
                           re.IGNORECASE)
_MULTIPLE_VALUES = {"twice": 2, "double": 2, "doubled": 2, "twofold": 2, "triple": 3, "tripled": 3, "threefold": 3,
                    "quadruple": 4, "quadrupled": 4, "fourfold": 4}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_EN_PHASE_ROMAN = re.compile(r"\b(?:[Pp]hase|[Nn]o\.|[Pp]art|[Ss]tage)\s+(X|IX|VI{0,3}|IV|I{1,3})\b")


def _word_value(words: str) -> tuple[float, bool]:
    """Return (value, is_ordinal) of ``fifty-five`` / ``third`` / ``twenty first`` / ``two-thirds``."""
    parts = re.split(r"[- ]", words.lower())
    if len(parts) == 2 and parts[0] in _EN_WORDS and parts[1].rstrip("s") in _EN_ORDINALS:
        num, den = _EN_WORDS[parts[0]], _EN_ORDINALS[parts[1].rstrip("s")]
        if num < den and den > 2:
            return num / den, False
    total, ordinal = 0.0, False
    for w in parts:
        if w.endswith("s") and w[:-1] in _EN_ORDINALS:
            w = w[:-1]
        if w in _EN_ORDINALS:
            total += _EN_ORDINALS[w]
            ordinal = True
        elif w == "hundred":
            total = (total or 1) * 100
        else:
            total += _EN_WORDS[w]
    return total, ordinal


def extract_english(text: str) -> list[Quantity]:
    """Return the quantities in an English segment."""
    found, taken = _fractions(text)
    tokens = list(_EN_TOKEN.finditer(text))
    skip_next = False
    for idx, m in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        if any(s <= m.start() < e for s, e in taken):
            continue
        if m.group("num"):
            value = float(m.group("num").replace(",", ""))
        else:
            value, ordinal = _word_value(m.group("word"))
            nxt = tokens[idx + 1] if idx + 1 < len(tokens) else None
            # "one sixth", "one-sixth": a fraction
            if not ordinal and nxt is not None and nxt.group("word") and text[m.end():nxt.start()] in (" ", "-"):
                denom, is_ord = _word_value(nxt.group("word"))
                if is_ord and denom > 2:
                    found.append((m.start(), Quantity(value / denom, "", text[m.start():nxt.end()])))
                    skip_next = True
                    continue
        end = m.end()
        after = _EN_AFTER.match(text, end)
        if after and after.group("scale"):
            value *= _EN_SCALE[after.group("scale").lower()]
            end = after.end()
        unit_m = _EN_UNIT.match(text, end)
        unit = ""
        if unit_m:
            u = unit_m.group("unit").lower()
            unit = "pp" if u.startswith("percentage") or u == "pp" else "%"
            end = unit_m.end()
        found.append((m.start(), Quantity(value, unit, text[m.start():end].strip())))
    for m in _EN_MULTIPLES.finditer(text):  # 两倍 -> "twice", 增长3倍 -> "tripled"
        found.append((m.start(), Quantity(float(_MULTIPLE_VALUES[m.group(1).lower()]), "", m.group(1))))
    for m in _EN_PHASE_ROMAN.finditer(text):  # "phase II" for 二期
        found.append((m.start(1), Quantity(float(_ROMAN[m.group(1)]), "", m.group(0))))
    for m in _EN_MONTH_DAY.finditer(text):
        name = m.group(1) or m.group(2)
        found.append((m.start(), Quantity(float(_MONTHS[name.lower()]), "", name)))
    found.sort(key=lambda x: x[0])
    return [q for _, q in found]


def same_value(a: Quantity, b: Quantity) -> bool:
    """Return True when two quantities have the same value (relative tolerance 1e-9), whatever the unit."""
    return abs(a.value - b.value) <= 1e-9 * max(1.0, abs(a.value))


def _same(a: Quantity, b: Quantity) -> bool:
    """Return True when English quantity ``b`` renders source quantity ``a`` (any of its readings)."""
    return any(unit == b.unit and same_value(Quantity(value, unit, ""), b) for value, unit in a.readings())


@dataclass
class NumberReport:
    """Which source quantities were found in the English."""

    source: list[Quantity]
    english: list[Quantity]
    missing: list[Quantity]
    unmatched_english: list[Quantity]

    @property
    def ok(self) -> bool:
        """Return True when every source quantity was found."""
        return not self.missing


def compare_numbers(source: str, english: str) -> NumberReport:
    """Match the quantities of a Chinese segment against its English translation."""
    src = extract_chinese(source)
    eng = extract_english(english)
    free = list(eng)
    missing = []
    for q in src:
        hit = next((e for e in free if _same(q, e)), None)
        if hit is None:
            missing.append(q)
        else:
            free.remove(hit)
    return NumberReport(src, eng, missing, free)


def check_numbers(item: CheckInput) -> list[Flag]:
    """Flag every source quantity whose value is not in the English."""
    report = compare_numbers(item.source, item.target)
    flags = []
    for q in report.missing:
        others = [e for e in report.unmatched_english if e.unit == q.unit] or report.unmatched_english
        found = "; the English has " + ", ".join(e.describe() for e in others) if others else "; the English has no unmatched number"
        flags.append(Flag("number", f"{q.describe()} not found in the English{found}",
                          {"expected": q.value, "unit": q.unit, "source_text": q.text,
                           "found": [{"value": e.value, "unit": e.unit, "text": e.text} for e in others]}
                          | ({"accepted": [{"value": v, "unit": u} for v, u in q.readings()]} if q.alternatives else {})))
    return flags
