"""A persistent segment cache (SQLite) shared safely by concurrent processes.

Keys hash everything that changes a segment's result: the source text, the
model, the backend, the decoding settings, the glossary version and the
package version. Values are the finished segment result (translation,
flags, term uses). WAL mode and a busy timeout make concurrent writers safe;
each write is its own transaction, so a killed run keeps what it finished.

A cache path naming an existing file that is not a segment cache (an input, any other file or
SQLite database) is an error before any work (:func:`check_cache_file`); such a file is never touched.
Otherwise the cache never stops a translation. Problems are reported through the
``translator.cache`` logger (``logging``, level WARNING, once per problem):

* a cache that cannot be opened or written (read-only folder, full disk) is
  switched off for the rest of the run;
* a damaged cache file (truncated, malformed pages) is moved aside to
  ``segments.sqlite3.damaged-<time>`` and a fresh cache started;
* a row whose value is not a well-formed result is ignored (a miss: the
  segment is translated again and the row overwritten).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from ..paths import default_cache_path

log = logging.getLogger("translator.cache")
#: SQLite ``application_id`` of the files this module makes (``zhen``): how a cache is told from other files.
APPLICATION_ID = 0x7A68656E
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_cache_file(path: str | Path | None) -> None:
    """Raise unless ``path`` is absent, empty or a segment cache this module made (its own or an older one).

    A file that is not SQLite, another program's database, a folder, a pipe or a device is never opened
    for writing, moved or replaced.

    Raises:
        InputError: ``path`` exists and is not a segment cache (named, with what it is).
    """
    import stat

    from ..errors import InputError

    path = Path(path) if path else default_cache_path()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # cannot even look: opening it fails later and switches the cache off with a warning
    hint = "; choose another cache file (--cache-path) or remove it yourself"
    if not stat.S_ISREG(st.st_mode):
        return  # a folder, a pipe, a device: SQLite cannot open it, and the cache is switched off with a warning
    if st.st_size == 0:
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return
    if not head.startswith(_SQLITE_MAGIC):
        raise InputError(f"{path}: the segment cache path names a file that is not a segment cache (not SQLite){hint}")
    app = int.from_bytes(head[68:72], "big") if len(head) >= 72 else 0
    if app == APPLICATION_ID:
        return
    if app == 0:  # ours before the id was set (an older cache, or one being created: the id may sit in the WAL)
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
            try:
                app = conn.execute("PRAGMA application_id").fetchone()[0]
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                columns = [r[1] for r in conn.execute("PRAGMA table_info(segments)")]
            finally:
                conn.close()
        except sqlite3.Error:
            app, tables, columns = 0, {"?"}, []
        if app == APPLICATION_ID or not tables or (tables == {"segments"} and columns[:2] == ["key", "value"]):
            return
    raise InputError(f"{path}: the segment cache path names another program's SQLite database, not a segment "
                     f"cache{hint}")


def cache_key(source: str, context: str) -> str:
    """Return the key of ``source`` under a run ``context`` string."""
    return hashlib.sha256(f"{context}\x00{source}".encode("utf-8")).hexdigest()


def is_segment_result(value: object) -> bool:
    """Return True when ``value`` is a stored segment result the pipeline can use (target, flags, terms, pieces)."""
    if not isinstance(value, dict) or not isinstance(value.get("target"), str) or not isinstance(value.get("pieces"), int):
        return False
    flags, terms = value.get("flags"), value.get("terms")
    if not isinstance(flags, list) or not isinstance(terms, list):
        return False
    from ..results import Flag, TermUse

    try:
        for f in flags:
            Flag(**f)
        for t in terms:
            TermUse(**t)
    except TypeError:
        return False
    return True


class SegmentCache:
    """Map segment keys to finished results.

    Args:
        path: SQLite file (created with its folder on first use, not before).
        validate: Rows whose JSON value fails this check are misses (default: any JSON object passes);
            the pipeline passes :func:`is_segment_result`.

    Attributes:
        disabled: True once the cache could not be used; reads miss and writes are skipped.
    """

    def __init__(self, path: str | Path | None = None, validate: Callable[[object], bool] | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        check_cache_file(self.path)
        self._validate = validate or (lambda value: isinstance(value, dict))
        self._conn: sqlite3.Connection | None = None
        self.disabled = False
        self._warned: set[str] = set()

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning("%s", message)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS segments (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            if conn.execute("PRAGMA application_id").fetchone()[0] == 0:
                try:
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                except sqlite3.OperationalError:  # a read-only cache: still usable for reading
                    pass
            columns = [row[1] for row in conn.execute("PRAGMA table_info(segments)")]
            if columns[:2] != ["key", "value"]:
                raise sqlite3.DatabaseError(f"unexpected table layout {columns}")
            conn.execute("SELECT key, value FROM segments LIMIT 1").fetchall()
        except BaseException:
            conn.close()
            raise
        return conn

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None and not self.disabled:
            try:
                self._conn = self._open()
            except sqlite3.DatabaseError as exc:
                if self._unusable(exc):
                    self._disable(exc)
                else:
                    self._move_aside(exc)
                    try:
                        self._conn = self._open()
                    except (sqlite3.Error, OSError) as again:
                        self._disable(again)
            except OSError as exc:
                self._disable(exc)
        return self._conn

    @staticmethod
    def _unusable(exc: Exception) -> bool:
        """Return True for errors that mean "cannot use", not "damaged" (a locked or read-only file)."""
        text = str(exc).lower()
        return isinstance(exc, sqlite3.OperationalError) and any(
            s in text for s in ("unable to open", "readonly", "read-only", "disk i/o", "locked", "full", "permission"))

    def _disable(self, exc: Exception) -> None:
        self.disabled = True
        self.close()
        self._warn("disabled", f"segment cache {self.path} cannot be used ({exc}); translating without it "
                               "(finished segments will not be kept for a resume)")

    def _move_aside(self, exc: Exception) -> None:
        self.close()
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                try:
                    os.replace(src, Path(str(aside) + suffix))
                except OSError:
                    src.unlink(missing_ok=True)
        self._warn(f"damaged:{aside}", f"segment cache {self.path} is damaged ({exc}); moved it to {aside} "
                                       "and started a fresh one")

    def _run(self, action):
        """Run ``action(conn)``; recover from damage once, then give up on the cache (never raise)."""
        for attempt in (1, 2):
            db = self._db()
            if db is None:
                return None
            try:
                return action(db)
            except sqlite3.DatabaseError as exc:
                if self._unusable(exc) or attempt == 2:
                    self._disable(exc)
                    return None
                self._move_aside(exc)
            except OSError as exc:
                self._disable(exc)
                return None
        return None

    def get_many(self, keys: list[str]) -> dict[str, dict]:
        """Return the cached values of the keys present (malformed rows are misses)."""

        def read(db: sqlite3.Connection) -> dict[str, dict]:
            out: dict[str, dict] = {}
            bad = 0
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in db.execute(f"SELECT key, value FROM segments WHERE key IN ({marks})", chunk):
                    try:
                        data = json.loads(value)
                    except (TypeError, ValueError):
                        data = None
                    if self._validate(data):
                        out[key] = data
                    else:
                        bad += 1
            if bad:
                self._warn("rows", f"segment cache {self.path}: ignored {bad} malformed row(s); "
                                   "those segments are translated again")
            return out

        return self._run(read) or {}

    def put_many(self, items: dict[str, dict]) -> None:
        """Store values (one transaction); a cache that cannot be written is switched off with a warning."""
        if not items or self.disabled:
            return
        rows = [(k, json.dumps(v, ensure_ascii=False)) for k, v in items.items()]

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany("INSERT OR REPLACE INTO segments (key, value) VALUES (?, ?)", rows)

        self._run(write)

    def __len__(self) -> int:
        return self._run(lambda db: db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]) or 0

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None
