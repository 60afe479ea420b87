"""The engine base class: what every translation backend must provide.

Backends only translate lists of plain strings. Batching by a token budget
(sorted by length, original order restored) lives here, so every backend
batches the same way.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field


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
    """Abstract translation backend."""

    name: str = "abstract"

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

    def submit(self, texts: list[str], settings: DecodeSettings,
               hints: list[list[str]] | None = None) -> Callable[[], list[EngineOutput]]:
        """Start translating ``texts``; return a function that waits for and returns the outputs.

        A backend that runs batches in the background (CTranslate2) starts them
        here, so a caller can queue the next chunk of work before it collects
        this one; the default computes everything when the function is called.
        """
        return lambda: self._translate_sorted(texts, settings, hints)

    def _translate_sorted(self, texts: list[str], settings: DecodeSettings,
                          hints: list[list[str]] | None) -> list[EngineOutput]:
        lengths, batches = self._plan(texts, settings)
        return in_input_order(len(texts), (
            (batch, self._translate_batch([texts[i] for i in batch], [lengths[i] for i in batch], settings,
                                          [hints[i] for i in batch] if hints else None))
            for batch in batches))

    def _plan(self, texts: list[str], settings: DecodeSettings,
              longest_first: bool = False) -> tuple[list[int], list[list[int]]]:
        """Return the token count of each text and its batches (indices grouped by similar length)."""
        lengths = self.count_tokens(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: -lengths[i] if longest_first else lengths[i])
        return lengths, plan_batches(order, lengths, settings.batch_size, settings.token_budget)


def in_input_order(n: int, batched: Iterable[tuple[list[int], list[EngineOutput]]]) -> list[EngineOutput]:
    """Put each batch's outputs back at their texts' positions (``n`` texts in all)."""
    results: list[EngineOutput | None] = [None] * n
    for batch, outs in batched:
        for i, out in zip(batch, outs):
            results[i] = out
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
