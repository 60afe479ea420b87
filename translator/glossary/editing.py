"""Edit a term base file in place: comments, blank lines and row order are kept; writes are atomic."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, Problem, TranslatorError
from ..textio import write_atomic
from .termbase import COLUMNS, Entry, fold_key, parse_rows, read_header, split_lines, tsv_line


#: Term base files edited in place: TSV (a CSV, TBX or TMX file is read, never rewritten as TSV).
EDITABLE_SUFFIXES = (".tsv", ".txt")


class GlossaryConflictError(TranslatorError):
    """An added entry conflicts with an existing one (use --replace)."""


class TermBaseFile:
    """A TSV term base as lines, so edits touch only the rows they change.

    Args:
        path: The TSV file (created with a header when missing).

    Raises:
        InputError: ``path`` is not a TSV file (``.tsv`` or ``.txt``), or not UTF-8.
    """

    def __init__(self, path: str | Path, preamble: tuple[str, ...] = ()) -> None:
        self.path = Path(path)
        self.created = not self.path.exists()
        #: line number (1-based) -> "file:line" of the imported row it holds, so errors after an import cite it
        self.origins: dict[int, str] = {}
        if self.path.suffix.lower() not in EDITABLE_SUFFIXES:
            raise InputError(f"{path}: only TSV term bases ({', '.join(EDITABLE_SUFFIXES)}) can be edited in place; "
                             f"this is a {self.path.suffix or 'file without extension'}: export it as TSV, edit that, "
                             "and use it (or export it back)")
        if self.path.exists():
            try:
                self.lines = split_lines(self.path.read_text("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: glossary is not UTF-8 ({exc.reason})") from None
        else:
            self.lines = [*(f"# {line}" for line in preamble), "\t".join(COLUMNS)]
        self.header = self._header()
        self._by_key: dict[str, Entry] | None = None  # folded source -> entry (with its line), built once

    def _header(self) -> list[str]:
        """Return the columns (as :func:`parse_rows` reads them: zh-CN is the source ...); add a header when there is none."""
        for n, line in enumerate(self.lines):
            if line.strip() and not line.lstrip().startswith("#"):
                self._header_line = n
                columns = read_header(line.split("\t"))[0]
                if "source" not in columns or "target" not in columns:  # e.g. a headerless OmegaT glossary
                    raise InputError(f"{self.path}:{n + 1}: no header row naming the source and target columns "
                                     f"(a headerless glossary, e.g. OmegaT's, can be read but not edited): add "
                                     f"the header `{chr(9).join(COLUMNS[:2])}` as the first row, or import it into "
                                     "a TSV term base")
                return columns
        self.lines.append("\t".join(COLUMNS))
        self._header_line = len(self.lines) - 1
        return list(COLUMNS)

    def _ensure_columns(self, entry: Entry) -> None:
        """Add to the header the columns ``entry`` needs (variants, note, a non-default type/case/status) and lacks.

        Rows written before keep their fields: a row may have fewer fields than the header.
        """
        defaults = {"type": "term", "case": "insensitive", "status": "approved"}
        needed = [col for col, value in zip(COLUMNS, entry.row())
                  if value and value != defaults.get(col) and col not in self.header]
        if needed:
            missing = [col for col in COLUMNS if col not in self.header]
            self.lines[self._header_line] = self.lines[self._header_line].rstrip("\t") + "\t" + "\t".join(missing)
            self.header = self.header + missing

    def entries(self) -> list[Entry]:
        """Return the parsed entries (problems are ignored here; use ``check``)."""
        return parse_rows(str(self.path), "\n".join(self.lines))[0]

    def _row_text(self, entry: Entry) -> str:
        self._ensure_columns(entry)
        values = dict(zip(COLUMNS, entry.row()))
        return tsv_line([values.get(col, "") for col in self.header]).rstrip("\t")

    @staticmethod
    def _check_fields(entry: Entry) -> None:
        """Refuse values a one-line TSV row cannot hold (a tab or line break would split or end the row)."""
        for name, value in zip(COLUMNS, entry.row()):
            bad = next((c for c in value if c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), None)
            if bad is not None:
                what = "a tab" if bad == "\t" else "a line break"
                raise InputError(f"{entry.source!r}: the {name} holds {what} (U+{ord(bad):04X}); "
                                 f"a term base row is one line: remove it")

    def _index(self) -> dict[str, Entry]:
        if self._by_key is None:
            self._by_key = {}
            for e in self.entries():
                self._by_key.setdefault(e.key, e)
        return self._by_key

    def find(self, source: str) -> Entry | None:
        """Return the (first) entry whose source folds to the same key, if any."""
        return self._index().get(fold_key(source))

    def add(self, entry: Entry, replace_existing: bool = False) -> str:
        """Add ``entry``; refuse a conflicting one unless ``replace_existing``.

        The same English (and type) as an existing entry is never a conflict: the outcome is ``unchanged``,
        or ``variants merged`` when ``entry`` brings variants the existing entry lacks (added after its own,
        none dropped). ``replace_existing`` changes the English and keeps the existing entry's variants
        (the new ones first); the note becomes the new entry's (the old one described the old English).

        Returns:
            ``added``, ``replaced``, ``variants merged`` or ``unchanged``.

        Raises:
            GlossaryConflictError: A different English for the same source exists (without ``replace_existing``).
            InputError: A field holds a tab or a line break.
        """
        self._check_fields(entry)
        existing = self.find(entry.source)
        origin = f"{entry.file}:{entry.line}" if entry.file and entry.file != str(self.path) and entry.line else None
        if existing is None:
            self.lines.append(self._row_text(entry))
            self._index()[entry.key] = replace(entry, file=str(self.path), line=len(self.lines))
            if origin:
                self.origins[len(self.lines)] = origin
            return "added"
        if fold_key(existing.target) == fold_key(entry.target) and existing.type == entry.type:
            known = {fold_key(x) for x in (existing.target, *existing.variants)}
            extra = tuple(dict.fromkeys(v for v in entry.variants if fold_key(v) not in known))
            if not extra:
                return "unchanged"
            new = replace(existing, variants=(*existing.variants, *extra))
            outcome = "variants merged"
        elif not replace_existing:
            raise GlossaryConflictError(
                f"{self.path}:{existing.line}: {existing.source!r} is already listed as {existing.target!r}; "
                f"pass --replace to change it to {entry.target!r}")
        else:
            target = fold_key(entry.target)
            kept = tuple(dict.fromkeys(v for v in (*entry.variants, *existing.variants) if fold_key(v) != target))
            new = replace(entry, variants=kept)
            outcome = "replaced"
        new = replace(new, file=str(self.path), line=existing.line)
        self.lines[existing.line - 1] = self._row_text(new)
        self._index()[existing.key] = new
        if origin:
            self.origins[existing.line] = origin
        return outcome

    def merge(self, entries: list[Entry], replace_existing: bool = False, merge_variants: bool = False) -> dict[str, int]:
        """Add every entry of an imported file (see :meth:`add`); return how many had each outcome.

        Two entries of the imported file that disagree are an error whatever ``replace_existing``
        says (the file contradicts itself); every conflict is reported at once, citing the imported
        file's own lines and the term base's line, and nothing is changed. With ``merge_variants``,
        a later entry of the file that only gives the same source another English (same type) adds
        its renderings to the first entry's variants instead (file order is preference); the
        outcome ``merged`` counts them.

        Raises:
            ValidationError: Conflicts (inside the import, or with the term base without ``replace_existing``).
        """
        from ..errors import Problem, ValidationError

        problems: list[Problem] = []
        first: dict[str, Entry] = {}
        merged = 0
        for entry in entries:
            seen = first.setdefault(entry.key, entry)
            if merge_variants and seen is not entry and seen.type == entry.type:
                known = {fold_key(x) for x in (seen.target, *seen.variants)}
                extra = [r for r in (entry.target, *entry.variants) if fold_key(r) not in known]
                first[entry.key] = replace(seen, variants=tuple(dict.fromkeys((*seen.variants, *extra))))
                merged += 1
                continue
            if seen is not entry and (fold_key(seen.target) != fold_key(entry.target) or seen.type != entry.type):
                problems.append(Problem("error", f"{entry.source!r} -> {entry.target!r} contradicts {seen.source!r} -> "
                                        f"{seen.target!r} at line {seen.line} of the same file", entry.file, entry.line))
            existing = self.find(entry.source)
            if existing is not None and not replace_existing and seen is entry and (
                    fold_key(existing.target) != fold_key(entry.target) or existing.type != entry.type):
                problems.append(Problem("error", f"{entry.source!r} -> {entry.target!r} conflicts with {existing.target!r} "
                                        f"at {self.path}:{existing.line} (import with replace to change it)",
                                        entry.file, entry.line))
        if problems:
            raise ValidationError(problems=problems, what=f"glossary import into {self.path} (nothing changed)")
        counts: dict[str, int] = {}
        for entry in first.values():
            outcome = self.add(entry, replace_existing)
            counts[outcome] = counts.get(outcome, 0) + 1
        if merged:
            counts["merged"] = merged
        return counts

    def remove(self, source: str) -> Entry:
        """Remove the entry for ``source``.

        Raises:
            TranslatorError: No such entry.
        """
        existing = self.find(source)
        if existing is None:
            raise TranslatorError(f"{self.path}: no entry for {source!r}")
        del self.lines[existing.line - 1]
        self._by_key = None  # later rows moved up a line
        return existing

    def save(self) -> None:
        """Validate the edited file, then write it atomically."""
        text = "\n".join(self.lines) + "\n"
        tmp_entries, problems = parse_rows(str(self.path), text)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            from ..errors import ValidationError

            errors = [replace(p, message=f"{p.message} (the row imported from {self.origins[p.line]})")
                      if p.line in self.origins else p for p in errors]
            raise ValidationError(problems=errors, what=f"glossary {self.path} after the edit (nothing written)")
        if self.created:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, text)



def _open(path: str | Path) -> TermBaseFile:
    """Open a term base to edit; the user's glossary, made on its first edit, opens with a comment saying what it is."""
    from .termbase import glossary_file, user_glossary_path

    preamble: tuple[str, ...] = ()
    if Path(path) == user_glossary_path():
        preamble = ("Your own glossary: layered over the shipped one (" + str(glossary_file()) + "); an entry here",
                    "replaces the shipped entry of the same source. `translator glossary add/remove/import` edit it.")
    return TermBaseFile(path, preamble)


def _shipped_entry(path: str | Path, source: str) -> Entry | None:
    """The shipped glossary's entry for ``source`` when ``path`` is the user's glossary layered over it, else None."""
    import os

    from .termbase import glossary_file, load_glossary, user_glossary_path

    if Path(path) != user_glossary_path() or os.environ.get("TRANSLATOR_GLOSSARY"):
        return None
    key = fold_key(source)
    return next((e for e in load_glossary([glossary_file()], strict=False).entries if e.key == key), None)


def add_entry(path: str, source: str, target: str, variants: tuple[str, ...] = (), dnt: bool = False,
              case_sensitive: bool = False, proposed: bool = False, note: str = "",
              replace_existing: bool = False) -> tuple[str, list[Problem]]:
    """Add one entry to the term base file at ``path`` and save it.

    Returns:
        The outcome (``added``, ``replaced`` or ``unchanged``) and the warnings ``glossary check`` would give the
        new row (an ideographic space inside the source, Chinese in an English target ...).

    Raises:
        GlossaryConflictError: A conflicting entry exists and ``replace_existing`` is False.
        InputError: A field holds a tab or a line break.
        ValidationError: The entry is invalid (every problem listed).
    """
    tb = _open(path)
    entry = Entry(source.strip(), target.strip(), tuple(v.strip() for v in variants), "dnt" if dnt else "term",
                  "sensitive" if case_sensitive else "insensitive", "proposed" if proposed else "approved", note)
    TermBaseFile._check_fields(entry)
    row = "\t".join(COLUMNS) + "\n" + tsv_line(entry.row())
    warnings = [p for p in parse_rows(str(path), row)[1] if p.severity != "error"]
    outcome = tb.add(entry, replace_existing)
    tb.save()
    line = tb.find(entry.source).line if tb.find(entry.source) else None
    warnings = [replace(p, line=line) for p in warnings]
    shipped = _shipped_entry(path, entry.source) if outcome != "unchanged" else None
    if shipped is not None:
        warnings.append(Problem("info", f"{entry.source!r} -> {entry.target!r} replaces the shipped entry "
                                f"{shipped.source!r} -> {shipped.target!r} at {shipped.file}:{shipped.line}",
                                str(path), line))
    return outcome, warnings


def remove_entry(path: str, source: str) -> Entry:
    """Remove the entry for ``source`` from the term base file at ``path``, save it and return the entry.

    Raises:
        TranslatorError: No such entry in that file (when the source is only in the shipped glossary under the
            user's, the message says so and how to change it).
    """
    tb = _open(path)
    try:
        removed = tb.remove(source)
    except TranslatorError:
        shipped = _shipped_entry(path, source)
        if shipped is None:
            raise
        raise TranslatorError(
            f"{path}: no entry for {source!r} in your glossary; it is the shipped glossary's entry at "
            f"{shipped.file}:{shipped.line} ({shipped.source!r} -> {shipped.target!r}), which edits without a file "
            "do not change (a reinstall would undo them): override it in yours (`translator glossary add "
            f"{shipped.source} NEW-ENGLISH`), or edit that file on purpose with -g") from None
    tb.save()
    return removed


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        read: Entries read from the imported file.
        counts: How many entries had each outcome (``added``, ``replaced``, ``unchanged``, and ``merged``:
            repeated sources folded into variants); other duplicates inside the imported file are counted
            once, so ``read`` can exceed the sum.
        problems: Warnings about the imported file (skipped units, ignored columns, inline codes ...).
    """

    read: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def import_entries(path: str, source_file: str, replace_existing: bool = False,
                   merge_variants: bool = False) -> ImportReport:
    """Merge the entries of ``source_file`` (TSV, CSV, TBX or TMX) into the term base at ``path`` and save it.

    Args:
        path: The term base (TSV) to change.
        source_file: The file to import.
        replace_existing: Let an imported entry replace a conflicting one of the term base.
        merge_variants: Entries of ``source_file`` giving a source another English become variants of
            its first entry (see :meth:`TermBaseFile.merge`) instead of an error.

    Returns:
        The :class:`ImportReport` (entries read, outcomes, the file's warnings).

    Raises:
        InputError: The file cannot be read.
        ValidationError: Errors in the file or conflicts (every one listed; nothing is changed).
    """
    from ..errors import ValidationError
    from .exchange import parse_entries

    entries, problems = parse_entries(source_file)
    if any(p.severity == "error" for p in problems):
        raise ValidationError(problems=[p for p in problems if p.severity != "info"],
                              what=f"glossary import {source_file} (nothing changed)")
    tb = _open(path)
    counts = tb.merge(entries, replace_existing, merge_variants)
    tb.save()
    return ImportReport(len(entries), counts, [p for p in problems if p.severity == "warning"])
