"""What the transformers and CTranslate2 backends share: a tokenizer with the HF interface.

Token counting, source pieces, the placeholder check and language codes for
multilingual models (NLLB, M2M100, mBART-50) all go through ``self.tokenizer``.
"""

from __future__ import annotations

from ..errors import TranslatorError
from .base import Engine
from .marian_tokenizer import encode_source, marian_parts, source_pieces

#: Default (source, target) language codes by tokenizer class name prefix.
LANGUAGE_CODES = {
    "Nllb": ("zho_Hans", "eng_Latn"),
    "M2M100": ("zh", "en"),
    "MBart": ("zh_CN", "en_XX"),
}


def language_codes(tokenizer: object, src_lang: str | None, tgt_lang: str | None) -> tuple[str | None, str | None]:
    """Return the language codes a multilingual tokenizer needs (None for Marian)."""
    cls = type(tokenizer).__name__
    for prefix, (src, tgt) in LANGUAGE_CODES.items():
        if cls.startswith(prefix):
            return src_lang or src, tgt_lang or tgt
    return src_lang, tgt_lang


def forced_bos_token_id(tokenizer: object, tgt_lang: str | None) -> int | None:
    """Return the token id that starts the target language, or None."""
    if not tgt_lang:
        return None
    if hasattr(tokenizer, "get_lang_id"):
        return tokenizer.get_lang_id(tgt_lang)
    token_id = tokenizer.convert_tokens_to_ids(tgt_lang)
    if token_id is None or token_id == getattr(tokenizer, "unk_token_id", None):
        raise TranslatorError(f"target language code {tgt_lang!r} is not in the tokenizer's vocabulary")
    return token_id


def tokenizer_accepts(tokenizer: object, text: str) -> bool:
    """Return True when ``tokenizer`` keeps ``text`` intact on both the source and the target side."""
    unk = getattr(tokenizer, "unk_token_id", None)
    src = tokenizer(text, add_special_tokens=False)["input_ids"]
    try:
        tgt = tokenizer(text_target=text, add_special_tokens=False)["input_ids"]
    except (TypeError, ValueError):
        tgt = src
    if not src or unk in src or unk in tgt:
        return False
    return tokenizer.decode(tgt, skip_special_tokens=True).strip() == text


def unknown_source_chars(tokenizer: object, text: str) -> list[str]:
    """Return the characters of ``text`` that reach the model as the unknown token (each once, in order).

    Marian tokenizers: the characters of the pieces :func:`.marian_tokenizer.source_pieces`
    cannot give the model. Others: encodes the text once and, only if an unknown id
    appears, each distinct character alone.
    """
    parts = marian_parts(tokenizer)
    if parts is not None:
        return source_pieces(*parts, text)[1]
    unk = getattr(tokenizer, "unk_token_id", None)
    if unk is None or unk not in tokenizer(text, add_special_tokens=False)["input_ids"]:
        return []
    chars = [c for c in dict.fromkeys(text) if not c.isspace()]
    return [c for c in chars if unk in tokenizer(c, add_special_tokens=False)["input_ids"]]


class TokenizerEngine(Engine):
    """An engine whose ``self.tokenizer`` follows the transformers tokenizer interface."""

    tokenizer: object
    src_lang: str | None = None
    tgt_lang: str | None = None

    @classmethod
    def cache_key_parts(cls, options: dict) -> list[str]:
        # Marian source pieces missing from vocab.json are given as known pieces (marian_tokenizer.source_pieces)
        return [*super().cache_key_parts(options), "source-pieces=split-unknown"]

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in encode_source(self.tokenizer, texts)]

    def tokenize(self, text: str) -> list[str]:
        parts = marian_parts(self.tokenizer)
        return source_pieces(*parts, text)[0] if parts is not None else self.tokenizer.tokenize(text)

    def accepts_verbatim(self, text: str) -> bool:
        return tokenizer_accepts(self.tokenizer, text)

    def unknown_source_chars(self, text: str) -> list[str]:
        return unknown_source_chars(self.tokenizer, text)

    def _setup_languages(self, src_lang: str | None, tgt_lang: str | None) -> int | None:
        """Set the language codes (defaulted by tokenizer class); return the forced BOS id, if any."""
        self.src_lang, self.tgt_lang = language_codes(self.tokenizer, src_lang, tgt_lang)
        if self.src_lang and hasattr(self.tokenizer, "src_lang"):
            self.tokenizer.src_lang = self.src_lang
        return forced_bos_token_id(self.tokenizer, self.tgt_lang)
