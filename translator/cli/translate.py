"""``translator segment``, ``translate`` and ``summarize``: documents in, English out."""

from __future__ import annotations

import json
import sys

import click

from .options import EXIT_FLAGGED, EXIT_INTERRUPTED, emit, encoding_option, library_errors, model_options, settings_from_options


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print the document model as JSON.")
@encoding_option
@library_errors
def segment(file: str, as_json: bool, encoding: str | None) -> None:
    """Show how FILE (text, .docx, .html, .md or .pdf) is split into blocks and sentence segments."""
    from ..documents import read_source

    doc, used = read_source(file, encoding)
    if as_json:
        click.echo(json.dumps(doc.to_dict() | {"encoding": used}, ensure_ascii=False, indent=2))
        return
    for block in doc.blocks:
        for i in block.segment_indices:
            seg = doc.segments[i]
            click.echo(f"{seg.id}\t{block.kind}\tL{seg.line}\t{seg.text}")
    click.echo(f"{len(doc.blocks)} blocks, {len(doc.segments)} segments ({used or 'document'})", err=True)


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", default=None, type=click.Path(allow_dash=True), help="Output file for one input ('-' = stdout).")
@click.option("--out-dir", default=None, type=click.Path(file_okay=False), help="Write one output per input here.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "jsonl", "xliff", "tmx", "docx", "html"]),
              default=None, help="Output format (jsonl, xliff and tmx are bilingual review formats) [default: the one -o's "
              "extension names (.json, .xlf ...); else txt for text and the input's own kind for .docx, .html, .md "
              "and .pdf: report.docx -> report.en.docx, a PDF -> .docx].")
@click.option("--bilingual", is_flag=True,
              help="Write a bilingual review document (.docx, or .html with --format html): each source paragraph "
              "beside its English, flagged segments highlighted with the flags as comments.")
@click.option("--strict", is_flag=True, help="Exit 1 when any segment has an error-severity flag (warnings pass).")
@click.option("--force", is_flag=True, help="Replace existing output files (an input is never replaced).")
@click.option("--no-notes", is_flag=True,
              help="Do not mark flagged segments or list their flags (txt/md numbers, Word comments, HTML marks); "
              "the closing 'Machine translation, check before use' notice stays.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr.")
@click.option("--summary", "summary_sentences", type=click.IntRange(1), default=None,
              help="Add an English summary of N sentences to each document.")
@encoding_option
@model_options
@library_errors
def translate(inputs: tuple[str, ...], output: str | None, out_dir: str | None, fmt: str | None, bilingual: bool,
              strict: bool, force: bool, no_notes: bool, quiet: bool, summary_sentences: int | None, encoding: str | None,
              **opts) -> None:
    """Translate INPUT files ('-' for stdin) into English: text, .docx, .html, .md or .pdf."""
    from ..documents import translate_files
    from ..pipeline import Pipeline
    from ..progress import progress_reporter

    def announce(plan) -> None:
        for folder in plan.creates_dirs:
            click.echo(f"creating {folder}", err=True)
        for path in plan.replaces:
            click.echo(f"replacing {path}", err=True)

    pipeline = Pipeline(settings_from_options(opts))
    total = [0]
    with progress_reporter(enabled=not quiet) as bar:
        def advance(n: float, of: int) -> None:
            total[0] = of
            bar(n, of)

        try:
            written = translate_files(pipeline, list(inputs), output, out_dir, fmt, bilingual, force, encoding, advance,
                                      summary_sentences, not no_notes, lambda text: click.echo(text, nl=False), announce)
        except KeyboardInterrupt:
            _interrupted(pipeline.settings.use_cache, pipeline.saved_segments, total[0])
    if not quiet:
        for file in written:
            _report(file.result, str(file.output or "-"), "" if file.layout_kept else
                    " (text only: the PDF's layout is not kept)")
    if strict and any(file.result.has_errors for file in written):
        sys.exit(EXIT_FLAGGED)


def _interrupted(cache_on: bool, done: int, total: int) -> None:
    """Say what is true after Ctrl-C (how many segments are saved) and exit 130."""
    if not cache_on:
        saved = "nothing was saved (the segment cache is off)"
    elif done:
        saved = f"{done} of {total} segments are finished and in the segment cache; run the same command again to resume"
    else:
        saved = "no segment was finished yet"
    click.echo(f"interrupted: {saved}", err=True)
    sys.exit(EXIT_INTERRUPTED)


def _report(doc, target: str, note: str = "") -> None:
    counts = ", ".join(f"{k} {v}" for k, v in sorted(doc.flag_counts().items())) or "none"
    adherence = doc.term_adherence()
    terms = f"; term adherence {adherence:.1f}%" if adherence is not None else ""
    cached = sum(s.cached for s in doc.segments)
    origins = doc.origin_counts()
    memory = "".join(f", {origins[k]} {k}" for k in ("memory", "memory-fuzzy-edited") if k in origins)
    suggested = sum(1 for s in doc.segments if s.matches and not s.origin.startswith("memory"))
    memory += f", {suggested} with memory suggestions" if suggested else ""
    copied = f", {doc.copied} copied (no Chinese)" if doc.copied else ""
    click.echo(f"{doc.name}: {len(doc.segments)} segments ({cached} cached{memory}{copied}), {doc.flagged} flagged "
               f"[{counts}]{terms} -> {target if target != '-' else 'stdout'}{note}", err=True)


@click.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option("--sentences", type=click.IntRange(1), default=None, help="Number of summary sentences [default: 8].")
@click.option("--ratio", type=click.FloatRange(0, 1, min_open=True), default=None, help="Or a share of the sentences.")
@click.option("--per-section", is_flag=True, help="The key sentence of each numbered section, plus the lead.")
@click.option("--abstractive-model", default=None, help="HF summarisation model (e.g. a DistilBART checkpoint) run on the English.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json"]), default=None,
              help="Output format [default: the one -o's extension names (.txt, .md, .json), else md].")
@click.option("-o", "--output", default="-", type=click.Path(allow_dash=True), help="Output file [default: stdout].")
@encoding_option
@model_options
@library_errors
def summarize(input_file: str, sentences: int | None, ratio: float | None, per_section: bool, abstractive_model: str | None,
              fmt: str | None, output: str, encoding: str | None, **opts) -> None:
    """Summarise INPUT in English; each sentence names its source segment."""
    from ..formats import render_summary
    from ..outputs import check_output
    from ..pipeline import Pipeline

    if sentences and ratio:
        raise click.UsageError("use either --sentences or --ratio")
    check_output(output, input_file)
    if fmt is None:
        from ..documents import format_of_output

        named = format_of_output(output)
        fmt = named if named in ("txt", "md", "json") else "md"
    pipeline = Pipeline(settings_from_options(opts))
    summary = pipeline.summarize(input_file, sentences, ratio, per_section, abstractive_model, encoding)
    emit(output, render_summary(summary, fmt, str(pipeline.signature())))
