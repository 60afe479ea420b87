"""The translation memory store: what a person approved, in one SQLite file.

The segment cache holds what the model said; the memory holds what a reviewer
approved. Each unit is a Chinese source, its English, where it came from
(``origin``: a file or a user), who or what approved it, when, and the
glossary version it was approved under.

Sources are keyed by the normalisation the segment cache uses
(:func:`~translator.textnorm.clean_segment_text`: full/half width, odd spaces,
zero-width characters), so a sentence found in a document looks up exactly the
text the cache would. A source may have several approved translations; the
newest approved one answers an exact lookup.

Fuzzy lookups score character-level Levenshtein similarity (the unit that
suits Chinese, which has no word boundaries), as translate-toolkit and
Weblate do: ``1 - distance / len(longer)``. Candidates are narrowed first by
length and shared bigrams (:mod:`translator.memory.fuzzy`), then scored with
rapidfuzz's ``process.extract``.

One file, WAL mode, a busy timeout: many processes may read it while one
writes; each thread gets its own connection. ``read_only=True`` (what batch
workers use) opens the file with SQLite's read-only mode and never writes.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError, TranslationMemoryError
from ..results import Difference, MemoryMatch, MemoryUnit
from ..textnorm import clean_segment_text, fold_width
from .fuzzy import FuzzyIndex

#: Default fuzzy threshold (CAT tools' convention: translate-toolkit, Weblate, pot2po).
DEFAULT_THRESHOLD = 0.75
#: Default number of fuzzy matches returned (what OmegaT shows).
DEFAULT_LIMIT = 5

_SCHEMA_VERSION = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    glossary_version TEXT NOT NULL,
    length INTEGER NOT NULL,
    UNIQUE (source, target)
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLUMNS = "id, source, target, origin, approved_by, approved_at, glossary_version"


def normalise_source(text: str) -> str:
    """Return the lookup key of a source sentence (the segment cache's normalisation)."""
    return clean_segment_text(text)


def normalise_target(text: str) -> str:
    """Return an English translation as stored: odd spaces collapsed, ends stripped."""
    return re.sub(r"[ \t\u00a0\u3000]+", " ", text.replace("\r\n", "\n")).strip()


# characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Arabic numbers as written in reports: 28.3, 1,234, 2023 (after width folding)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_of(text: str) -> list[str]:
    """Return the Arabic numbers of ``text`` in order, as written (width folded): ``['28.3', '2023']``."""
    return _NUMBER.findall(fold_width(text))


@dataclass(frozen=True)
class MemoryStats:
    """What a memory holds.

    Attributes:
        path: The store file.
        units: Approved translations.
        sources: Distinct sources.
        origins: Units per origin.
        approvers: Units per approver.
        glossary_versions: Units per glossary version.
        oldest: Earliest approval (None when empty).
        newest: Latest approval (None when empty).
    """

    path: str
    units: int
    sources: int
    origins: dict[str, int] = field(default_factory=dict)
    approvers: dict[str, int] = field(default_factory=dict)
    glossary_versions: dict[str, int] = field(default_factory=dict)
    oldest: str | None = None
    newest: str | None = None


def now() -> str:
    """Return the current time as the store writes it (ISO 8601, UTC, microseconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def differences(query: str, unit_source: str) -> tuple[Difference, ...]:
    """Return where ``unit_source`` differs from ``query``, character by character (Levenshtein opcodes)."""
    from rapidfuzz.distance import Levenshtein

    out = []
    for op in Levenshtein.opcodes(unit_source, query):
        if op.tag != "equal":
            out.append(Difference(op.tag, query[op.dest_start:op.dest_end], unit_source[op.src_start:op.src_end],
                                  op.dest_start))
    return tuple(out)


def number_differences(query: str, unit_source: str) -> tuple[tuple[str, str], ...]:
    """Return the numbers that differ as (query's, unit's) pairs, aligned in order; '' where one side has none."""
    from rapidfuzz.distance import Levenshtein

    q, u = numbers_of(query), numbers_of(unit_source)
    pairs: list[tuple[str, str]] = []
    for op in Levenshtein.opcodes(u, q):
        if op.tag == "equal":
            continue
        qs, us = q[op.dest_start:op.dest_end], u[op.src_start:op.src_end]
        for i in range(max(len(qs), len(us))):
            pairs.append((qs[i] if i < len(qs) else "", us[i] if i < len(us) else ""))
    return tuple(pairs)


class TranslationMemory:
    """A translation memory in one SQLite file.

    Args:
        path: The store file (created with its folder on first write unless ``read_only``).
        read_only: Open for lookups only (the file must exist); what batch workers and servers use.

    Raises:
        TranslationMemoryError: The file is missing (read-only), not a translation memory, damaged, or
            cannot be created.

    Example:
        >>> with TranslationMemory("team.tm.sqlite3") as tm:          # doctest: +SKIP
        ...     tm.add("全年增长5%。", "Growth was 5% for the year.", origin="user", approved_by="li",
        ...            glossary_version="none")
        ...     tm.exact("全年增长5%。").target
        'Growth was 5% for the year.'
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.RLock()
        self._index: tuple[int, FuzzyIndex] | None = None  # (generation of the store it was built from, index)
        self._closed = False
        if read_only and not self.path.is_file():
            raise TranslationMemoryError(f"{self.path}: no translation memory there (import units into it first)")
        self._conn()  # open now: a bad file is an error here, not at the first lookup

    # ------------------------------------------------------------ connection
    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise TranslationMemoryError(f"{self.path}: the translation memory is closed")
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            if self.read_only:
                conn = self._connect_read_only()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
                conn.commit()
            self._check_schema(conn)
        except sqlite3.DatabaseError as exc:
            raise TranslationMemoryError(f"{self.path}: not a usable translation memory ({exc})") from None
        except OSError as exc:
            raise TranslationMemoryError(f"{self.path}: cannot open the translation memory ({exc.strerror or exc})") from None
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        """Open read-only; a copy in a folder nobody may write (a team share) is opened as immutable.

        Reading a WAL database needs its ``-shm`` file, which SQLite cannot create in a read-only folder;
        such a file has no writer, so ``immutable=1`` (no locking, no ``-shm``) reads it correctly.
        """
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=60, check_same_thread=False)
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if os.access(self.path.parent, os.W_OK):
                raise
            return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=60, check_same_thread=False)

    def _check_schema(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"units", "meta"} <= tables:
            conn.close()
            raise TranslationMemoryError(f"{self.path}: an SQLite file, but not a translation memory "
                                         f"(tables: {', '.join(sorted(tables)) or 'none'})")

    def close(self) -> None:
        """Close every connection (of every thread); later calls raise :class:`TranslationMemoryError`."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._closed = True
            self._index = None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _writable(self) -> sqlite3.Connection:
        if self.read_only:
            raise TranslationMemoryError(f"{self.path}: opened read-only; open it with read_only=False to change it")
        return self._conn()

    # ------------------------------------------------------------ writing
    def add(self, source: str, target: str, *, origin: str, approved_by: str, glossary_version: str = "none",
            approved_at: str | None = None) -> MemoryUnit:
        """Add (or re-approve) one translation; return the stored unit.

        The same source and English (after normalisation) is one unit: adding it again records the new
        approval (origin, approver, time, glossary version), which makes it the newest for :meth:`exact`.

        Raises:
            InputError: An empty source or English.
            TranslationMemoryError: The memory is read-only or cannot be written.
        """
        return self.add_many([(source, target)], origin=origin, approved_by=approved_by,
                             glossary_version=glossary_version, approved_at=approved_at)[0]

    def add_many(self, pairs: list[tuple[str, str]], *, origin: str, approved_by: str, glossary_version: str = "none",
                 approved_at: str | None = None) -> list[MemoryUnit]:
        """Add many (source, English) pairs in one transaction (all or nothing); return the stored units.

        Later pairs are approved later (by a microsecond), so of two Englishes for one source in one call
        the last wins.

        Raises:
            InputError: An empty source or English (nothing is added).
            TranslationMemoryError: The memory is read-only or cannot be written (nothing is added).
        """
        return self.add_records([(s, t, origin, approved_by, glossary_version, approved_at) for s, t in pairs])

    def add_records(self, records: list[tuple[str, str, str, str, str, str | None]]) -> list[MemoryUnit]:
        """Add (source, English, origin, approved_by, glossary_version, approved_at or None) records in one transaction.

        A record without a time is approved now, each a microsecond after the one before it.

        Raises:
            InputError: An empty source or English, or a time that is not ISO 8601 (nothing is added).
            TranslationMemoryError: The memory is read-only or cannot be written (nothing is added).
        """
        rows = []
        base = datetime.now(timezone.utc).timestamp()
        for n, (source, target, origin, approved_by, glossary_version, approved_at) in enumerate(records):
            if not isinstance(source, str) or not isinstance(target, str):
                raise InputError(f"translation memory record {n + 1}: source and target must be str")
            key, tgt = normalise_source(source), normalise_target(target)
            if not key or not tgt:
                raise InputError(f"translation memory record {n + 1}: empty {'source' if not key else 'target'} "
                                 f"({source!r} -> {target!r})")
            bad = _NOT_XML.search(key + tgt)
            if bad:  # a unit TMX (XML) could not carry would make the memory impossible to export
                raise InputError(f"translation memory record {n + 1}: holds U+{ord(bad.group()):04X}, a character "
                                 f"XML cannot carry ({source[:40]!r} -> {target[:40]!r})")
            if approved_at is None:
                when = datetime.fromtimestamp(base + n * 1e-6, timezone.utc).isoformat(timespec="microseconds")
            else:
                try:
                    stamp = datetime.fromisoformat(approved_at)
                except (TypeError, ValueError):
                    raise InputError(f"translation memory record {n + 1}: approval time {approved_at!r} is not "
                                     "ISO 8601") from None
                stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
                when = stamp.astimezone(timezone.utc).isoformat(timespec="microseconds")
            rows.append((key, tgt, str(origin), str(approved_by), when, str(glossary_version), len(key)))
        conn = self._writable()
        out = []
        with self._lock:
            try:
                with conn:
                    for row in rows:
                        stored = conn.execute(
                            "INSERT INTO units (source, target, origin, approved_by, approved_at, glossary_version,"
                            " length) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, target) DO UPDATE SET"
                            " origin=excluded.origin, approved_by=excluded.approved_by, approved_at=excluded.approved_at,"
                            " glossary_version=excluded.glossary_version RETURNING " + _COLUMNS, row).fetchone()
                        out.append(MemoryUnit(*stored))
                    self._bump(conn)
            except sqlite3.Error as exc:
                raise TranslationMemoryError(f"{self.path}: cannot write the translation memory ({exc})") from None
        return out

    def has(self, source: str, target: str) -> bool:
        """Return True when the memory holds this source with this English (both normalised)."""
        return self._conn().execute("SELECT 1 FROM units WHERE source = ? AND target = ?",
                                    (normalise_source(source), normalise_target(target))).fetchone() is not None

    def _bump(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta VALUES ('generation', '1') ON CONFLICT (name) DO UPDATE"
                     " SET value = CAST(value AS INTEGER) + 1")

    def remove(self, source: str | None = None, target: str | None = None, *, unit_id: int | None = None) -> int:
        """Remove units: every translation of ``source``, only ``target`` of it, or the unit ``unit_id``.

        Returns:
            How many units were removed (0 when none matched).

        Raises:
            TranslationMemoryError: Read-only, or neither a source nor an id given.
        """
        conn = self._writable()
        if unit_id is not None:
            sql, args = "DELETE FROM units WHERE id = ?", (unit_id,)
        elif source is not None:
            sql, args = "DELETE FROM units WHERE source = ?", (normalise_source(source),)
            if target is not None:
                sql, args = sql + " AND target = ?", (*args, normalise_target(target))
        else:
            raise TranslationMemoryError("remove needs a source or a unit id")
        with self._lock:
            with conn:
                removed = conn.execute(sql, args).rowcount
                if removed:
                    self._bump(conn)
        return removed

    def import_file(self, path: str | Path, **options):
        """Store the approved units of a reviewed file; see :func:`translator.memory.exchange.import_file`.

        Returns:
            An :class:`~translator.memory.exchange.ImportReport`.
        """
        from .exchange import import_file

        return import_file(self, path, **options)

    def export_tmx(self, path: str | Path) -> int:
        """Write every unit to ``path`` as TMX 1.4 (atomically); return how many were written."""
        from .exchange import export_tmx

        return export_tmx(self, path)

    # ------------------------------------------------------------ reading
    def exact(self, source: str) -> MemoryUnit | None:
        """Return the newest approved translation of ``source`` (normalised as the cache does), or None."""
        row = self._conn().execute(f"SELECT {_COLUMNS} FROM units WHERE source = ? ORDER BY approved_at DESC, id DESC"
                                   " LIMIT 1", (normalise_source(source),)).fetchone()
        return MemoryUnit(*row) if row else None

    def exact_many(self, sources: list[str]) -> dict[str, MemoryUnit]:
        """Return source -> newest approved unit for the sources the memory holds."""
        out = {}
        for source in dict.fromkeys(sources):
            unit = self.exact(source)
            if unit is not None:
                out[source] = unit
        return out

    def get(self, unit_id: int) -> MemoryUnit | None:
        """Return the unit with this id, or None."""
        row = self._conn().execute(f"SELECT {_COLUMNS} FROM units WHERE id = ?", (unit_id,)).fetchone()
        return MemoryUnit(*row) if row else None

    def _generation(self) -> int:
        row = self._conn().execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _fuzzy_index(self) -> FuzzyIndex:
        """Return every distinct source, sorted by length, with its bigram index (rebuilt after writes)."""
        generation = self._generation()
        with self._lock:
            if self._index is None or self._index[0] != generation:
                rows = sorted(dict.fromkeys(self._conn().execute("SELECT length, source, 0 FROM units")),
                              key=lambda r: r[0])  # DISTINCT in SQL is slower (a temporary b-tree)
                self._index = (generation, FuzzyIndex.build(rows))
            return self._index[1]

    def fuzzy(self, source: str, threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT,
              include_exact: bool = False) -> list[MemoryMatch]:
        """Return the units whose source is most similar to ``source``, best first.

        Args:
            source: The sentence to look up.
            threshold: Lowest similarity returned (0..1; 0.75 as CAT tools use).
            limit: Most matches returned (one per distinct source: its newest approved English).
            include_exact: Also return a unit whose source is the same text (score 1.0).

        Raises:
            ValueError: ``threshold`` outside 0..1 or ``limit`` below 1.
        """
        return self.fuzzy_many([source], threshold, limit, include_exact).get(source, [])

    def fuzzy_many(self, sources: list[str], threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT,
                   include_exact: bool = False) -> dict[str, list[MemoryMatch]]:
        """Return source -> fuzzy matches (see :meth:`fuzzy`) for many sentences; sentences without any are left out."""
        if not 0 <= threshold <= 1:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit!r}")
        index = self._fuzzy_index()
        out: dict[str, list[MemoryMatch]] = {}
        for source in dict.fromkeys(sources):
            query = normalise_source(source)
            if not query:
                continue
            matches = []
            for key, score, _ in index.search(query, threshold, limit + 1):
                if key == query and not include_exact:
                    continue
                unit = self.exact(key)  # the newest approved English of that source
                if unit is None:  # removed by another process since the index was built
                    continue
                matches.append(MemoryMatch(unit, round(score, 4), differences(query, key),
                                           number_differences(query, key)))
            if matches:
                out[source] = matches[:limit]
        return out

    def units(self, grep: str | None = None) -> Iterator[MemoryUnit]:
        """Yield every unit (oldest first), or those whose source or English contains ``grep``."""
        sql, args = f"SELECT {_COLUMNS} FROM units", ()
        if grep:
            sql, args = sql + " WHERE instr(source, ?) OR instr(lower(target), lower(?))", (grep, grep)
        for row in self._conn().execute(sql + " ORDER BY id", args):
            yield MemoryUnit(*row)

    def version(self) -> str:
        """Return a short key that changes whenever the memory's content does (units, newest approval, writes)."""
        units, newest = self._conn().execute("SELECT COUNT(*), MAX(approved_at) FROM units").fetchone()
        return f"{units}:{newest or '-'}:{self._generation()}"

    def __len__(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM units").fetchone()[0]

    def stats(self) -> MemoryStats:
        """Return counts by origin, approver and glossary version, and the approval time span."""
        conn = self._conn()

        def by(column: str) -> dict[str, int]:
            return dict(conn.execute(f"SELECT {column}, COUNT(*) FROM units GROUP BY {column} ORDER BY 2 DESC, 1"))

        units, sources, oldest, newest = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT source), MIN(approved_at), MAX(approved_at) FROM units").fetchone()
        return MemoryStats(str(self.path), units, sources, by("origin"), by("approved_by"), by("glossary_version"),
                           oldest, newest)


__all__ = ["DEFAULT_LIMIT", "DEFAULT_THRESHOLD", "Difference", "MemoryMatch", "MemoryStats", "MemoryUnit",
           "TranslationMemory", "differences", "normalise_source", "normalise_target", "number_differences",
           "numbers_of"]
