"""Units and currencies: a number keeps its unit (平方米 -> square metres, not cubic metres; 元 -> yuan,
not dollars) and its scale (5万吨 -> 50,000 tonnes, not 5 tonnes).

Each source number is read with the unit written right after it (after a scale and a qualifier:
``5万余吨``); each English number with the unit word after it or the currency sign or code before it
(``$5 million``, ``RMB280``, ``5 square metres``). A flag is raised only on evidence: an English number
with the source value (or the source digits without their scale) carries another unit, and no English
number with that value carries the source unit. The lexicon of units and counted things is shared with
the swapped-numbers check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..results import Flag
from ..textnorm import fold_width
from .base import CheckInput
from .numbers import Quantity, extract_chinese, extract_english, rounds_to
from .unit_table import EN_UNIT_AFTER, EN_UNITS, ZH_UNITS, conversion_factors

__all__ = ["Measured", "chinese_measures", "english_measures", "check_units", "EN_UNITS", "ZH_UNITS"]

#: (source, English) units that may stand with the same number: "pounds" is money or weight, and a
#: jin (0.5 kg) is close to a pound (0.45 kg).
_COMPATIBLE = {("GBP", "lb"), ("jin", "lb")}
_ZH_UNIT_RE = re.compile(r"[余多近约]?(?:" + "|".join(sorted(map(re.escape, ZH_UNITS), key=len, reverse=True)) + ")")
_EN_AFTER = EN_UNIT_AFTER
_EN_BEFORE = re.compile(r"(US\$|HK\$|RMB|CNY|USD|HKD|EUR|GBP|JPY|\$|¥|€|£)\s*$", re.IGNORECASE)
_SCALE_CHARS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}


@dataclass(frozen=True)
class Measured:
    """A number with the unit written with it.

    Attributes:
        quantity: The number.
        unit: Canonical unit (``CNY``, ``m2``, ``t`` ...).
        unit_text: The unit as written.
        raw: The value of the digits alone, without a Chinese scale (5万 -> 5).
    """

    quantity: Quantity
    unit: str
    unit_text: str
    raw: float


def chinese_measures(text: str) -> list[Measured]:
    """Return the source numbers written with a unit (5万吨, 300平方米, 2亿元)."""
    text = fold_width(text)
    out = []
    for q in extract_chinese(text):
        if q.pos < 0 or q.unit or q.kind:
            continue
        m = _ZH_UNIT_RE.match(text, q.pos + len(q.text))
        if not m:
            continue
        unit_text = m.group(0).lstrip("余多近约")
        digits = re.match(r"[\d,.]+", q.text)
        raw = float(digits.group(0).replace(",", "")) if digits else q.value
        out.append(Measured(q, ZH_UNITS[unit_text], unit_text, raw))
    return out


def english_measures(text: str) -> list[Measured]:
    """Return the English numbers written with a unit word after them or a currency before them."""
    out = []
    for q in extract_english(text):
        if q.pos < 0 or q.soft or q.unit:
            continue
        after = _EN_AFTER.match(text, q.pos + len(q.text))
        before = _EN_BEFORE.search(text[max(0, q.pos - 6):q.pos])
        if after:
            word = after.group(1).lower()
            if word in ("l", "m", "t", "g", "mu", "ha", "mw") and not text[q.pos + len(q.text):after.start(1)] in ("", " "):
                continue
            hk = text[max(0, after.start(1) - 10):after.start(1)].lower().endswith(("hong kong ", "hk "))
            unit, shown = ("HKD" if hk and word.startswith("dollar") else EN_UNITS[word]), after.group(1)
            if word.startswith("dollar") and not hk and text[max(0, after.start(1) - 12):after.start(1)].lower().rstrip().endswith(
                    ("taiwan", "nt", "singapore", "australian", "canadian")):
                continue
        elif before:
            shown = before.group(1)
            unit = EN_UNITS.get(shown.lower(), EN_UNITS.get(shown, ""))
        else:
            continue
        out.append(Measured(q, unit, shown, q.value))
    return out


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a))


def check_units(item: CheckInput) -> list[Flag]:
    """Flag a source number whose English rendering carries another unit, currency, or lost its scale."""
    source = chinese_measures(item.source)
    if not source:
        return []
    english = english_measures(item.target)
    plain = extract_english(item.target)
    flags = []
    for s in source:
        values = [v for v, u in s.quantity.readings() if u == ""]
        same = [e for e in english if any(_same_value(v, e.quantity.value) for v in values)]
        if any(e.unit == s.unit or (s.unit, e.unit) in _COMPATIBLE for e in same):
            continue
        factors = conversion_factors(s.unit)
        if any(e.unit in factors and rounds_to(s.quantity.value * factors[e.unit], e.quantity) for e in english):
            # converted as official English does (10斤 -> 5 kg, 8000万亩 -> 5.33 million hectares); but when the
            # English also gives the figure in the source unit, that figure must be a source value too
            own = [e for e in english if e.unit == s.unit
                   and not any(_same_value(o.quantity.value, e.quantity.value) for o in source if o.unit == s.unit)]
            if own:
                e = own[0]
                flags.append(Flag("unit", f"{s.quantity.text}{s.unit_text} is rendered {e.quantity.text} {e.unit_text}: "
                                  "another value in the same unit",
                                  {"source_text": s.quantity.text + s.unit_text, "source_unit": s.unit,
                                   "found": e.quantity.text, "found_unit": e.unit, "expected": s.quantity.value}))
            continue
        # a unit another source number has: the values were exchanged, which the swapped check reports
        wrong = [e for e in same if e.unit != s.unit and e.unit not in {o.unit for o in source}]
        if wrong:
            e = wrong[0]
            flags.append(Flag("unit", f"{s.quantity.text}{s.unit_text} ({s.unit}) is rendered with another unit: "
                              f"{e.quantity.text} {e.unit_text} ({e.unit})",
                              {"source_text": s.quantity.text + s.unit_text, "source_unit": s.unit,
                               "found": e.quantity.text, "found_unit": e.unit}))
            continue
        scaled = s.raw != s.quantity.value
        if scaled and not any(any(_same_value(v, p.value) for v in values) for p in plain):
            dropped = [e for e in english if _same_value(e.quantity.value, s.raw)]
            if dropped:
                e = dropped[0]
                flags.append(Flag("unit", f"{s.quantity.text}{s.unit_text} = {s.quantity.value:,.0f} {s.unit} is rendered "
                                  f"{e.quantity.text} {e.unit_text}: the scale is lost",
                                  {"source_text": s.quantity.text + s.unit_text, "source_unit": s.unit,
                                   "found": e.quantity.text, "found_unit": e.unit, "expected": s.quantity.value}))
    return flags
