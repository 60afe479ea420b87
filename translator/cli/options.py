"""What every command group shares: error handling, output, and the option decorators.

Defaults shown by the CLI are read from :class:`~translator.settings.PipelineSettings`
fields and from the options each engine declares, never typed out here.
"""

from __future__ import annotations

import functools

import click

from ..errors import TranslatorError

EXIT_FLAGGED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class CliError(click.ClickException):
    """A library error shown without a traceback (exit code from the error, 2 by default)."""

    exit_code = EXIT_BAD_INPUT


def library_errors(fn):
    """Turn :class:`TranslatorError` raised by ``fn`` into :class:`CliError` with the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TranslatorError as exc:
            error = CliError(str(exc))
            error.exit_code = exc.exit_code
            raise error from exc

    return wrapper


def emit(output: str, text) -> None:
    """Write ``text`` (a string or an iterable of chunks) to stdout when ``output`` is ``-``, else atomically."""
    from ..textio import write_atomic

    if output == "-":
        for chunk in ([text] if isinstance(text, str) else text):
            click.echo(chunk, nl=False)
    else:
        write_atomic(output, text)


def _default(name: str):
    from ..settings import PipelineSettings

    return PipelineSettings.default(name)


def engine_option_decorators() -> list:
    """Return one click option per option an engine declares (beyond the common ones handled here)."""
    from ..engines import engine_options

    flags = {"quantization": ("--quantization", "--compute-type"), "use_vmap": ("--vmap",)}
    decorators = []
    for setting, (backend, option) in engine_options().items():
        if setting not in flags:
            continue
        help_text = f"{option.help} ({backend} backend)"
        if isinstance(option.default, bool):
            decorators.append(click.option(*flags[setting], setting, is_flag=True, default=option.default, help=help_text))
        else:
            decorators.append(click.option(*flags[setting], setting, type=click.Choice(option.choices) if option.choices
                                           else str, default=option.default, show_default=True, help=help_text))
    return decorators


def model_options(fn):
    """Options shared by every command that translates (mapped to settings by :func:`settings_from_options`)."""
    from ..engines import BACKEND_CHOICES
    from ..settings import MAX_RETRIES

    decorators = [
        click.option("--model", "-m", default=_default("model"), show_default=True, help="HF model id or local model directory."),
        click.option("--backend", type=click.Choice(BACKEND_CHOICES), default=_default("backend"), show_default=True,
                     help="Translation backend; auto picks ctranslate2 when a converted model is present."),
        click.option("--beams", type=click.IntRange(1, 32), default=_default("beams"), show_default=True, help="Beam size."),
        click.option("--batch-size", type=click.IntRange(1, 1024), default=_default("batch_size"), show_default=True,
                     help="Most segments per batch."),
        click.option("--token-budget", type=click.IntRange(16), default=_default("token_budget"), show_default=True,
                     help="Most padded tokens per batch."),
        click.option("--max-input-tokens", type=click.IntRange(8), default=_default("max_input_tokens"), show_default=True,
                     help="Split longer segments at clause boundaries (then token windows, flagged)."),
        click.option("--device", default=_default("device"), show_default=True, help="cpu, cuda or cuda:N."),
        click.option("--threads", type=click.IntRange(1), default=_default("threads"), help="CPU threads [default: backend's]."),
        click.option("--src-lang", default=None, help="Source language code for NLLB/M2M100 (e.g. zho_Hans)."),
        click.option("--tgt-lang", default=None, help="Target language code for NLLB/M2M100 (e.g. eng_Latn)."),
        click.option("--glossary", "-g", "glossaries", multiple=True, type=click.Path(dir_okay=False),
                     help="Term base file (repeatable) [default: the packaged glossary/zh-en.tsv]."),
        click.option("--no-glossary", is_flag=True, help="Translate without term protection or term checks."),
        click.option("--retries", type=click.IntRange(0, MAX_RETRIES), default=_default("retries"), show_default=True,
                     help="Extra attempts for segments with missing terms or degenerate output."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the segment cache."),
        *engine_option_decorators(),
        click.option("--full-output-vocab", is_flag=True,
                     help="Let Marian models output any id of the joint vocabulary, not only target-side pieces."),
        click.option("--cache-path", type=click.Path(dir_okay=False), default=None, help="Segment cache file."),
        click.option("--tm", "memory", type=click.Path(dir_okay=False), default=None,
                     help="Translation memory (read-only): an approved unit of the same sentence replaces the model, "
                     "similar ones are attached as suggestions."),
        click.option("--tm-threshold", "memory_threshold", type=click.FloatRange(0, 1, min_open=True),
                     default=_default("memory_threshold"), show_default=True,
                     help="Lowest similarity of a translation memory suggestion."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def settings_from_options(opts: dict):
    """Pop the shared options from ``opts`` and return the :class:`~translator.settings.PipelineSettings` they make."""
    from ..engines import engine_options
    from ..settings import PipelineSettings

    values = dict(
        model=opts.pop("model"), backend=opts.pop("backend"), beams=opts.pop("beams"),
        batch_size=opts.pop("batch_size"), token_budget=opts.pop("token_budget"),
        max_input_tokens=opts.pop("max_input_tokens"), device=opts.pop("device"), threads=opts.pop("threads"),
        src_lang=opts.pop("src_lang"), tgt_lang=opts.pop("tgt_lang"), glossaries=list(opts.pop("glossaries")),
        use_glossary=not opts.pop("no_glossary"), retries=opts.pop("retries"), use_cache=not opts.pop("no_cache"),
        cache_path=opts.pop("cache_path"), target_vocab_only=not opts.pop("full_output_vocab"),
        memory=opts.pop("memory"), memory_threshold=opts.pop("memory_threshold"),
    )
    for setting in engine_options():
        if setting in opts:
            values[setting] = opts.pop(setting)
    return PipelineSettings(**values)


def encoding_option(fn):
    """The shared ``--encoding`` option."""
    return click.option("--encoding", default=None, help="Input encoding [default: detected].")(fn)


def glossary_options(fn):
    """``--glossary`` (repeatable) and ``--no-glossary`` for checking commands."""
    fn = click.option("--no-glossary", is_flag=True, help="Skip the term checks.")(fn)
    return click.option("--glossary", "-g", "glossaries", multiple=True, type=click.Path(dir_okay=False),
                        help="Term base file (repeatable) [default: the packaged glossary/zh-en.tsv].")(fn)


def glossary_file_option(fn):
    """The term base to read or edit: ``-g/--glossary`` as everywhere (``-f/--file`` kept as an alias)."""
    return click.option("--glossary", "-g", "--file", "-f", "path", type=click.Path(dir_okay=False), default=None,
                        help="Term base file [default: your glossary (see `translator glossary --help`) over the "
                        "shipped glossary/zh-en.tsv; edits go to yours].")(fn)
