"""A persistent segment cache (SQLite) shared safely by concurrent processes.

Keys hash everything that changes a segment's result: the source text, the
model, the backend, the decoding settings, the glossary version and the
package version. Values are the finished segment result (translation,
flags, term uses). WAL mode and a busy timeout make concurrent writers safe;
each write is its own transaction, so a killed run keeps what it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path


def default_cache_path() -> Path:
    """Return ``TRANSLATOR_CACHE_DIR``/segments.sqlite3 or the user cache dir's."""
    env = os.environ.get("TRANSLATOR_CACHE_DIR")
    if env:
        return Path(env) / "segments.sqlite3"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("translator")) / "segments.sqlite3"


def cache_key(source: str, context: str) -> str:
    """Return the key of ``source`` under a run ``context`` string."""
    return hashlib.sha256(f"{context}\x00{source}".encode("utf-8")).hexdigest()


class SegmentCache:
    """Map segment keys to finished results.

    Args:
        path: SQLite file (created with its folder on first use, not before).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_cache_path()
        self._conn: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS segments (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._conn = conn
        return self._conn

    def get_many(self, keys: list[str]) -> dict[str, dict]:
        """Return the cached values of the keys present."""
        out: dict[str, dict] = {}
        db = self._db()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in db.execute(f"SELECT key, value FROM segments WHERE key IN ({marks})", chunk):
                out[key] = json.loads(value)
        return out

    def put_many(self, items: dict[str, dict]) -> None:
        """Store values (one transaction)."""
        if not items:
            return
        db = self._db()
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO segments (key, value) VALUES (?, ?)",
                           [(k, json.dumps(v, ensure_ascii=False)) for k, v in items.items()])

    def __len__(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM segments").fetchone()[0]

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
