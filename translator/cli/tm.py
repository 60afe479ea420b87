"""``translator tm``: the translation memory (what reviewers approved) from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from .options import emit, library_errors


def tm_option(fn):
    """The memory file every ``tm`` command works on (``--tm``, or ``TRANSLATOR_TM``)."""
    return click.option("--tm", "memory", required=True, envvar="TRANSLATOR_TM", type=click.Path(dir_okay=False),
                        help="Translation memory file (SQLite; created by the first import) [env: TRANSLATOR_TM].")(fn)


def _open(path: str, read_only: bool):
    from ..memory import TranslationMemory

    return TranslationMemory(path, read_only=read_only)


@click.group()
def tm() -> None:
    """Maintain the translation memory: import reviewed files, export TMX, list, stats, remove."""


@tm.command("import")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--src", "src", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Aligned text: the Chinese file (one sentence a line); with --tgt.")
@click.option("--tgt", "tgt", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Aligned text: the English file, line-aligned with --src.")
@click.option("--format", "fmt", type=click.Choice(["xliff", "tmx", "json", "jsonl", "text"]), default=None,
              help="Format of FILE [default: from its extension].")
@click.option("--approved-by", default=None, help="Who approved the units [default: the file's own (TMX changeid), "
              "else your user name].")
@click.option("--origin", default=None, help="Origin recorded for each unit [default: the file's name].")
@click.option("--glossary-version", default=None,
              help="Glossary version the units were approved under [default: from the file's signature, else none].")
@click.option("--all", "all_units", is_flag=True,
              help="Import every unit with a target, approved or not (XLIFF state, JSON \"approved\").")
@click.option("--encoding", default=None, help="Aligned text: the files' encoding [default: detected].")
@tm_option
@library_errors
def tm_import(file, src, tgt, fmt, approved_by, origin, glossary_version, all_units, encoding, memory) -> None:
    """Import the approved units of a reviewed FILE (XLIFF, TMX, our JSON/JSONL) or of --src/--tgt aligned text.

    XLIFF: units approved="yes" or in a translated/signed-off/final state. TMX: every zh/en unit. JSON/JSONL:
    segments marked "approved": true. Nothing is imported when any unit is in error.
    """
    import getpass

    if (src is None) != (tgt is None):
        raise click.UsageError("aligned text needs both --src and --tgt")
    if (file is None) == (src is None):
        raise click.UsageError("name a FILE to import, or --src and --tgt (not both)")
    with _open(memory, read_only=False) as store:
        report = store.import_file(file or src, fmt=fmt, target_path=tgt, origin=origin,
                                   approved_by=approved_by or getpass.getuser(), glossary_version=glossary_version,
                                   all_units=all_units, encoding=encoding)
    for problem in report.problems:
        click.echo(f"  - {problem}")
    skipped = sum(report.skipped.values())
    click.echo(f"added {report.added}, updated {report.updated} ({report.read} approved units read"
               + (f", {skipped} skipped" if skipped else "") + f") -> {memory}")


@tm.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="TMX file [default: stdout].")
@tm_option
@library_errors
def tm_export(output: str, memory: str) -> None:
    """Export the memory as TMX 1.4 (the CAT-tool exchange format; imports back unchanged)."""
    from ..memory import to_tmx
    from ..outputs import check_output

    check_output(output, memory)
    with _open(memory, read_only=True) as store:
        emit(output, to_tmx(store))


@tm.command("list")
@click.option("--grep", default=None, help="Only units whose source or English contains TEXT.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per unit.")
@tm_option
@library_errors
def tm_list(grep: str | None, as_json: bool, memory: str) -> None:
    """List the units: id, source, English, approver, date, origin."""
    with _open(memory, read_only=True) as store:
        for unit in store.units(grep):
            if as_json:
                click.echo(json.dumps(asdict(unit), ensure_ascii=False))
            else:
                click.echo(f"{unit.id}\t{unit.source}\t{unit.target}\t{unit.approved_by}\t{unit.approved_at[:10]}"
                           f"\t{unit.origin}")


@tm.command("stats")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
@tm_option
@library_errors
def tm_stats(as_json: bool, memory: str) -> None:
    """Show how many units the memory holds, by origin, approver and glossary version."""
    with _open(memory, read_only=True) as store:
        stats = store.stats()
    if as_json:
        click.echo(json.dumps(asdict(stats), ensure_ascii=False, indent=2))
        return
    click.echo(f"{stats.path}: {stats.units} units, {stats.sources} distinct sources"
               + (f", approved {stats.oldest[:10]} to {stats.newest[:10]}" if stats.oldest else ""))
    for title, counts in (("origins", stats.origins), ("approved by", stats.approvers),
                          ("glossary versions", stats.glossary_versions)):
        if counts:
            click.echo(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@tm.command("remove")
@click.argument("source", required=False)
@click.option("--target", default=None, help="Only this English of SOURCE.")
@click.option("--id", "unit_id", type=int, default=None, help="The unit with this id (see tm list).")
@tm_option
@library_errors
def tm_remove(source: str | None, target: str | None, unit_id: int | None, memory: str) -> None:
    """Remove the units of SOURCE (or only its --target English), or the unit --id N."""
    if (source is None) == (unit_id is None):
        raise click.UsageError("name a SOURCE or an --id (not both)")
    with _open(memory, read_only=False) as store:
        removed = store.remove(source, target, unit_id=unit_id)
    if not removed:
        from .options import CliError

        raise CliError(f"{memory}: no unit " + (f"with id {unit_id}" if unit_id is not None else f"for {source!r}"
                                                  + (f" -> {target!r}" if target else "")))
    click.echo(f"removed {removed} unit(s)")
