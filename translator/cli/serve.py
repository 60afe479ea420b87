"""``translator serve``: the LibreTranslate-compatible server (a thin front over :mod:`translator.server`)."""

from __future__ import annotations

import click

from .options import library_errors, model_options, settings_from_options


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; 127.0.0.1 serves this machine only (0.0.0.0 opens it to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, help="Port (0: any free port).")
@click.option("--api-keys", "api_keys_file", type=click.Path(dir_okay=False), default=None,
              help="File of accepted API keys, one per line; without it any key (or none) is accepted.")
@click.option("--req-limit", type=click.IntRange(1), default=None, help="Most requests per minute per key or address.")
@click.option("--char-limit", type=click.IntRange(1), default=100_000, show_default=True, help="Most characters per text.")
@click.option("--batch-limit", type=click.IntRange(1), default=1000, show_default=True, help="Most texts per request.")
@click.option("--file-limit", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True,
              help="Most bytes per uploaded document.")
@click.option("--queue-limit", type=click.IntRange(1), default=20_000, show_default=True,
              help="Most texts waiting for the engine; past it requests get 429 at once.")
@click.option("--file-ttl", type=click.FloatRange(1), default=1800.0, show_default=True,
              help="Seconds uploaded documents and their translations are kept.")
@click.option("--echo-unsupported", is_flag=True,
              help="Answer a language pair other than zh->en with the text unchanged (200, marked with the header "
              "X-Translator-Untranslated) instead of a 400: lets Weblate's settings check (\"test\", en->de) pass.")
@model_options
@library_errors
def serve(host: str, port: int, api_keys_file: str | None, req_limit: int | None, char_limit: int, batch_limit: int,
          file_limit: int, queue_limit: int, file_ttl: float, echo_unsupported: bool,
          **opts) -> None:
    """Serve LibreTranslate's API (and /v1) for Weblate, Mastodon, OmegaT and scripts, until Ctrl-C or SIGTERM."""
    from ..server import ServerConfig, read_api_keys, serve as run

    settings = settings_from_options(opts)
    config = ServerConfig(char_limit=char_limit, batch_limit=batch_limit, file_limit=file_limit, queue_limit=queue_limit,
                          file_ttl=file_ttl, req_limit=req_limit, echo_unsupported=echo_unsupported,
                          api_keys=read_api_keys(api_keys_file) if api_keys_file else None)
    try:
        run(settings, config, host, port, announce=lambda line: click.echo(line, err=True))
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc
