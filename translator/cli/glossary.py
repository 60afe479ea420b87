"""``translator glossary``: the editors' commands for the term base."""

from __future__ import annotations

import click

from .options import emit, glossary_file_option, library_errors


def glossary_file(path: str | None):
    """The file a command edits: ``path``, ``TRANSLATOR_GLOSSARY``, else the user's glossary (imported lazily)."""
    from ..glossary import edited_glossary_file

    return edited_glossary_file(path)


def read_glossary(paths: list[str], strict: bool = True):
    """The term base a command reads: ``paths``, else the default (the user's glossary over the shipped one)."""
    from ..glossary import default_glossary, load_glossary

    return load_glossary(paths, strict=strict) if paths else default_glossary(strict=strict)


def _edited(path) -> str:
    """How messages name the edited file (and, for a new user glossary, that it was created)."""
    from ..glossary import user_glossary_path

    return f"{path}" + (" (your glossary, layered over the shipped one)" if path == user_glossary_path() else "")


@click.group()
def glossary() -> None:
    """Maintain the term base (list, add, remove, check, import, export).

    Without -g, `add`, `remove` and `import` edit your own glossary (TRANSLATOR_USER_GLOSSARY, else
    glossary.tsv in your config folder; created on the first edit), layered over the shipped glossary:
    your entry replaces the shipped one of the same source, and edits survive a reinstall. Every
    command that translates reads both. -g FILE edits or reads FILE instead (TRANSLATOR_GLOSSARY sets
    one file for everything).
    """


@glossary.command("list")
@glossary_file_option
@click.option("--grep", default=None, help="Only entries whose source, target, variants or note contain TEXT.")
@library_errors
def glossary_list(path: str | None, grep: str | None) -> None:
    """List the entries of the term base."""
    for row in read_glossary([path] if path else [], strict=False).rows(grep):
        click.echo("\t".join(row).rstrip("\t"))


@glossary.command("add")
@click.argument("source")
@click.argument("target")
@click.option("--variant", "variants", multiple=True, help="Another accepted rendering (repeatable).")
@click.option("--dnt", is_flag=True, help="Do not translate: the source is copied as is.")
@click.option("--case-sensitive", is_flag=True, help="Match the source's case exactly.")
@click.option("--proposed", is_flag=True, help="Report but do not enforce the entry.")
@click.option("--note", default="", help="Editor's note.")
@click.option("--replace", "replace_existing", is_flag=True,
              help="Change the English of an existing entry (its variants are kept, the note becomes yours).")
@glossary_file_option
@library_errors
def glossary_add(source, target, variants, dnt, case_sensitive, proposed, note, replace_existing, path) -> None:
    """Add SOURCE -> TARGET (refuses another English for SOURCE unless --replace; the same English with new
    variants merges them)."""
    from ..glossary.editing import add_entry

    file = glossary_file(path)
    created = not file.exists()
    outcome, warnings = add_entry(file, source, target, variants, dnt, case_sensitive, proposed, note,
                                  replace_existing)
    for problem in warnings:
        click.echo(f"  - {problem}", err=True)
    click.echo(f"{outcome}: {source} -> {target} in {_edited(file)}" + (" (created)" if created else ""))


@glossary.command("remove")
@click.argument("source")
@glossary_file_option
@library_errors
def glossary_remove(source: str, path: str | None) -> None:
    """Remove the entry for SOURCE."""
    from ..glossary.editing import remove_entry

    file = glossary_file(path)
    removed = remove_entry(file, source)
    click.echo(f"removed: {removed.source} -> {removed.target} from {_edited(file)}")


@glossary.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--glossary", "-g", "glossaries", multiple=True, type=click.Path(dir_okay=False),
              help="Term base file (repeatable; the same as naming FILES).")
@click.option("--quiet", "-q", is_flag=True, help="Only print errors and warnings, not infos.")
@library_errors
def glossary_check(files: tuple[str, ...], glossaries: tuple[str, ...], quiet: bool) -> None:
    """Validate term base FILES (TSV, CSV, TBX or TMX; default: your glossary and the shipped one); exit 2 on errors."""
    g = read_glossary([*files, *glossaries])
    for problem in g.problems + g.overlaps():
        if not (quiet and problem.severity == "info"):
            click.echo(f"  - {problem}")
    click.echo(f"ok: {len(g.entries)} entries, version {g.version} ({', '.join(g.files)})")


@glossary.command("import")
@click.argument("source_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", "replace_existing", is_flag=True,
              help="Change the English of conflicting entries (their variants are kept). The same English with "
              "other variants is never a conflict: the variants are merged.")
@click.option("--merge-variants", is_flag=True,
              help="Rows of SOURCE_FILE giving a source another English become variants of its first row "
                   "(file order is preference) instead of an error.")
@glossary_file_option
@library_errors
def glossary_import(source_file: str, replace_existing: bool, merge_variants: bool, path: str | None) -> None:
    """Merge entries from SOURCE_FILE (TSV, CSV, TBX or TMX) into the term base."""
    from ..glossary.editing import import_entries

    file = glossary_file(path)
    created = not file.exists()
    report = import_entries(file, source_file, replace_existing, merge_variants)
    for problem in report.problems:
        click.echo(f"  - {problem}")
    counts = dict(report.counts)
    merged = counts.pop("merged", 0)
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to import"
    click.echo(f"{outcomes} ({report.read} entries read" + (f", {merged} merged into an earlier row of the same source"
                                                            if merged else "")
               + f") into {_edited(file)}" + (" (created)" if created else ""))
    if counts.get("variants merged"):
        click.echo("  (variants merged: the same English as an existing entry; its new variants were added)")


@glossary.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "tsv", "tbx", "tmx"]), required=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="Output file [default: stdout].")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option("--bom", is_flag=True,
              help="csv/tsv: start with a UTF-8 byte-order mark, so Excel on Windows reads the Chinese correctly.")
@glossary_file_option
@library_errors
def glossary_export(fmt: str, output: str, force: bool, bom: bool, path: str | None) -> None:
    """Export the term base as CSV, TSV, TBX or TMX (default: your glossary over the shipped one)."""
    from ..glossary.exchange import export_glossary
    from ..outputs import check_output

    if bom and fmt not in ("csv", "tsv"):
        raise click.UsageError(f"--bom is for csv and tsv exports (XML declares its encoding); not for {fmt}")
    g = read_glossary([path] if path else [])
    for source in g.files:  # never one of the glossary's own files; an existing output only with --force
        check_output(output, source, force=force)
    text = export_glossary(g, fmt)
    emit(output, "\ufeff" + text if bom else text)
