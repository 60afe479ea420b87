"""The ``translator`` command line: a thin layer over the library.

Each command makes one library call and turns :class:`TranslatorError` into
a ``click`` error with exit code 2. Exit codes: 0 ok; 1 flagged segments with
``--strict``; 2 bad input, usage or a missing model; 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import TranslatorError

EXIT_FLAGGED = 1
EXIT_BAD_INPUT = 2


class CliError(click.ClickException):
    """A library error shown without a traceback."""

    exit_code = EXIT_BAD_INPUT


def library_errors(fn):
    """Turn :class:`TranslatorError` raised by ``fn`` into :class:`CliError`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TranslatorError as exc:
            raise CliError(str(exc)) from exc

    return wrapper


def model_options(fn):
    """Options shared by every command that translates."""
    from ..engines import BACKEND_CHOICES

    decorators = [
        click.option("--model", "-m", default=None, help="HF model id or local model directory [default: Helsinki-NLP/opus-mt-zh-en]."),
        click.option("--backend", type=click.Choice(BACKEND_CHOICES), default="auto", show_default=True,
                     help="Translation backend; auto picks ctranslate2 when a converted model is present."),
        click.option("--beams", type=click.IntRange(1, 32), default=4, show_default=True, help="Beam size."),
        click.option("--batch-size", type=click.IntRange(1, 1024), default=16, show_default=True, help="Most segments per batch."),
        click.option("--token-budget", type=click.IntRange(16), default=4096, show_default=True, help="Most padded tokens per batch."),
        click.option("--max-input-tokens", type=click.IntRange(8), default=200, show_default=True,
                     help="Split longer segments at clause boundaries (then token windows, flagged)."),
        click.option("--device", default="cpu", show_default=True, help="cpu, cuda or cuda:N."),
        click.option("--threads", type=click.IntRange(1), default=None, help="CPU threads [default: backend's]."),
        click.option("--src-lang", default=None, help="Source language code for NLLB/M2M100 (e.g. zho_Hans)."),
        click.option("--tgt-lang", default=None, help="Target language code for NLLB/M2M100 (e.g. eng_Latn)."),
        click.option("--glossary", "-g", "glossaries", multiple=True, type=click.Path(dir_okay=False),
                     help="Term base TSV (repeatable) [default: glossary/zh-en.tsv]."),
        click.option("--no-glossary", is_flag=True, help="Translate without term protection or term checks."),
        click.option("--retries", type=click.IntRange(0, 2), default=2, show_default=True,
                     help="Extra attempts for segments with missing terms or degenerate output."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the segment cache."),
        click.option("--compute-type", type=click.Choice(["int8", "int8_float32", "int16", "float32"]), default="int8",
                     show_default=True, help="CTranslate2 compute type."),
        click.option("--vmap", is_flag=True, help="CTranslate2: restrict the output vocabulary with the model's vmap.txt."),
        click.option("--full-output-vocab", is_flag=True,
                     help="Let Marian models output any id of the joint vocabulary, not only target-side pieces."),
        click.option("--cache-path", type=click.Path(dir_okay=False), default=None, help="Segment cache file."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def settings_from_options(opts: dict) -> dict:
    """Map shared CLI options to :class:`PipelineSettings` fields."""
    from ..models.store import DEFAULT_MODEL

    return dict(
        model=opts.pop("model") or DEFAULT_MODEL, backend=opts.pop("backend"), beams=opts.pop("beams"),
        batch_size=opts.pop("batch_size"), token_budget=opts.pop("token_budget"),
        max_input_tokens=opts.pop("max_input_tokens"), device=opts.pop("device"), threads=opts.pop("threads"),
        src_lang=opts.pop("src_lang"), tgt_lang=opts.pop("tgt_lang"), glossaries=list(opts.pop("glossaries")),
        use_glossary=not opts.pop("no_glossary"), retries=opts.pop("retries"), use_cache=not opts.pop("no_cache"),
        cache_path=opts.pop("cache_path"), quantization=opts.pop("compute_type"), use_vmap=opts.pop("vmap"),
        target_vocab_only=not opts.pop("full_output_vocab"),
    )


def _emit(output: str, text) -> None:
    """Write ``text`` (a string or an iterable of chunks) to stdout when ``output`` is ``-``, else atomically."""
    from ..textio import write_atomic

    if output == "-":
        for chunk in ([text] if isinstance(text, str) else text):
            click.echo(chunk, nl=False)
    else:
        write_atomic(output, text)


def encoding_option(fn):
    """The shared ``--encoding`` option."""
    return click.option("--encoding", default=None, help="Input encoding [default: detected].")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translator")
def cli() -> None:
    """Glossary-aware Chinese->English translation, checks and summaries."""


# ----------------------------------------------------------------- segment
@cli.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print the document model as JSON.")
@encoding_option
@library_errors
def segment(file: str, as_json: bool, encoding: str | None) -> None:
    """Show how FILE is split into blocks and sentence segments."""
    from ..segmentation.segmenter import segment_text
    from ..textio import read_text

    decoded = read_text(file, encoding)
    doc = segment_text(decoded.text, decoded.name)
    if as_json:
        click.echo(json.dumps(doc.to_dict() | {"encoding": decoded.encoding}, ensure_ascii=False, indent=2))
        return
    for block in doc.blocks:
        for i in block.segment_indices:
            seg = doc.segments[i]
            click.echo(f"{seg.id}\t{block.kind}\tL{seg.line}\t{seg.text}")
    click.echo(f"{len(doc.blocks)} blocks, {len(doc.segments)} segments ({decoded.encoding})", err=True)


# --------------------------------------------------------------- translate
def _output_paths(inputs: list[str], out_dir: str, fmt: str) -> list[Path]:
    used: set[str] = set()
    paths = []
    for src in inputs:
        stem = "stdin" if src == "-" else Path(src).name.rsplit(".", 1)[0].removesuffix(".zh")
        name = f"{stem}.en.{fmt}"
        n = 2
        while name in used:
            name = f"{stem}-{n}.en.{fmt}"
            n += 1
        used.add(name)
        paths.append(Path(out_dir) / name)
    return paths


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", default=None, type=click.Path(allow_dash=True), help="Output file for one input ('-' = stdout).")
@click.option("--out-dir", default=None, type=click.Path(file_okay=False), help="Write one output per input here.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json", "jsonl", "xliff", "tmx"]), default="txt",
              show_default=True, help="Output format (jsonl, xliff and tmx are bilingual review formats).")
@click.option("--strict", is_flag=True, help="Exit 1 when any segment is flagged.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr.")
@click.option("--summary", "summary_sentences", type=click.IntRange(1), default=None,
              help="Add an English summary of N sentences to each document.")
@encoding_option
@model_options
@library_errors
def translate(inputs: tuple[str, ...], output: str | None, out_dir: str | None, fmt: str, strict: bool,
              quiet: bool, summary_sentences: int | None, encoding: str | None, **opts) -> None:
    """Translate INPUT files ('-' for stdin) into English."""
    from ..pipeline import Pipeline, PipelineSettings
    from ..progress import progress_reporter
    from ..formats.text import render_chunks

    if output and out_dir:
        raise click.UsageError("use either -o/--output or --out-dir, not both")
    if len(inputs) > 1 and not out_dir:
        raise click.UsageError("several inputs need --out-dir DIR (one output per input)")
    pipeline = Pipeline(PipelineSettings(**settings_from_options(opts)))
    with progress_reporter(enabled=not quiet) as advance:
        results = pipeline.translate_batch(list(inputs), encoding=encoding, progress=advance)
    targets = _output_paths(list(inputs), out_dir, fmt) if out_dir else [output or "-"]
    if summary_sentences:
        for doc in results:
            doc.summary = pipeline.summarize(doc, sentences=summary_sentences)
    for doc, target in zip(results, targets):
        _emit(str(target), render_chunks(doc, fmt))
        if not quiet:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(doc.flag_counts().items())) or "none"
            adherence = doc.term_adherence()
            terms = f"; term adherence {adherence:.0%}" if adherence is not None else ""
            cached = sum(s.cached for s in doc.segments)
            click.echo(f"{doc.name}: {len(doc.segments)} segments ({cached} cached), {doc.flagged} flagged "
                       f"[{counts}]{terms} -> {target if str(target) != '-' else 'stdout'}", err=True)
    if strict and any(doc.flagged for doc in results):
        sys.exit(EXIT_FLAGGED)


# --------------------------------------------------------------- summarize
@cli.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(allow_dash=True))
@click.option("--sentences", type=click.IntRange(1), default=None, help="Number of summary sentences [default: 8].")
@click.option("--ratio", type=click.FloatRange(0, 1, min_open=True), default=None, help="Or a share of the sentences.")
@click.option("--per-section", is_flag=True, help="The key sentence of each numbered section, plus the lead.")
@click.option("--abstractive-model", default=None, help="HF summarisation model (e.g. a DistilBART checkpoint) run on the English.")
@click.option("--format", "fmt", type=click.Choice(["txt", "md", "json"]), default="md", show_default=True, help="Output format.")
@click.option("-o", "--output", default="-", type=click.Path(allow_dash=True), help="Output file [default: stdout].")
@encoding_option
@model_options
@library_errors
def summarize(input_file: str, sentences: int | None, ratio: float | None, per_section: bool, abstractive_model: str | None,
              fmt: str, output: str, encoding: str | None, **opts) -> None:
    """Summarise INPUT in English; each sentence names its source segment."""
    from ..pipeline import Pipeline, PipelineSettings
    from ..formats.text import render_summary

    if sentences and ratio:
        raise click.UsageError("use either --sentences or --ratio")
    pipeline = Pipeline(PipelineSettings(**settings_from_options(opts)))
    summary = pipeline.summarize(input_file, sentences, ratio, per_section, abstractive_model, encoding)
    _emit(output, render_summary(summary, fmt, str(pipeline.signature())))


# ------------------------------------------------------------ qa, evaluate
def _load_glossary_option(glossaries: tuple[str, ...], no_glossary: bool):
    from ..glossary import default_glossary_path, load_glossary

    if no_glossary:
        return None
    paths = list(glossaries) or ([str(default_glossary_path())] if default_glossary_path() else [])
    return load_glossary(paths) if paths else None


def glossary_options(fn):
    """``--glossary`` (repeatable) and ``--no-glossary`` for checking commands."""
    fn = click.option("--no-glossary", is_flag=True, help="Skip the term checks.")(fn)
    return click.option("--glossary", "-g", "glossaries", multiple=True, type=click.Path(dir_okay=False),
                        help="Term base TSV (repeatable) [default: glossary/zh-en.tsv].")(fn)


@cli.command()
@click.option("--src", required=True, type=click.Path(allow_dash=True), help="Source lines (one segment per line).")
@click.option("--hyp", required=True, type=click.Path(allow_dash=True), help="Translations, line-aligned with --src.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@glossary_options
@library_errors
def qa(src: str, hyp: str, as_json: bool, glossaries: tuple[str, ...], no_glossary: bool) -> None:
    """Check translations (numbers, terms, untranslated, degenerate); exit 0 even with issues."""
    from ..evaluation.qa import qa_files

    report = qa_files(src, hyp, _load_glossary_option(glossaries, no_glossary))
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    for rep in report.lines:
        for f in rep.issues:
            click.echo(f"line {rep.line}\t{f.check}\t{f.message}")
    summary = report.summary
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_check"].items())) or "no issues"
    click.echo(f"{summary['flagged_lines']} of {summary['lines']} lines flagged: {counts}", err=True)


@cli.command()
@click.option("--hyp", default=None, type=click.Path(allow_dash=True), help="Translations, one segment per line.")
@click.option("--ref", default=None, type=click.Path(), help="Reference translations, line-aligned.")
@click.option("--src", default=None, type=click.Path(), help="Source lines: adds term accuracy and number fidelity.")
@click.option("--summary", "summary_file", default=None, type=click.Path(), help="A summary (txt, or json from `summarize`).")
@click.option("--ref-summary", default=None, type=click.Path(), help="The reference summary (text).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@glossary_options
@library_errors
def evaluate(hyp: str | None, ref: str | None, src: str | None, summary_file: str | None, ref_summary: str | None,
             as_json: bool, glossaries: tuple[str, ...], no_glossary: bool) -> None:
    """Score translations (BLEU, chrF, TER; terms and numbers with --src) or a summary (ROUGE, aligned BLEU/chrF)."""
    from ..evaluation import evaluate as run_evaluate
    from ..evaluation.summary import evaluate_summary
    from ..evaluation.qa import read_aligned

    glossary = _load_glossary_option(glossaries, no_glossary)
    if summary_file or ref_summary:
        if not (summary_file and ref_summary):
            raise click.UsageError("--summary and --ref-summary go together")
        report = evaluate_summary(summary_file, ref_summary, ref, glossary)
        scores, extra = report["scores"], {"sentences": report["sentences"]}
    else:
        if not (hyp and ref):
            raise click.UsageError("give --hyp and --ref (or --summary and --ref-summary)")
        paths = {"hyp": hyp, "ref": ref} | ({"src": src} if src else {})
        data = read_aligned(paths)
        scores = run_evaluate(data["hyp"], data["ref"], data.get("src"), glossary)
        extra = {"lines": len(data["hyp"])}
    if as_json:
        click.echo(json.dumps(extra | {"scores": [s.to_dict() for s in scores]}, ensure_ascii=False, indent=2))
        return
    width = max(len(s.name) for s in scores)
    for s in scores:
        click.echo(f"{s.name:<{width}}  {s.score:6.2f}  {s.signature}")
    for sent in extra.get("sentences", []):
        for f in sent["flags"]:
            click.echo(f"{sent['segment_id']}\t{f['check']}\t{f['message']}")

# ------------------------------------------------------------------ models
@cli.group()
def models() -> None:
    """List, download, build and convert models."""


@models.command("list")
def models_list() -> None:
    """List models known to work, and what is in the local store."""
    from ..models.catalogue import CATALOGUE
    from ..models.store import store_dir

    for m in CATALOGUE:
        click.echo(f"{m['id']}\t{m['family']}\t{m['notes']}")
    store = store_dir()
    if store.is_dir():
        for d in sorted(p for p in store.iterdir() if p.is_dir()):
            click.echo(f"[local] {d}")


@models.command()
@click.argument("model_id")
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None, help="Folder [default: the model store].")
@library_errors
def download(model_id: str, output: str | None) -> None:
    """Download MODEL_ID from the Hugging Face hub (needs internet)."""
    from ..models.store import download_model

    click.echo(str(download_model(model_id, Path(output) if output else None)))


@models.command("build-tiny")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--shape", type=click.Choice(["tiny", "opus-mt-zh-en"]), default="tiny", show_default=True,
              help="tiny (tests) or opus-mt-zh-en's exact shape (speed measurements).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for the weights.")
@click.option("--force", is_flag=True, help="Overwrite an existing folder.")
@library_errors
def build_tiny(directory: str, shape: str, seed: int, force: bool) -> None:
    """Build a random-weight MarianMT model in DIRECTORY (gibberish output by design)."""
    from ..models.tiny import build_model

    out = build_model(directory, shape=shape, seed=seed, force=force)
    click.echo(f"built {shape} model in {out} (random weights: its translations are gibberish by design)")


# ---------------------------------------------------------------- glossary
def glossary_file_option(fn):
    """The shared ``--file`` option naming the term base to read or edit."""
    return click.option("--file", "-f", "path", type=click.Path(dir_okay=False), default=None,
                        help="Term base TSV [default: glossary/zh-en.tsv].")(fn)


def _glossary_path(path: str | None) -> str:
    from ..glossary import default_glossary_path

    if path:
        return path
    default = default_glossary_path()
    if default is None:
        raise CliError("no glossary found: pass --file FILE (default: glossary/zh-en.tsv)")
    return str(default)


@cli.group()
def glossary() -> None:
    """Maintain the term base (list, add, remove, check, import, export)."""


@glossary.command("list")
@glossary_file_option
@click.option("--grep", default=None, help="Only entries whose source, target, variants or note contain TEXT.")
@library_errors
def glossary_list(path: str | None, grep: str | None) -> None:
    """List the entries of the term base."""
    from ..glossary import load_glossary

    g = load_glossary([_glossary_path(path)], strict=False)
    for e in g.entries:
        row = e.row()
        if grep and not any(grep.lower() in cell.lower() for cell in row):
            continue
        click.echo("\t".join(row).rstrip("\t"))


@glossary.command("add")
@click.argument("source")
@click.argument("target")
@click.option("--variant", "variants", multiple=True, help="Another accepted rendering (repeatable).")
@click.option("--dnt", is_flag=True, help="Do not translate: the source is copied as is.")
@click.option("--case-sensitive", is_flag=True, help="Match the source's case exactly.")
@click.option("--proposed", is_flag=True, help="Report but do not enforce the entry.")
@click.option("--note", default="", help="Editor's note.")
@click.option("--replace", "replace_existing", is_flag=True, help="Replace a conflicting entry.")
@glossary_file_option
@library_errors
def glossary_add(source, target, variants, dnt, case_sensitive, proposed, note, replace_existing, path) -> None:
    """Add SOURCE -> TARGET (refuses a conflicting entry unless --replace)."""
    from ..glossary import Entry
    from ..glossary.editing import TermBaseFile

    tb = TermBaseFile(_glossary_path(path))
    entry = Entry(source.strip(), target.strip(), tuple(v.strip() for v in variants), "dnt" if dnt else "term",
                  "sensitive" if case_sensitive else "insensitive", "proposed" if proposed else "approved", note)
    outcome = tb.add(entry, replace_existing)
    tb.save()
    click.echo(f"{outcome}: {source} -> {target}")


@glossary.command("remove")
@click.argument("source")
@glossary_file_option
@library_errors
def glossary_remove(source: str, path: str | None) -> None:
    """Remove the entry for SOURCE."""
    from ..glossary.editing import TermBaseFile

    tb = TermBaseFile(_glossary_path(path))
    removed = tb.remove(source)
    tb.save()
    click.echo(f"removed: {removed.source} -> {removed.target}")


@glossary.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="Only print errors and warnings, not infos.")
@library_errors
def glossary_check(files: tuple[str, ...], quiet: bool) -> None:
    """Validate term base FILES (default: glossary/zh-en.tsv); exit 2 on errors."""
    from ..glossary import load_glossary

    g = load_glossary(list(files) or [_glossary_path(None)])
    for problem in g.problems:
        if not (quiet and problem.severity == "info"):
            click.echo(f"  - {problem}")
    click.echo(f"ok: {len(g.entries)} entries, version {g.version}")


@glossary.command("import")
@click.argument("source_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", "replace_existing", is_flag=True, help="Replace conflicting entries.")
@glossary_file_option
@library_errors
def glossary_import(source_file: str, replace_existing: bool, path: str | None) -> None:
    """Merge entries from SOURCE_FILE (.tsv, .csv or .tbx) into the term base."""
    from ..glossary.editing import TermBaseFile
    from ..glossary.exchange import read_entries

    tb = TermBaseFile(_glossary_path(path))
    counts: dict[str, int] = {}
    for entry in read_entries(source_file):
        outcome = tb.add(entry, replace_existing)
        counts[outcome] = counts.get(outcome, 0) + 1
    tb.save()
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to import")


@glossary.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "tbx", "tmx"]), required=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="Output file [default: stdout].")
@glossary_file_option
@library_errors
def glossary_export(fmt: str, output: str, path: str | None) -> None:
    """Export the term base as CSV, TSV, TBX or TMX."""
    from ..glossary import load_glossary
    from ..glossary.exchange import export_glossary

    _emit(output, export_glossary(load_glossary([_glossary_path(path)]), fmt))


@models.command()
@click.argument("model")
@click.option("--to", "target", type=click.Choice(["ct2"]), default="ct2", show_default=True, help="Target format.")
@click.option("--quantization", type=click.Choice(["int8", "int8_float32", "int16", "float32"]), default="int8",
              show_default=True, help="Weight type of the converted model.")
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="Output folder [default: MODEL_DIR/ctranslate2, where --backend auto finds it].")
@click.option("--force", is_flag=True, help="Overwrite an existing conversion.")
@library_errors
def convert(model: str, target: str, quantization: str, output: str | None, force: bool) -> None:
    """Convert MODEL (hub id or directory) for the CTranslate2 backend."""
    from ..engines.ctranslate2_engine import convert_model

    out = convert_model(model, output, quantization, force)
    click.echo(f"converted {model} to CTranslate2 ({quantization}) in {out}")


EXIT_INTERRUPTED = 130


@models.command("build-vmap")
@click.argument("model")
@click.option("--src", required=True, type=click.Path(exists=True, dir_okay=False), help="Source lines of a parallel corpus.")
@click.option("--ref", required=True, type=click.Path(exists=True, dir_okay=False), help="Their translations, line-aligned.")
@click.option("--per-token", type=click.IntRange(1), default=50, show_default=True, help="Candidates kept per source token.")
@click.option("--always", type=click.IntRange(0), default=1000, show_default=True, help="Most frequent target tokens always allowed.")
@library_errors
def build_vmap_command(model: str, src: str, ref: str, per_token: int, always: int) -> None:
    """Build the CTranslate2 vocabulary shortlist (vmap.txt) of a converted MODEL from a parallel corpus."""
    from ..engines.ctranslate2_engine import CTranslate2Engine
    from ..evaluation.qa import read_aligned
    from ..textio import write_atomic
    from ..models.vmap import build_vmap

    engine = CTranslate2Engine(model)
    data = read_aligned({"src": src, "ref": ref})
    tok = engine.tokenizer

    def target_pieces(text: str) -> list[str]:
        return tok.convert_ids_to_tokens(tok(text_target=text, add_special_tokens=False)["input_ids"])

    text = build_vmap(data["src"], data["ref"], engine.tokenize, target_pieces, per_token, always)
    path = engine.model_dir / "vmap.txt"
    write_atomic(path, text)
    click.echo(f"wrote {path} ({len(text.splitlines()) - 1} source tokens); use it with --backend ctranslate2 --vmap")


def main(args: list[str] | None = None) -> None:
    """Console-script entry point: click errors exit 2, Ctrl-C exits 130 (click alone would say 1)."""
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
        click.echo("interrupted: finished segments are in the cache; run the same command again to resume", err=True)
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
