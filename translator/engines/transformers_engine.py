"""The transformers backend: any AutoModelForSeq2SeqLM with its tokenizer.

Marian (opus-mt) models need nothing more; NLLB, M2M100 and mBART-50 need a
source and target language code, defaulted from the tokenizer's class.
torch and transformers are imported when an engine is built, not before.
"""

from __future__ import annotations

from ..errors import TranslatorError
from ..models.store import check_device, check_model_folder, load_seq2seq, resolve_model
from .base import DecodeSettings, EngineInfo, EngineOutput, default_threads
from .marian_tokenizer import encode_source, marian_parts
from .target_vocabulary import make_mask_processor, target_side_ids
from .tokenizer_engine import LANGUAGE_CODES, TokenizerEngine, forced_bos_token_id, language_codes, tokenizer_accepts

class TransformersEngine(TokenizerEngine):
    """Translate with ``transformers`` generate().

    Args:
        model: Hub id or local directory.
        device: ``cpu``, ``cuda`` or ``cuda:N``.
        threads: torch intra-op threads (None: :func:`~translator.engines.base.default_threads`, the
            cores not busy with other work).
        src_lang: Source language code for multilingual models.
        tgt_lang: Target language code for multilingual models.
        target_vocab_only: Mask output ids outside the target-side vocabulary of
            Marian models (see :mod:`translator.engines.target_vocabulary`).
    """

    name = "transformers"

    def __init__(self, model: str, device: str = "cpu", threads: int | None = None,
                 src_lang: str | None = None, tgt_lang: str | None = None, target_vocab_only: bool = True) -> None:
        check_device(device)
        ref = resolve_model(model)  # a wrong path or a broken folder fails before torch is imported
        if ref.local_dir is not None:
            check_model_folder(ref.local_dir, "transformers")
        import torch

        self.threads = threads or default_threads()
        torch.set_num_threads(self.threads)
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise TranslatorError(f"device {device!r} requested but CUDA is not available; use device 'cpu'")
        self.tokenizer, self.model = load_seq2seq(model)
        self.model.to(device).eval()
        self._torch = torch
        self._model_id = model
        self._device = device
        self._forced_bos = self._setup_languages(src_lang, tgt_lang)
        self._eos = self.model.config.eos_token_id
        gen_cfg = getattr(self.model, "generation_config", None)
        self._forced_eos = getattr(gen_cfg, "forced_eos_token_id", None) is not None
        allowed = target_side_ids(self.tokenizer) if target_vocab_only else None
        self.output_vocab = len(allowed) if allowed else None
        self._vocab_mask = make_mask_processor(allowed) if allowed else None

    @property
    def info(self) -> EngineInfo:
        extra = {"src_lang": self.src_lang, "tgt_lang": self.tgt_lang} if self.tgt_lang else {}
        if self.output_vocab:
            extra["output_vocab"] = self.output_vocab
        return EngineInfo(backend=self.name, model=self._model_id, device=self._device, extra=extra)

    @property
    def max_input_tokens(self) -> int:
        limit = getattr(self.tokenizer, "model_max_length", None) or 10**9
        pos = getattr(self.model.config, "max_position_embeddings", None) or limit
        return int(min(limit, pos))

    def _hint_ids(self, hints: list[list[str]]) -> list[list[list[int]]]:
        out = []
        for item in hints:
            seqs = [self.tokenizer(text_target=h, add_special_tokens=False)["input_ids"] for h in item]
            out.append([s for s in seqs if len(s) >= 2])
        return out

    def _translate_batch(self, texts: list[str], lengths: list[int], settings: DecodeSettings,
                         hints: list[list[str]] | None = None) -> list[EngineOutput]:
        torch = self._torch
        tok = self.tokenizer
        if marian_parts(tok) is None:  # the tokenizer's own ids (language codes for NLLB/M2M100 ...)
            batch = tok(texts, return_tensors="pt", padding=True, truncation=False)
        else:  # Marian: vocabulary-less pieces split into known ones (marian_tokenizer.source_pieces)
            batch = tok.pad({"input_ids": encode_source(tok, texts)}, return_tensors="pt")
        batch = batch.to(self._device)
        cap = self.max_new_tokens(max(lengths), settings)
        kwargs = dict(num_beams=settings.beams, max_new_tokens=cap, max_length=None, do_sample=False)
        if settings.min_length_ratio:
            kwargs["min_new_tokens"] = min(cap, int(settings.min_length_ratio * max(lengths)))
        if settings.no_repeat_ngram_size:
            kwargs["no_repeat_ngram_size"] = settings.no_repeat_ngram_size
        if settings.repetition_penalty != 1.0:
            kwargs["repetition_penalty"] = settings.repetition_penalty
        if self._forced_bos is not None:
            kwargs["forced_bos_token_id"] = self._forced_bos
        processors = [self._vocab_mask] if self._vocab_mask is not None else []
        if hints and any(hints):
            from .term_completion import make_processor

            prompt = 2 if self._forced_bos is not None else 1
            processors.append(make_processor(self._hint_ids(hints), settings.beams, prompt))
        if processors:
            from transformers import LogitsProcessorList

            kwargs["logits_processor"] = LogitsProcessorList(processors)
        with torch.inference_mode():
            out = self.model.generate(**batch, **kwargs)
        start = 1  # decoder start token
        outputs = []
        texts_out = self.tokenizer.batch_decode(out, skip_special_tokens=True)
        for row, text, n_src in zip(out.tolist(), texts_out, lengths):
            gen = row[start:]
            if self._eos in gen:
                n_gen = gen.index(self._eos)
                # With forced_eos_token_id, EOS in the last allowed slot means the cap was hit.
                hit = self._forced_eos and n_gen >= cap - 1
            else:
                n_gen = len([t for t in gen if t != self.model.config.pad_token_id])
                hit = n_gen >= cap
            outputs.append(EngineOutput(text=text.strip(), hit_cap=hit, source_tokens=n_src,
                                        target_tokens=n_gen, max_new_tokens=cap))
        return outputs


__all__ = ["LANGUAGE_CODES", "TransformersEngine", "forced_bos_token_id", "language_codes", "tokenizer_accepts"]
