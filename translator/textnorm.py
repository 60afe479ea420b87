"""Character-level normalisation shared by every stage.

Two different jobs are kept apart:

* :func:`clean_segment_text` makes the text fed to a model: NBSP and other odd
  spaces become a plain space (but a thin or no-break space grouping digits,
  1 234 567, becomes a comma), zero-width characters go, runs of spaces
  collapse, full-width ASCII letters and digits become half-width.
* :func:`fold_for_matching` is a stronger fold used only to *compare* text
  (glossary lookup, number checks), never to produce output.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
ODD_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\r\n\v\f\x85\u2028\u2029"

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_ZW_RE = re.compile(f"[{ZERO_WIDTH}]")
_SPACE_RE = re.compile(f"[ {ODD_SPACES}]+")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def printable_name(name: str) -> str:
    """Return a file name as text every UTF-8 output can carry.

    A name that was not valid UTF-8 arrives with surrogate escapes (``os.fsdecode``): each such byte becomes
    ``\\xNN`` (``r\\xff.txt``), any other lone surrogate ``\\udNNN``. Other names are returned unchanged.
    """
    if not _SURROGATE_RE.search(name):
        return name
    return _SURROGATE_RE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if "\udc80" <= m.group() <= "\udcff"
                             else f"\\u{ord(m.group()):04x}", name)


def is_blank(text: str) -> bool:
    """Return True when ``text`` holds only whitespace and zero-width characters."""
    return not _SPACE_RE.sub("", _ZW_RE.sub("", text)).strip()


def fold_width(text: str) -> str:
    """Map full-width ASCII letters, digits and ``％．＋－`` to half-width.

    Chinese punctuation (，。：；) is left alone: it carries sentence structure.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        elif ch in "％．＋－":
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


# A thin, narrow no-break or no-break space between digit groups of three (GB/T 15835's 1 234 567)
_GROUP_SPACES = "\u2009\u202f\u00a0"
_GROUP_SPACE_RE = re.compile(f"(?<=\\d)[{_GROUP_SPACES}](?=\\d{{3}}(?!\\d))")


def join_digit_groups(text: str) -> str:
    """Write digit groups separated by thin or no-break spaces (1 234 567) with commas (1,234,567).

    The length is unchanged, so offsets still hold; an ordinary space is left alone (it separates numbers
    as often as it groups them), and so are the groups of decimal places (3.141 592: GB 3101 groups those
    too, and a comma there would make another number).
    """
    if not any(c in text for c in _GROUP_SPACES):
        return text

    def comma(m: re.Match) -> str:
        start = m.start()
        while start > 0 and (text[start - 1].isdigit() or text[start - 1] in _GROUP_SPACES):
            start -= 1
        return m.group() if start > 0 and text[start - 1] == "." else ","

    return _GROUP_SPACE_RE.sub(comma, text)


def clean_segment_text(text: str) -> str:
    """Return the model-facing form of a source segment."""
    text = join_digit_groups(_ZW_RE.sub("", text))
    text = _SPACE_RE.sub(" ", text).strip()
    return fold_width(text)


def fold_for_matching(text: str) -> str:
    """Return a comparison key: NFKC, width-folded, spaces collapsed, casefolded."""
    text = unicodedata.normalize("NFKC", _ZW_RE.sub("", text))
    return _SPACE_RE.sub(" ", text).strip().casefold()


def contains_cjk(text: str) -> bool:
    """Return True when ``text`` holds at least one CJK ideograph (BMP or not)."""
    return bool(_CJK_RE.search(text))


def cjk_chars(text: str) -> list[str]:
    """Return the CJK ideographs in ``text``, in order."""
    return _CJK_RE.findall(text)


@lru_cache(maxsize=1)
def simplified_table() -> dict[str, str]:
    """Return the Traditional -> Simplified character table of OpenCC (its TSCharacters dictionary).

    Used to compare text (glossary matching, encoding detection), never to rewrite it. A character with
    several Simplified forms maps to OpenCC's first (most common) one.
    """
    from importlib import resources

    try:
        text = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - a core dependency
        return {}
    table = {}
    for line in text.splitlines():
        trad, _, simple = line.partition("\t")
        if len(trad) == 1 and simple:
            table[trad] = simple.split(" ")[0]
    return table
