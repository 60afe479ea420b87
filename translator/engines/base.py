"""The engine base class: what every translation backend must provide.

Backends only translate lists of plain strings. Batching by a token budget
(sorted by length, original order restored) lives here, so every backend
batches the same way.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class EngineOption:
    """A setting an engine understands, declared by the engine (as CTranslate2's converters declare theirs).

    Attributes:
        setting: The :class:`~translator.settings.PipelineSettings` field that carries it.
        argument: The engine constructor's keyword for it.
        default: Its default (the settings field's default is this value).
        help: One line for users.
        choices: The valid values, if limited.
    """

    setting: str
    argument: str
    default: Any
    help: str
    choices: tuple = ()


#: Options every engine takes.
COMMON_OPTIONS = (
    EngineOption("device", "device", "cpu", "cpu, cuda or cuda:N."),
    EngineOption("threads", "threads", None, "CPU threads (None: the backend's default)."),
    EngineOption("src_lang", "src_lang", None, "Source language code for NLLB/M2M100 (e.g. zho_Hans)."),
    EngineOption("tgt_lang", "tgt_lang", None, "Target language code for NLLB/M2M100 (e.g. eng_Latn)."),
    EngineOption("target_vocab_only", "target_vocab_only", True,
                  "Let Marian models output only their target-side vocabulary (False: the whole joint vocabulary)."),
)


@dataclass(frozen=True)
class DecodeSettings:
    """Decoding options shared by all backends.

    Attributes:
        beams: Beam size (1 = greedy).
        max_length_ratio: max new tokens = ratio x source tokens + ``max_length_extra``.
        max_length_extra: Constant added to the derived cap.
        min_length_ratio: If set, force at least this ratio x source tokens
            (benchmarks use it to make random-weight models emit equal lengths).
        no_repeat_ngram_size: Block repeated n-grams of this size (0 = off).
        repetition_penalty: >1 discourages repetition (1 = off).
        batch_size: Most segments in one batch.
        token_budget: Most (padded) source tokens in one batch.
    """

    beams: int = 4
    max_length_ratio: float = 2.0
    max_length_extra: int = 10
    min_length_ratio: float | None = None
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    batch_size: int = 16
    token_budget: int = 4096

    def cache_key(self) -> str:
        """Return a stable string of every setting that changes outputs."""
        d = asdict(self)
        d.pop("batch_size")
        d.pop("token_budget")
        return ",".join(f"{k}={d[k]}" for k in sorted(d))


@dataclass
class EngineOutput:
    """One translated string and how generation ended.

    Attributes:
        text: The decoded translation.
        hit_cap: True when generation stopped at the length cap, not at EOS.
        source_tokens: Number of source tokens.
        target_tokens: Number of generated tokens.
        max_new_tokens: The cap used.
    """

    text: str
    hit_cap: bool = False
    source_tokens: int = 0
    target_tokens: int = 0
    max_new_tokens: int = 0


@dataclass
class EngineInfo:
    """Facts about a loaded engine, stamped into document signatures."""

    backend: str
    model: str
    device: str
    extra: dict = field(default_factory=dict)


class Engine(abc.ABC):
    """Abstract translation backend.

    A backend declares the settings it understands in ``OPTIONS`` and is built
    by :func:`translator.engines.build_engine` with those settings as keyword
    arguments; it says what goes into output signatures and segment-cache keys.
    """

    name: str = "abstract"
    #: Settings this backend understands (beyond the model id).
    OPTIONS: ClassVar[tuple[EngineOption, ...]] = COMMON_OPTIONS

    @classmethod
    def serves(cls, model: str) -> bool:
        """Return True when ``--backend auto`` should choose this backend for ``model`` (cheap: no loading)."""
        return False

    @classmethod
    def signature_parts(cls, options: dict) -> list[str]:
        """Return the ``key:value`` parts this backend adds to output signatures, given its option values."""
        return [] if options.get("target_vocab_only", True) else ["vocab:full"]

    @classmethod
    def cache_key_parts(cls, options: dict) -> list[str]:
        """Return every option value that changes this backend's outputs (for segment-cache keys)."""
        return [f"{o.setting}={options.get(o.setting, o.default)}" for o in cls.OPTIONS
                if o.setting not in ("device", "threads")]

    @property
    @abc.abstractmethod
    def info(self) -> EngineInfo:
        """Return what the signature needs to know about this engine."""

    @property
    @abc.abstractmethod
    def max_input_tokens(self) -> int:
        """Return the most source tokens the model accepts (incl. EOS)."""

    @abc.abstractmethod
    def count_tokens(self, texts: list[str]) -> list[int]:
        """Return the number of source tokens of each text (incl. EOS)."""

    @abc.abstractmethod
    def tokenize(self, text: str) -> list[str]:
        """Return the source-side subword pieces of ``text`` (no special tokens)."""

    @abc.abstractmethod
    def accepts_verbatim(self, text: str) -> bool:
        """Return True when both tokenizers encode ``text`` with no unknown piece and decode it back."""

    def unknown_source_chars(self, text: str) -> list[str]:
        """Return the source characters the model cannot see (its tokenizer maps them to ``<unk>``), each once.

        The pipeline passes them to the checks as ``CheckInput.unknown_source``; a backend without a
        tokenizer returns ``[]``.
        """
        return []

    @abc.abstractmethod
    def _translate_batch(self, texts: list[str], lengths: list[int], settings: DecodeSettings,
                         hints: list[list[str]] | None = None) -> list[EngineOutput]:
        """Translate one batch; ``lengths`` are the source token counts.

        ``hints`` holds, per text, strings the output should contain (glossary
        targets or placeholder codes); a backend may use them during decoding.
        """

    def max_new_tokens(self, source_tokens: int, settings: DecodeSettings) -> int:
        """Return the generation cap for a source of ``source_tokens`` tokens."""
        cap = int(settings.max_length_ratio * source_tokens) + settings.max_length_extra
        return max(1, min(cap, self.max_output_tokens))

    @property
    def max_output_tokens(self) -> int:
        """Return the most tokens the decoder can produce."""
        return self.max_input_tokens

    def translate(self, texts: list[str], settings: DecodeSettings,
                  hints: list[list[str]] | None = None) -> list[EngineOutput]:
        """Translate many texts in token-budget batches, keeping their order.

        Args:
            texts: Source strings.
            settings: Decoding options.
            hints: Per text, strings expected in the output (used where the backend can).

        Returns:
            One :class:`EngineOutput` per input, in input order.
        """
        return self.submit(texts, settings, hints)()

    def submit(self, texts: list[str], settings: DecodeSettings, hints: list[list[str]] | None = None,
               on_batch: Callable[[int], None] | None = None) -> Callable[[], list[EngineOutput]]:
        """Start translating ``texts``; return a function that waits for and returns the outputs.

        A backend that runs batches in the background (CTranslate2) starts them
        here, so a caller can queue the next chunk of work before it collects
        this one; the default computes everything when the function is called.
        ``on_batch(n)`` is called as each batch of ``n`` texts is finished (progress).
        """
        return lambda: self._translate_sorted(texts, settings, hints, on_batch)

    def _translate_sorted(self, texts: list[str], settings: DecodeSettings, hints: list[list[str]] | None,
                          on_batch: Callable[[int], None] | None = None) -> list[EngineOutput]:
        lengths, batches = self._plan(texts, settings)
        return in_input_order(len(texts), (
            (batch, self._translate_batch([texts[i] for i in batch], [lengths[i] for i in batch], settings,
                                          [hints[i] for i in batch] if hints else None))
            for batch in batches), on_batch)

    def _plan(self, texts: list[str], settings: DecodeSettings,
              longest_first: bool = False) -> tuple[list[int], list[list[int]]]:
        """Return the token count of each text and its batches (indices grouped by similar length)."""
        lengths = self.count_tokens(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: -lengths[i] if longest_first else lengths[i])
        return lengths, plan_batches(order, lengths, settings.batch_size, settings.token_budget)


def default_threads() -> int:
    """Return the CPU threads to use when none are set: the cores this process may use, less those busy now.

    torch spins its idle threads, so a pool as wide as the machine collapses when other processes
    share the cores (9 s idle became 89 s beside two busy processes on 2 cores; 1 thread: 25 s).
    The 1-minute load average counts the busy ones; at least one thread is always used.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except (OSError, AttributeError):  # not available on this platform
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 0.5)))


def in_input_order(n: int, batched: Iterable[tuple[list[int], list[EngineOutput]]],
                   on_batch: Callable[[int], None] | None = None) -> list[EngineOutput]:
    """Put each batch's outputs back at their texts' positions (``n`` texts in all), reporting each batch done."""
    results: list[EngineOutput | None] = [None] * n
    for batch, outs in batched:
        for i, out in zip(batch, outs):
            results[i] = out
        if on_batch is not None:
            on_batch(len(batch))
    return results  # type: ignore[return-value]


def plan_batches(order: list[int], lengths: list[int], batch_size: int, token_budget: int) -> list[list[int]]:
    """Group indices (already sorted by length) into batches.

    A batch holds at most ``batch_size`` items and its padded size
    (items x longest) stays within ``token_budget``; a single item longer than
    the budget still gets a batch of its own.

    Args:
        order: Indices sorted by ascending length.
        lengths: Token length of each index.
        batch_size: Most items per batch.
        token_budget: Most padded tokens per batch.

    Returns:
        Batches of indices; every index appears exactly once.
    """
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        new_longest = max(longest, lengths[i])
        if current and (len(current) + 1 > batch_size or (len(current) + 1) * new_longest > token_budget):
            batches.append(current)
            current, new_longest = [], lengths[i]
        current.append(i)
        longest = new_longest
    if current:
        batches.append(current)
    return batches


def spread_batches(batches: list[list[int]], count: int) -> list[list[int]]:
    """Split the largest batches in two (each half keeps its lengths together) until there are ``count``.

    A few texts (a server's gathered requests, a short document) make one batch, which one worker
    decodes while the others idle; halves also pad less (the short half stops at its own longest).
    Measured on the opus-mt-zh-en-shaped model, 2 workers, forced lengths: 16 texts at a time went from
    10 to 14 sentences/s with two batches per worker, 32 at a time from 7 to 13.

    Args:
        batches: Batches of indices (each ordered by length).
        count: Batches wanted (workers x batches each).

    Returns:
        At least ``min(count, texts)`` batches; every index appears exactly once, in the same order.
    """
    out = [list(b) for b in batches]
    while len(out) < count:
        k = max(range(len(out)), key=lambda j: len(out[j]), default=None)
        if k is None or len(out[k]) < 2:
            break
        half = (len(out[k]) + 1) // 2
        out[k:k + 1] = [out[k][:half], out[k][half:]]
    return out
