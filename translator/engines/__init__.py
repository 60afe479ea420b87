"""Translation backends behind one base class and a registry.

Backends are imported lazily: naming one does not import torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..errors import UnknownNameError

if TYPE_CHECKING:
    from .base import Engine

ENGINES: dict[str, str] = {
    "transformers": "translator.engines.transformers_engine:TransformersEngine",
    "ctranslate2": "translator.engines.ctranslate2_engine:CTranslate2Engine",
}
BACKEND_CHOICES = ("auto", *ENGINES)


def get_engine_class(name: str) -> type[Engine]:
    """Return the engine class registered under ``name``.

    Raises:
        UnknownNameError: The name is not registered; the message lists valid names.
    """
    try:
        target = ENGINES[name]
    except KeyError:
        raise UnknownNameError(f"unknown backend {name!r}; valid backends: {', '.join(ENGINES)}") from None
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)
