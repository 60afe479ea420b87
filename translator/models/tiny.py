"""Build random-weight MarianMT models with the same files as opus-mt-zh-en.

Two shapes are offered:

* ``tiny``: a few hundred kilobytes, for tests and offline trials. Its output
  is gibberish by design: the weights are random.
* ``opus-mt-zh-en``: opus-mt-zh-en's exact shape (d_model 512, 6+6 layers,
  8 heads, FFN 2048, vocab 65001, swish, pad 65000, eos 0), for speed
  measurements only.

The sentencepiece models are trained on the bundled sample report (source)
and its English reference translation (target), so tokenisation behaves
like a real Chinese/English model on this kind of text. For the
``opus-mt-zh-en`` shape each is then padded to 32,000 pieces, the size of
opus-mt-zh-en's own (its model card: SentencePiece spm32k,spm32k), with
pieces no text can produce; so, as in the real model, about half of the
65,001 ids are target-side pieces, which matters for
:mod:`translator.engines.target_vocabulary`.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import TranslatorError


@dataclass(frozen=True)
class ModelShape:
    """Architecture of a built model."""

    d_model: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int | None  # None: just the trained pieces
    spm_vocab: int
    spm_pieces: int | None = None  # pad each sentencepiece model to this many pieces


SHAPES = {
    "tiny": ModelShape(d_model=32, layers=1, heads=2, ffn=64, vocab_size=None, spm_vocab=1000),
    "opus-mt-zh-en": ModelShape(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=65001, spm_vocab=4000,
                                   spm_pieces=32000),
}


def corpus_lines(name: str) -> list[str]:
    """Return the non-blank lines of a bundled training corpus (``zh`` or ``en``)."""
    text = resources.files("translator.resources").joinpath(f"tiny_corpus.{name}.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def train_spm(lines: list[str], vocab_size: int, character_coverage: float) -> bytes:
    """Train a unigram sentencepiece model in memory and return its bytes."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=character_coverage,
        unk_id=1,
        bos_id=-1,
        eos_id=0,
        pad_id=-1,
        minloglevel=2,
        num_threads=1,
    )
    return buf.getvalue()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pad_spm(model: bytes, pieces: int, marker: str) -> bytes:
    """Append never-produced pieces to a serialized sentencepiece model until it has ``pieces``.

    Each added piece is ``marker`` (a private-use character no text holds)
    plus a number, with a score far below every trained piece; repeated
    protobuf fields concatenate, so appending the encoded pieces is enough.
    """
    import sentencepiece as spm

    have = spm.SentencePieceProcessor(model_proto=model).get_piece_size()
    extra = bytearray()
    for k in range(max(0, pieces - have)):
        text = f"{marker}{k}".encode()
        piece = b"\x0a" + _varint(len(text)) + text + b"\x15" + struct.pack("<f", -1000.0)
        extra += b"\x0a" + _varint(len(piece)) + piece
    return model + bytes(extra)


def build_model(out_dir: str | Path, shape: str = "tiny", seed: int = 0, force: bool = False) -> Path:
    """Build a random-weight MarianMT model directory.

    Args:
        out_dir: Folder to create.
        shape: A key of :data:`SHAPES`.
        seed: Random seed for the weights.
        force: Overwrite an existing model folder.

    Returns:
        The folder, holding config.json, model.safetensors, source.spm,
        target.spm, vocab.json, tokenizer_config.json and generation_config.json.
    """
    if shape not in SHAPES:
        raise TranslatorError(f"unknown model shape {shape!r}; valid shapes: {', '.join(SHAPES)}")
    spec = SHAPES[shape]
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise TranslatorError(f"{out} exists and is not empty; pass --force to overwrite")
    out.mkdir(parents=True, exist_ok=True)

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    src_model = train_spm(corpus_lines("zh"), spec.spm_vocab, 1.0)
    tgt_model = train_spm(corpus_lines("en"), spec.spm_vocab, 1.0)
    if spec.spm_pieces:
        src_model = pad_spm(src_model, spec.spm_pieces, "\ue000")
        tgt_model = pad_spm(tgt_model, spec.spm_pieces, "\ue001")
    (out / "source.spm").write_bytes(src_model)
    (out / "target.spm").write_bytes(tgt_model)

    vocab = {"</s>": 0, "<unk>": 1}
    for blob in (src_model, tgt_model):
        proc = spm.SentencePieceProcessor(model_proto=blob)
        for i in range(proc.get_piece_size()):
            vocab.setdefault(proc.id_to_piece(i), len(vocab))
    if spec.vocab_size is not None:
        if len(vocab) >= spec.vocab_size:
            raise TranslatorError(f"trained vocabulary ({len(vocab)}) exceeds the shape's {spec.vocab_size}")
        filler = 0
        while len(vocab) < spec.vocab_size - 1:
            vocab[f"<unused{filler}>"] = len(vocab)
            filler += 1
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), "utf-8")

    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=spec.d_model,
        encoder_layers=spec.layers,
        decoder_layers=spec.layers,
        encoder_attention_heads=spec.heads,
        decoder_attention_heads=spec.heads,
        encoder_ffn_dim=spec.ffn,
        decoder_ffn_dim=spec.ffn,
        activation_function="swish",
        max_position_embeddings=512,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]], decoder_start_token_id=pad_id, eos_token_id=0,
        forced_eos_token_id=0, max_length=512, num_beams=4, pad_token_id=pad_id,
    )
    model.save_pretrained(out)
    tokenizer = MarianTokenizer(
        source_spm=str(out / "source.spm"), target_spm=str(out / "target.spm"),
        vocab=str(out / "vocab.json"), source_lang="zh", target_lang="en", model_max_length=512,
    )
    tokenizer.save_pretrained(out)
    (out / "README.md").write_text(
        f"Random-weight MarianMT model, shape {shape!r}, seed {seed}, built by `translator models build-tiny`.\n"
        "Same files as Helsinki-NLP/opus-mt-zh-en. Its translations are gibberish by design:\n"
        "it exists to run the real code path offline (tests, CI, benchmarks).\n",
        "utf-8",
    )
    return out
