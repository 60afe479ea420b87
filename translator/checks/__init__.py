"""Stage 4 (checks): model-independent checks of a translated segment.

One module per check, a registry dict, and :func:`run_checks` to apply them.
Each check takes a :class:`CheckInput` and returns a list of
:class:`~translator.results.Flag` (empty when all is well), each with a severity:
``error`` (the translation is wrong: empty, degenerate, copied, Chinese left, a changed
number, unit or term, numbers swapped, unreadable source characters) or ``warning`` (worth a
look, may be legitimate: a dropped date or small count, an unusual length ratio).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UnknownNameError
from ..results import Flag
from .base import CheckInput
from .degenerate import check_degenerate
from .numbers import check_numbers
from .output import check_copied, check_empty, check_untranslated
from .placeholders import check_placeholders
from .swapped import check_swapped
from .units import check_units
from .unknown import check_unknown_source
from .summary import SUMMARY_CHECK_SETS, check_summary_sentence, check_term_altered, check_unsupported_numbers
from .terms import check_terms

CHECKS: dict[str, Callable[[CheckInput], list[Flag]]] = {
    "empty": check_empty,
    "untranslated": check_untranslated,
    "copied": check_copied,
    "degenerate": check_degenerate,
    "number": check_numbers,
    "term": check_terms,
    "placeholder": check_placeholders,
    "swapped": check_swapped,
    "unit": check_units,
    "unknown_source": check_unknown_source,
}

#: Checks for English that paraphrases its source (abstractive summaries); run by name only.
PARAPHRASE_CHECKS: dict[str, Callable[[CheckInput], list[Flag]]] = {
    "unsupported_number": check_unsupported_numbers,
    "term_altered": check_term_altered,
}

#: Checks whose flags make the pipeline retry a segment with other settings.
RETRY_CHECKS = ("empty", "degenerate", "term_missing", "placeholder_missing", "untranslated")


def run_checks(item: CheckInput, names: list[str] | None = None) -> list[Flag]:
    """Run the named checks (every segment check by default) and return their flags.

    Raises:
        UnknownNameError: A name is not registered; the message lists valid ones.
    """
    flags: list[Flag] = []
    for name in names or list(CHECKS):
        try:
            check = CHECKS[name] if name in CHECKS else PARAPHRASE_CHECKS[name]
        except KeyError:
            valid = ", ".join([*CHECKS, *PARAPHRASE_CHECKS])
            raise UnknownNameError(f"unknown check {name!r}; valid checks: {valid}") from None
        flags.extend(check(item))
    return flags


__all__ = ["CHECKS", "PARAPHRASE_CHECKS", "RETRY_CHECKS", "SUMMARY_CHECK_SETS", "CheckInput", "check_summary_sentence",
           "run_checks"]
