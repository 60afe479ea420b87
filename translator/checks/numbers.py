"""Number fidelity: every quantity in the source appears with the same value in the English.

Chinese side: Arabic numbers (full-width folded) with 千/万/亿/万亿 scales (also
after a qualifier: 9000多万, 250余万; composed: 2万4801, 1亿2千多万), ``%`` (also
after a space) and ``个百分点`` (percentage points), fractions ``1/6``, dates and
times split into their parts, ranges split into both ends, and Chinese numerals
used as quantities (两家, 三支, 七方面, 第三批, 五千多名), with their sections
(三万五千亿 = 3.5 trillion) and estimates of two digits (七八十 = 70 or 80).
Qualifiers such as 余/多/近/约/左右/以上 do not change the value.

Whether a numeral is part of a word is decided by a word segmenter's dictionary
(jieba, tags of the ICTCLAS set), not by lists of neighbouring characters: a
numeral inside a word (唯一, 三轮车, 一站式, 红十字会) or an idiom or set phrase
(百折不挠, 货比三家, 千家万户) counts nothing; a numeral inside a name or
abbreviation (六中全会, 五星, 三个代表) or numbering a named craft (神舟十二号,
长征五号) may render an English number ("Sixth Plenary Session", "Shenzhou-XII")
but is never required. Runs such as 两三个 or 七八月份 are "two or three" and
"July and August". 百分之五十 is 50%. Conventions have their other readings:
6成 = 60%, 80年代 = 1980s, 90后 = post-90s, 15时 = 3 pm, 12时 = noon; a number
with a unit that official English converts (the unit table,
``translator/resources/units.tsv``: 斤 -> tonnes, 亩 -> hectares, 里 -> km,
万千瓦 -> GW) may appear converted, in the target unit, rounded as shown.

English side: digits with thousands separators and decimals, also glued to
units or letters (200ml, 2F, 50K, 90s, 1980's, RMB280, No.1), clock times
(6:40am, 15:50pm), scale words (thousand, million, billion, trillion), number
words and ordinals (two, fifty-five, third), multiples (twice, tripled), ``%``/
percent and (percentage) points, a unit written once for a range (80-90%),
month names and abbreviations (with or without a day), fractions (1/6,
one-sixth), Roman numerals after "phase"/"stage"/"part" (phase II for 二期) or
joined to a name (Shenzhou-XII), and values said in words (both, the couple,
noon, midnight, none, hundreds, a decade, a century, around the clock, per,
once; "never", "maiden", "inaugural" for 第一); a relative day (the next day,
that day, on Wednesday) can render a day of the month.

Matching: each source quantity takes one English quantity with the same value
(any accepted reading); a plain source number may also be matched by the same
value with a unit. A value that is implicit in the source itself is not
required in the English: a repeated date or a value repeated in a list (all
100%), a count of items listed right before it (A、B两项), two or three people
the English calls "they", the whole day 0—24时. Such a value is still flagged
when the English shows a different number in its place.

Severity: a missing value for which the English has another number of the same
kind is an ``error`` (a wrong value or scale); a dropped date, time, or small
count of things (which the English may leave implicit) is a ``warning``; any
other dropped amount is an ``error``.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass

from ..errors import InputError
from ..results import Flag
from ..textnorm import fold_width, join_digit_groups
from .base import CheckInput
from .unit_table import conversion_factors, english_unit_at, unit_after

__all__ = ["APPROX", "DATE_KINDS", "MEASURE_WORDS", "NumberReport", "Quantity", "check_numbers", "chinese_numeral_values",
           "compare_numbers", "extract_chinese", "extract_english", "parse_chinese_numeral", "rounds_to", "same_value",
           "severity_of"]

#: The unit of a reading converted into another unit of measure: it matches a figure that rounds to it.
APPROX = "converted:"
#: Kinds of source quantity whose omission is a warning (the English may leave them implicit).
DATE_KINDS = ("year", "month", "day", "hour", "minute")


@dataclass(frozen=True)
class Quantity:
    """A number found in text.

    Attributes:
        value: Its value (scales applied).
        unit: ``""`` (plain), ``"%"``, ``"pp"`` (percentage points), ``"month"`` (a month name),
            ``"anyday"`` (a relative day such as "the next day"), ``"people"`` (a plural pronoun).
        text: The text it was read from.
        alternatives: Other (value, unit) readings that render it as well.
        kind: What it counts: ``year``/``month``/``day``/``hour``/``minute`` (date and time parts),
            ``count`` (a small Chinese-numeral count), ``name`` (a numeral inside a name or abbreviation: 六中全会,
            神舟十二号; it may render an English number but is never required), ``""`` otherwise.
        soft: English only: read from a word that is not a number (both, noon, they, a name such as
            COVID-19); it may render a source value but is never taken as a changed one.
        implicit: Source only: the value is implicit in the source itself (a repeated date, a count of
            listed items); it is only required when the English shows another number instead.
        pos: Character offset in the text it was read from.
        measure: English only: the unit of measure written after it (canonical, from the unit table), or ``""``.
    """

    value: float
    unit: str
    text: str
    alternatives: tuple[tuple[float, str], ...] = ()
    kind: str = ""
    soft: bool = False
    implicit: bool = False
    pos: int = -1
    measure: str = ""

    def readings(self) -> list[tuple[float, str]]:
        """Return every (value, unit) this quantity may be rendered as."""
        return [(self.value, self.unit), *self.alternatives]

    def describe(self) -> str:
        """Return ``'10亿 = 1,000,000,000'`` style text (with any other accepted readings)."""
        # (readings converted into other units are in the flag's details, not the message)
        shown = " or ".join(dict.fromkeys(_show(v, u) for v, u in self.readings() if not u.startswith(APPROX)))
        return f"{self.text!r} = {shown}"


def _show(v: float, unit: str) -> str:
    if math.isnan(v):
        return "a day"
    number = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.2f}"
    if unit.startswith(APPROX):
        return f"{number} {unit[len(APPROX):]}"
    return number + {"%": "%", "pp": " percentage points", "month": " (month)", "people": " (people)"}.get(unit, "")


def _with(q: Quantity, **changes) -> Quantity:
    fields = {k: getattr(q, k) for k in Quantity.__dataclass_fields__}
    fields.update(changes)
    return Quantity(**fields)


def _taken(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


# ---------------------------------------------------------------- Chinese side
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
MEASURE_WORDS = (
    "方面", "百分点", "家", "个", "支", "项", "次", "名", "人", "处", "座", "类", "条", "批", "届", "轮", "场", "部",
    "所", "件", "户", "套", "年", "月", "日", "天", "位", "只", "种", "块", "辆", "台", "倍", "号", "节", "篇", "期", "载",
)
#: Words that start with a numeral and a measure word but state no quantity, which the word segmenter's
#: dictionary tags as numerals (m): 二次元 "anime" (numeral + measure word 次 + this character).
_WORD_AFTER_MEASURE = {"次": "元"}
#: Unit letters that may follow a number in Chinese text (24h, 5km); other letters make a name (5G, 737NG).
_ZH_UNIT_LETTERS = frozenset("h km m cm mm kg g t ml mL L l kW kw MW GW KW s min K k".split())
_ZH_NUM = re.compile(
    r"(?<![A-Za-z0-9.])(?>(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))"  # the number, never backtracked into
    r"(?:[ \u00a0]?(?P<q>多|余)?(?P<scale>万亿|亿|万|千(?!米|克|瓦|伏|赫))(?P<add>\d{1,4}(?P<addscale>千|百)?(?![\d.]))?)?"  # 2万4801, 75万7千
    r"(?P<letters>[A-Za-z]+)?"
)
#: The ten-thousands part of a composite amount after 亿: 1亿2千多万, 3亿5000万.
_ZH_SUB_WAN = re.compile(r"[多余]?万(?!亿)")
_FRACTION = re.compile(r"(?<![\d.])(\d+)/(\d+)(?![\d.])")
_ZH_BARE_SCALE = re.compile(r"(近|约|超|逾|上)?(万亿|亿|万)(?=元|人|名|家|户|次|字)")
#: A Chinese numeral, with its sections (三万五千, 一亿两千万): a 万 or 亿 inside it is followed by more numeral.
_ZH_CN_NUM = re.compile(r"(第)?([零〇一二两三四五六七八九十百千]+(?:[万亿][零〇一二两三四五六七八九十百千]+)*)")
_ZH_PERCENT_WORDS = re.compile(r"百分(?:百(?!分)|之(?:([零〇一二两三四五六七八九十百]+)(?:点([零〇一二三四五六七八九]+))?|(\d+(?:\.\d+)?)))")
#: A Chinese numeral with a scale (两万, 百亿) or a qualifier, followed by what it counts.
_ZH_CN_SCALED = re.compile(r"(余|多|来)?(万亿|亿|万|千)?(余|多|来)?(?=(元|美元|港元|欧元|人|吨|亩|平方|公里|千瓦|册|瓶|份|只|头|株|棵|斤"
                           r"|公斤|字|" + "|".join(MEASURE_WORDS) + r"|[^\u4e00-\u9fff]|$))")
_ZH_VAGUE = re.compile(r"(十)?(数|几|上)(十|百|千|万)(?:上)?(?:万)?(?!亿)")
_ZH_ISO_DATE = re.compile(r"(?<![\d.])((?:19|20)\d\d)([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])")
_ZH_WHOLE_DAY = re.compile(r"(?<!\d)0\s*[—\-–~至到]\s*24\s*时")
_ZH_LIST_SPLIT = re.compile(r"[、和与及]")
#: The rest of a range after its first number, up to the unit written once: 至6月 -> 月.
_ZH_RANGE_TO = re.compile(r"(?:至|到|-|–|—|~|～)\s*\d{1,4}\s*(年|月|日|号)")
#: A decade after 世纪: 80年代, 八十年代, 六七十年代.
_ZH_DECADE = re.compile(r"\s*(?:\d0|[一二三四五六七八九]?[一二三四五六七八九]十)年代")
_ZH_CLAUSE_END = re.compile(r"[，,。；;：:！？!?（(）)]")
_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|《[^》]*》|\"[^\"]*\"|（[^）]*）|\([^)]*\)")
_PEOPLE_AFTER = ("人", "个人", "位", "名")
#: Nouns that name a pair of people; a count of two after them restates it.
_PAIR_NOUNS = ("父母", "夫妻", "夫妇", "双方", "父子", "母子", "父女", "母女")
#: Words before a number that make it an amount, not the count of a list before it (等 = "etc.").
_NOT_LIST_END = ("等", "至少", "最多", "约", "近", "共", "共计", "合计", "超过", "多达", "达", "有", "为", "是", "第", "再", "已",
                 "前", "后", "每", "各", "逾", "超", "仅", "只")
_NUMERAL_CHARS = frozenset(_CN_DIGITS) | frozenset(_CN_UNITS) | frozenset("万亿")


def _fractions(text: str) -> tuple[list[Quantity], list[tuple[int, int]]]:
    """Return the ``a/b`` fractions of ``text`` (both languages write them alike) and their spans."""
    found, taken = [], []
    for m in _FRACTION.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if (a, b) == (24, 7):  # "24/7": around the clock
            continue
        if b:
            found.append(Quantity(a / b, "", m.group(0), pos=m.start()))
            taken.append(m.span())
    return found, taken


def parse_chinese_numeral(text: str) -> int:
    """Parse a Chinese numeral such as 二十五, 两, 一百零八, 三万五千, 一亿两千万.

    Our own grammar, not ``cn2an``: on the 73 distinct Chinese numerals of the WMT21-23 sources and a district
    work report, cn2an ("smart" mode) and this parser agree on all 63 both read; cn2an rejects 10 more (七八十
    and 一万六七千 among them: estimates the callers read with :func:`chinese_numeral_values`; bare 百 and 千), so
    the dependency would add nothing.

    Raises:
        InputError: ``text`` is not a Chinese numeral.
    """
    for sep, size in (("亿", 100_000_000), ("万", 10_000)):  # sections: 三万五千 = 3 x 10,000 + 5,000
        if sep in text:
            head, _, rest = text.partition(sep)
            return (parse_chinese_numeral(head) if head else 1) * size + (parse_chinese_numeral(rest) if rest else 0)
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


_CN_RANGE = re.compile(r"([一二两三四五六七八九])([二三四五六七八九])(?=[十百千万亿])")


def chinese_numeral_values(text: str) -> tuple[int, ...]:
    """Return the values of a Chinese numeral; an estimate of two neighbouring digits has both ends:
    七八十 = (70, 80), 一万六七千 = (16000, 17000).

    Raises:
        InputError: ``text`` is not a Chinese numeral.
    """
    m = _CN_RANGE.search(text)
    if m and _CN_DIGITS[m.group(2)] == _CN_DIGITS[m.group(1)] + 1:
        return tuple(parse_chinese_numeral(text[:m.start()] + d + text[m.end():]) for d in m.groups())
    return (parse_chinese_numeral(text),)


def _date_kind(value: float, after: str, before: str) -> tuple[str, tuple[tuple[float, str], ...]]:
    """Return (kind, other readings) of a number by the character(s) after it (年, 月, 日, 时 ...)."""
    whole = float(value).is_integer()
    if after.startswith("年代") and whole and 0 <= value < 100:  # 80年代 = the 1980s
        return "", ((1900 + value, ""), (2000 + value, ""))
    if after.startswith("后") and whole and value in (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 85, 75, 65, 5):
        return "", ((1900 + value, ""), (2000 + value, ""))  # 90后 = born in the 1990s
    if after.startswith("年") and not after.startswith("年级") and whole and 1000 <= value <= 2200:
        return "year", ()
    if after.startswith("月") and whole and 1 <= value <= 12 and not before.endswith("个"):
        return "month", ((value, ""),)
    if after.startswith(("日", "号")) and whole and 1 <= value <= 31:
        return "day", ((math.nan, "anyday"),)
    if after.startswith(("时", "点")) and whole and 0 <= value <= 24 and not after.startswith(("点", "时间", "时期", "时代")):
        other = [(value - 12, "")] if value > 12 else []
        if value in (0, 24):
            other += [(0.0, ""), (24.0, "")]
        return "hour", tuple(other)
    if after.startswith(("分", "秒")) and whole and 0 <= value < 60 and before.endswith(("时", "点", "分")):
        return "minute", ()
    return "", ()


def _listed_count(text: str, pos: int, value: float) -> bool:
    """Return True when ``value`` counts the items listed right before it (A、B两项; not with 等 "etc.")
    or items named earlier (以上4人, 上述两项: "the above")."""
    if text[max(0, pos - 2):pos] in ("以上", "上述", "前述", "这些", "前面"):
        return True
    if value == 2 and text[max(0, pos - 2):pos] in _PAIR_NOUNS:
        return True  # 父母两人 "the parents", 夫妻二人 "the couple": the noun names the pair
    start = pos
    clause_start = 0
    head = _QUOTED.sub(lambda m: "Q" * len(m.group(0)), text[:start])
    for m in _ZH_CLAUSE_END.finditer(head):
        clause_start = m.end()
    clause = head[clause_start:]
    if not clause or clause.endswith(_NOT_LIST_END) or "、" not in clause and value != 2:
        return False
    items = [i for i in _ZH_LIST_SPLIT.split(clause) if i.strip()]
    return len(items) == value and ("、" in clause or value == 2)  # A、B两项; A与B是两个组织


def _unit_after(rest: str) -> tuple[str, tuple[tuple[float, str], ...], float]:
    """Return (unit, other readings as factors, factor) from the text after a number."""
    qualifier = re.match(r"\s*[余多]*(?:左右|以上|以下)?\s*", rest).group(0)
    after = rest[len(qualifier):]
    if after.startswith(("%", "％")):
        return "%", (), 1.0
    if after.startswith(("个百分点", "百分点")):
        return "pp", (), 1.0
    return "", (), 1.0


def extract_chinese(text: str) -> list[Quantity]:
    """Return the quantities in a Chinese segment."""
    text = join_digit_groups(fold_width(text))  # 1 234 567 (thin spaces) is 1,234,567
    found, taken = _fractions(text)
    for m in _ZH_ISO_DATE.finditer(text):  # 2024-03-07, 2020.7.25: year, month, day
        year, month, day = float(m.group(1)), float(m.group(3)), float(m.group(4))
        if 1 <= month <= 12 and 1 <= day <= 31:
            found += [Quantity(year, "", m.group(1), kind="year", pos=m.start(1)),
                      Quantity(month, "month", m.group(3), ((month, ""),), kind="month", pos=m.start(3)),
                      Quantity(day, "", m.group(4), ((math.nan, "anyday"),), kind="day", pos=m.start(4))]
            taken.append(m.span())
    for m in _ZH_WHOLE_DAY.finditer(text):  # 0—24时: the whole day, said by the date
        found.append(Quantity(0.0, "", m.group(0), ((24.0, ""),), kind="hour", implicit=True, pos=m.start()))
        taken.append(m.span())
    for m in _ZH_PERCENT_WORDS.finditer(text):  # 百分之五十, 百分之三点五, 百分之28.3
        ends: tuple[float, ...] = ()
        if m.group(0) == "百分百":  # "a hundred per cent"
            value = 100.0
        elif m.group(3):
            value = float(m.group(3))
        else:
            try:
                value, *ends = (float(v) for v in chinese_numeral_values(m.group(1)))  # 百分之七八十 = 70-80%
            except InputError:
                continue
            if m.group(2):
                value += float("0." + "".join(str(_CN_DIGITS[c]) for c in m.group(2)))
        found.append(Quantity(value, "%", m.group(0), tuple((v, "%") for v in ends), pos=m.start()))
        taken.append(m.span())
    for m in _ZH_NUM.finditer(text):
        if _taken(m.start(), taken):
            continue
        letters = m.group("letters")
        if letters and letters not in _ZH_UNIT_LETTERS:
            continue  # 5G, 737NG, 4K: names
        value = float(m.group("n").replace(",", ""))
        stop = m.end()
        if m.group("scale"):
            value *= _ZH_SCALE[m.group("scale")]
            if m.group("add"):
                add = m.group("add")
                part = float(add.rstrip("千百")) * {"千": 1000.0, "百": 100.0}.get(add[-1], 1.0)
                sub = _ZH_SUB_WAN.match(text, stop) if m.group("scale") in ("亿", "万亿") else None
                if sub:  # 1亿2千多万 = 120 million: the part after 亿 counts ten-thousands
                    part *= 1e4
                    stop = sub.end()
                value += part
        end = m.end("scale") if m.group("scale") and not m.group("add") else stop
        shown = text[m.start():end]
        rest = text[stop:stop + 12].lstrip(" \u00a0")[:8]  # spaced text: "2021 年 1 月", "1 小时"
        unit, _, _ = _unit_after(rest)
        other: tuple[tuple[float, str], ...] = ()
        kind = ""
        implicit = False
        if not unit and not m.group("scale") and not letters:
            # a range writes the date unit once, after its second end: 3至6月 = March to June
            to = _ZH_RANGE_TO.match(rest)
            kind, other = _date_kind(value, to.group(1) if to else rest, text[max(0, m.start() - 3):m.start()])
            if rest.startswith("世纪") and _ZH_DECADE.match(text, stop + rest.find("世纪") + 2):
                implicit = True  # 20世纪80年代 = the 1980s: the decade says the century
            if kind == "month":  # 7月: July first
                unit = "month"
            if rest.startswith("成") and value <= 10:  # 6成 = 60%
                unit, value, other = "%", value * 10, ((value, ""),)
        elif letters == "K" or letters == "k":
            value *= 1000
        if not unit and not kind and not letters:
            other = (*other, *_converted(value, text, stop))
        listed = (not unit and not kind and value <= 10 and float(value).is_integer() and not m.group("scale")
                  and "\u4e00" <= rest[:1] <= "\u9fff"
                  and (_listed_count(text, m.start(), value) or _after_pronoun(text, m.start())))
        found.append(Quantity(value, unit, shown, other, kind="count" if listed else kind, implicit=implicit or listed,
                              pos=m.start()))
        taken.append((m.start(), stop))
    for m in _ZH_VAGUE.finditer(text):  # 数百 = hundreds, 上万 = tens of thousands
        if _taken(m.start(), taken):
            continue
        base = {"十": 10.0, "百": 100.0, "千": 1000.0, "万": 1e4}[m.group(3)]
        if m.group(0).endswith("万") and m.group(3) != "万":
            base *= 1e4
        if m.group(1):  # 十几万: ten-odd ten-thousands
            base *= 10
        found.append(Quantity(base, "", m.group(0), ((base, "vague"),), implicit=True, pos=m.start()))
        taken.append(m.span())
    for m in _ZH_BARE_SCALE.finditer(text):
        if _taken(m.start(), taken) or (m.start() > 0 and text[m.start() - 1] in "0123456789多余"):
            continue
        if m.start() > 0 and text[m.start() - 1] in _NUMERAL_CHARS or _word_at(text, m.start(2), m.end(2))[0]:
            continue
        value = _ZH_SCALE[m.group(2)]
        if m.group(1):  # 近万家: nearly 10,000 households
            found.append(Quantity(value, "", m.group(0), pos=m.start()))
        else:  # a bare 万 is often "myriad" (万家灯火, 万家乐): required only when the English shows another number
            found.append(Quantity(value, "", m.group(0), ((value, "vague"),), implicit=True, pos=m.start()))
        taken.append(m.span())
    found.extend(_chinese_numerals(text, taken))
    found.sort(key=lambda q: q.pos)
    return [_growth_multiple(text, q) for q in found]


def _converted(value: float, text: str, end: int) -> tuple[tuple[float, str], ...]:
    """Return the readings of ``value`` in the units official English converts the unit at ``end`` to
    (1.3万亿斤 = 650 million tonnes, 8000万亩 = 5.33 million hectares, 5000万千瓦 = 50 GW), from the unit table."""
    unit = unit_after(text, end)
    if unit == "li" and text.startswith(("里程", "里面", "里边"), text.find("里", end)):
        return ()  # 里程 mileage, 里面 inside: not the unit li
    return tuple((value * f, APPROX + target) for target, f in conversion_factors(unit).items())


#: Word-segmenter tags (jieba, ICTCLAS set) of a numeral expression: numeral, numeral + measure, measure, time.
_NUMERAL_TAGS = frozenset(("m", "mq", "q", "t", "x", "eng", ""))
#: Tags of idioms and set phrases (百折不挠, 货比三家, 千家万户): a numeral in them counts nothing.
_IDIOM_TAGS = frozenset(("i", "l"))
#: Tags of names and abbreviations (六中全会, 五星, 三个代表, 九三学社): a numeral in them is part of the name;
#: the English may keep it ("Sixth Plenary Session", "five-star") or not.
_NAME_TAGS = frozenset(("nz", "nt", "ns", "nr", "nrt", "nrfg", "j"))


@lru_cache(maxsize=512)
def _segments(text: str) -> tuple[tuple[int, int, str], ...]:
    """Return the words of ``text`` as (start, end, part-of-speech tag), by the jieba segmenter's dictionary.

    Why a segmenter: whether a numeral is part of a word, name or idiom (唯一, 三轮车, 红十字会, 货比三家) is a
    property of the word, not of the characters next to the numeral; the dictionary (350,000 words with their
    tags) knows far more of them than any list of neighbouring characters. Dictionary segmentation only (no HMM
    guessing of unknown words): an unknown word is left in single characters, so a numeral stays readable.
    """
    import jieba  # imported on first use: loading the dictionary takes about a second
    import jieba.posseg

    jieba.setLogLevel(60)
    if not jieba.dt.initialized and jieba.dt.tmp_dir is None:  # its dictionary cache goes in our cache folder
        from ..paths import default_cache_path

        folder = default_cache_path().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(folder)
        except OSError:
            pass  # jieba keeps it in the system's temporary folder, as it does by default
    tags = jieba.posseg.dt.word_tag_tab
    out, pos = [], 0
    for word in jieba.lcut(text, HMM=False):
        out.append((pos, pos + len(word), tags.get(word, "")))
        pos += len(word)
    return tuple(out)


def _word_at(text: str, start: int, end: int) -> tuple[str, int, int]:
    """Return (tag, word start, word end) of the word that holds the numeral ``text[start:end]`` when that word is
    not a numeral expression (唯一, 货比三家, 三轮车, 六中全会), else ``("", start, end)``."""
    for s, e, tag in _segments(text):
        if s <= start < e:
            if tag in _IDIOM_TAGS and s < start and _numeral_phrase(text[s:start], text[end:e]):
                break  # 近两年, 这五种, 今明两天, 每千字: a determiner, a numeral and its measure word, not an idiom
            if s == start and text[end:e] in MEASURE_WORDS:
                break  # 二人 "two people" (the dictionary has it as a name, nrt): a numeral and its measure word
            if tag not in _NUMERAL_TAGS and (s < start or e > end or tag in _IDIOM_TAGS | _NAME_TAGS):
                return tag, s, e
            return "", start, end
    return "", start, end


#: Tags of the words that may stand before a numeral in a numeral phrase the dictionary lists as a set phrase:
#: pronoun (这五种), adjective (近两年), time (今明两天), adverb, 每 (每千字).
_DETERMINER_TAGS = frozenset(("r", "a", "t", "d", "ad", "zg"))


def _numeral_phrase(prefix: str, rest: str) -> bool:
    """Return True when a set phrase is a determiner, the numeral and a measure word (近两年来, 这五种, 每千字),
    not an idiom (货比三家: a noun and a verb before the numeral)."""
    return all(tag in _DETERMINER_TAGS for _, _, tag in _segments(prefix)) and (rest.startswith(MEASURE_WORDS) or len(rest) <= 1)


#: Demonstrative pronouns (the dictionary's pronoun tag r also covers words such as 为期 "lasting").
DEMONSTRATIVES = frozenset(("这", "那", "这些", "那些"))


def _after_pronoun(text: str, pos: int) -> bool:
    """Return True when the word right before ``pos`` is a demonstrative (这3所 "these universities", 这三个 "these",
    "which"): the count refers back to things named before; the English may say it by the pronoun alone."""
    return any(e == pos and tag == "r" and text[s:e] in DEMONSTRATIVES for s, e, tag in _segments(text))


def _name_serial(text: str, start: int, end: int) -> bool:
    """Return True when the numeral at ``start`` with 号 after it numbers a named craft or model (神舟十二号,
    长征五号, 天宫二号): it follows a noun or name directly."""
    if not text.startswith("号", end) or start == 0:
        return False
    for s, e, tag in _segments(text):
        if e == start:
            return tag[:1] == "n" or tag in _NAME_TAGS
    return False


def _chinese_numerals(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    found = []
    for m in _ZH_CN_NUM.finditer(text):
        if _taken(m.start(), taken):
            continue
        ordinal, numeral = m.group(1), m.group(2)
        start = m.start(2)
        before = text[m.start() - 1] if m.start() else ""
        tag, w_start, w_end = _word_at(text, m.start(), m.end())
        if tag and w_start < start and w_end < m.end() and not ordinal:
            start = w_end  # 唯一一个: 唯一 "only" is a word, 一个 the numeral
            numeral, before = text[start:m.end()], text[start - 1]
            tag, w_start, w_end = _word_at(text, start, m.end())
        if tag in _NAME_TAGS and ordinal:
            tag = ""  # 第二次世界大战 "World War II": an ordinal in a name is read as an ordinal
        if tag in _NAME_TAGS:  # 六中全会 "Sixth Plenary Session", 五星 "five-star": may render, never required
            try:
                value = parse_chinese_numeral(numeral)
            except InputError:
                continue
            found.append(Quantity(float(value), "", text[w_start:w_end], kind="name", implicit=True, pos=start))
            continue
        if tag:
            continue  # a word (三轮车, 一站式, 红十字会) or an idiom or set phrase (货比三家, 千家万户)
        if _name_serial(text, m.start(), m.end()):  # 神舟十二号 "Shenzhou-12" or "Shenzhou-XII"
            value = parse_chinese_numeral(numeral)
            found.append(Quantity(float(value), "", m.group(0) + "号", kind="name", implicit=True, pos=m.start()))
            continue
        after = text[m.end():m.end() + 2]
        if not ordinal and after[:1] == "月" and "两" not in numeral and not (before and before in "“‘「《\"") and not (len(numeral) > 1 and numeral[0] in _CN_DIGITS
                                                                            and numeral[1] in _CN_DIGITS):
            try:
                month = parse_chinese_numeral(numeral)
            except InputError:
                month = 0
            if 1 <= month <= 12:  # 四月 = April, 十二月 = December
                found.append(Quantity(float(month), "month", m.group(0), ((float(month), ""),), kind="month", pos=m.start()))
                continue
        scaled = None if ordinal or before in _CN_DIGITS else _ZH_CN_SCALED.match(text, m.end())
        if scaled and not scaled.group(2) and (scaled.group(4) in MEASURE_WORDS or not any(c in _CN_UNITS for c in numeral)
                                               or not "\u4e00" <= scaled.group(4)[:1] <= "\u9fff"):
            scaled = None  # no scale: a count with a measure word, read below
        if scaled:  # (千万不要 "by all means do not" does not match: 不 counts nothing)
            try:
                value, *ends = (v * _ZH_SCALE.get(scaled.group(2) or "", 1) for v in chinese_numeral_values(numeral))
            except InputError:
                continue
            level = text.startswith(("级", "元级"), scaled.end())  # 百亿元级: of the order of ten billion
            round_figure = numeral in ("百", "千", "十") and bool(scaled.group(2))  # 百万册: "millions of copies"
            found.append(Quantity(float(value), "", m.group(0) + text[m.end():scaled.end(2) if scaled.group(2) else m.end()],
                                  ((float(value), "vague"),) if level or round_figure else tuple((float(v), "") for v in ends),
                                  pos=m.start()))
            continue  # 一万瓶, 两万元, 两千余元, 百亿元
        bare = re.match(r"万亿|亿|万", text[m.end():m.end() + 2])
        if not ordinal and numeral in ("十", "百", "千") and bare:  # 千亿产业 "a 100-billion-yuan industry": a round figure
            value = parse_chinese_numeral(numeral) * _ZH_SCALE[bare.group(0)]
            found.append(Quantity(float(value), "", m.group(0) + bare.group(0), ((float(value), "vague"),), implicit=True,
                                  pos=m.start()))
            continue
        if not ordinal and numeral in ("一", "十", "千", "百千"):
            continue  # 一 is "a"/"one" and too ambiguous; bare 十/千 are names (十佳)
        if not ordinal and after[:1] == "成" and numeral in _CN_DIGITS and numeral not in "零〇":  # 四成 = 40%
            if any(s <= start and m.end() < e for s, e, _ in _segments(text)):  # 三成, not 三|成为 (become)
                value = float(_CN_DIGITS[numeral])
                found.append(Quantity(value * 10, "%", m.group(0) + "成", ((value, ""),), pos=m.start()))
            continue
        if after[:1] in "多余来" and numeral[-1] in _CN_UNITS:  # 五千多名 "over 5,000": the qualifier before the measure word
            after = text[m.end() + 1:m.end() + 3]
        if not after.startswith(MEASURE_WORDS):
            continue
        if before and (before in "“‘「《\"" or before in _CN_DIGITS):
            continue
        if _WORD_AFTER_MEASURE.get(after[:1]) == after[1:2]:
            continue  # 二次元 (anime)
        digits_only = all(c in _CN_DIGITS for c in numeral)
        if digits_only and len(numeral) >= 2 and "〇" not in numeral and "零" not in numeral:
            # 两三个 = two or three, 七八月份 = July and August, 三四五六年级: a list or an estimate
            values = [float(_CN_DIGITS[c]) for c in numeral]
            unit_alt = tuple((v, "month") for v in values) if after.startswith("月") else ()
            found.append(Quantity(values[0], "", m.group(0), tuple((v, "") for v in values[1:]) + unit_alt,
                                  kind="count", pos=m.start()))
            continue
        try:
            value, *ends = chinese_numeral_values(numeral)  # 七八十个 = 70 or 80
        except InputError:
            continue
        if value < 2 and not ordinal:
            continue
        kind, other = ("count", ()) if not ordinal and value <= 10 else ("", ())
        implicit = False
        if not ordinal and value <= 3 and after.startswith(_PEOPLE_AFTER):
            other = ((float(value), "people"),)  # 两人, 他们二位 = "they", "the couple"
        if not ordinal and value <= 10 and (_listed_count(text, m.start(), value) or _after_pronoun(text, m.start())):
            implicit = True  # 防疫、防汛两场硬仗: the count of the items just listed; 这三个 "these", "which"
        if not ordinal and text.startswith("年代", m.end()) and value < 100:  # 八十年代 = the 1980s
            other = ((1900.0 + value, ""), (2000.0 + value, ""))
        if ordinal and value == 2 and after.startswith("部"):
            other = ((2.0, "sequel"),)
        if ordinal and value == 1:
            other = ((1.0, "first"),)  # 第一次 "never before", "maiden", "inaugural"
        if ordinal and value == 2 and after.startswith(("天", "日")):
            other = ((math.nan, "anyday"),)  # 第二天 = "the next day"
        if not ordinal and numeral in ("百", "千"):  # 百年: "a century" or "hundreds of years"
            other = (*other, (float(value), "vague"))
        other = (*other, *((float(v), "") for v in ends))
        found.append(Quantity(float(value), "", m.group(0), other, kind=kind, implicit=implicit, pos=m.start()))
    return found


#: A growth verb right before "N倍": 增长两倍 strictly means "grew by 200%" (tripled), but is often
#: used for "doubled"; both readings are accepted. 是去年的两倍 ("twice last year's") is not growth.
_GROWTH_BEFORE = re.compile(r"(增长|增加|提高|提升|上升|扩大|增)了?(近|约|超过|超)?$")


def _growth_multiple(text: str, q: Quantity) -> Quantity:
    pos = q.pos
    end = pos + len(q.text)
    if q.unit or not text.startswith("倍", end) or not _GROWTH_BEFORE.search(text[max(0, pos - 6):pos]):
        return q
    return _with(q, text=q.text + "倍", alternatives=((q.value + 1, ""), (q.value * 100, "%")))


# ---------------------------------------------------------------- English side
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
_EN_WORDS = {
    **_EN_UNITS, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_EN_TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_EN_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_MONTH_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10,
               "Nov": 11, "Dec": 12}
_WORDNUM = "|".join(sorted(list(_EN_WORDS) + [o + "s" for o in _EN_ORDINALS if o != "second"] + list(_EN_ORDINALS),
                          key=len, reverse=True))  # "seconds" is time, not a fraction
_EN_TOKEN = re.compile(
    r"(?<![\d,])(?<!\d\.)(?>(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?))(?![\d])(?P<suffix>'s|[A-Za-z]+)?"
    r"|(?<![A-Za-z])(?=[dehnostfz])(?P<word>(?:" + _WORDNUM + r")(?:[- ](?:" + _WORDNUM + r"))?)(?![A-Za-z])",
)  # matched on lowercased text: IGNORECASE makes the word alternation several times slower
_EN_AFTER = re.compile(r"\s*(?:-\s*)?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn)?(?![A-Za-z])", re.IGNORECASE)
_EN_UNIT = re.compile(r"\s*(?P<unit>%|percent\b|per cent\b|percentage points?\b|pp\b|points?\b)", re.IGNORECASE)
_EN_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?(?![\d])", re.IGNORECASE)
_EN_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
                       r"|\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.")
_EN_MULTIPLES = re.compile(r"\b(twice|double|doubled|twofold|triple|tripled|threefold|quadruple|quadrupled|fourfold)\b",
                           re.IGNORECASE)
_MULTIPLE_VALUES = {"twice": 2, "double": 2, "doubled": 2, "twofold": 2, "triple": 3, "tripled": 3, "threefold": 3,
                    "quadruple": 4, "quadrupled": 4, "fourfold": 4}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}
_EN_PHASE_ROMAN = re.compile(r"\b(?:[Pp]hase|[Nn]o\.|[Pp]art|[Ss]tage|[Ww]ar)\s+(X|IX|VI{0,3}|IV|I{1,3})\b")
#: A Roman numeral joined to a name by a hyphen: "Shenzhou-XII" for 神舟十二号.
_EN_NAME_ROMAN = re.compile(r"\b[A-Z][A-Za-z']+-(X{0,3}(?:IX|IV|VI{0,3}|I{1,3})|X{1,3})\b")
_EN_A_SCALE = re.compile(r"\b(?:a|every|per|each) (hundred|thousand|million|billion|trillion)\b(?! (?:of|or)\b)")
#: What follows "a second" that is time, not an ordinal: the end of the phrase or a word that is no noun.
_EN_TIME_SECOND = re.compile(r"\s*(?:$|[^\w\s-]|(?:or|and|later|after|before|to|of|longer|ago)\b)")
_EN_RANGE = re.compile(r"\s*(?:-|–|—|~|to|and)\s*$")
#: Values said in words: (pattern, value, unit, extra readings).
_EN_SOFT = [  # (pattern, value, unit, other readings, words one of which the text must contain)
    (r"\bboth\b|\bcouple\b|\bpair\b|\btwins?\b|\bduo\b", 2.0, "", ((2.0, "people"),), ("both", "couple", "pair", "twin", "duo")),
    (r"\btoday and tomorrow\b|\byesterday and today\b|\banother\b|\bsecondary\b", 2.0, "", (),
     ("tomorrow", "yesterday", "another", "secondary")),
    (r"\b(?:noon|midday)\b", 12.0, "", (), ("noon", "midday")),
    (r"\bmidnight\b", 0.0, "", ((24.0, ""),), ("midnight",)),
    (r"\b(?:none|no|nil|zero|not a single)\b", 0.0, "", (), ("no ", "no-", "none", "nil", "zero", "single")),
    (r"\bdecades?\b", 10.0, "", (), ("decade",)),
    (r"\b(?:centenary|centennial|century|centuries)\b", 100.0, "", (), ("centen", "centur")),
    (r"\baround the clock\b|\bround[- ]the[- ]clock\b|\b24/7\b|\ball day\b", 24.0, "", (), ("clock", "24/7", "all day")),
    (r"\bper\b|\bonce\b|\beach\b|\bevery\b|\bsingle\b", 1.0, "", (), ("per ", "once", "each", "every", "single")),
    (r"\ban? (?:hour|day|week|month|year|minute|second)\b", 1.0, "", (),
     ("hour", "day", "week", "month", "year", "minute", "second")),
    (r"\binitial(?:ly)?\b", 1.0, "", (), ("initial",)),
    # 第一次 said as "never (... before)", "maiden", "inaugural": the first time; renders an ordinal 第一 only
    (r"\bnever\b|\bmaiden\b|\binaugural\b|\bdebut(?:ed|s)?\b", 1.0, "first", (), ("never", "maiden", "inaugural", "debut")),
    (r"\bhundreds\b", 100.0, "vague", (), ("hundreds",)),
    (r"\bthousands\b", 1000.0, "vague", (), ("thousands",)),
    (r"\btens of thousands\b", 1e4, "vague", (), ("tens of",)),
    (r"\bhundreds of thousands\b", 1e5, "vague", (), ("hundreds of",)),
    (r"\bmillions\b", 1e6, "vague", (), ("millions",)),
    (r"\btens of millions\b", 1e7, "vague", (), ("tens of",)),
    (r"\bhundreds of millions\b", 1e8, "vague", (), ("hundreds of",)),
    (r"\bbillions\b", 1e9, "vague", (), ("billions",)),
    (r"\btens of billions\b", 1e10, "vague", (), ("tens of",)),
    (r"\bhundreds of billions\b", 1e11, "vague", (), ("hundreds of",)),
    (r"\bdozens\b|\btens\b", 10.0, "vague", (), ("dozens", "tens")),
    (r"\bsequel\b", 2.0, "sequel", (), ("sequel",)),
    (r"\b(?:they|them|their|the two)\b", 2.0, "people", ((3.0, "people"),), ("they", "them", "their", "the two")),
    (r"\b(?:next|following|same|previous|that|this) (?:day|morning|afternoon|evening|night)\b|\btoday\b|\byesterday\b"
     r"|\btomorrow\b|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", math.nan, "anyday", (),
     ("day", "morning", "afternoon", "evening", "night", "tomorrow")),
]
_EN_SOFT_RE = [(re.compile(p, re.IGNORECASE if unit != "anyday" else 0), v, unit, alt, keys)
               for p, v, unit, alt, keys in _EN_SOFT]


def _roman(numeral: str) -> int:
    """Return the value of a Roman numeral up to 39 (XII = 12)."""
    values = [_ROMAN_DIGITS[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10}


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


def _composes(words: str) -> bool:
    """Return True when two number words make one number (twenty-five, twenty first, five hundred)."""
    parts = re.split(r"[- ]", words.lower())
    if len(parts) < 2:
        return True
    first, second = parts[0], parts[1].removesuffix("s") if parts[1] not in _EN_WORDS else parts[1]
    if second == "hundred":
        return True
    if first in _EN_WORDS and second in _EN_ORDINALS and _EN_ORDINALS[second] > 2 and _EN_WORDS[first] < _EN_ORDINALS[second]:
        return True  # two-thirds
    unit = _EN_UNITS.get(second, _EN_ORDINALS.get(second, 99))
    return first in _EN_TENS and 1 <= unit <= 9


def _english_tokens(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    found: list[Quantity] = []
    matches = []
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lowercase is longer: keep offsets with ASCII-only lowering
        lowered = "".join(c.lower() if c.isascii() else c for c in text)
    for m in _EN_TOKEN.finditer(lowered):
        if m.group("word") and not _composes(m.group("word")):  # "three nine-foot", "first two": two numbers
            w1 = re.split(r"[- ]", m.group("word"))[0]
            matches.append((m.start(), m.start() + len(w1), w1, None))
            w2_start = m.start() + len(w1) + 1
            matches.append((w2_start, m.end(), text[w2_start:m.end()], None))
        else:
            matches.append((m.start(), m.end(), text[m.start():m.end()] if m.group("word") else None, m))
    skip_next = False
    for idx, (start, end, word, m) in enumerate(matches):
        if skip_next:
            skip_next = False
            continue
        if _taken(start, taken):
            continue
        alt: list[tuple[float, str]] = []
        soft = False
        kind = ""
        if m is not None and m.group("num"):
            value = float(m.group("num").replace(",", ""))
            suffix = text[m.start("suffix"):m.end("suffix")] if m.group("suffix") else ""
            end = m.end("num")
            before = text[max(0, start - 1):start]
            if before.isalpha() or (before == "-" and start >= 2 and text[start - 2].isalpha()):
                soft = not text[max(0, start - 3):start].upper().endswith(("RMB", "USD", "HKD", "EUR", "NO", "$", "US"))
            if suffix.lower() in ("st", "nd", "rd", "th"):
                end = m.end()
                kind = "ordinal"
            elif suffix.lower() in ("s", "'s"):  # 1990s, 90s, 1980's: a decade
                end = m.end()
                alt += [(value % 100, "")] if value >= 1000 else [(1900 + value, "")]
            elif suffix in ("K", "k"):  # 50K
                alt.append((value * 1000, ""))
                end = m.end()
            elif suffix:
                if suffix.lower() in ("am", "pm"):
                    end = m.end()
                elif suffix.isupper() and suffix not in ("ML", "KW", "MW", "GW", "KG", "KM", "L", "F", "T"):
                    soft = True  # 5G, 737NG, 737MAX: names (they may render the source, never stand for a changed value)
        else:
            if word.lower() == "second" and lowered[max(0, start - 6):start].endswith(("a ", "one ", "per ", "each ")) \
                    and _EN_TIME_SECOND.match(lowered, end):
                continue  # "roughly a second", "per second": time, said by the soft "a second" = 1 ("a second purchase": 2)
            value, ordinal = _word_value(word)
            kind = "ordinal" if ordinal else ""
            nxt = matches[idx + 1] if idx + 1 < len(matches) else None
            # "one sixth", "one-sixth": a fraction
            if not ordinal and nxt is not None and nxt[2] and nxt[3] is not None and nxt[3].group("word") \
                    and text[end:nxt[0]] in (" ", "-"):
                denom, is_ord = _word_value(nxt[2])
                if is_ord and denom > 2:
                    found.append(Quantity(value / denom, "", text[start:nxt[1]], pos=start))
                    skip_next = True
                    continue
        after = _EN_AFTER.match(text, end)
        if after and after.group("scale"):
            scale = _EN_SCALE[after.group("scale").lower()]
            value *= scale
            alt = [(v * scale, u) for v, u in alt]
            end = after.end()
        unit_m = _EN_UNIT.match(text, end)
        unit = ""
        if unit_m:
            u = unit_m.group("unit").lower()
            unit = "pp" if u.startswith("percentage") or u == "pp" else "points" if u.startswith("point") else "%"
            end = unit_m.end()
        found.append(Quantity(value, unit, text[start:end].strip(), tuple(alt), kind=kind, soft=soft, pos=start))
    return found


def _range_units(text: str, found: list[Quantity]) -> list[Quantity]:
    """Give the first number of a range the unit or scale written once after the second (80-90%, 1-2 million)."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = text[a.pos + len(a.text):b.pos] if a.pos >= 0 and b.pos >= 0 else "x"
        if not _EN_RANGE.match(gap) or len(gap) > 6:
            continue
        if b.unit and not a.unit:
            out[i] = _with(a, alternatives=(*a.alternatives, (a.value, b.unit)))
        raw = re.match(r"[\d,.]+", b.text)
        if raw and not a.unit:
            try:
                factor = b.value / float(raw.group(0).replace(",", ""))
            except (ValueError, ZeroDivisionError):
                factor = 1.0
            if factor > 1 and float(factor).is_integer():
                out[i] = _with(out[i], alternatives=(*out[i].alternatives, (a.value * factor, b.unit)))
    return out


_EN_AND_BEFORE = re.compile(r"\band\s+$", re.IGNORECASE)
_EN_OTHER_AFTER = re.compile(r"\s+(?:other|others|more)\b", re.IGNORECASE)


def _others(text: str, q: Quantity) -> Quantity:
    """Give "and two other(s)" the reading of the whole (3 = the one named + two others: 耶鲁等3所)."""
    end = q.pos + len(q.text)
    if q.soft or q.unit or q.pos < 0 or not _EN_OTHER_AFTER.match(text, end) \
            or not _EN_AND_BEFORE.search(text[max(0, q.pos - 5):q.pos]):
        return q
    return _with(q, alternatives=(*q.alternatives, (q.value + 1, "")))


_EN_DECADES_AFTER = re.compile(r"[\s-]+decades?\b", re.IGNORECASE)


def _decades(text: str, q: Quantity) -> Quantity:
    """Give "two decades" the reading of the years it counts (20年 = "two decades")."""
    if q.soft or q.unit or q.pos < 0 or not _EN_DECADES_AFTER.match(text, q.pos + len(q.text)):
        return q
    return _with(q, alternatives=(*q.alternatives, (q.value * 10, "")))


def extract_english(text: str) -> list[Quantity]:
    """Return the quantities in an English segment."""
    lowered = text.lower()
    # cheap substring tests before each regex scan: most sentences have no time, fraction or multiple
    found, taken = _fractions(text) if "/" in text else ([], [])
    for m in _EN_TIME.finditer(text) if ":" in text else ():  # 6:40am, 15:50pm, 19:44:50
        hour = float(m.group(1))
        pm = (m.group(4) or "").lower().startswith("p")
        alt = ((hour + 12, ""),) if pm and hour < 12 else ()
        found.append(Quantity(hour, "", m.group(0), alt, pos=m.start()))
        found.append(Quantity(float(m.group(2)), "", m.group(2), pos=m.start(2)))
        if m.group(3):
            found.append(Quantity(float(m.group(3)), "", m.group(3), pos=m.start(3)))
        taken.append(m.span())
    for m in _ZH_ISO_DATE.finditer(text) if "." in text or "-" in text or "/" in text else ():  # 2021.6.11, 2022-01-17
        year, month, day = float(m.group(1)), float(m.group(3)), float(m.group(4))
        if 1 <= month <= 12 and 1 <= day <= 31:
            found += [Quantity(year, "", m.group(1), pos=m.start(1)), Quantity(month, "month", m.group(3), ((month, ""),),
                                                                                pos=m.start(3)),
                      Quantity(day, "", m.group(4), pos=m.start(4))]
            taken.append(m.span())
    for rx, value, unit, alt, keys in _EN_SOFT_RE:
        if any(k in lowered for k in keys):  # a substring test is far cheaper than a regex scan
            for m in rx.finditer(text):
                found.append(Quantity(value, unit, m.group(0), alt, soft=True, pos=m.start()))
    tokens = _english_tokens(text, taken)
    found.extend(_decades(text, _others(text, q)) for q in _range_units(text, tokens))
    multiples = any(k in lowered for k in ("twice", "doubl", "tripl", "fold", "quadrupl"))
    scale_words = any(k in lowered for k in ("hundred", "thousand", "million", "billion", "trillion"))
    for m in _EN_A_SCALE.finditer(lowered) if scale_words else ():  # "a million", "every thousand"
        found.append(Quantity(_EN_SCALE[m.group(1)], "", text[m.start():m.end()], pos=m.start()))
    for m in _EN_MULTIPLES.finditer(text) if multiples else ():  # 两倍 -> "twice", 增长3倍 -> "tripled"
        found.append(Quantity(float(_MULTIPLE_VALUES[m.group(1).lower()]), "", m.group(1), kind="multiple", pos=m.start()))
    for m in _EN_PHASE_ROMAN.finditer(text) if "I" in text or "V" in text or "X" in text else ():  # phase II: 二期
        found.append(Quantity(float(_ROMAN[m.group(1)]), "", m.group(0), pos=m.start(1)))
    for m in _EN_NAME_ROMAN.finditer(text) if "-" in text else ():  # Shenzhou-XII: a name, may render 十二号
        found.append(Quantity(float(_roman(m.group(1))), "", m.group(1), soft=True, pos=m.start(1)))
    for m in _EN_MONTH.finditer(text):
        if m.group(1):
            value = _MONTHS[m.group(1).lower()]
            day_near = re.match(r"\s+\d", text[m.end():]) or re.search(r"\d\s+$", text[:m.start()])
            soft = not day_near and m.group(1) == "May" and (m.start() == 0 or text[m.start() - 2:m.start()] in (". ", '" '))
        else:
            value, soft = _MONTH_ABBR[m.group(2)], False
        found.append(Quantity(float(value), "month", m.group(0), soft=soft, pos=m.start()))
    found.sort(key=lambda q: q.pos)
    return [_with(q, measure=english_unit_at(text, q.pos + len(q.text))) if q.pos >= 0 and not q.soft and not q.unit else q
            for q in found]


def same_value(a: Quantity, b: Quantity) -> bool:
    """Return True when two quantities have the same value (relative tolerance 1e-9), whatever the unit."""
    return _close(a.value, b.value)


def _close(a: float, b: float) -> bool:
    if float(a).is_integer() and float(b).is_integer():
        return a == b  # a long figure (an ISBN, a phone number) differs in its last digit
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def rounds_to(value: float, e: Quantity) -> bool:
    """Return True when English figure ``e`` is ``value`` rounded to the digits ``e`` shows (5.33 million for a
    converted 5,333,333; 650 million for 650,000,000)."""
    if math.isnan(value) or value <= 0:
        return False
    m = _DIGITS.search(e.text)
    raw = float(m.group(0).replace(",", "")) if m else 0.0
    if not raw:
        return _close(value, e.value)
    step = 10.0 ** -len(m.group(1) or "") * e.value / raw
    return abs(value - e.value) <= 0.5 * step * (1 + 1e-9)


def _same(a: Quantity, b: Quantity, loose: bool = False) -> bool:
    """Return True when English quantity ``b`` renders source quantity ``a`` (any readings of both).

    ``loose``: a plain source number may also be rendered as a percentage (5区间 -> "5%").
    """
    loose = loose and a.unit == ""
    for value, unit in a.readings():
        for v2, u2 in b.readings():
            if unit == "anyday" and u2 == "anyday":
                return True
            if unit == "vague" and u2 == "vague":  # 上万 = "thousands" or "tens of thousands"
                return 0.1 <= value / v2 <= 10
            if unit == "vague" and u2 == "" and any(c in a.text for c in "几数") and value <= v2 < 10 * value:
                return True  # 几千 = "3,000", 十几万 = "120,000": a figure in the range the vague amount covers
            if math.isnan(value) or math.isnan(v2):
                continue
            if unit.startswith(APPROX):  # converted into another unit: a figure in that unit, rounded
                if u2 == "" and v2 == b.value and b.measure == unit[len(APPROX):] and rounds_to(value, b):
                    return True
                continue
            if (unit == u2 or loose and unit == "" and u2 in ("%", "points") or unit == "pp" and u2 == "points") \
                    and _close(value, v2):
                return True
    return False


def _near(q: Quantity, e: Quantity) -> bool:
    """Return True when ``e`` is a date figure of a date part ``q``, or a figure of the same order of magnitude."""
    if q.kind in DATE_KINDS:
        return True
    return e.kind != "ordinal" and e.value > 0 and q.value > 0 and 0.1 <= e.value / q.value <= 10


def _candidate(q: Quantity, e: Quantity) -> bool:
    """Return True when unmatched English ``e`` may be a changed rendering of source ``q`` (same kind of number)."""
    if e.soft or math.isnan(e.value):
        return False
    if q.kind == "count" and (e.kind in ("ordinal", "multiple") or not 2 <= e.value <= 10):
        return False
    units = {u for _, u in q.readings()}
    if e.unit not in units and not (e.unit == "" and units & {"month"}):
        return False
    limits = {"year": (1000, 2200), "month": (1, 12), "day": (1, 31), "hour": (0, 24), "minute": (0, 59)}
    if q.kind in limits:
        if not e.text[:1].isdigit():
            return False  # English writes dates and times in digits: "the last one" is no day
        lo, hi = limits[q.kind]
        return lo <= e.value <= hi and float(e.value).is_integer()
    if 1900 <= e.value <= 2100 and float(e.value).is_integer() and not 1900 <= q.value <= 2100:
        return False  # a year is not a changed amount
    return True


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
    names = [q for q in src if q.kind == "name"]
    pending = [q for q in src if q.kind != "name"]
    matched: list[Quantity] = []
    by_word: list[Quantity] = []
    primary = [(lambda q, e: e.unit == q.unit and _close(q.value, e.value) and not math.isnan(q.value)),
               _same, (lambda q, e: _same(q, e, loose=True))]
    for match in primary:  # each source value's own reading first, then its other readings, then loosely
        still = []
        for q in pending:
            hits = [e for e in free if match(q, e)]
            # a figure before a word, but a vague amount (数十) takes a vague word ("dozens") before a figure
            hit = next((e for e in hits if e.unit == "vague"), None) if any(u == "vague" for _, u in q.readings()) else None
            hit = hit or next((e for e in hits if not e.soft), hits[0] if hits else None)
            if hit is None:
                still.append(q)
            else:
                free.remove(hit)
                matched.append(q)
                if hit.soft:
                    by_word.append(q)
        pending = still
    for q in names:  # a numeral inside a name (六中全会, 神舟十二号) takes what it renders last; never required
        hit = next((e for e in free if _same(q, e)), None)
        if hit is not None:
            free.remove(hit)
    unmatched = [e for e in free if not e.soft]
    # a value rendered only by a word ("that day", "per") while the English has another figure in its place
    # (an ordinal such as 第二天 "the next day" is changed only by another ordinal: "the third day")
    pending += [q for q in by_word if not q.implicit and not any(_same(q, e) for e in unmatched)
                and any(_candidate(q, e) and _near(q, e) and (e.kind == "ordinal" or not q.text.startswith("第"))
                        for e in unmatched)]
    dropped = [p for p in pending if not _repeats(p, matched)]  # a repeated date part is not dropped
    # a value implicit in the source is required only when the English has another number (not an ordinal) instead
    missing = [q for q in pending if not (q.implicit or _repeats(q, matched) and not _date_dropped(q, dropped))
               or any(_candidate(q, e) and (not q.implicit or e.kind != "ordinal") for e in unmatched)]
    missing.sort(key=lambda q: q.pos)
    return NumberReport(src, eng, missing, unmatched)


def _date_dropped(q: Quantity, pending: list[Quantity]) -> bool:
    """Return True when month or year ``q`` belongs to a date whose following part is missing too (7月5日)."""
    end = q.pos + len(q.text)
    return q.kind in ("year", "month") and any(p.kind in ("month", "day") and end < p.pos <= end + 1 for p in pending)


def _repeats(q: Quantity, matched: list[Quantity]) -> bool:
    """Return True when ``q`` repeats a source value the English has (a repeated date, "all 100%")."""
    return q.kind not in ("hour", "minute") and any(
        m.value == q.value and m.unit == q.unit and (m.kind == q.kind or _year_like(m) and _year_like(q)) for m in matched)


def _year_like(q: Quantity) -> bool:
    """Return True for a year, or a plain number that reads as one (2022届: the class of 2022)."""
    return q.kind == "year" or q.kind == "" and q.unit == "" and float(q.value).is_integer() and 1900 <= q.value <= 2100


def severity_of(q: Quantity, report: NumberReport) -> str:
    """Return ``error`` when the English has another number of the same kind, else ``warning`` for a dropped
    date, time or small count, ``error`` for any other dropped amount."""
    if any(_candidate(q, e) for e in report.unmatched_english):
        return "error"
    return "warning" if q.kind in DATE_KINDS or q.kind == "count" else "error"


_DATE_KINDS = frozenset({"year", "month", "day", "hour", "minute"})
_DATE_GLUE = re.compile(r"[年月日号时點点分秒:：/.\-\s]*")


def _date_runs(source: str, missing: list[Quantity]) -> list[list[Quantity]]:
    """Group the missing quantities: the parts of one date or time expression together, others alone."""
    runs: list[list[Quantity]] = []
    for q in missing:
        prev = runs[-1][-1] if runs else None
        if (prev is not None and q.kind in _DATE_KINDS and prev.kind in _DATE_KINDS and prev.pos >= 0 and q.pos >= 0
                and _DATE_GLUE.fullmatch(source[prev.pos + len(prev.text):q.pos])):
            runs[-1].append(q)
        else:
            runs.append([q])
    return runs


def check_numbers(item: CheckInput) -> list[Flag]:
    """Flag every source quantity whose value is not in the English (a date or time missing as a whole: one flag)."""
    report = compare_numbers(item.source, item.target)
    flags = []
    missing = sorted(report.missing, key=lambda q: q.pos)
    for run in _date_runs(item.source, missing):
        q = run[0]
        # cite only English numbers that may be this value changed (same kind; an ordinal only for an ordinal), not
        # ones that render another part of the sentence
        others = [e for e in report.unmatched_english if _candidate(q, e) and (e.kind != "ordinal" or q.text.startswith("第"))]
        found = "; the English has " + ", ".join(e.describe() for e in others) if others else "; the English has no unmatched number"
        severities = [severity_of(part, report) for part in run]
        severity = "error" if "error" in severities else severities[0]
        found_list = [{"value": e.value, "unit": e.unit, "text": e.text} for e in others]
        if len(run) > 1:
            span = item.source[run[0].pos:run[-1].pos + len(run[-1].text)]
            span += next((c for c in item.source[run[-1].pos + len(run[-1].text):][:1] if c in "年月日号时分秒"), "")
            parts = ", ".join(part.describe() for part in run)
            flags.append(Flag("number", f"date/time {span!r} not found in the English ({parts}){found}",
                              {"source_text": span, "kind": "date", "parts": [
                                  {"expected": part.value, "unit": part.unit, "source_text": part.text, "kind": part.kind}
                                  for part in run], "found": found_list}, severity=severity))
            continue
        flags.append(Flag("number", f"{q.describe()} not found in the English{found}",
                          {"expected": q.value, "unit": q.unit, "source_text": q.text, "kind": q.kind,
                           "found": found_list}
                          | ({"accepted": [{"value": v, "unit": u} for v, u in q.readings()]} if q.alternatives else {}),
                          severity=severity))
    return flags
