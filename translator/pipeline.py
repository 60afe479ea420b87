"""The pipeline: segment -> protect terms -> translate -> check -> (summarise).

``Pipeline`` is built from plain, serialisable :class:`PipelineSettings`, so
a batch worker (e.g. a Ray actor) can rebuild an identical pipeline from a
dict. The model is loaded on first use, never at construction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .translation.cache import SegmentCache, cache_key, is_segment_result
from .checks import RETRY_CHECKS, CheckInput, run_checks
from .segmentation.document import Block, Document, Segment
from .engines import BACKEND_CHOICES, get_engine_class
from .engines.base import DecodeSettings, Engine, EngineOutput
from .errors import TranslatorError, UnknownNameError
from .glossary import Glossary, default_glossary_path, load_glossary
from .segmentation.long_segments import LONG_SEGMENT_CHARS, split_to_budget, translate_in_pieces
from .models.store import DEFAULT_MODEL, model_fingerprint, resolve_model
from .results import DocumentResult, Flag, SegmentResult, Signature, Summary, SummarySentence, TermUse
from .segmentation import segment_lines, segment_text
from .glossary.protection import ProtectedText, TermProtector
from .textio import read_text
from .textnorm import clean_segment_text

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass
class PipelineSettings:
    """Plain settings a pipeline is built from (JSON-serialisable).

    Attributes:
        model: Hub id or local directory.
        backend: ``auto``, ``transformers`` or ``ctranslate2``.
        device: ``cpu`` or ``cuda``.
        beams: Beam size.
        batch_size: Most segments per model batch.
        token_budget: Most padded source tokens per batch.
        max_input_tokens: Longer segments are split (clauses, then token windows).
        threads: CPU threads (None: the backend's default).
        src_lang: Source language code for multilingual models (NLLB, M2M100).
        tgt_lang: Target language code for multilingual models.
        glossaries: Term base files; empty means the default glossary.
        use_glossary: False disables term protection and the term check.
        retries: Extra attempts for segments with missing terms or degenerate output.
        use_cache: Use the persistent segment cache.
        cache_path: Cache file (None: the user cache dir).
        min_length_ratio: Force outputs of at least this ratio (benchmarks only).
        max_length_ratio: Generation cap = ratio x source tokens + ``max_length_extra``.
        max_length_extra: Constant part of the generation cap.
        quantization: CTranslate2 compute type.
        use_vmap: CTranslate2 only: restrict the output vocabulary with the model's vmap.txt shortlist.
        target_vocab_only: Let Marian models output only their target-side vocabulary
            (the ids they were trained to produce; both backends). False uses the whole joint vocabulary.
    """

    model: str = DEFAULT_MODEL
    backend: str = "auto"
    device: str = "cpu"
    beams: int = 4
    batch_size: int = 16
    token_budget: int = 4096
    max_input_tokens: int = 200
    threads: int | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    glossaries: list[str] = field(default_factory=list)
    use_glossary: bool = True
    retries: int = 2
    use_cache: bool = True
    cache_path: str | None = None
    min_length_ratio: float | None = None
    max_length_ratio: float = 2.0
    max_length_extra: int = 10
    quantization: str = "int8"
    use_vmap: bool = False
    target_vocab_only: bool = True

    @classmethod
    def from_dict(cls, data: dict) -> PipelineSettings:
        """Build settings from a dict, rejecting unknown keys with the valid ones listed."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise UnknownNameError(f"unknown setting(s) {', '.join(unknown)}; valid settings: {', '.join(sorted(names))}")
        return cls(**data)

    def to_dict(self) -> dict:
        """Return the settings as a plain dict."""
        return asdict(self)


@dataclass
class _Attempt:
    """One translation attempt of a segment."""

    strategy: str
    output: EngineOutput
    protected: ProtectedText
    flags: list[Flag]
    terms: list[TermUse]
    pieces: int

    @property
    def problems(self) -> list[Flag]:
        """Flags that justify another attempt."""
        return [f for f in self.flags if f.check in RETRY_CHECKS]


@dataclass
class _Job:
    """One distinct source text through the translation rounds."""

    text: str
    attempts: list[_Attempt] = field(default_factory=list)

    def best(self) -> _Attempt:
        """Return the attempt with the fewest retry-worthy problems, then fewest flags (earliest on ties)."""
        return min(self.attempts, key=lambda a: (len(a.problems), len(a.flags)))


class Pipeline:
    """Glossary-aware Chinese->English translation pipeline.

    Args:
        settings: A :class:`PipelineSettings` (or None for defaults).
        engine: An already-built engine (tests, or sharing one model).
        **overrides: Settings fields to override.

    Example:
        >>> p = Pipeline(model="models/tiny", beams=2)      # doctest: +SKIP
        >>> p.translate_text("全社会研发投入突破10亿元。").segments[0].target  # doctest: +SKIP
    """

    def __init__(self, settings: PipelineSettings | None = None, engine: Engine | None = None, **overrides) -> None:
        settings = settings or PipelineSettings()
        if overrides:
            PipelineSettings.from_dict(overrides)  # rejects unknown names, listing the valid ones
            settings = replace(settings, **overrides)
        if settings.backend not in BACKEND_CHOICES:
            raise UnknownNameError(f"unknown backend {settings.backend!r}; valid backends: {', '.join(BACKEND_CHOICES)}")
        if settings.beams < 1 or settings.batch_size < 1 or settings.max_input_tokens < 8:
            raise TranslatorError("beams and batch size must be >= 1 and max_input_tokens >= 8")
        self.settings = settings
        self._engine = engine
        self._glossary: Glossary | None | bool = False
        self._protector: TermProtector | None = None
        self._cache: SegmentCache | None = None

    @classmethod
    def from_settings(cls, data: dict) -> Pipeline:
        """Build a pipeline from a plain dict (what a remote worker receives)."""
        return cls(PipelineSettings.from_dict(data))

    # ------------------------------------------------------------------ parts
    @property
    def glossary(self) -> Glossary | None:
        """Return the loaded term base (loaded and validated on first use)."""
        if self._glossary is False:
            paths = list(self.settings.glossaries)
            if not paths and self.settings.use_glossary:
                default = default_glossary_path()
                paths = [str(default)] if default else []
            self._glossary = load_glossary(paths) if paths and self.settings.use_glossary else None
        return self._glossary  # type: ignore[return-value]

    @property
    def backend(self) -> str:
        """Return the backend actually used (``auto`` resolved)."""
        if self._engine is not None:
            return self._engine.name
        if self.settings.backend != "auto":
            return self.settings.backend
        ref = resolve_model(self.settings.model)
        if ref.ct2_dir is not None:
            try:
                import ctranslate2  # noqa: F401
            except ImportError:
                return "transformers"
            return "ctranslate2"
        return "transformers"

    @property
    def engine(self) -> Engine:
        """Return the engine, loading the model on first use."""
        if self._engine is None:
            cls = get_engine_class(self.backend)
            s = self.settings
            kwargs = dict(device=s.device, threads=s.threads, src_lang=s.src_lang, tgt_lang=s.tgt_lang,
                          target_vocab_only=s.target_vocab_only)
            if self.backend == "ctranslate2":
                kwargs["compute_type"] = s.quantization
                kwargs["use_vmap"] = s.use_vmap
            elif s.use_vmap:
                raise TranslatorError("--vmap needs the ctranslate2 backend")
            self._engine = cls(s.model, **kwargs)
        return self._engine

    @property
    def protector(self) -> TermProtector:
        """Return the term protector bound to the engine's tokenizer."""
        if self._protector is None:
            self._protector = TermProtector(self.glossary, self.engine.accepts_verbatim if self.glossary else None)
        return self._protector

    @property
    def decode_settings(self) -> DecodeSettings:
        """Return the decoding settings of the first attempt."""
        s = self.settings
        return DecodeSettings(beams=s.beams, batch_size=s.batch_size, token_budget=s.token_budget,
                              min_length_ratio=s.min_length_ratio, max_length_ratio=s.max_length_ratio,
                              max_length_extra=s.max_length_extra)

    def signature(self, encoding: str | None = None) -> Signature:
        """Return the signature stamped on this pipeline's outputs (no model load needed)."""
        if self._engine is not None:
            info = self._engine.info
            model, backend, device = info.model, info.backend, info.device
        else:
            model, backend, device = self.settings.model, self.backend, self.settings.device
        glossary = self.glossary.version if self.glossary else "none"
        parts = [] if self.settings.target_vocab_only else ["vocab:full"]
        if backend == "ctranslate2":
            parts.insert(0, f"compute:{self.settings.quantization}")
            parts += ["vmap:yes"] if self.settings.use_vmap else []
        options = "|".join(parts)
        return Signature(version=__version__, model=model, backend=backend, beams=self.settings.beams,
                         glossary=glossary, device=device, encoding=encoding, options=options)

    def _cache_context(self) -> str:
        s = self.settings
        return "|".join([__version__, str(self.signature()), model_fingerprint(s.model), self.decode_settings.cache_key(),
                         f"retries={s.retries}", f"max_in={s.max_input_tokens}", f"langs={s.src_lang},{s.tgt_lang}",
                         f"quant={s.quantization if self.backend == 'ctranslate2' else '-'}", f"vmap={s.use_vmap}", f"target_vocab={s.target_vocab_only}"])

    @property
    def cache(self) -> SegmentCache | None:
        """Return the segment cache, or None when disabled."""
        if not self.settings.use_cache:
            return None
        if self._cache is None:
            self._cache = SegmentCache(self.settings.cache_path, validate=is_segment_result)
        return self._cache

    # ------------------------------------------------------------ translation
    def _plans(self) -> list[tuple[str, DecodeSettings]]:
        base = self.decode_settings
        plans = [("placeholder", base), ("inject", base),
                 ("inject", replace(base, no_repeat_ngram_size=3, repetition_penalty=1.3, beams=max(base.beams, 5)))]
        return plans[: 1 + max(0, self.settings.retries)]

    def _start_attempt(self, jobs: list[_Job], strategy: str, decode: DecodeSettings) -> Callable[[], None]:
        """Protect and split ``jobs`` and hand them to the engine; return a function that finishes the attempt.

        The engine may start work at once (CTranslate2 queues its batches), so a
        caller can start the next chunk before it finishes this one.
        """
        engine = self.engine
        protector = self.protector
        protected = [protector.protect(job.text, strategy) for job in jobs]
        piece_texts: list[str] = []
        piece_hints: list[list[str]] = []
        spans: list[tuple[int, int]] = []
        windowed: list[bool] = []
        for prot in protected:
            pieces = split_to_budget(prot.text, engine.count_tokens, min(self.settings.max_input_tokens, engine.max_input_tokens))
            windowed.append(any(p.window for p in pieces))
            spans.append((len(piece_texts), len(piece_texts) + len(pieces)))
            piece_texts.extend(p.text for p in pieces)
            expected = list(prot.slots) if prot.strategy == "placeholder" else [e.output for e in prot.enforced]
            piece_hints.extend([h for h in expected if h in p.text] for p in pieces)
        wait = engine.submit(piece_texts, decode, piece_hints if any(piece_hints) else None)

        def finish() -> None:
            outputs = wait()
            for job, prot, (a, b), window_split in zip(jobs, protected, spans, windowed):
                self._record_attempt(job, strategy, prot, outputs[a:b], window_split)

        return finish

    def _record_attempt(self, job: _Job, strategy: str, prot: ProtectedText, outs: list[EngineOutput],
                        window_split: bool) -> None:
        """Join a segment's piece outputs, restore its terms, check it and record the attempt."""
        protector = self.protector
        joined = EngineOutput(
            text=" ".join(o.text.strip() for o in outs if o.text.strip()),
            hit_cap=any(o.hit_cap for o in outs),
            source_tokens=sum(o.source_tokens for o in outs),
            target_tokens=sum(o.target_tokens for o in outs),
            max_new_tokens=max(o.max_new_tokens for o in outs),
        )
        target = protector.restore(joined.text, prot)
        joined.text = target
        flags = run_checks(CheckInput(job.text, target, self.glossary, joined.hit_cap, joined.max_new_tokens,
                                      joined.source_tokens, joined.target_tokens))
        if window_split:
            flags.append(Flag("split_window", f"segment longer than {self.settings.max_input_tokens} tokens with no clause "
                              f"boundary was cut into {len(outs)} token windows", {"pieces": len(outs)}))
        job.attempts.append(_Attempt(strategy, joined, prot, flags, protector.assess(target, prot), len(outs)))

    def _translate_texts(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> dict[str, dict]:
        """Translate distinct texts; return text -> stored result (from cache or fresh).

        ``progress(advance, total)`` is called as work finishes (total = distinct texts).
        """
        distinct = list(dict.fromkeys(t for t in texts if t))
        if progress:
            progress(0, len(distinct))
        results: dict[str, dict] = {}
        cache = self.cache
        keys = {}
        if cache is not None and distinct:
            context = self._cache_context()
            keys = {t: cache_key(t, context) for t in distinct}
            hits = cache.get_many(list(keys.values()))
            for t in distinct:
                if keys[t] in hits:
                    results[t] = hits[keys[t]] | {"cached": True}
            if progress and results:
                progress(len(results), len(distinct))
        todo = [t for t in distinct if t not in results]
        for t in [t for t in todo if len(t) > LONG_SEGMENT_CHARS]:  # resumable piece by piece (long_segments.py)
            budget = min(self.settings.max_input_tokens, self.engine.max_input_tokens)
            long = translate_in_pieces(t, self._translate_texts, self.engine.count_tokens, budget)
            if long is not None:
                results[t] = long
                if cache is not None:
                    cache.put_many({keys[t]: long})
                if progress:
                    progress(1, len(distinct))
        todo = [t for t in todo if t not in results]
        if todo:  # longest first, so every chunk (and so every batch) holds similar lengths and
            # the slowest work starts first, leaving short work to fill the engine's tail
            lengths = dict(zip(todo, self.engine.count_tokens(todo)))
            todo.sort(key=lengths.__getitem__, reverse=True)
        # Chunk so a killed run keeps (in the cache) what it finished. The next chunk's first
        # attempt is queued before this one is collected, so the engine's workers never idle
        # between chunks; retries of a chunk run after its first attempt is checked.
        size = max(self.settings.batch_size * 8, 64)
        chunks = [[_Job(t) for t in todo[i:i + size]] for i in range(0, len(todo), size)]
        plans = self._plans()
        started = [self._start_attempt(chunks[0], *plans[0])] if chunks else []
        for k, jobs in enumerate(chunks):
            if k + 1 < len(chunks):
                started.append(self._start_attempt(chunks[k + 1], *plans[0]))
            started.pop(0)()
            pending = [j for j in jobs if j.attempts[-1].problems]
            for strategy, decode in plans[1:]:
                if not pending:
                    break
                self._start_attempt(pending, strategy, decode)()
                pending = [j for j in pending if j.attempts[-1].problems]
            fresh = {job.text: self._stored(job) for job in jobs}
            if cache is not None:
                cache.put_many({keys[t]: v for t, v in fresh.items()})
            results.update(fresh)
            if progress:
                progress(len(fresh), len(distinct))
        return results

    @staticmethod
    def _stored(job: _Job) -> dict:
        """Return the cacheable result of a job's best attempt."""
        best = job.best()
        if len(job.attempts) > 1:
            for f in best.flags:
                f.details.setdefault("attempts", len(job.attempts))
        return {
            "target": best.output.text,
            "flags": [asdict(f) for f in best.flags],
            "terms": [asdict(u) for u in best.terms],
            "pieces": best.pieces,
            "cached": False,
        }

    def _assemble(self, doc: Document, results: dict[str, dict], encoding: str | None) -> DocumentResult:
        segments = []
        for seg in doc.segments:
            r = results.get(seg.text)
            if r is None:  # a segment with no text after cleaning: explicit flag, never dropped
                r = {"target": "", "flags": [asdict(Flag("empty", "the source segment has no text to translate"))],
                     "terms": [], "pieces": 0, "cached": False}
            segments.append(SegmentResult(
                id=seg.id, index=seg.index, block_index=seg.block_index, kind=seg.kind, source=seg.raw,
                target=r["target"], start=seg.start, end=seg.end, line=seg.line,
                flags=[Flag(**f) for f in r["flags"]], terms=[TermUse(**t) for t in r["terms"]],
                pieces=r["pieces"], cached=r["cached"],
            ))
        return DocumentResult(name=doc.name, document=doc, segments=segments, signature=self.signature(encoding))

    def translate_documents(self, docs: list[tuple[Document, str | None]],
                            progress: Callable[[int, int], None] | None = None) -> list[DocumentResult]:
        """Translate segmented documents together (one model, shared batches).

        Args:
            docs: (document, encoding used to read it) pairs.
            progress: Called with (segments finished since the last call, total distinct segments).
        """
        texts = [s.text for doc, _ in docs for s in doc.segments]
        results = self._translate_texts(texts, progress)
        return [self._assemble(doc, results, enc) for doc, enc in docs]

    def translate_text(self, text: str, name: str = "<text>") -> DocumentResult:
        """Segment and translate a document given as a string."""
        return self.translate_documents([(segment_text(text, name), None)])[0]

    def translate_file(self, path: str | Path, encoding: str | None = None) -> DocumentResult:
        """Read (detecting the encoding), segment and translate one file."""
        decoded = read_text(str(path), encoding)
        return self.translate_documents([(segment_text(decoded.text, decoded.name), decoded.encoding)])[0]

    def translate_batch(self, sources: list[str | Path], encoding: str | None = None,
                        progress: Callable[[int, int], None] | None = None) -> list[DocumentResult]:
        """Translate many files with one model load, batching across documents."""
        docs = []
        for src in sources:
            decoded = read_text(str(src), encoding)
            docs.append((segment_text(decoded.text, decoded.name), decoded.encoding))
        return self.translate_documents(docs, progress)

    def translate_segments(self, texts: list[str]) -> list[SegmentResult]:
        """Translate already-segmented lines (one segment each), keeping their order."""
        return self.translate_documents([(segment_lines(texts), None)])[0].segments

    # ------------------------------------------------------------ summaries
    def summarize(self, source: str | Path | DocumentResult, sentences: int | None = None, ratio: float | None = None,
                  per_section: bool = False, abstractive_model: str | None = None,
                  encoding: str | None = None) -> Summary:
        """Summarise a document in English; every sentence points to its source.

        Args:
            source: A file path, or a :class:`DocumentResult` whose translations are reused.
            sentences: Sentences wanted (default 8; with ``per_section``, a minimum).
            ratio: Or a share of the paragraph sentences.
            per_section: The key sentence of every numbered section plus the lead.
            abstractive_model: HF summarisation model run on the English translation instead.
            encoding: Input encoding when ``source`` is a path.
        """
        from .summarize import extractive as sm

        if isinstance(source, DocumentResult):
            doc = source.document
            translations = {s.index: s.target for s in source.segments}
        else:
            decoded = read_text(str(source), encoding)
            doc = segment_text(decoded.text, decoded.name)
            translations = {}
        if abstractive_model:
            return self._abstractive(doc, translations, abstractive_model, per_section)
        picks = sm.select_sentences(doc, self.glossary, sentences, ratio, per_section)
        self._fill_translations(translations, [(c.index, c.text) for c in picks])
        summary = sm.build_summary(picks, translations)
        for sent in summary.sentences:  # the full term check against the summarised segment
            sent.flags += run_checks(CheckInput(sent.source, sent.text, self.glossary), ["term"])
        return summary

    def _fill_translations(self, translations: dict[int, str], segments: list[tuple[int, str]]) -> None:
        """Translate the (index, text) segments ``translations`` lacks, in place."""
        missing = [(i, t) for i, t in segments if i not in translations]
        if missing:
            done = self._translate_texts([t for _, t in missing])
            for i, t in missing:
                translations[i] = done[t]["target"]

    def _abstractive(self, doc: Document, translations: dict[int, str], model: str, per_section: bool) -> Summary:
        from .summarize import extractive as sm

        self._fill_translations(translations, [(s.index, s.text) for s in doc.segments])
        groups: list[list[int]] = [[]]
        for block in doc.blocks:
            if block.kind == "heading" and per_section and groups[-1]:
                groups.append([])
            if block.kind in ("paragraph", "heading"):
                groups[-1].extend(block.segment_indices)
        summary = Summary(method=f"abstractive:{model}")
        for group in groups:
            if not group:
                continue
            english = " ".join(translations[i] for i in group if translations[i])
            source = "".join(doc.segments[i].text for i in group)
            span = f"s{group[0] + 1}-s{group[-1] + 1}"
            for sentence in sm.split_english_sentences(sm.abstractive_summary(model, english, device=self.settings.device)):
                flags = sm.check_summary_sentence(sentence, source) + sm.check_summary_terms(sentence, source, self.glossary)
                summary.sentences.append(SummarySentence(segment_id=span, source=source, text=sentence, flags=flags))
        return summary
