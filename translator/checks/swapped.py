"""Swapped numbers: two values exchanged between the things they count or measure.

3个城市和5个县 -> "5 cities and 3 counties": every value is in the English, so the number
check is satisfied, but each stands with the other's noun. Each source number is read with
the unit or counted noun written after it (吨, 平方米, 个城市, 家企业 ...), each English number
with the unit or noun after it (up to two words between: "3 major cities"); both are mapped to
one key through a small lexicon (city, county, enterprise, t, m2 ...). A pair is flagged only when
the English has each value with the other's key and neither with its own.
"""

from __future__ import annotations

import re

from ..results import Flag
from ..textnorm import fold_width
from .base import CheckInput
from .numbers import MEASURE_WORDS, extract_chinese, extract_english
from .units import EN_UNITS, ZH_UNITS

#: Chinese counted noun -> key (the English words below map to the same keys).
ZH_NOUNS: dict[str, str] = {
    "市场": "market", "城市": "city", "市": "city", "县": "county", "省": "province", "区": "district", "村": "village", "乡镇": "town",
    "镇": "town", "国家": "country", "企业": "company", "公司": "company", "项目": "project", "学校": "school",
    "高校": "university", "大学": "university", "医院": "hospital", "人": "person", "例": "case", "病例": "case",
    "户": "household", "家庭": "household", "辆": "vehicle", "车": "vehicle", "架": "aircraft", "航班": "flight",
    "座": "building", "栋": "building", "所": "institution", "条": "route", "起": "incident", "次": "time",
    "天": "day", "日": "day", "年": "year", "个月": "month", "周": "week", "小时": "h", "分钟": "min",
}
EN_NOUNS: dict[str, str] = {
    "city": "city", "county": "county", "province": "province", "district": "district", "village": "village",
    "market": "market", "town": "town", "township": "town", "country": "country", "nation": "country", "company": "company",
    "enterprise": "company", "firm": "company", "business": "company", "project": "project", "school": "school",
    "university": "university", "college": "university", "hospital": "hospital", "person": "person",
    "people": "person", "resident": "person", "case": "case", "household": "household", "family": "household",
    "families": "household", "vehicle": "vehicle", "car": "vehicle", "aircraft": "aircraft", "plane": "aircraft",
    "flight": "flight", "building": "building", "route": "route", "incident": "incident", "accident": "incident",
    "time": "time", "day": "day", "year": "year", "month": "month", "week": "week",
}
_ZH_MEASURE = re.compile(r"[余多]?(?:" + "|".join(sorted(MEASURE_WORDS, key=len, reverse=True)) + r")?")


def _zh_key(text: str, start: int, end: int) -> str | None:
    rest = text[end:end + 8]
    for unit in sorted(ZH_UNITS, key=len, reverse=True):
        if rest.lstrip("余多").startswith(unit):
            return ZH_UNITS[unit]
    m = _ZH_MEASURE.match(rest)
    after = rest[m.end():] if m else rest
    measure = m.group(0).lstrip("余多") if m else ""
    for noun in sorted(ZH_NOUNS, key=len, reverse=True):
        if after.startswith(noun) or after[1:].startswith(noun) and len(noun) > 1 and "\u4e00" <= after[:1] <= "\u9fff":
            return ZH_NOUNS[noun]
    if measure in ("人", "例", "户", "辆", "天", "日", "年", "周", "小时", "分钟"):
        return ZH_NOUNS.get(measure)
    if measure:  # 企业120家, 学校8所: the noun is written before the number
        before = text[max(0, start - 4):start]
        for noun in sorted(ZH_NOUNS, key=len, reverse=True):
            if len(noun) > 1 and before.endswith(noun):
                return ZH_NOUNS[noun]
    return None


def _singular(word: str) -> str:
    w = word.lower()
    if w in EN_NOUNS:
        return w
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and w[: -len(suffix)] + repl in EN_NOUNS:
            return w[: -len(suffix)] + repl
    return w


def _en_key(text: str, end: int) -> str | None:
    words = re.findall(r"[A-Za-z][A-Za-z-]*|[²³]", text[end:end + 40])[:3]
    lowered = [w.lower() for w in words]
    for n in (2, 1):
        if len(lowered) >= n:
            unit = " ".join(lowered[:n])
            if unit in EN_UNITS and (len(unit) > 2 or text[end:end + 1] in (" ", "")):
                return EN_UNITS[unit]
    for w in words:
        key = EN_NOUNS.get(_singular(w))
        if key:
            return key
    return None


def check_swapped(item: CheckInput) -> list[Flag]:
    """Flag two source values whose English renderings stand with each other's unit or noun."""
    text = fold_width(item.source)
    src = []
    for q in extract_chinese(text):
        if q.pos < 0 or q.unit or q.kind in ("year", "month", "day", "hour", "minute"):
            continue
        key = _zh_key(text, q.pos, q.pos + len(q.text))
        if key:
            src.append((q, key))
    if len(src) < 2:
        return []
    eng = []
    for q in extract_english(item.target):
        if q.pos < 0 or q.soft or q.unit:
            continue
        key = _en_key(item.target, q.pos + len(q.text))
        if key:
            eng.append((q, key))

    def keys_of(value: float) -> set[str]:
        return {k for e, k in eng if abs(value - e.value) <= 1e-9 * max(1.0, abs(value))}

    flags = []
    for i, (a, ka) in enumerate(src):
        for b, kb in src[i + 1:]:
            if ka == kb or a.value == b.value:
                continue
            at, bt = keys_of(a.value), keys_of(b.value)
            if kb in at and ka in bt and ka not in at and kb not in bt:
                flags.append(Flag("swapped", f"{a.text} ({ka}) and {b.text} ({kb}) are swapped in the English: "
                                  f"{a.value:g} stands with {kb} and {b.value:g} with {ka}",
                                  {"first": {"source_text": a.text, "value": a.value, "of": ka},
                                   "second": {"source_text": b.text, "value": b.value, "of": kb}}))
    return flags
