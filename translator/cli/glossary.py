"""``translator glossary``: the editors' commands for the term base."""

from __future__ import annotations

import click

from .options import emit, glossary_file_option, library_errors


def glossary_file(path: str | None):
    """The file a command edits or reads: ``path`` or the default term base (imported lazily for --help's speed)."""
    from ..glossary import glossary_file as resolve

    return resolve(path)


@click.group()
def glossary() -> None:
    """Maintain the term base (list, add, remove, check, import, export)."""


@glossary.command("list")
@glossary_file_option
@click.option("--grep", default=None, help="Only entries whose source, target, variants or note contain TEXT.")
@library_errors
def glossary_list(path: str | None, grep: str | None) -> None:
    """List the entries of the term base."""
    from ..glossary import load_glossary

    for row in load_glossary([glossary_file(path)], strict=False).rows(grep):
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
    from ..glossary.editing import add_entry

    outcome, warnings = add_entry(glossary_file(path), source, target, variants, dnt, case_sensitive, proposed, note,
                                  replace_existing)
    for problem in warnings:
        click.echo(f"  - {problem}", err=True)
    click.echo(f"{outcome}: {source} -> {target}")


@glossary.command("remove")
@click.argument("source")
@glossary_file_option
@library_errors
def glossary_remove(source: str, path: str | None) -> None:
    """Remove the entry for SOURCE."""
    from ..glossary.editing import remove_entry

    removed = remove_entry(glossary_file(path), source)
    click.echo(f"removed: {removed.source} -> {removed.target}")


@glossary.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--glossary", "-g", "glossaries", multiple=True, type=click.Path(dir_okay=False),
              help="Term base file (repeatable; the same as naming FILES).")
@click.option("--quiet", "-q", is_flag=True, help="Only print errors and warnings, not infos.")
@library_errors
def glossary_check(files: tuple[str, ...], glossaries: tuple[str, ...], quiet: bool) -> None:
    """Validate term base FILES (TSV, CSV, TBX or TMX; default: the packaged glossary/zh-en.tsv); exit 2 on errors."""
    from ..glossary import load_glossary

    g = load_glossary([*files, *glossaries] or [glossary_file(None)])
    for problem in g.problems + g.overlaps():
        if not (quiet and problem.severity == "info"):
            click.echo(f"  - {problem}")
    click.echo(f"ok: {len(g.entries)} entries, version {g.version}")


@glossary.command("import")
@click.argument("source_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", "replace_existing", is_flag=True, help="Replace conflicting entries.")
@click.option("--merge-variants", is_flag=True,
              help="Rows of SOURCE_FILE giving a source another English become variants of its first row "
                   "(file order is preference) instead of an error.")
@glossary_file_option
@library_errors
def glossary_import(source_file: str, replace_existing: bool, merge_variants: bool, path: str | None) -> None:
    """Merge entries from SOURCE_FILE (TSV, CSV, TBX or TMX) into the term base."""
    from ..glossary.editing import import_entries

    report = import_entries(glossary_file(path), source_file, replace_existing, merge_variants)
    for problem in report.problems:
        click.echo(f"  - {problem}")
    counts = dict(report.counts)
    merged = counts.pop("merged", 0)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to import"
    click.echo(f"{outcomes} ({report.read} entries read" + (f", {merged} merged into an earlier row of the same source)" if merged else ")"))


@glossary.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "tbx", "tmx"]), required=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="Output file [default: stdout].")
@glossary_file_option
@library_errors
def glossary_export(fmt: str, output: str, path: str | None) -> None:
    """Export the term base as CSV, TSV, TBX or TMX."""
    from ..glossary import load_glossary
    from ..glossary.exchange import export_glossary
    from ..outputs import check_output

    source = glossary_file(path)
    check_output(output, str(source))
    emit(output, export_glossary(load_glossary([source]), fmt))
