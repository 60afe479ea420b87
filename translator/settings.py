"""Plain, serialisable settings a :class:`~translator.pipeline.Pipeline` is built from.

A batch worker on another machine rebuilds an identical pipeline from
``settings.to_dict()``. Settings are validated on construction: every problem
is reported at once in one :class:`~translator.errors.ValidationError`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields

from .errors import Problem, UnknownNameError, ValidationError
from .models.store import DEFAULT_MODEL

#: Most extra attempts a segment gets (placeholder -> inject -> inject with anti-repetition decoding).
MAX_RETRIES = 2


@dataclass
class PipelineSettings:
    """Plain settings a pipeline is built from (JSON-serialisable).

    Attributes:
        model: Hub id or local directory.
        backend: ``auto``, ``transformers`` or ``ctranslate2``.
        device: ``cpu``, ``cuda`` or ``cuda:N``.
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
        memory: Translation memory file (None: none). Opened read-only: an exact match replaces the
            model's English, similar units are attached as suggestions.
        memory_threshold: Lowest similarity (0..1) of a suggestion from the memory.

    Raises:
        ValidationError: On construction, listing every invalid field.
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
    retries: int = MAX_RETRIES
    use_cache: bool = True
    cache_path: str | None = None
    min_length_ratio: float | None = None
    max_length_ratio: float = 2.0
    max_length_extra: int = 10
    quantization: str = "int8"
    use_vmap: bool = False
    target_vocab_only: bool = True
    memory: str | None = None
    memory_threshold: float = 0.75

    def __post_init__(self) -> None:
        if isinstance(self.model, os.PathLike):
            self.model = os.fspath(self.model)
        if isinstance(self.cache_path, os.PathLike):
            self.cache_path = os.fspath(self.cache_path)
        if isinstance(self.memory, os.PathLike):
            self.memory = os.fspath(self.memory)
        if isinstance(self.glossaries, tuple):
            self.glossaries = list(self.glossaries)
        if isinstance(self.glossaries, list):
            self.glossaries = [os.fspath(g) if isinstance(g, os.PathLike) else g for g in self.glossaries]
        problems = self.problems()
        if problems:
            raise ValidationError([Problem("error", p) for p in problems], what="pipeline settings")

    def problems(self) -> list[str]:
        """Return one message per invalid field (empty when the settings are valid)."""
        from .engines import BACKEND_CHOICES, engine_options
        from .models.store import check_device

        out: list[str] = []

        def need(ok: bool, name: str, what: str) -> None:
            if not ok:
                out.append(f"{name} must be {what}, got {getattr(self, name)!r}")

        def is_int(v: object) -> bool:
            return isinstance(v, int) and not isinstance(v, bool)

        def is_num(v: object) -> bool:
            return isinstance(v, (int, float)) and not isinstance(v, bool)

        need(isinstance(self.model, str) and bool(self.model.strip()), "model", "a hub id or a directory (str or path)")
        need(self.backend in BACKEND_CHOICES, "backend", "one of " + ", ".join(BACKEND_CHOICES))
        try:
            check_device(self.device)
        except UnknownNameError as exc:
            out.append(str(exc))
        need(is_int(self.beams) and self.beams >= 1, "beams", "an integer >= 1")
        need(is_int(self.batch_size) and self.batch_size >= 1, "batch_size", "an integer >= 1")
        need(is_int(self.token_budget) and self.token_budget >= 16, "token_budget", "an integer >= 16")
        need(is_int(self.max_input_tokens) and self.max_input_tokens >= 8, "max_input_tokens", "an integer >= 8")
        need(self.threads is None or (is_int(self.threads) and self.threads >= 1), "threads", "None or an integer >= 1")
        for name in ("src_lang", "tgt_lang"):
            need(getattr(self, name) is None or isinstance(getattr(self, name), str), name, "None or a language code")
        need(isinstance(self.glossaries, list) and all(isinstance(g, str) for g in self.glossaries), "glossaries",
             "a list of file paths (a single path goes in a list)")
        for name in ("use_glossary", "use_cache", "use_vmap", "target_vocab_only"):
            need(isinstance(getattr(self, name), bool), name, "True or False")
        need(is_int(self.retries) and 0 <= self.retries <= MAX_RETRIES, "retries", f"an integer from 0 to {MAX_RETRIES}")
        need(self.cache_path is None or isinstance(self.cache_path, str), "cache_path", "None or a file path")
        need(self.memory is None or (isinstance(self.memory, str) and bool(self.memory.strip())), "memory",
             "None or a file path")
        need(is_num(self.memory_threshold) and 0 < self.memory_threshold <= 1, "memory_threshold",
             "a number above 0 and at most 1")
        need(self.min_length_ratio is None or (is_num(self.min_length_ratio) and self.min_length_ratio > 0),
             "min_length_ratio", "None or a number > 0")
        need(is_num(self.max_length_ratio) and self.max_length_ratio > 0, "max_length_ratio", "a number > 0")
        need(is_int(self.max_length_extra) and self.max_length_extra >= 0, "max_length_extra", "an integer >= 0")
        for setting, (_, option) in engine_options().items():
            if option.choices:
                need(getattr(self, setting) in option.choices, setting, "one of " + ", ".join(option.choices))
        return out

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

    @classmethod
    def default(cls, name: str):
        """Return the default value of field ``name`` (what the CLI shows)."""
        for f in fields(cls):
            if f.name == name:
                return f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
        raise UnknownNameError(f"unknown setting {name!r}")


__all__ = ["MAX_RETRIES", "PipelineSettings"]
