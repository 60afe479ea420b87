"""The CTranslate2 backend: the same model converted to CTranslate2 (int8 by default).

The tokenizer is the transformers one (copied beside the converted model by
``translator models convert``), so token counts, placeholders and long-segment
splitting behave exactly as with the transformers backend.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import BackendUnavailableError, ModelNotAvailableError, TranslatorError
from ..models.store import (CT2_SUBDIR, check_device, check_model_folder, load_tokenizer, model_missing_error,
                            quiet_transformers, resolve_model, store_dir, store_name)
from .base import (COMMON_OPTIONS, DecodeSettings, EngineInfo, EngineOption, EngineOutput, in_input_order,
                   spread_batches)
from .marian_tokenizer import MarianSpmTokenizer, encode_source, is_marian_dir
from .target_vocabulary import always_allowed_vmap, target_side_tokens
from .tokenizer_engine import TokenizerEngine

QUANTIZATIONS = ("int8", "int8_float32", "int16", "float32")
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json",
                   "tokenizer.json", "sentencepiece.bpe.model", "generation_config.json")


def _import_ct2():
    try:
        import ctranslate2
    except ImportError as exc:
        raise BackendUnavailableError("the ctranslate2 backend needs `pip install ctranslate2` (a dependency of zhen-report-mt: reinstall it)") from exc
    return ctranslate2


def convert_model(model: str, output: str | Path | None = None, quantization: str = "int8", force: bool = False) -> Path:
    """Convert a transformers model to CTranslate2.

    Args:
        model: Hub id or local directory of a transformers model.
        output: Target folder [default: ``<model dir>/ctranslate2`` or the store's].
        quantization: One of :data:`QUANTIZATIONS` (weights stored so).
        force: Overwrite an existing conversion.

    Returns:
        The folder holding model.bin and the tokenizer files.
    """
    if quantization not in QUANTIZATIONS:
        raise TranslatorError(f"unknown quantization {quantization!r}; valid: {', '.join(QUANTIZATIONS)}")
    ct2 = _import_ct2()
    ref = resolve_model(model)
    if output is None:
        base = ref.local_dir if ref.local_dir is not None else store_dir() / store_name(model)
        output = base / CT2_SUBDIR
    out = Path(output)
    if out.exists() and any(out.iterdir()) and not force:
        raise TranslatorError(f"{out} already exists; pass --force to overwrite it")
    src_dir = ref.load_from
    quiet_transformers()
    copy = [f for f in TOKENIZER_FILES if ref.local_dir is not None and (ref.local_dir / f).is_file()]
    try:
        converter = ct2.converters.TransformersConverter(src_dir, copy_files=copy or None)
        converter.convert(str(out), quantization=quantization, force=True)
    except OSError as exc:
        raise model_missing_error(model, exc) from exc
    return out


#: transformers model types CTranslate2's converter handles (opus-mt, NLLB, M2M100, mBART, BART, T5).
CONVERTIBLE_TYPES = ("marian", "m2m_100", "mbart", "bart", "t5", "mt5")


class AutoConversionError(TranslatorError):
    """Converting a model on first use failed (the caller may fall back to the transformers backend)."""


def auto_convertible(model: str) -> bool:
    """Return True when ``--backend auto`` should convert ``model`` on first use.

    Only models fetched by id (the local store or the Hugging Face cache) are
    converted, into the model store; a directory the user names is never
    written to (convert it with ``translator models convert``).
    """
    import importlib.util
    import json

    if importlib.util.find_spec("ctranslate2") is None or Path(model).expanduser().exists():
        return False
    ref = resolve_model(model)
    if ref.local_dir is not None:
        config = ref.local_dir / "config.json"
    else:
        try:
            from huggingface_hub import try_to_load_from_cache
        except ImportError:  # pragma: no cover - transformers depends on it
            return False
        cached = try_to_load_from_cache(model, "config.json")
        if not isinstance(cached, str):
            return False
        config = Path(cached)
    try:
        return json.loads(config.read_text("utf-8")).get("model_type") in CONVERTIBLE_TYPES
    except (OSError, ValueError, AttributeError):
        return False


def convert_on_first_use(model: str, quantization: str) -> Path:
    """Convert ``model`` into the model store once, saying so on the ``translator`` logger.

    Raises:
        AutoConversionError: The conversion failed (nothing half-written is left to be picked up later).
    """
    import logging
    import shutil
    import time

    log = logging.getLogger("translator")
    target = store_dir() / store_name(model) / CT2_SUBDIR
    log.info("converting %s to CTranslate2 (%s) once, into %s; later runs load it directly", model, quantization, target)
    start = time.perf_counter()
    partial = target.with_name(target.name + ".partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        convert_model(model, partial, quantization, force=True)
        if target.exists():
            shutil.rmtree(target)
        partial.rename(target)
    except Exception as exc:  # noqa: BLE001 - converter errors come in many types
        shutil.rmtree(partial, ignore_errors=True)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AutoConversionError(f"could not convert {model!r} to CTranslate2: {first}") from exc
    log.info("converted %s in %.1f s", model, time.perf_counter() - start)
    return target


def _load_with_vmap(ct2, ct2_dir: Path, vmap: str, options: dict):
    """Load a converted model with ``vmap`` in place of any vmap.txt on disk.

    CTranslate2 reads the vmap only at load time and only under that name. The
    model's files are linked into a temporary folder beside the generated map
    (removed once loaded: CTranslate2 has read everything by then); where
    symbolic links are not allowed, they are handed over in memory instead,
    which costs about one model size of extra peak memory.
    """
    import tempfile
    from contextlib import ExitStack

    names = [p.name for p in ct2_dir.iterdir() if p.is_file() and
             (p.name in ("model.bin", "config.json") or "vocabulary" in p.name)]
    with tempfile.TemporaryDirectory(prefix="translator-ct2-") as tmp:
        try:
            for name in names:
                os.symlink((ct2_dir / name).resolve(), Path(tmp) / name)
        except OSError:
            pass
        else:
            (Path(tmp) / "vmap.txt").write_text(vmap, "utf-8")
            return ct2.Translator(tmp, **options)
    with ExitStack() as stack:
        files = {name: stack.enter_context(open(ct2_dir / name, "rb")) for name in names}
        files["vmap.txt"] = vmap.encode("utf-8")
        return ct2.Translator(str(ct2_dir), files=files, **options)


class CTranslate2Engine(TokenizerEngine):
    """Translate with a converted CTranslate2 model.

    Args:
        model: Hub id or directory; its converted copy is found beside it (or it is one).
        device: ``cpu``, ``cuda`` or ``cuda:N`` (GPU number N).
        threads: Intra-op threads (None: all cores).
        src_lang: Source language code for multilingual models.
        tgt_lang: Target language code for multilingual models.
        compute_type: CTranslate2 compute type (``int8`` default).
        use_vmap: Restrict the output vocabulary with the shortlist ``vmap.txt``
            beside the converted model (see :mod:`translator.vmap`).
        target_vocab_only: Restrict the output layer to the target-side vocabulary
            of Marian models (see :mod:`translator.engines.target_vocabulary`).
    """

    name = "ctranslate2"
    OPTIONS = (*COMMON_OPTIONS,
               EngineOption("quantization", "compute_type", "int8", "CTranslate2 compute type.", QUANTIZATIONS),
               EngineOption("use_vmap", "use_vmap", False,
                            "Restrict the output vocabulary with the converted model's vmap.txt shortlist."))

    @classmethod
    def serves(cls, model: str) -> bool:
        """ctranslate2 is installed and a converted copy of ``model`` exists or will be made on first use."""
        import importlib.util

        if importlib.util.find_spec("ctranslate2") is None:
            return False
        return resolve_model(model).ct2_dir is not None or auto_convertible(model)

    @classmethod
    def signature_parts(cls, options: dict) -> list[str]:
        parts = [f"compute:{options.get('quantization', 'int8')}", *super().signature_parts(options)]
        return parts + (["vmap:yes"] if options.get("use_vmap") else [])

    def __init__(self, model: str, device: str = "cpu", threads: int | None = None, src_lang: str | None = None,
                 tgt_lang: str | None = None, compute_type: str = "int8", use_vmap: bool = False,
                 target_vocab_only: bool = True) -> None:
        check_device(device)
        ct2 = _import_ct2()
        if device.startswith("cuda"):  # say so now, not as a model that 'cannot be loaded' after the work to find it
            gpus, index = ct2.get_cuda_device_count(), int(device.partition(":")[2] or 0)
            if index >= gpus:
                raise TranslatorError(f"device {device!r} requested but CTranslate2 sees {gpus} CUDA device(s) here; "
                                      "use device 'cpu'")
        ref = resolve_model(model)
        ct2_dir = ref.ct2_dir
        if ct2_dir is None and auto_convertible(model):
            ct2_dir = convert_on_first_use(model, compute_type if compute_type in QUANTIZATIONS else "int8")
            ref = resolve_model(model)
        if ct2_dir is None:
            raise ModelNotAvailableError(
                f"no CTranslate2 conversion of {model!r} found; convert it with `translator models convert {model}` "
                "or use the transformers backend")
        check_model_folder(ct2_dir, "ctranslate2")
        tok_dir = ct2_dir if (ct2_dir / "vocab.json").is_file() or (ct2_dir / "tokenizer_config.json").is_file() else Path(ref.load_from)
        if tok_dir.is_dir():
            check_model_folder(tok_dir, None)
        if is_marian_dir(tok_dir):  # opus-mt: no transformers, no torch import
            self.tokenizer = MarianSpmTokenizer(tok_dir)
        else:
            self.tokenizer = load_tokenizer(model, tok_dir)
        if use_vmap and not (ct2_dir / "vmap.txt").is_file():
            raise ModelNotAvailableError(f"the vmap option needs {ct2_dir / 'vmap.txt'}; build it with "
                                         "`translator models build-vmap`")
        self.model_dir = ct2_dir
        threads = threads or os.cpu_count() or 1
        # Two workers of one thread each beat one worker of two threads on a 2-core CPU (benchmarks/RESULTS.md).
        workers = 2 if threads >= 2 else 1
        self.workers = workers
        #: Split a few texts into at least this many batches (1: as planned; see base.spread_batches).
        self.spread = 1
        kind, _, index = device.partition(":")
        options = dict(device=kind, device_index=int(index or 0), compute_type=compute_type,
                       intra_threads=max(1, threads // workers), inter_threads=workers)
        target_tokens = None if use_vmap or not target_vocab_only else target_side_tokens(self.tokenizer)
        self.output_vocab = len(target_tokens) if target_tokens else None
        self.use_vmap = use_vmap
        self._restrict_output = use_vmap or target_tokens is not None
        try:
            if target_tokens:
                self.translator = _load_with_vmap(ct2, ct2_dir, always_allowed_vmap(target_tokens), options)
            else:
                self.translator = ct2.Translator(str(ct2_dir), **options)
        except (RuntimeError, ValueError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelNotAvailableError(f"model folder {ct2_dir}: model.bin cannot be loaded by CTranslate2 "
                                         f"({first}); convert the model again") from exc
        self._model_id = model
        self._device = device
        self._compute_type = compute_type
        self._prefix = [self.tgt_lang] if self._setup_languages(src_lang, tgt_lang) is not None else None
        self._max_len = int(min(getattr(self.tokenizer, "model_max_length", 512) or 512, 512))

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(backend=self.name, model=self._model_id, device=self._device,
                          extra={"compute_type": self._compute_type, "vmap": self.use_vmap,
                                 "output_vocab": self.output_vocab})

    @property
    def max_input_tokens(self) -> int:
        return self._max_len

    def _submit(self, texts: list[str], lengths: list[int], settings: DecodeSettings):
        """Queue one batch on CTranslate2's workers; return (futures, cap, lengths)."""
        tok = self.tokenizer
        sources = [tok.convert_ids_to_tokens(ids) for ids in encode_source(tok, texts)]
        cap = self.max_new_tokens(max(lengths), settings)
        kwargs = dict(beam_size=settings.beams, max_decoding_length=cap, use_vmap=self._restrict_output, asynchronous=True)
        if settings.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = settings.no_repeat_ngram_size
        if settings.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = settings.repetition_penalty
        if settings.min_length_ratio:
            kwargs["min_decoding_length"] = min(cap, int(settings.min_length_ratio * max(lengths)))
        if self._prefix:
            kwargs["target_prefix"] = [self._prefix] * len(texts)
        return self.translator.translate_batch(sources, **kwargs), cap, lengths

    def _collect(self, futures, cap: int, lengths: list[int]) -> list[EngineOutput]:
        tok = self.tokenizer
        outputs = []
        for future, n_src in zip(futures, lengths):
            hyp = future.result().hypotheses[0]
            if self._prefix and hyp[:1] == self._prefix:
                hyp = hyp[1:]
            text = tok.decode(tok.convert_tokens_to_ids(hyp), skip_special_tokens=True)
            outputs.append(EngineOutput(text=text.strip(), hit_cap=len(hyp) >= cap, source_tokens=n_src,
                                        target_tokens=len(hyp), max_new_tokens=cap))
        return outputs

    def _translate_batch(self, texts: list[str], lengths: list[int], settings: DecodeSettings,
                         hints: list[list[str]] | None = None) -> list[EngineOutput]:
        # CTranslate2 has no per-step logits hook: term hints are not used here (verification still is).
        return self._collect(*self._submit(texts, lengths, settings))

    def submit(self, texts: list[str], settings: DecodeSettings, hints: list[list[str]] | None = None,
               on_batch: Callable[[int], None] | None = None) -> Callable[[], list[EngineOutput]]:
        """Queue every batch now on CTranslate2's workers (they run in parallel); collect later, in input order."""
        # Longest first: the two workers start on the slowest batches and the short ones fill the
        # tail, so neither waits long for the other at the end (measured: about 2 s of 16 saved).
        lengths, batches = self._plan(texts, settings, longest_first=True)
        # a few texts split into length-sorted batches for every worker (the server sets spread: its gathered
        # requests are few texts at a time); off by default, so a document's batches, and with them the
        # generation caps, do not depend on what else is translated with it
        batches = spread_batches(batches, self.spread)
        queued = [(batch, self._submit([texts[i] for i in batch], [lengths[i] for i in batch], settings)) for batch in batches]
        return lambda: in_input_order(len(texts), ((batch, self._collect(*job)) for batch, job in queued), on_batch)


__all__ = ["AutoConversionError", "CONVERTIBLE_TYPES", "CTranslate2Engine", "QUANTIZATIONS", "auto_convertible",
           "convert_model", "convert_on_first_use"]
