"""Stage 4: model-independent checks of a translated segment.

One module per check, a registry dict, and :func:`run_checks` to apply them.
Each check takes a :class:`CheckInput` and returns a list of
:class:`~translator.results.Flag` (empty when all is well).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UnknownNameError
from ..results import Flag
from .base import CheckInput
from .degenerate import check_degenerate
from .numbers import check_numbers
from .output import check_copied, check_empty, check_untranslated
from .terms import check_terms

CHECKS: dict[str, Callable[[CheckInput], list[Flag]]] = {
    "empty": check_empty,
    "untranslated": check_untranslated,
    "copied": check_copied,
    "degenerate": check_degenerate,
    "number": check_numbers,
    "term": check_terms,
}

#: Checks whose flags make the pipeline retry a segment with other settings.
RETRY_CHECKS = ("empty", "degenerate", "term_missing", "untranslated")


def run_checks(item: CheckInput, names: list[str] | None = None) -> list[Flag]:
    """Run the named checks (all by default) and return their flags.

    Raises:
        UnknownNameError: A name is not registered; the message lists valid ones.
    """
    flags: list[Flag] = []
    for name in names or list(CHECKS):
        try:
            check = CHECKS[name]
        except KeyError:
            raise UnknownNameError(f"unknown check {name!r}; valid checks: {', '.join(CHECKS)}") from None
        flags.extend(check(item))
    return flags


__all__ = ["CHECKS", "RETRY_CHECKS", "CheckInput", "run_checks"]
