"""The table of units and currencies (``translator/resources/units.tsv``): data, not code.

Each row names a unit, what it measures, its size in the base unit of that dimension, how Chinese and English
write it, and the units official English converts it to (斤 is given in tonnes, 亩 in hectares, 万千瓦 in
gigawatts). The number check accepts a converted figure; the unit check does not call it another unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import InputError

__all__ = ["Unit", "UNITS", "ZH_UNITS", "EN_UNITS", "conversion_factors", "unit_after", "load_units", "english_unit_at", "EN_UNIT_AFTER"]


@dataclass(frozen=True)
class Unit:
    """One row of the unit table.

    Attributes:
        unit: Canonical name (``CNY``, ``t``, ``mu`` ...).
        dimension: What it measures; units of one dimension convert into each other (a currency is its own).
        factor: Its size in the base unit of the dimension (kg, m, m2, L, kW, kWh, s).
        chinese: How Chinese writes it.
        english: The English words and signs it may appear as (lower case).
        converted_to: Units official English converts it to.
    """

    unit: str
    dimension: str
    factor: float
    chinese: tuple[str, ...]
    english: tuple[str, ...]
    converted_to: tuple[str, ...]


def load_units(text: str, where: str = "units.tsv") -> dict[str, Unit]:
    """Parse the unit table (TSV with a header; ``#`` lines are comments).

    Raises:
        InputError: a row has the wrong number of fields, a factor that is not a positive number, or converts to
            a unit that is not in the table or of another dimension (the message names the line).
    """
    units: dict[str, Unit] = {}
    header_seen = False
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        fields = line.split("\t")
        if len(fields) != 6:
            raise InputError(f"{where} line {no}: expected 6 tab-separated fields, got {len(fields)}")
        unit, dimension, factor, chinese, english, converted = fields
        try:
            size = float(factor)
        except ValueError:
            size = -1.0
        if not size > 0:
            raise InputError(f"{where} line {no}: factor {factor!r} is not a positive number")
        split = lambda s: tuple(x.strip() for x in s.split("|") if x.strip())  # noqa: E731
        units[unit] = Unit(unit, dimension, size, split(chinese), tuple(e.lower() for e in split(english)), split(converted))
    for u in units.values():
        for t in u.converted_to:
            if t not in units or units[t].dimension != u.dimension:
                raise InputError(f"{where}: {u.unit} converts to {t!r}, which is not a unit of {u.dimension} in the table")
    return units


@lru_cache(maxsize=1)
def _table() -> dict[str, Unit]:
    text = resources.files("translator.resources").joinpath("units.tsv").read_text("utf-8")
    return load_units(text)


UNITS: dict[str, Unit] = _table()
#: Chinese unit -> canonical unit.
ZH_UNITS: dict[str, str] = {zh: u.unit for u in UNITS.values() for zh in u.chinese}
#: English unit word or sign (lower case) -> canonical unit.
EN_UNITS: dict[str, str] = {en: u.unit for u in UNITS.values() for en in u.english}
_ZH_UNIT_RE = re.compile(r"\s*(?:多|余|左右)?\s*(" + "|".join(sorted(map(re.escape, ZH_UNITS), key=len, reverse=True)) + ")")


def conversion_factors(unit: str) -> dict[str, float]:
    """Return ``{target unit: factor}``: a value in ``unit`` times the factor is the value in the target unit."""
    u = UNITS.get(unit)
    if u is None:
        return {}
    return {t: u.factor / UNITS[t].factor for t in u.converted_to}


def unit_after(text: str, pos: int) -> str:
    """Return the canonical unit written at ``pos`` (after an optional qualifier: 5万余吨), or ``""``."""
    m = _ZH_UNIT_RE.match(text, pos)
    return ZH_UNITS[m.group(1)] if m else ""


#: An English unit word after a figure ("5 kg", "650 million metric tons", "400 hectares of", "2.5 GW").
EN_UNIT_AFTER = re.compile(r"[\s-]*(?:(?:of|in)\s+)?(" + "|".join(sorted((re.escape(u) for u in EN_UNITS if u.isalpha() or " " in u
                                                                        or u[0].isalnum()), key=len, reverse=True))
                           + r")(?![A-Za-z])", re.IGNORECASE)
#: Unit abbreviations that count only written right after the figure or after one space ("5 m", not "5 - m").
_SHORT = frozenset(("l", "m", "t", "g", "mu", "ha", "mw", "gw", "kw"))


def english_unit_at(text: str, pos: int) -> str:
    """Return the canonical unit written right after ``pos`` in English text, or ``""``."""
    m = EN_UNIT_AFTER.match(text, pos)
    if not m:
        return ""
    word = m.group(1).lower()
    if word in _SHORT and text[pos:m.start(1)] not in ("", " "):
        return ""
    return EN_UNITS[word]
