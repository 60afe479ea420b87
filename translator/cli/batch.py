"""``translator batch``: a whole corpus, one model load per worker, resumable, with a manifest."""

from __future__ import annotations

import os
import sys

import click

from .options import EXIT_FLAGGED, encoding_option, library_errors, model_options, settings_from_options


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out-dir", required=True, type=click.Path(file_okay=False),
              help="Output folder: one output per document and manifest.jsonl.")
@click.option("--manifest", "manifests", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="File listing one input path per line (repeatable; also written @FILE among INPUTS).")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: processes on this machine; ray: a Ray cluster (pip install ray; in a checkout: pip install -e '.[ray]').")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Workers, each loading the model once [default: local: the cores; ray: the cluster's CPUs].")
@click.option("--ray-address", default=None,
              help="ray: 'auto' or 'ray://HOST:10001' to join a cluster [default: start Ray on this machine].")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "jsonl", "xliff", "tmx", "docx", "html"]),
              default=None, help="Output format [default: each document's own kind; text: txt].")
@click.option("--no-notes", is_flag=True, help="Do not mark flagged segments or list their flags (txt/md numbers, Word "
              "comments, HTML marks); the closing notice stays.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr.")
@encoding_option
@model_options
@library_errors
def batch(inputs: tuple[str, ...], out_dir: str, manifests: tuple[str, ...], executor: str, workers: int | None,
          ray_address: str | None, fmt: str, no_notes: bool, quiet: bool, encoding: str | None, **opts) -> None:
    """Translate every document in INPUTS (files, folders searched recursively, @manifest files) into --out-dir.

    Re-running the same command skips documents already done with the same settings and resumes the
    others from the segment cache. Exit code 1 when any document failed (see manifest.jsonl).
    """
    from ..batch import translate_corpus

    if ray_address and executor != "ray":
        raise click.UsageError("--ray-address needs --executor ray")
    finished: list = []
    try:
        report = translate_corpus(list(inputs), settings_from_options(opts), out_dir, executor=executor,
                                  workers=workers, ray_address=ray_address, fmt=fmt, notes=not no_notes,
                                  encoding=encoding, manifests=list(manifests), progress=not quiet,
                                  on_document=finished.append)
    except KeyboardInterrupt:
        from ..batch.manifest import MANIFEST_NAME
        from .options import EXIT_INTERRUPTED

        done = sum(1 for r in finished if r.ok)
        click.echo(f"interrupted: {done} document(s) finished in this run (recorded in "
                   f"{os.path.join(out_dir, MANIFEST_NAME)}); run the same command again to resume: finished "
                   "documents are skipped and finished segments come from the segment cache", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if not quiet:
        for record in report.records:
            if not record.ok:
                click.echo(f"failed: {record.error}", err=True)
        s = report.summary()
        click.echo(f"{s['documents']} documents: {s['translated']} translated, {s['skipped']} already done, "
                   f"{s['failed']} failed; {s['segments']} segments ({s['cached_segments']} cached"
                   + (f", {s['memory_segments']} from memory" if s["memory_segments"] else "") + ") in "
                   f"{s['seconds']:.1f}s with {s['workers']} {executor} worker(s) -> {report.manifest}", err=True)
    if not report.ok:
        sys.exit(EXIT_FLAGGED)
