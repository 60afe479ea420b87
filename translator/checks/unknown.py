"""Source characters the model cannot read: its tokenizer maps them to ``<unk>``.

The real opus-mt-zh-en tokenizer does this for rare characters, often in personal names (赟, 龑,
䶮); whatever the model writes for them is a guess. The engine reports them
(``Engine.unknown_source_chars``) and the pipeline passes them in ``CheckInput.unknown_source``.
"""

from __future__ import annotations

from ..results import Flag
from .base import CheckInput


def check_unknown_source(item: CheckInput) -> list[Flag]:
    """Flag the source characters the model's tokenizer cannot encode, naming them."""
    chars = list(dict.fromkeys(c for c in item.unknown_source if c.strip()))
    if not chars:
        return []
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in chars)
    return [Flag("unknown_source", f"the model cannot read {len(chars)} source character(s), its tokenizer maps them to "
                 f"<unk>: {shown}; check how the English renders them",
                 {"characters": chars}, severity="error")]
