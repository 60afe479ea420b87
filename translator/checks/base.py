"""What every check receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..glossary import Glossary


@dataclass
class CheckInput:
    """A source segment, its translation and what generation reported.

    Attributes:
        source: The source segment (Chinese).
        target: The English translation.
        glossary: Term base to check against (None: no term check).
        hit_cap: Generation stopped at its length cap.
        max_new_tokens: That cap.
        source_tokens: Source length in model tokens (0 if unknown).
        target_tokens: Target length in model tokens (0 if unknown).
        unknown_source: Source characters the model's tokenizer maps to ``<unk>`` (from
            ``engine.unknown_source_chars(source)``; empty when unknown or none).
        extra: Anything else a check may need.
    """

    source: str
    target: str
    glossary: Glossary | None = None
    hit_cap: bool = False
    max_new_tokens: int = 0
    source_tokens: int = 0
    target_tokens: int = 0
    unknown_source: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)
