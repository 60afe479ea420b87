"""Typed exceptions raised by the library.

The CLI turns every :class:`TranslatorError` into a one-line (or bulleted)
message and a non-zero exit code; nothing else should escape as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class TranslatorError(Exception):
    """Base class of every error the library raises on purpose.

    Attributes:
        exit_code: Process exit code the CLI uses for this error.
    """

    exit_code = 2


class InputError(TranslatorError):
    """Bad input: unreadable, binary, empty or malformed file or text."""


class ModelNotAvailableError(TranslatorError):
    """A model could not be loaded (offline, not cached, wrong path)."""


class UnknownNameError(TranslatorError):
    """A registry lookup failed; the message lists the valid names."""


class BackendUnavailableError(TranslatorError):
    """An optional backend library is not installed."""


class TranslationMemoryError(TranslatorError):
    """A translation memory cannot be used: missing, not a memory, damaged, read-only or closed."""


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as possible.

    Attributes:
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        message: What is wrong.
        file: File the problem is in, if any.
        line: 1-based line number, if any.
    """

    severity: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        elif self.line is not None:
            where = f"line {self.line}: "
        return f"{where}{self.severity}: {self.message}"


@dataclass
class ValidationError(TranslatorError):
    """Raised once with every problem found, as a bulleted list.

    Attributes:
        problems: All problems found (errors first is not required).
        what: Short description of what was validated.
    """

    problems: list[Problem] = field(default_factory=list)
    what: str = "input"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{self.what}: {len(errors)} error(s)"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class OutputError(TranslatorError, OSError):
    """An output cannot be written (read-only folder, a directory, an input in the way).

    It is also an :class:`OSError`, so callers catching file-system errors still catch it.
    """
