"""A deterministic engine that behaves like a Marian model in the ways term enforcement cares about.

* It copies Latin-script runs (acronyms, placeholder codes, injected English,
  numbers) from the source into the output, as opus-mt models do.
* It translates Chinese through a small word dictionary and drops Chinese it
  does not know (a real model paraphrases or omits).
* Failure modes can be switched on to exercise the retry and flag paths:
  ``drop_codes`` (the model garbles placeholder codes), ``drop_latin`` (it also
  ignores injected English), ``loop`` (it degenerates into a repetition loop
  unless decoding blocks repeated n-grams).
"""

from __future__ import annotations

import re

from translator.engines.base import DecodeSettings, Engine, EngineInfo, EngineOutput

DICTIONARY = {
    "全年": "this year", "新增": "added", "家": "", "国家级": "national-level", "企业": "enterprises",
    "瞪羚": "gazelle", "山东": "Shandong", "研发": "R&D", "投入": "investment", "突破": "exceeded",
    "亿元": "hundred million yuan", "同比增长": "up year on year", "深化": "deepen", "合作": "cooperation",
    "区域": "regional", "经贸": "economic and trade", "市北区": "Shibei", "青岛": "Qingdao",
}
_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,.%&'-]*[A-Za-z0-9%]|[A-Za-z0-9]")


class FakeEngine(Engine):
    """See the module docstring."""

    name = "fake"

    def __init__(self, drop_codes: bool = False, drop_latin: bool = False, loop: bool = False) -> None:
        self.drop_codes = drop_codes
        self.drop_latin = drop_latin
        self.loop = loop
        self.calls: list[tuple[list[str], DecodeSettings]] = []

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(backend="fake", model="fake-model", device="cpu")

    @property
    def max_input_tokens(self) -> int:
        return 512

    def count_tokens(self, texts):
        return [len(t.replace(" ", "")) + 1 for t in texts]

    def tokenize(self, text):
        return list(text.replace(" ", ""))

    def accepts_verbatim(self, text):
        return text.isascii() and text.isalpha() and text.isupper()

    def _translate_batch(self, texts, lengths, settings, hints=None):
        self.calls.append((list(texts), settings))
        outs = []
        for text, n in zip(texts, lengths):
            words = []
            i = 0
            while i < len(text):
                m = _LATIN_RUN.match(text, i)
                if m:
                    run = m.group(0)
                    is_code = bool(re.fullmatch(r"[A-Z]{3}", run))
                    if (is_code and self.drop_codes) or (not is_code and self.drop_latin and not run[0].isdigit()):
                        pass
                    else:
                        words.append(run)
                    i = m.end()
                    continue
                for size in (4, 3, 2, 1):
                    piece = text[i:i + size]
                    if piece in DICTIONARY:
                        if DICTIONARY[piece]:
                            words.append(DICTIONARY[piece])
                        i += size
                        break
                else:
                    i += 1
            out = " ".join(words)
            if self.loop and not settings.no_repeat_ngram_size:
                out = out + " the the the the the the the the"
            outs.append(EngineOutput(text=out, source_tokens=n, target_tokens=len(out.split()), max_new_tokens=2 * n + 10))
        return outs
