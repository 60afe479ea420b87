"""A torch-free tokenizer for Marian (opus-mt) models: source.spm, target.spm, vocab.json.

It reproduces transformers' ``MarianTokenizer`` (pieces from the source or
target sentencepiece model, ids from vocab.json, unknown pieces -> ``<unk>``,
``</s>`` appended) without importing transformers or torch, so the
CTranslate2 backend starts in a fraction of a second. Equality with
``MarianTokenizer`` is tested on the whole sample report.
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
        model = self.spm_target if target else self.spm_source
        ids = [self.encoder.get(p, self.unk_token_id) for p in model.encode(text, out_type=str)]
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
        """Return the characters of ``text`` that the source side encodes as ``<unk>`` (each once, in order).

        A piece is unknown when sentencepiece does not know it (rare characters such as 赟) or when
        vocab.json lacks it (opus-mt-zh-en has 38 such source pieces); its characters are returned.
        """
        chars: list[str] = []
        for piece in self.spm_source.encode(text, out_type="proto").pieces:
            if piece.piece not in self.encoder:
                chars.extend(c for c in piece.surface if not c.isspace() and c not in chars)
        return chars

    def tokenize(self, text: str) -> list[str]:
        """Return the source pieces of ``text``."""
        return self.spm_source.encode(text, out_type=str)

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
