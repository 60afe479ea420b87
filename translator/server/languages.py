"""Language codes as LibreTranslate's clients send them, and a script-based language guess.

The server translates Chinese into English and nothing else. Clients name Chinese in several ways:
Weblate maps ``zh_Hans`` to ``zh``, Mastodon sends a post's ``zh``, LibreTranslate itself lists
``zh-Hans`` since 1.7. All of them (any case, ``-`` or ``_``) mean the one source we serve.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["LANGUAGES", "SOURCE", "TARGET", "Detection", "detect", "normalise_code", "UnsupportedLanguage"]

SOURCE = "zh"
TARGET = "en"
#: What ``GET /languages`` lists: both Chinese codes clients look for, and English (Weblate needs every
#: code it sends to appear as a ``code``; Mastodon reads ``languages["zh"]["targets"]``).
LANGUAGES = (
    {"code": "zh", "name": "Chinese", "targets": [TARGET]},
    {"code": "zh-Hans", "name": "Chinese (Simplified)", "targets": [TARGET]},
    {"code": "en", "name": "English", "targets": []},
)
_CHINESE = {"zh", "zh-hans", "zh-cn", "zh-sg", "zh-hans-cn", "zho", "chi", "zho_hans", "cmn", "zh-hant", "zh-tw",
            "zh-hk", "zt"}
_ENGLISH = {"en", "en-us", "en-gb", "eng", "eng_latn"}


class UnsupportedLanguage(ValueError):
    """A language code the server does not translate from or into (the message is the client's error)."""


def normalise_code(code: str, role: str) -> str:
    """Return ``zh`` or ``en`` for a code a client sent as ``role`` (``source`` or ``target``).

    Args:
        code: The code as sent (``zh``, ``zh-Hans``, ``zh_CN``, ``ZH``, ``en-GB`` ...).
        role: ``source`` or ``target``.

    Raises:
        UnsupportedLanguage: Any other language, or a valid language in the wrong role, with the pairs we serve.
    """
    key = code.strip().lower().replace("_", "-")
    key = "zho_hans" if key == "zho-hans" else "eng_latn" if key == "eng-latn" else key
    found = SOURCE if key in _CHINESE else TARGET if key in _ENGLISH else None
    if found is None:
        raise UnsupportedLanguage(f"{code} is not supported (this server translates Chinese (zh) into English (en))")
    wanted = SOURCE if role == "source" else TARGET
    if found != wanted:
        other = "target" if role == "source" else "source"
        raise UnsupportedLanguage(f"{code} is not available as a {role} language (this server translates Chinese (zh) "
                                  f"into English (en); {found} can only be the {other})")
    return found


@dataclass
class Detection:
    """A language guess, as ``/detect`` and ``detectedLanguage`` give it.

    Attributes:
        language: ``zh``, ``en``, or another ISO 639-1 code guessed from the script (``ja``, ``ko``, ``ru`` ...).
        confidence: 0-100: the share of the text's letters written in that language's script.
    """

    language: str
    confidence: float

    def to_dict(self) -> dict:
        """Return the LibreTranslate shape ``{"confidence": .., "language": ..}``."""
        return {"confidence": self.confidence, "language": self.language}


_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    o = ord(ch)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF:
        return "zh"
    if _KANA.match(ch):
        return "ja"
    if _HANGUL.match(ch):
        return "ko"
    name = unicodedata.name(ch, "")
    for prefix, lang in (("LATIN", "en"), ("CYRILLIC", "ru"), ("ARABIC", "ar"), ("GREEK", "el"), ("HEBREW", "he"),
                         ("THAI", "th"), ("DEVANAGARI", "hi")):
        if name.startswith(prefix):
            return lang
    return None


def detect(text: str) -> list[Detection]:
    """Guess the language of ``text`` from the scripts of its letters, best first.

    Only a script is seen, so Latin text is reported as English (the one Latin language we know) and
    Japanese wins over Chinese as soon as kana appear. Text with no letters (numbers, emoji) is
    reported as ``en`` with confidence 0, as LibreTranslate does.
    """
    counts: dict[str, int] = {}
    for ch in text:
        lang = _script(ch)
        if lang:
            counts[lang] = counts.get(lang, 0) + 1
    if counts.get("ja") and counts.get("zh"):  # kanji are Han characters: kana decide
        counts["ja"] += counts.pop("zh")
    total = sum(counts.values())
    if not total:
        return [Detection("en", 0.0)]
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return [Detection(lang, round(100.0 * n / total, 1)) for lang, n in ranked]
