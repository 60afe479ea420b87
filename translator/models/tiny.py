"""Build random-weight MarianMT models with the same files as opus-mt-zh-en.

Two shapes are offered:

* ``tiny``: a few hundred kilobytes, for tests and offline trials. Its
  sentencepiece models are trained on the bundled sample report (source) and
  its English reference translation (target), so tokenisation behaves like a
  real Chinese/English model on this kind of text. Its output is gibberish by
  design: the weights are random.
* ``opus-mt-zh-en``: opus-mt-zh-en's exact shape (d_model 512, 6+6 layers,
  8 heads, FFN 2048, vocab 65001, swish, pad 65000, eos 0) on the real
  model's own tokenizer files (source.spm, target.spm and vocab.json from
  models/opus-mt-zh-en-tokenizer/, CC-BY 4.0, Helsinki-NLP / OPUS-MT), so
  every token count, ``<unk>``, batch and output-vocabulary size is the real
  model's. For speed measurements only.
* ``tiny-real-tokenizer``: the tiny shape on the real tokenizer files (a few
  megabytes, most of it the 65,001-id embedding), for fast tests of how the
  pipeline behaves with the real model's tokenisation.
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ModelNotAvailableError, TranslatorError

#: The real opus-mt-zh-en tokenizer files shipped with the project (source checkout).
REAL_TOKENIZER_DIR = Path(__file__).resolve().parents[2] / "models" / "opus-mt-zh-en-tokenizer"
REAL_TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json")


@dataclass(frozen=True)
class ModelShape:
    """Architecture of a built model."""

    d_model: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int | None  # None: just the trained pieces
    spm_vocab: int  # pieces per sentencepiece model
    real_tokenizer: bool = False  # use opus-mt-zh-en's own tokenizer files instead of training them


SHAPES = {
    "tiny": ModelShape(d_model=32, layers=1, heads=2, ffn=64, vocab_size=None, spm_vocab=1000),
    "opus-mt-zh-en": ModelShape(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=65001, spm_vocab=32000,
                                   real_tokenizer=True),
    "tiny-real-tokenizer": ModelShape(d_model=32, layers=1, heads=2, ffn=64, vocab_size=65001, spm_vocab=32000,
                                      real_tokenizer=True),
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


def real_tokenizer_dir(path: str | Path | None = None) -> Path:
    """Return the folder with opus-mt-zh-en's real tokenizer files.

    Args:
        path: A folder to use instead of the project's
            models/opus-mt-zh-en-tokenizer/.

    Raises:
        ModelNotAvailableError: A file is missing (an installed package has
            no models/ folder: pass the folder of a source checkout).
    """
    folder = Path(path) if path is not None else REAL_TOKENIZER_DIR
    missing = [f for f in REAL_TOKENIZER_FILES if not (folder / f).is_file()]
    if missing:
        raise ModelNotAvailableError(
            f"the opus-mt-zh-en tokenizer files are missing from {folder}: {', '.join(missing)}; they ship in "
            "the project's models/opus-mt-zh-en-tokenizer/ (a source checkout)")
    return folder


def build_model(out_dir: str | Path, shape: str = "tiny", seed: int = 0, force: bool = False,
                tokenizer_dir: str | Path | None = None) -> Path:
    """Build a random-weight MarianMT model directory.

    Args:
        out_dir: Folder to create.
        shape: A key of :data:`SHAPES`.
        seed: Random seed for the weights.
        force: Overwrite an existing model folder.
        tokenizer_dir: For shapes on the real tokenizer, the folder holding it
            [default: :data:`REAL_TOKENIZER_DIR`].

    Returns:
        The folder, holding config.json, model.safetensors, source.spm,
        target.spm, vocab.json, tokenizer_config.json and generation_config.json.
    """
    if shape not in SHAPES:
        raise TranslatorError(f"unknown model shape {shape!r}; valid shapes: {', '.join(SHAPES)}")
    spec = SHAPES[shape]
    real_dir = real_tokenizer_dir(tokenizer_dir) if spec.real_tokenizer else None
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise TranslatorError(f"{out} exists and is not empty; pass --force to overwrite")
    out.mkdir(parents=True, exist_ok=True)

    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    if real_dir is not None:
        vocab = _copy_real_tokenizer(real_dir, out)
    else:
        vocab = _train_tokenizer(spec, out)
    if spec.vocab_size is not None and "<pad>" not in vocab:
        if len(vocab) >= spec.vocab_size:
            raise TranslatorError(f"trained vocabulary ({len(vocab)}) exceeds the shape's {spec.vocab_size}")
        filler = 0
        while len(vocab) < spec.vocab_size - 1:
            vocab[f"<unused{filler}>"] = len(vocab)
            filler += 1
    if "<pad>" not in vocab:
        vocab["<pad>"] = len(vocab)
        (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), "utf-8")
    pad_id = vocab["<pad>"]
    if spec.vocab_size is not None and len(vocab) != spec.vocab_size:
        raise TranslatorError(f"vocabulary has {len(vocab)} ids, the shape needs {spec.vocab_size}")

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
    if real_dir is not None:  # keep the published files byte for byte (save_pretrained reformats vocab.json)
        _copy_real_tokenizer(real_dir, out)
    credit = ("Its tokenizer files (source.spm, target.spm, vocab.json) are Helsinki-NLP/opus-mt-zh-en's own\n"
              "(CC-BY 4.0, Helsinki-NLP / OPUS-MT, https://huggingface.co/Helsinki-NLP/opus-mt-zh-en).\n"
              if spec.real_tokenizer else "")
    (out / "README.md").write_text(
        f"Random-weight MarianMT model, shape {shape!r}, seed {seed}, built by `translator models build-tiny`.\n"
        "Same files as Helsinki-NLP/opus-mt-zh-en. Its translations are gibberish by design:\n"
        "it exists to run the real code path offline (tests, CI, benchmarks).\n" + credit,
        "utf-8",
    )
    return out


def _train_tokenizer(spec: ModelShape, out: Path) -> dict[str, int]:
    """Train source.spm and target.spm on the bundled corpus into ``out``; return the joint id table."""
    import sentencepiece as spm

    src_model = train_spm(corpus_lines("zh"), spec.spm_vocab, 1.0)
    tgt_model = train_spm(corpus_lines("en"), spec.spm_vocab, 1.0)
    (out / "source.spm").write_bytes(src_model)
    (out / "target.spm").write_bytes(tgt_model)
    vocab = {"</s>": 0, "<unk>": 1}
    for blob in (src_model, tgt_model):
        proc = spm.SentencePieceProcessor(model_proto=blob)
        for i in range(proc.get_piece_size()):
            vocab.setdefault(proc.id_to_piece(i), len(vocab))
    return vocab


def _copy_real_tokenizer(folder: Path, out: Path) -> dict[str, int]:
    """Copy opus-mt-zh-en's source.spm, target.spm and vocab.json into ``out``; return its id table."""
    for name in REAL_TOKENIZER_FILES:
        shutil.copyfile(folder / name, out / name)
    return json.loads((out / "vocab.json").read_text("utf-8"))
