"""Edit a term base file in place: comments, blank lines and row order are kept; writes are atomic."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import InputError, Problem, TranslatorError
from ..textio import write_atomic
from .termbase import COLUMNS, Entry, fold_key, parse_rows, split_lines, tsv_line


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

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
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
            self.lines = ["\t".join(COLUMNS)]
        self.header = self._header()
        self._by_key: dict[str, Entry] | None = None  # folded source -> entry (with its line), built once

    def _header(self) -> list[str]:
        for line in self.lines:
            if line.strip() and not line.lstrip().startswith("#"):
                return [c.strip().lower() for c in line.split("\t")]
        self.lines.append("\t".join(COLUMNS))
        return list(COLUMNS)

    def entries(self) -> list[Entry]:
        """Return the parsed entries (problems are ignored here; use ``check``)."""
        return parse_rows(str(self.path), "\n".join(self.lines))[0]

    def _row_text(self, entry: Entry) -> str:
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

        Returns:
            ``added``, ``replaced`` or ``unchanged``.

        Raises:
            GlossaryConflictError: A different entry for the same source exists.
            InputError: A field holds a tab or a line break.
        """
        self._check_fields(entry)
        existing = self.find(entry.source)
        if existing is None:
            self.lines.append(self._row_text(entry))
            self._index()[entry.key] = replace(entry, file=str(self.path), line=len(self.lines))
            return "added"
        same = fold_key(existing.target) == fold_key(entry.target) and existing.type == entry.type \
            and set(existing.variants) == set(entry.variants)
        if same:
            return "unchanged"
        if not replace_existing:
            raise GlossaryConflictError(
                f"{self.path}:{existing.line}: {existing.source!r} is already listed as {existing.target!r}; "
                f"pass --replace to change it to {entry.target!r}")
        new = replace(entry, file=str(self.path), line=existing.line)  # the new entry's note: the old one described the old target
        self.lines[existing.line - 1] = self._row_text(new)
        self._index()[existing.key] = new
        return "replaced"

    def merge(self, entries: list[Entry], replace_existing: bool = False) -> dict[str, int]:
        """Add every entry of an imported file (see :meth:`add`); return how many had each outcome.

        Two entries of the imported file that disagree are an error whatever ``replace_existing``
        says (the file contradicts itself); every conflict is reported at once, citing the imported
        file's own lines and the term base's line, and nothing is changed.

        Raises:
            ValidationError: Conflicts (inside the import, or with the term base without ``replace_existing``).
        """
        from ..errors import Problem, ValidationError

        problems: list[Problem] = []
        first: dict[str, Entry] = {}
        for entry in entries:
            seen = first.setdefault(entry.key, entry)
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

            raise ValidationError(problems=errors, what=f"glossary {self.path} after the edit (nothing written)")
        write_atomic(self.path, text)



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
    tb = TermBaseFile(path)
    entry = Entry(source.strip(), target.strip(), tuple(v.strip() for v in variants), "dnt" if dnt else "term",
                  "sensitive" if case_sensitive else "insensitive", "proposed" if proposed else "approved", note)
    TermBaseFile._check_fields(entry)
    row = "\t".join(COLUMNS) + "\n" + tsv_line(entry.row())
    warnings = [p for p in parse_rows(str(path), row)[1] if p.severity != "error"]
    outcome = tb.add(entry, replace_existing)
    tb.save()
    return outcome, [replace(p, line=tb.find(entry.source).line if tb.find(entry.source) else None) for p in warnings]


def remove_entry(path: str, source: str) -> Entry:
    """Remove the entry for ``source`` from the term base file at ``path``, save it and return the entry."""
    tb = TermBaseFile(path)
    removed = tb.remove(source)
    tb.save()
    return removed


def import_entries(path: str, source_file: str, replace_existing: bool = False) -> dict[str, int]:
    """Merge the entries of ``source_file`` (.tsv, .csv or .tbx) into the term base at ``path`` and save it.

    Returns:
        How many entries had each outcome (``added``, ``replaced``, ``unchanged`` ...).
    """
    from .exchange import read_entries

    tb = TermBaseFile(path)
    counts = tb.merge(read_entries(source_file), replace_existing)
    tb.save()
    return counts
