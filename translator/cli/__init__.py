"""The ``translator`` command line: a thin layer over the library, one module per command group.

Each command makes one library call and turns :class:`~translator.errors.TranslatorError`
into a ``click`` error with the error's exit code. Exit codes: 0 ok; 1 flagged
segments with ``--strict``; 2 bad input, usage or a missing model; 130 interrupted.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from .batch import batch
from .check import evaluate, qa
from .glossary import glossary
from .models import models
from .options import EXIT_BAD_INPUT, EXIT_INTERRUPTED
from .serve import review, serve
from .tm import tm
from .translate import segment, summarize, translate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translator")
def cli() -> None:
    """Glossary-aware Chinese->English translation, checks and summaries."""


for command in (segment, translate, batch, summarize, qa, evaluate, models, glossary, tm, serve, review):
    cli.add_command(command)


def _log_to_stderr() -> None:
    """Show the library's one-line notices (``translator`` logger, INFO and up) on stderr, once."""
    import logging

    logger = logging.getLogger("translator")
    if not any(getattr(h, "_translator_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._translator_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def main(args: list[str] | None = None) -> None:
    """Console-script entry point: click errors exit 2, Ctrl-C exits 130 (click alone would say 1)."""
    _log_to_stderr()
    try:
        code = cli.main(args=args, prog_name="translator", standalone_mode=False)
        if isinstance(code, int):  # --help / --version end through click's Exit, returned here
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # `translator ... | head`: the reader left; nothing to report
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        sys.exit(1)
    except OSError as exc:  # standard output on a full disk, a device error, an unreadable file: one line
        where = exc.filename or "standard output: cannot write"  # a named file may have been read, not written
        click.echo(f"Error: {where}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


__all__ = ["cli", "main"]
