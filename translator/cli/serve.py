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
@click.option("--state-dir", type=click.Path(file_okay=False), default=None,
              help="Folder of the review page's state (documents, edits, confirmations) "
              "[default: the user data folder's translator/review; env TRANSLATOR_STATE_DIR].")
@model_options
@library_errors
def serve(host: str, port: int, api_keys_file: str | None, req_limit: int | None, char_limit: int, batch_limit: int,
          file_limit: int, queue_limit: int, file_ttl: float, echo_unsupported: bool, state_dir: str | None,
          **opts) -> None:
    """Serve LibreTranslate's API (and /v1) for Weblate, Mastodon, OmegaT and scripts, until Ctrl-C or SIGTERM."""
    from ..server import ServerConfig, read_api_keys, serve as run

    settings = settings_from_options(opts)
    config = ServerConfig(char_limit=char_limit, batch_limit=batch_limit, file_limit=file_limit, queue_limit=queue_limit,
                          file_ttl=file_ttl, req_limit=req_limit, echo_unsupported=echo_unsupported,
                          api_keys=read_api_keys(api_keys_file) if api_keys_file else None, state_dir=state_dir)
    try:
        run(settings, config, host, port, announce=lambda line: click.echo(line, err=True))
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (this machine only by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port (0: any free port).")
@click.option("--state-dir", type=click.Path(file_okay=False), default=None,
              help="Folder of the review state [default: the user data folder's translator/review].")
@click.option("--no-browser", is_flag=True, help="Print the page's URL but do not open a browser.")
@model_options
@library_errors
def review(file: str, host: str, port: int, state_dir: str | None, no_browser: bool, **opts) -> None:
    """Translate FILE and open its review page in the browser (a server on a free port, until Ctrl-C)."""
    from ..server import ServerConfig, serve as run

    import re

    settings = settings_from_options(opts)
    config = ServerConfig(state_dir=state_dir)

    def started(line: str) -> None:
        click.echo(line, err=True)
        found = re.search(r"(http://\S+/)", line)
        if found:  # upload from a thread: the server answers it once this start-up step returns
            import threading

            threading.Thread(target=open_for_review, args=(found.group(1), file, not no_browser), daemon=True).start()

    try:
        run(settings, config, host, port, announce=started)
    except OSError as exc:
        raise click.ClickException(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from exc


def open_for_review(url: str, file: str, browser: bool = True) -> str | None:
    """Upload ``file`` to the server at ``url``, print its review page's URL and open it; return that URL."""
    import json
    import urllib.error
    import urllib.request
    import uuid
    from pathlib import Path

    try:
        boundary = uuid.uuid4().hex
        name = Path(file).name.replace('"', "_").replace("\r", "_").replace("\n", "_")
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode("utf-8") + Path(file).read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(url + "v1/review", data=body, method="POST", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(request, timeout=300) as answer:
            page = f"{url}review/{json.loads(answer.read())['id']}"
    except urllib.error.HTTPError as exc:
        click.echo(f"{file}: the server refused it: {exc.read().decode('utf-8', 'replace')}", err=True)
        return None
    except (OSError, ValueError, KeyError) as exc:
        click.echo(f"{file}: cannot upload it to {url}: {exc}", err=True)
        return None
    click.echo(page)
    if browser:
        import webbrowser

        webbrowser.open(page)
    return page
