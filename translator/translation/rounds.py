"""Translation rounds: protect terms -> split long segments -> engine -> restore terms -> check -> retry.

:class:`TranslationRounds` is handed everything it needs (engine, term
protector, glossary, cache, decoding and retry settings) and translates
distinct source texts, returning one stored result per text. Work is cut into
chunks written to the segment cache as they finish, so a killed run keeps what
it finished; retries of a chunk run after its first attempt is checked.

A text with no Chinese in it (code, an English abstract, a formula, a bare
``{{field}}``) has nothing to translate: it is copied as it is, never sent to the
model, and counted (``copied``), not flagged. Every way in (text, documents,
segments, summaries) passes through :meth:`TranslationRounds.translate`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from ..checks import RETRY_CHECKS, CheckInput, run_checks
from ..engines.base import DecodeSettings, Engine, EngineOutput
from ..glossary import Glossary
from ..glossary.protection import ProtectedText, TermProtector
from ..results import DocumentResult, Flag, SegmentResult, Signature, TermUse
from ..segmentation import Document
from ..segmentation.long_segments import LONG_SEGMENT_CHARS, split_to_budget
from ..textnorm import contains_cjk
from .cache import SegmentCache, cache_key
from .pieces import translate_in_pieces

#: Progress callback: (units finished since the last call, total units).
Progress = Callable[[int, int], None]


def nothing_to_translate(text: str) -> bool:
    """Return True for text without a letter of any script: numbers, footnote markers and symbols.

    ``2023``, ``12.5%``, ``①``, ``[1]``, ``*``, ``†``, ``Ⅳ``, ``—``: what a number-only table cell or a footnote
    reference holds. Such text is copied as it is, never sent to the model (which could only garble it).
    """
    import unicodedata

    return not any(unicodedata.category(c).startswith("L") for c in text)


@dataclass
class Attempt:
    """One translation attempt of a segment.

    Attributes:
        strategy: Term strategy used (``placeholder``, ``inject`` or ``none``).
        output: The joined engine output (terms restored).
        protected: What the engine was given.
        flags: The checks' findings.
        terms: Glossary entries found and whether each was kept.
        pieces: Engine inputs the segment was split into.
    """

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
class Job:
    """One distinct source text through the translation rounds."""

    text: str
    attempts: list[Attempt] = field(default_factory=list)
    first: ProtectedText | None = None  # the first attempt's protected text (made once, for the length sort too)

    def best(self) -> Attempt:
        """Return the attempt with the fewest retry-worthy problems, then fewest flags (earliest on ties)."""
        return min(self.attempts, key=lambda a: (len(a.problems), len(a.flags)))

    def stored(self) -> dict:
        """Return the cacheable result of the best attempt."""
        best = self.best()
        if len(self.attempts) > 1:
            for f in best.flags:
                f.details.setdefault("attempts", len(self.attempts))
        return {"target": best.output.text, "flags": [asdict(f) for f in best.flags],
                "terms": [asdict(u) for u in best.terms], "pieces": best.pieces, "cached": False}


def placeholder_context(text: str) -> str:
    """Return what the placeholder patterns add to the cache key of ``text`` (empty when it has none).

    A segment holding a placeholder is translated differently when the pattern list changes (or was
    translated before placeholders were protected), so its cached result is not reused then.
    """
    from ..glossary.placeholders import find_placeholders, patterns_version

    return f"|placeholders:{patterns_version()}" if find_placeholders(text) else ""


def copied_result(text: str) -> dict:
    """Return the stored result of a text with nothing to translate (no Chinese): the text itself, unflagged."""
    return {"target": text, "flags": [], "terms": [], "pieces": 0, "cached": False, "copied": True}


class TranslationRounds:
    """Translate distinct texts with retries, term enforcement and the segment cache.

    Args:
        engine: The loaded backend, or a function that loads it (called only when a text is not in the cache,
            so a fully cached run loads no model).
        protector: Term protector bound to the engine's tokenizer, or a function that makes it (likewise).
        glossary: Term base for the checks (None: no term checks).
        decode: Decoding settings of the first attempt.
        retries: Extra attempts for segments with retry-worthy flags (0-2).
        max_input_tokens: Longer segments are split at clauses, then token windows.
        cache: Segment cache (None: none).
        cache_context: Everything besides the text that changes a result (part of each cache key).
        chunk_size: Distinct texts per chunk (cache writes and retries happen per chunk).
    """

    def __init__(self, engine: Engine | Callable[[], Engine], protector: TermProtector | Callable[[], TermProtector],
                 glossary: Glossary | None, decode: DecodeSettings, retries: int, max_input_tokens: int,
                 cache: SegmentCache | None = None, cache_context: str = "", chunk_size: int = 128) -> None:
        self._engine = engine
        self._protector = protector
        self.glossary = glossary
        self.decode = decode
        self.retries = retries
        self.max_input_tokens = max_input_tokens
        self.cache = cache
        self.cache_context = cache_context
        self.chunk_size = chunk_size
        #: Segments that are in the cache for this run (found there or written there): what a kill keeps.
        self.saved = 0

    @property
    def engine(self) -> Engine:
        """Return the engine (loaded on first use when a loader was given)."""
        if not isinstance(self._engine, Engine):
            self._engine = self._engine()
        return self._engine

    @property
    def protector(self) -> TermProtector:
        """Return the term protector (made on first use when a factory was given)."""
        if not isinstance(self._protector, TermProtector):
            self._protector = self._protector()
        return self._protector

    def plans(self) -> list[tuple[str, DecodeSettings]]:
        """Return the (term strategy, decoding settings) of each attempt, first attempt first."""
        base = self.decode
        plans = [("placeholder", base), ("inject", base),
                 ("inject", replace(base, no_repeat_ngram_size=3, repetition_penalty=1.3, beams=max(base.beams, 5)))]
        return plans[: 1 + max(0, self.retries)]

    def translate(self, texts: list[str], progress: Progress | None = None) -> dict[str, dict]:
        """Translate distinct texts; return text -> stored result (from the cache or fresh).

        Args:
            texts: Source texts (duplicates and empty strings are allowed; each distinct text is translated once).
            progress: Called as work finishes with (texts finished since the last call, distinct texts); the
                first number is fractional while a chunk's batches finish, and each chunk adds up to its size.
        """
        distinct = list(dict.fromkeys(t for t in texts if t))
        if progress:
            progress(0, len(distinct))
        # nothing to translate (no Chinese: code, English, numbers, symbols): copied, never sent to the model
        results: dict[str, dict] = {t: copied_result(t) for t in distinct if not contains_cjk(t)}
        if progress and results:
            progress(len(results), len(distinct))
        keys: dict[str, str] = {}
        asked = [t for t in distinct if t not in results]
        if self.cache is not None and asked:
            keys = {t: cache_key(t, self.cache_context + placeholder_context(t)) for t in asked}
            hits = self.cache.get_many(list(keys.values()))
            found = {t: hits[keys[t]] | {"cached": True} for t in asked if keys[t] in hits}
            results.update(found)
            self.saved += len(found)
            if progress and found:
                progress(len(found), len(distinct))
        todo = [t for t in distinct if t not in results]
        for t in [t for t in todo if len(t) > LONG_SEGMENT_CHARS]:  # resumable piece by piece (long_segments.py)
            budget = min(self.max_input_tokens, self.engine.max_input_tokens)
            saved_before = self.saved
            try:  # the pieces go through this method too, but only whole segments count as saved
                long = translate_in_pieces(t, self.translate, self.engine.count_tokens, budget)
            finally:
                self.saved = saved_before
            if long is not None:
                results[t] = long
                if self.cache is not None:
                    self.cache.put_many({keys[t]: long})
                    self.saved += 1
                if progress:
                    progress(1, len(distinct))
        todo = [t for t in todo if t not in results]
        plans = self.plans()
        jobs_todo = [Job(t, first=self.protector.protect(t, plans[0][0])) for t in todo]
        if jobs_todo:  # longest first (as the engine sees it), so every chunk, and so every batch, holds similar
            # lengths and the slowest work starts first, leaving short work to fill the engine's tail
            lengths = self.engine.count_tokens([job.first.text for job in jobs_todo])
            jobs_todo = [job for _, job in sorted(zip(lengths, jobs_todo), key=lambda pair: -pair[0])]
        # The next chunk's first attempt is queued before this one is collected, so the engine's
        # workers never idle between chunks.
        chunks = [jobs_todo[i:i + self.chunk_size] for i in range(0, len(jobs_todo), self.chunk_size)]
        advanced = [0.0] * len(chunks)  # progress reported for each chunk while its batches finish

        def first_attempt(k: int) -> Callable[[], None]:
            def tick(share: float) -> None:  # a batch of the chunk's first attempt is done
                step = share * len(chunks[k])
                advanced[k] += step
                if progress:
                    progress(step, len(distinct))

            return self._start(chunks[k], *plans[0], on_share=tick if progress else None)

        started = [first_attempt(0)] if chunks else []
        for k, jobs in enumerate(chunks):
            if k + 1 < len(chunks):
                started.append(first_attempt(k + 1))
            started.pop(0)()
            pending = [j for j in jobs if j.attempts[-1].problems]
            for strategy, decode in plans[1:]:
                if not pending:
                    break
                self._start(pending, strategy, decode)()
                pending = [j for j in pending if j.attempts[-1].problems]
            fresh = {job.text: job.stored() for job in jobs}
            if self.cache is not None:
                self.cache.put_many({keys[t]: v for t, v in fresh.items()})
                self.saved += len(fresh)
            results.update(fresh)
            if progress:  # the rest of the chunk (its retries), so a chunk always adds up to its size
                progress(len(fresh) - advanced[k], len(distinct))
        return results

    def _start(self, jobs: list[Job], strategy: str, decode: DecodeSettings,
               on_share: Callable[[float], None] | None = None) -> Callable[[], None]:
        """Protect and split ``jobs`` and hand them to the engine; return a function that finishes the attempt.

        The engine may start work at once (CTranslate2 queues its batches), so a
        caller can start the next chunk before it finishes this one. ``on_share(f)``
        is called as each engine batch finishes, ``f`` being its share of the pieces.
        """
        engine = self.engine
        protected = [job.first if job.first is not None and not job.attempts else self.protector.protect(job.text, strategy)
                     for job in jobs]
        piece_texts: list[str] = []
        piece_hints: list[list[str]] = []
        spans: list[tuple[int, int]] = []
        windowed: list[bool] = []
        for prot in protected:
            pieces = split_to_budget(prot.text, engine.count_tokens, min(self.max_input_tokens, engine.max_input_tokens))
            windowed.append(any(p.window for p in pieces))
            spans.append((len(piece_texts), len(piece_texts) + len(pieces)))
            piece_texts.extend(p.text for p in pieces)
            expected = list(prot.slots) if prot.strategy == "placeholder" else [e.output for e in prot.enforced]
            piece_hints.extend([h for h in expected if h in p.text] for p in pieces)
        total = len(piece_texts) or 1
        wait = engine.submit(piece_texts, decode, piece_hints if any(piece_hints) else None,
                             (lambda n: on_share(n / total)) if on_share else None)

        def finish() -> None:
            outputs = wait()
            for job, prot, (a, b), window_split in zip(jobs, protected, spans, windowed):
                self._record(job, strategy, prot, outputs[a:b], window_split)

        return finish

    def _record(self, job: Job, strategy: str, prot: ProtectedText, outs: list[EngineOutput],
                window_split: bool) -> None:
        """Join a segment's piece outputs, restore its terms, check it and record the attempt."""
        joined = EngineOutput(
            text=" ".join(o.text.strip() for o in outs if o.text.strip()),
            hit_cap=any(o.hit_cap for o in outs),
            source_tokens=sum(o.source_tokens for o in outs),
            target_tokens=sum(o.target_tokens for o in outs),
            max_new_tokens=max(o.max_new_tokens for o in outs),
        )
        joined.text = self.protector.restore(joined.text, prot)
        # what the engine saw (a placeholder saves a term's rare character), limited to the source's own
        # characters (English written in by the inject strategy is ours, not the author's)
        unknown = tuple(c for c in self.engine.unknown_source_chars(prot.text) if c in job.text)
        flags = run_checks(CheckInput(job.text, joined.text, self.glossary, joined.hit_cap, joined.max_new_tokens,
                                      joined.source_tokens, joined.target_tokens, unknown_source=unknown))
        if window_split:  # how the segment was cut, not a fault of the English
            flags.append(Flag("split_window", f"segment longer than {self.max_input_tokens} tokens with no clause "
                              f"boundary was cut into {len(outs)} token windows", {"pieces": len(outs)},
                              severity="warning"))
        job.attempts.append(Attempt(strategy, joined, prot, flags, self.protector.assess(joined.text, prot), len(outs)))


def assemble(doc: Document, results: dict[str, dict], signature: Signature) -> DocumentResult:
    """Build a document's result from the stored results of its segment texts.

    A segment with no text after cleaning gets an explicit ``empty`` flag: every
    source segment yields exactly one target segment.
    """
    segments = []
    for seg in doc.segments:
        r = results.get(seg.text)
        if r is None:
            r = {"target": "", "flags": [asdict(Flag("empty", "the source segment has no text to translate"))],
                 "terms": [], "pieces": 0, "cached": False}
        segments.append(SegmentResult(
            id=seg.id, index=seg.index, block_index=seg.block_index, kind=seg.kind, source=seg.raw,
            target=r["target"], start=seg.start, end=seg.end, line=seg.line,
            flags=[Flag(**f) for f in r["flags"]], terms=[TermUse(**t) for t in r["terms"]],
            pieces=r["pieces"], cached=r["cached"], origin=r.get("origin") or ("cache" if r["cached"] else "model"),
            matches=list(r.get("matches", ())), copied=r.get("copied", False),
        ))
    return DocumentResult(name=doc.name, document=doc, segments=segments, signature=signature)


__all__ = ["Attempt", "Job", "Progress", "TranslationRounds", "assemble", "copied_result", "nothing_to_translate"]
