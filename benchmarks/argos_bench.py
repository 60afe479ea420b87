"""Argos Translate on our converted model, for the side-by-side benchmark.

Argos Translate (https://github.com/argosopentech/argos-translate, MIT) is what
a user would otherwise pick for offline translation: it also runs CTranslate2.
Here it runs the very model our pipeline runs:

* :func:`build_package` makes an Argos package (``.argosmodel``, a zip) from our
  CTranslate2 int8 conversion and its source sentencepiece model:
  ``metadata.json``, ``model/`` (model.bin, config.json, shared_vocabulary.json),
  ``sentencepiece.model`` (our source.spm) and ``spacy/``, a blank Chinese spaCy
  pipeline, to which Argos adds spaCy's rule-based ``sentencizer`` (sentence
  ends at 。！？ and the like). That is the sentence splitter that works offline:
  Argos's default splitter (MiniSBD) and Stanza download their models on first
  use. ``ARGOS_CHUNK_TYPE=SPACY`` selects it; at import Argos then looks for a
  cached copy of spaCy's xx_sent_ud_sm and would try to download it, so
  :func:`argos_environment` points Argos's folders at a private directory where
  that cache is marked present (the package's own pipeline is what gets used).
* :func:`install_length_forcing` wraps ``ctranslate2.Translator`` as Argos sees
  it, so every Argos sub-batch is forced to the same output length as ours
  (random weights never stop on their own): it splits Argos's call the way
  CTranslate2 would (longest first, at most ``max_batch_size`` tokens, Argos's
  default 32), sets min/max decoding length from each sub-batch's longest
  source, appends the ``</s>`` a Marian model expects on the source side (our
  pipeline sends it; Argos's packages are not Marian models and do not), and
  counts the output tokens.

Everything else is Argos's own defaults: paragraphs split on newlines, beam 4
(``ARGOS_BEAM_SIZE``), ``replace_unknowns``, length penalty 0.2, no output
vocabulary restriction. Argos decodes the English with the package's one
sentencepiece model (the Chinese one here), so its text is not meant to be read;
with random weights neither side's is.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

PACKAGE_NAME = "translate-zh_en-opus-mt-shape"
MODEL_FILES = ("model.bin", "config.json", "shared_vocabulary.json")


def build_package(ct2_dir: Path, source_spm: Path, out_dir: Path) -> Path:
    """Write ``out_dir/<name>.argosmodel`` from a CTranslate2 model and its source sentencepiece model.

    Args:
        ct2_dir: The converted model (model.bin, config.json, shared_vocabulary.json).
        source_spm: The source sentencepiece model.
        out_dir: Where to write the package.

    Returns:
        The ``.argosmodel`` file.
    """
    import spacy

    import argostranslate

    stage = out_dir / "stage" / PACKAGE_NAME
    shutil.rmtree(stage.parent, ignore_errors=True)
    (stage / "model").mkdir(parents=True)
    for name in MODEL_FILES:
        shutil.copyfile(ct2_dir / name, stage / "model" / name)
    shutil.copyfile(source_spm, stage / "sentencepiece.model")
    spacy.blank("zh").to_disk(stage / "spacy")  # character tokens; Argos adds the rule-based sentencizer
    version = getattr(argostranslate, "__version__", "1.11")
    (stage / "metadata.json").write_text(json.dumps({
        "package_version": "1.0", "argos_version": version, "from_code": "zh", "from_name": "Chinese",
        "to_code": "en", "to_name": "English", "type": "translate",
    }, indent=1), "utf-8")
    (stage / "README.md").write_text(
        "Random-weight model of opus-mt-zh-en's shape, for speed measurements only (tokenizer files: "
        "Helsinki-NLP/opus-mt-zh-en, CC-BY 4.0).\n", "utf-8")
    archive = out_dir / f"{PACKAGE_NAME}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(stage.parent))
    shutil.rmtree(stage.parent)
    return archive


def argos_environment(home: Path, threads: int, inter_threads: int = 1) -> dict[str, str]:
    """Return the environment for an Argos process: private folders, offline splitter, our thread count."""
    cache = home / "cache"
    (cache / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True, exist_ok=True)
    return {
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(cache),
        "ARGOS_PACKAGES_DIR": str(home / "packages"), "ARGOS_CHUNK_TYPE": "SPACY", "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_COMPUTE_TYPE": "int8", "ARGOS_INTER_THREADS": str(inter_threads),
        "ARGOS_INTRA_THREADS": str(max(1, threads // inter_threads)),
    }


def install_package(archive: Path) -> None:
    """Install ``archive`` with Argos's own installer (into ``ARGOS_PACKAGES_DIR``)."""
    import argostranslate.package

    target = Path(os.environ["ARGOS_PACKAGES_DIR"]) / PACKAGE_NAME
    shutil.rmtree(target, ignore_errors=True)
    argostranslate.package.install_from_path(archive)


class Counts:
    """What the length-forcing wrapper saw: sentences given to the model and tokens it produced."""

    sentences = 0
    output_tokens = 0
    batches = 0


def install_length_forcing(ratio: float, extra: int = 1) -> type[Counts]:
    """Make Argos build a length-forcing ``ctranslate2.Translator`` (see the module docstring).

    Lengths follow our engine: cap = int(ratio x longest source incl. ``</s>``) + extra,
    min = min(cap, int(ratio x longest)).
    """
    import types

    import ctranslate2

    import argostranslate.translate as argos_translate

    real = ctranslate2.Translator

    class LengthForcedTranslator:
        def __init__(self, *args, **kwargs) -> None:
            self._translator = real(*args, **kwargs)

        def translate_batch(self, source, max_batch_size: int = 0, batch_type: str = "examples", target_prefix=None,
                            **kwargs):
            source = [list(s) if s[-1:] == ["</s>"] else [*s, "</s>"] for s in source]
            order = sorted(range(len(source)), key=lambda i: -len(source[i]))
            groups, group, size = [], [], 0
            for i in order:
                cost = len(source[i]) if batch_type == "tokens" else 1
                if group and max_batch_size and size + cost > max_batch_size:
                    groups.append(group)
                    group, size = [], 0
                group.append(i)
                size += cost
            if group:
                groups.append(group)
            jobs = []
            for group in groups:
                longest = max(len(source[i]) for i in group)
                cap = int(ratio * longest) + extra
                jobs.append((group, self._translator.translate_batch(
                    [source[i] for i in group], target_prefix=[target_prefix[i] for i in group] if target_prefix else None,
                    max_decoding_length=cap, min_decoding_length=min(cap, int(ratio * longest)),
                    asynchronous=True, **kwargs)))
            results = [None] * len(source)
            for group, futures in jobs:
                for i, future in zip(group, futures):
                    results[i] = future.result()
                    Counts.output_tokens += len(results[i].hypotheses[0])
            Counts.sentences += len(source)
            Counts.batches += len(groups)
            return results

    argos_translate.ctranslate2 = types.SimpleNamespace(Translator=LengthForcedTranslator)
    return Counts


def translator_for(from_code: str = "zh", to_code: str = "en"):
    """Return Argos's installed translation ``from_code`` -> ``to_code``."""
    import argostranslate.translate as argos_translate

    languages = {lang.code: lang for lang in argos_translate.get_installed_languages()}
    return languages[from_code].get_translation(languages[to_code])
