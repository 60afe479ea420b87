"""A torch-free tokenizer for Marian (opus-mt) models: source.spm, target.spm, vocab.json.

It reproduces transformers' ``MarianTokenizer`` (pieces from the source or
target sentencepiece model, ids from vocab.json, ``</s>`` appended) without
importing transformers or torch, so the CTranslate2 backend starts in a
fraction of a second, with one deliberate difference shared by both backends
(:func:`source_pieces`): a source piece that sentencepiece produces but
vocab.json lacks (opus-mt-zh-en has 38, e.g. 湘潭, ▁报告) is given to the model
as the shorter pieces it has (湘 + 潭) instead of ``<unk>``; only characters
no known piece covers (ones the model never saw, such as 洮) become
``<unk>``. Elsewhere the ids equal ``MarianTokenizer``'s (tested on the
whole sample report).
"""

from __future__ import annotations

import json
from pathlib import Path

MARIAN_FILES = ("source.spm", "target.spm", "vocab.json")


def is_marian_dir(path: Path) -> bool:
    """Return True when ``path`` holds the three Marian tokenizer files and one joint id table.

    Models with separate source and target id tables (``target_vocab.json``)
    are left to transformers' MarianTokenizer.
    """
    return all((path / f).is_file() for f in MARIAN_FILES) and not (path / "target_vocab.json").is_file()


_LONGEST: dict[int, tuple[int, int]] = {}  # id(vocab) -> (its size, its longest key)


def _longest_key(vocab: dict[str, int]) -> int:
    """Return the length of ``vocab``'s longest key (computed once per vocabulary)."""
    known = _LONGEST.get(id(vocab))
    if known is None or known[0] != len(vocab):
        known = _LONGEST[id(vocab)] = (len(vocab), max(map(len, vocab), default=0))
    return known[1]


def split_into_known(piece: str, vocab: dict[str, int]) -> tuple[list[str], list[str]]:
    """Split ``piece`` into the longest pieces ``vocab`` has, left to right.

    Returns:
        (parts, lost): a character no known piece starts with becomes ``"<unk>"`` in
        ``parts`` (a run of them one ``"<unk>"``, as sentencepiece does) and goes to
        ``lost`` (spaces and ``▁`` aside).
    """
    parts: list[str] = []
    lost: list[str] = []
    start = 0
    longest = _longest_key(vocab)  # no known piece is longer: a 12,000-character run of "=" is linear, not cubic
    while start < len(piece):
        end = next((e for e in range(min(len(piece), start + longest), start, -1) if piece[start:e] in vocab), None)
        if end is None:
            if not parts or parts[-1] != "<unk>":
                parts.append("<unk>")
            if piece[start] not in "\u2581 " and not piece[start].isspace():
                lost.append(piece[start])
            start += 1
        else:
            parts.append(piece[start:end])
            start = end
    return parts, lost


def source_pieces(spm, vocab: dict[str, int], text: str) -> tuple[list[str], list[str]]:
    """Return the source pieces the model is given for ``text`` and the characters lost to ``<unk>``.

    Args:
        spm: The source sentencepiece processor.
        vocab: The model's piece -> id table.
        text: A source text.

    Returns:
        (pieces, lost): every piece is in ``vocab`` or is ``"<unk>"``; a piece sentencepiece
        produces but ``vocab`` lacks is split into known pieces (:func:`split_into_known`),
        only the characters no known piece covers becoming ``"<unk>"``; ``lost`` holds
        those characters, each once, in order.
    """
    pieces: list[str] = []
    lost: list[str] = []
    for piece in spm.encode(text, out_type="proto").pieces:
        if piece.piece in vocab:
            pieces.append(piece.piece)
            continue
        parts, missing = split_into_known(piece.piece, vocab)
        if parts == ["<unk>"]:  # nothing of it is known: name the author's characters, not their normal form
            missing = [c for c in piece.surface if not c.isspace()]
        pieces.extend(parts)
        lost.extend(c for c in missing if c not in lost)
    return pieces, lost


def marian_parts(tokenizer: object) -> tuple[object, dict[str, int]] | None:
    """Return (source sentencepiece processor, piece -> id table) of a Marian tokenizer, else None.

    Both this module's tokenizer and transformers' ``MarianTokenizer`` have them
    (``spm_source``, ``encoder``); other tokenizers (NLLB, M2M100 ...) do not.
    """
    spm, vocab = getattr(tokenizer, "spm_source", None), getattr(tokenizer, "encoder", None)
    return (spm, vocab) if spm is not None and isinstance(vocab, dict) and "<unk>" in vocab else None


def encode_source(tokenizer: object, texts: list[str]) -> list[list[int]]:
    """Return the source ids (``</s>`` included) of ``texts`` for any tokenizer with the HF interface.

    Marian tokenizers go through :func:`source_pieces`; others give their own ids.
    """
    parts = marian_parts(tokenizer)
    if parts is None:
        return tokenizer(texts, add_special_tokens=True)["input_ids"]
    spm, vocab = parts
    unk, eos = vocab["<unk>"], vocab["</s>"]
    return [[vocab.get(p, unk) for p in source_pieces(spm, vocab, t)[0]] + [eos] for t in texts]


class MarianSpmTokenizer:
    """Marian tokenizer on sentencepiece alone.

    Args:
        path: Folder with source.spm, target.spm and vocab.json
            (and optionally tokenizer_config.json for ``model_max_length``).
    """

    def __init__(self, path: str | Path) -> None:
        import sentencepiece as spm

        from ..errors import ModelNotAvailableError

        path = Path(path)
        processors = []
        for name in ("source.spm", "target.spm"):
            try:
                processors.append(spm.SentencePieceProcessor(model_file=str(path / name)))
            except (OSError, RuntimeError) as exc:
                raise ModelNotAvailableError(f"model folder {path}: {name} is not a sentencepiece model "
                                             f"({str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r})") from None
        self.spm_source, self.spm_target = processors
        try:
            self.encoder: dict[str, int] = json.loads((path / "vocab.json").read_text("utf-8"))
            if not isinstance(self.encoder, dict) or "<unk>" not in self.encoder or "</s>" not in self.encoder:
                raise ValueError("not an object with <unk> and </s>")
        except (OSError, ValueError) as exc:
            raise ModelNotAvailableError(f"model folder {path}: vocab.json is not a Marian vocabulary ({exc})") from None
        self.decoder = {i: t for t, i in self.encoder.items()}
        self.unk_token_id = self.encoder["<unk>"]
        self.eos_token_id = self.encoder["</s>"]
        self.pad_token_id = self.encoder.get("<pad>")
        self.special_ids = {self.unk_token_id, self.eos_token_id, self.pad_token_id}
        config = path / "tokenizer_config.json"
        self.model_max_length = 512
        if config.is_file():
            self.model_max_length = int(json.loads(config.read_text("utf-8")).get("model_max_length", 512) or 512)

    def _ids(self, text: str, target: bool, add_special_tokens: bool) -> list[int]:
        pieces = self.spm_target.encode(text, out_type=str) if target else source_pieces(self.spm_source, self.encoder, text)[0]
        ids = [self.encoder.get(p, self.unk_token_id) for p in pieces]
        return ids + [self.eos_token_id] if add_special_tokens else ids

    def __call__(self, text: str | list[str] | None = None, text_target: str | list[str] | None = None,
                 add_special_tokens: bool = True, **_) -> dict:
        """Return ``{"input_ids": ...}`` like a transformers tokenizer (lists, no tensors)."""
        target = text is None
        data = text_target if target else text
        if isinstance(data, str):
            return {"input_ids": self._ids(data, target, add_special_tokens)}
        return {"input_ids": [self._ids(t, target, add_special_tokens) for t in data]}

    def unknown_source_chars(self, text: str) -> list[str]:
        """Return the characters of ``text`` the model is given as ``<unk>`` (each once, in order; see :func:`source_pieces`)."""
        return source_pieces(self.spm_source, self.encoder, text)[1]

    def tokenize(self, text: str) -> list[str]:
        """Return the source pieces the model is given for ``text`` (see :func:`source_pieces`)."""
        return source_pieces(self.spm_source, self.encoder, text)[0]

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self.decoder.get(i, "<unk>") for i in ids]

    def convert_tokens_to_ids(self, tokens: list[str] | str):
        if isinstance(tokens, str):
            return self.encoder.get(tokens, self.unk_token_id)
        return [self.encoder.get(t, self.unk_token_id) for t in tokens]

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        """Decode target ids with the target sentencepiece model."""
        pieces: list[str] = []
        out: list[str] = []
        for i in ids:
            if i in self.special_ids:
                if skip_special_tokens:
                    continue
                out.append(self.spm_target.decode_pieces(pieces) + self.decoder[i] + " ")
                pieces = []
                continue
            pieces.append(self.decoder.get(i, "<unk>"))
        out.append(self.spm_target.decode_pieces(pieces))
        return "".join(out).strip()
