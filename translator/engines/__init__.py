"""Stage 3 (engines): translation backends behind one base class and a registry.

Each backend declares the settings it understands (``Engine.OPTIONS``); the
registry resolves ``auto``, validates a backend's options and builds it.
Backend modules import torch / ctranslate2 only when an engine is built.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..errors import UnknownNameError

if TYPE_CHECKING:
    from .base import Engine, EngineOption

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


def resolve_backend(name: str, model: str) -> str:
    """Return the backend to use: ``name``, or for ``auto`` the first registered backend that serves ``model``
    (CTranslate2 when a converted copy exists and ctranslate2 is installed), else ``transformers``."""
    if name != "auto":
        get_engine_class(name)
        return name
    for candidate in ENGINES:
        if candidate != "transformers" and get_engine_class(candidate).serves(model):
            return candidate
    return "transformers"


def engine_options() -> dict[str, tuple[str, EngineOption]]:
    """Return every engine option by settings field: ``{setting: (first backend declaring it, option)}``."""
    found: dict[str, tuple[str, EngineOption]] = {}
    for name in ENGINES:
        for option in get_engine_class(name).OPTIONS:
            found.setdefault(option.setting, (name, option))
    return found


def option_problems(backend: str, values: dict) -> list[str]:
    """Return one message per option set away from its default that ``backend`` does not understand."""
    own = {o.setting for o in get_engine_class(backend).OPTIONS}
    problems = []
    for setting, (owner, option) in engine_options().items():
        if setting not in own and values.get(setting, option.default) != option.default:
            problems.append(f"{setting}={values[setting]!r} needs the {owner} backend (this run uses {backend})")
    return problems


def build_engine(backend: str, model: str, values: dict) -> Engine:
    """Build ``backend`` for ``model`` with its declared options taken from ``values`` (settings fields).

    Raises:
        UnknownNameError: Unknown backend.
        TranslatorError: An option set that this backend does not understand.
    """
    from ..errors import TranslatorError

    problems = option_problems(backend, values)
    if problems:
        raise TranslatorError("; ".join(problems))
    cls = get_engine_class(backend)
    return cls(model, **{o.argument: values.get(o.setting, o.default) for o in cls.OPTIONS})


__all__ = ["BACKEND_CHOICES", "ENGINES", "build_engine", "engine_options", "get_engine_class", "option_problems",
           "resolve_backend"]
