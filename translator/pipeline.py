"""The pipeline front: segment -> protect terms -> translate -> check -> (summarise).

``Pipeline`` is built from plain, serialisable :class:`PipelineSettings`, so a
batch worker (e.g. a Ray actor) can rebuild an identical pipeline from a dict.
It owns the parts a run shares (term base, engine, term protector, segment
cache), built on first use, never at construction; the work itself is done by
the stage modules it hands them to. One pipeline may be shared by threads:
parts are built under a lock, each thread gets its own cache connection and
translation rounds run one at a time (the engine uses every core anyway).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from . import __version__
from .engines import build_engine, get_engine_class, resolve_backend
from .engines.base import DecodeSettings, Engine
from .glossary import Glossary, resolve_glossary
from .glossary.protection import TermProtector
from .models.store import model_fingerprint, model_identity
from .results import DocumentResult, SegmentResult, Signature, Summary
from .segmentation import Document, segment_lines, segment_text
from .settings import PipelineSettings
from .translation.cache import SegmentCache, is_segment_result
from .translation.rounds import Progress, TranslationRounds, assemble

_UNSET = object()
log = logging.getLogger("translator")


class Pipeline:
    """Glossary-aware Chinese->English translation pipeline.

    Args:
        settings: A :class:`PipelineSettings` (or None for defaults).
        engine: An already-built engine (tests, or sharing one model).
        **overrides: Settings fields to override.

    Raises:
        ValidationError: Invalid settings (every problem listed).
        UnknownNameError: An override that is not a settings field.

    Example:
        >>> p = Pipeline(model="models/tiny", beams=2)      # doctest: +SKIP
        >>> p.translate_text("全社会研发投入突破10亿元。").segments[0].target  # doctest: +SKIP
    """

    def __init__(self, settings: PipelineSettings | None = None, engine: Engine | None = None, **overrides) -> None:
        if settings is not None and not isinstance(settings, PipelineSettings):
            raise TypeError(f"settings must be a PipelineSettings (or use Pipeline.from_settings(dict)), "
                            f"got {type(settings).__name__}")
        settings = settings or PipelineSettings()
        if overrides:
            settings = PipelineSettings.from_dict(settings.to_dict() | overrides)
        self.settings = settings
        if settings.use_cache:
            from .translation.cache import check_cache_file

            check_cache_file(settings.cache_path)  # another file named as the cache: an error before any work
        self._engine = engine
        self._engine_given = engine is not None
        self._glossary: Glossary | None | object = _UNSET
        self._protector: TermProtector | None = None
        self._memory = None
        self._local = threading.local()
        self._lock = threading.RLock()
        #: Segments in the segment cache for this pipeline's runs so far (found or written): what a kill keeps.
        self.saved_segments = 0

    @classmethod
    def from_settings(cls, data: dict) -> Pipeline:
        """Build a pipeline from a plain dict (what a remote worker receives)."""
        return cls(PipelineSettings.from_dict(data))

    # ------------------------------------------------------------------ parts
    @property
    def glossary(self) -> Glossary | None:
        """Return the term base (loaded and validated on first use; None when disabled)."""
        with self._lock:
            if self._glossary is _UNSET:
                self._glossary = resolve_glossary(self.settings.glossaries, self.settings.use_glossary)
            return self._glossary  # type: ignore[return-value]

    def reload_glossary(self) -> None:
        """Read the term base again on next use (after an editor changed its file: a term added from the review page).

        The cache keys on the glossary's version, so translations made under the old glossary are not reused.
        """
        with self._lock:
            self._glossary = _UNSET
            self._protector = None

    @property
    def backend(self) -> str:
        """Return the backend actually used (``auto`` resolved; no model load)."""
        if self._engine is not None:
            return self._engine.name
        return resolve_backend(self.settings.backend, self.settings.model)

    def _engine_class(self) -> type[Engine]:
        return type(self._engine) if self._engine is not None else get_engine_class(self.backend)

    @property
    def engine(self) -> Engine:
        """Return the engine, loading the model on first use."""
        with self._lock:
            if self._engine is None:
                self._engine = self._build_engine()
            return self._engine

    def _build_engine(self) -> Engine:
        from .engines.ctranslate2_engine import AutoConversionError  # light: ctranslate2 itself loads lazily

        backend = self.backend
        try:
            return build_engine(backend, self.settings.model, self.settings.to_dict())
        except AutoConversionError as exc:
            if self.settings.backend != "auto":
                raise
            log.warning("%s; falling back to the transformers backend", exc)
            return build_engine("transformers", self.settings.model, self.settings.to_dict())

    @property
    def protector(self) -> TermProtector:
        """Return the term protector (glossary terms and placeholders) bound to the engine's tokenizer."""
        with self._lock:
            if self._protector is None:
                glossary = self.glossary
                self._protector = TermProtector(glossary, self.engine.accepts_verbatim)
            return self._protector

    @property
    def cache(self) -> SegmentCache | None:
        """Return this thread's segment cache connection, or None when disabled."""
        if not self.settings.use_cache:
            return None
        cache = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = SegmentCache(self.settings.cache_path, validate=is_segment_result)
        return cache

    @property
    def memory(self):
        """Return the translation memory (opened read-only on first use), or None when there is none.

        Raises:
            TranslationMemoryError: The file is missing or not a translation memory.
        """
        if self.settings.memory is None:
            return None
        with self._lock:
            if self._memory is None:
                from .memory import TranslationMemory

                self._memory = TranslationMemory(self.settings.memory, read_only=True)
            return self._memory

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
        options = "|".join(self._engine_class().signature_parts(self.settings.to_dict()))
        return Signature(version=__version__, model=model, backend=backend, beams=self.settings.beams,
                         glossary=glossary, device=device, encoding=encoding, options=options)

    def content_signature(self) -> Signature:
        """Return the signature with the model named by what it is, not by how its path was typed.

        A model on disk is its files' content hash (``models/tiny``, ``./models/tiny`` and the absolute path
        are the same model; see :func:`~translator.models.store.model_identity`). Computed from the
        settings alone (no model load), so a run whose segments are all cached loads no model. The segment
        cache and ``batch``'s resume key on it.
        """
        from dataclasses import replace

        if self._engine_given:  # an engine handed in (tests, embedding): it names itself
            return replace(self.signature(), model=f"{self.signature().model}@{model_fingerprint(self.settings.model)}")
        s = self.settings
        glossary = self.glossary.version if self.glossary else "none"
        options = "|".join(self._engine_class().signature_parts(s.to_dict()))
        return Signature(version=__version__, model=model_identity(s.model), backend=self.backend, beams=s.beams,
                         glossary=glossary, device=s.device, options=options)

    def cache_context(self) -> str:
        """Return everything besides a segment's text that changes its result (part of every cache key)."""
        s = self.settings
        return "|".join([__version__, str(self.content_signature()), self.decode_settings.cache_key(),
                         f"retries={s.retries}", f"max_in={s.max_input_tokens}",
                         *self._engine_class().cache_key_parts(s.to_dict())])

    def rounds(self) -> TranslationRounds:
        """Return the translation rounds unit built from this pipeline's parts.

        The engine and the term protector are handed over as loaders: a run whose every segment is in the
        cache neither loads the model nor imports torch.
        """
        s = self.settings
        cache = self.cache
        return TranslationRounds(lambda: self.engine, lambda: self.protector, self.glossary, self.decode_settings,
                                 s.retries, s.max_input_tokens, cache, self.cache_context() if cache is not None else "",
                                 chunk_size=max(s.batch_size * 8, 64))

    # ------------------------------------------------------------ translation
    def translate_texts(self, texts: list[str], progress: Progress | None = None) -> dict[str, dict]:
        """Translate distinct segment texts; return text -> stored result (see :class:`TranslationRounds`).

        With a translation memory, its exact matches (and safe number edits) are used instead of the model
        and its suggestions are attached to the model's results (``origin`` and ``matches``; see
        :mod:`translator.memory.apply`).
        """
        consulted = None
        if self.memory is not None:
            from .memory.apply import consult

            consulted = consult(self.memory, texts, self.glossary, self.settings.memory_threshold)
            texts = [t for t in texts if t not in consulted.found]
        results: dict[str, dict] = {}
        if texts or consulted is None:
            rounds = self.rounds()
            with self._lock:
                try:
                    results = rounds.translate(texts, progress)
                finally:
                    self.saved_segments += rounds.saved
        if consulted is not None:
            for text, matches in consulted.suggestions.items():
                if text in results:
                    results[text] = results[text] | {"matches": matches}
            results.update(consulted.found)
        return results

    def translate_documents(self, docs: list[tuple[Document, str | None]],
                            progress: Progress | None = None) -> list[DocumentResult]:
        """Translate segmented documents together (one model, shared batches).

        Args:
            docs: (document, encoding used to read it) pairs.
            progress: Called with (segments finished since the last call, total distinct segments).
        """
        if not isinstance(docs, (list, tuple)) or not all(isinstance(d, tuple) and len(d) == 2 for d in docs):
            raise TypeError("docs must be a list of (Document, encoding) pairs")
        results = self.translate_texts([s.text for doc, _ in docs for s in doc.segments], progress)
        return [self.assemble(doc, results, enc) for doc, enc in docs]

    def assemble(self, doc: Document, results: dict[str, dict], encoding: str | None = None) -> DocumentResult:
        """Build a document's result from :meth:`translate_texts`' results (which may hold other texts too).

        Args:
            doc: The segmented document.
            results: Text -> stored result, covering every segment text of ``doc``.
            encoding: The encoding the document was read with (stamped in the signature).
        """
        return assemble(doc, results, self.signature(encoding))

    def translate_text(self, text: str, name: str = "<text>") -> DocumentResult:
        """Segment and translate a document given as a string."""
        if not isinstance(text, str):
            raise TypeError(f"translate_text needs a str, got {type(text).__name__}")
        return self.translate_documents([(segment_text(text, name), None)])[0]

    def translate_file(self, path: str | Path, *, encoding: str | None = None, output: str | Path | None = None,
                       fmt: str | None = None, bilingual: bool = False, progress: Progress | None = None,
                       summary_sentences: int | None = None) -> DocumentResult:
        """Read, segment and translate one file: text (encoding detected), .docx, .html, .md or .pdf.

        Every option is passed by name (``translate_file(path, output="report.en.docx")``), so an output
        path can never be taken for an encoding.

        Args:
            path: The input file.
            encoding: Input encoding of a text file (None: detected).
            output: Also write the English here, as the same kind of document by default
                (``fmt`` chooses another: txt, md, json, jsonl, xliff, tmx, docx, html); None writes nothing.
            fmt: Output format when writing.
            bilingual: Write a side-by-side review document (docx or html) instead.
            progress: Called with (segments finished since the last call, total distinct segments).
            summary_sentences: Also summarise the document in this many sentences.

        Returns:
            The document result; ``output`` says where it was written (None when nothing was).
        """
        from .documents import is_document, translate_document

        if output is None and not bilingual and not is_document(path):
            return self.translate_batch([path], encoding, progress, summary_sentences)[0]
        target = "-" if output is None else output
        written = translate_document(self, path, target, fmt or ("json" if output is None else None), bilingual,
                                     encoding, progress, summary_sentences)
        written.result.output = str(written.output) if written.output is not None else None
        return written.result

    def translate_batch(self, sources: list[str | Path], encoding: str | None = None,
                        progress: Progress | None = None, summary_sentences: int | None = None) -> list[DocumentResult]:
        """Translate many files with one model load, batching across documents.

        Args:
            sources: File paths: text (``-`` = stdin), .docx, .html, .md or .pdf.
            encoding: Input encoding of text files (None: detected per file).
            progress: Called with (segments finished since the last call, total distinct segments).
            summary_sentences: Also summarise each document in this many sentences (``DocumentResult.summary``).
        """
        if isinstance(sources, (str, Path)) or not all(isinstance(s, (str, Path)) for s in sources):
            raise TypeError("sources must be a list of file paths (a single path goes in a list)")
        from .documents import read_source

        docs = [read_source(src, encoding) for src in sources]
        results = self.translate_documents(docs, progress)
        if summary_sentences:
            for doc in results:
                doc.summary = self.summarize(doc, sentences=summary_sentences)
        return results

    def translate_segments(self, texts: list[str]) -> list[SegmentResult]:
        """Translate already-segmented lines (one segment each), keeping their order."""
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise TypeError("texts must be a list of str (one segment each)")
        return self.translate_documents([(segment_lines(list(texts)), None)])[0].segments

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
        from .summarize import summarize_document

        from .results import Flag

        if isinstance(source, DocumentResult):
            doc, known = source.document, {s.index: s.target for s in source.segments}
            flags = {s.index: list(s.flags) for s in source.segments}
        else:
            from .documents import read_source

            doc, known, flags = read_source(source, encoding)[0], {}, {}

        def translate(indices: list[int]) -> dict[int, str]:
            missing = [i for i in indices if i not in known]
            if missing:
                done = self.translate_texts([doc.segments[i].text for i in missing])
                for i in missing:
                    stored = done[doc.segments[i].text] if doc.segments[i].text else {"target": "", "flags": []}
                    known[i] = stored["target"]
                    flags[i] = [Flag(**f) for f in stored["flags"]]
            return {i: known[i] for i in indices}

        summary = summarize_document(doc, translate, self.glossary, sentences, ratio, per_section, abstractive_model,
                                     self.settings.device)
        by_id = {seg.id: i for i, seg in enumerate(doc.segments)}
        for sentence in summary.sentences:  # a quoted sentence carries every flag of its segment (degenerate too)
            seen = {(f.check, f.message) for f in sentence.flags}
            sentence.flags += [f for f in flags.get(by_id.get(sentence.segment_id, -1), [])
                               if (f.check, f.message) not in seen]
        return summary


__all__ = ["Pipeline", "PipelineSettings"]
