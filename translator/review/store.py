"""The review state: one SQLite file and one private folder per reviewed document, in a state folder.

Each reviewed document keeps a copy of its uploaded file (so the edited English can be written back into
it, in its own format, after a server restart), the translation's signature, and per segment the
model's English, the reviewer's English, whether it is confirmed, whether it must be looked at again
(a glossary term was added since), and its current flags and term uses. Nothing here knows about HTTP.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InputError, TranslatorError
from ..results import Flag, TermUse

__all__ = ["ReviewDocument", "ReviewNotFound", "ReviewSegment", "ReviewStore", "default_state_dir"]

_SCHEMA = 1
_ID = re.compile(r"^[0-9a-f]{32}$")


class ReviewNotFound(TranslatorError):
    """No such reviewed document (or not this reviewer's)."""


def default_state_dir() -> Path:
    """Return ``TRANSLATOR_STATE_DIR`` or the user data folder's ``review`` folder (where review state lives)."""
    env = os.environ.get("TRANSLATOR_STATE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("translator")) / "review"


@dataclass
class ReviewSegment:
    """One segment under review.

    Attributes:
        index: 0-based position in the document.
        id: The segment's id (``s1`` ...).
        kind: Its block's kind (``heading``, ``paragraph`` ...).
        block_index: Its block.
        source: The Chinese.
        original: The English the translation gave.
        english: The English now (the reviewer's edit, or the original).
        confirmed: The reviewer confirmed this English.
        recheck: A glossary term found in this segment was added after its English was checked.
        flags: Its current flags.
        terms: Its current glossary term uses.
        origin: Where the original English came from (``model``, ``cache``, ``memory`` ...).
    """

    index: int
    id: str
    kind: str
    block_index: int
    source: str
    original: str
    english: str
    confirmed: bool = False
    recheck: bool = False
    flags: list[Flag] = field(default_factory=list)
    terms: list[TermUse] = field(default_factory=list)
    origin: str = "model"

    @property
    def edited(self) -> bool:
        """Return True when the English differs from the translation's."""
        return self.english != self.original

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (``edited`` included)."""
        return asdict(self) | {"edited": self.edited}


@dataclass
class ReviewDocument:
    """A reviewed document.

    Attributes:
        id: Unguessable id (32 hex digits): the capability to read it (and, with API keys, its owner's key).
        name: The uploaded file's name (shown only).
        suffix: Its extension (``.docx`` ...), lower case.
        folder: Its private folder (``input<suffix>`` is the uploaded file).
        owner: The API key that uploaded it (None when keys are off).
        created: Upload time (seconds since the epoch).
        status: ``translating``, ``ready`` or ``failed``.
        error: Why it failed.
        signature: The translation's signature fields (empty until ready).
    """

    id: str
    name: str
    suffix: str
    folder: Path
    owner: str | None
    created: float
    status: str = "translating"
    error: str | None = None
    signature: dict = field(default_factory=dict)

    @property
    def input_path(self) -> Path:
        """Return the copy of the uploaded file."""
        return self.folder / f"input{self.suffix}"

    def to_dict(self) -> dict:
        """Return what the page shows of it (never the owner's key, never a path)."""
        return {"id": self.id, "name": self.name, "status": self.status, "error": self.error,
                "created": self.created, "signature": self.signature}


def safe_name(name: str) -> str:
    """Return a file name without folders or characters unsafe in a URL or a file system."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "document"
    return base[-120:]


class ReviewStore:
    """The review state of every document, in ``folder`` (created private, 0700).

    Safe to use from several threads (one connection per thread; SQLite serialises the writes).

    Args:
        folder: The state folder (``review.sqlite3`` and one sub-folder per document).

    Raises:
        InputError: The folder cannot be created or the state file cannot be opened.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            (self.folder / "documents").mkdir(exist_ok=True, mode=0o700)
        except OSError as exc:
            raise InputError(f"{self.folder}: cannot create the review state folder: {exc.strerror or exc}") from exc
        self.path = self.folder / "review.sqlite3"
        self._local = threading.local()
        with self._conn() as conn:
            conn.executescript("""
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS documents (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, suffix TEXT NOT NULL, owner TEXT,
                    created REAL NOT NULL, status TEXT NOT NULL, error TEXT, signature TEXT NOT NULL DEFAULT '{}');
                CREATE TABLE IF NOT EXISTS segments (
                    doc TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
                    id TEXT NOT NULL, kind TEXT NOT NULL, block INTEGER NOT NULL, source TEXT NOT NULL,
                    original TEXT NOT NULL, english TEXT NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0,
                    recheck INTEGER NOT NULL DEFAULT 0, flags TEXT NOT NULL, terms TEXT NOT NULL,
                    origin TEXT NOT NULL, PRIMARY KEY (doc, idx));
            """)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(_SCHEMA),))
            elif row[0] != str(_SCHEMA):
                raise InputError(f"{self.path}: review state of schema {row[0]}, this version reads {_SCHEMA}; "
                                 "use another --state-dir")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30)
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.Error as exc:
                raise InputError(f"{self.path}: cannot open the review state: {exc}") from exc
            self._local.conn = conn
        return conn

    # ------------------------------------------------------------ documents
    def create(self, name: str, data: bytes, owner: str | None = None) -> ReviewDocument:
        """Keep a copy of an uploaded file and record the document (status ``translating``)."""
        doc_id = secrets.token_hex(16)
        shown = safe_name(name)
        doc = ReviewDocument(doc_id, shown, Path(shown).suffix.lower(), self.folder / "documents" / doc_id, owner,
                             time.time())
        doc.folder.mkdir(mode=0o700)
        with open(doc.input_path, "xb") as fh:
            fh.write(data)
        with self._conn() as conn:
            conn.execute("INSERT INTO documents (id, name, suffix, owner, created, status) VALUES (?, ?, ?, ?, ?, ?)",
                         (doc.id, doc.name, doc.suffix, owner, doc.created, doc.status))
        return doc

    def _doc(self, row) -> ReviewDocument:
        return ReviewDocument(row[0], row[1], row[2], self.folder / "documents" / row[0], row[3], row[4], row[5],
                              row[6], json.loads(row[7]))

    def document(self, doc_id: str, owner: str | None = None, check_owner: bool = False) -> ReviewDocument:
        """Return a document.

        Args:
            doc_id: Its id.
            owner: The caller's key.
            check_owner: Refuse a document uploaded with another key (API keys on).

        Raises:
            ReviewNotFound: No such document, or another key's.
        """
        row = None
        if isinstance(doc_id, str) and _ID.match(doc_id):
            row = self._conn().execute("SELECT id, name, suffix, owner, created, status, error, signature "
                                       "FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None or (check_owner and row[3] != owner):
            raise ReviewNotFound(f"no reviewed document {doc_id!r}")
        return self._doc(row)

    def documents(self, owner: str | None = None, check_owner: bool = False) -> list[ReviewDocument]:
        """Return the documents (only ``owner``'s with ``check_owner``), newest first."""
        rows = self._conn().execute("SELECT id, name, suffix, owner, created, status, error, signature "
                                    "FROM documents ORDER BY created DESC").fetchall()
        return [self._doc(r) for r in rows if not check_owner or r[3] == owner]

    def save_result(self, doc_id: str, result) -> None:
        """Record a finished translation (a :class:`~translator.results.DocumentResult`): the document is ready."""
        kinds = {b.index: b.kind for b in result.document.blocks}
        rows = [(doc_id, s.index, s.id, kinds.get(s.block_index, s.kind), s.block_index, s.source, s.target, s.target,
                 json.dumps([asdict(f) for f in s.flags], ensure_ascii=False),
                 json.dumps([asdict(t) for t in s.terms], ensure_ascii=False), s.origin) for s in result.segments]
        with self._conn() as conn:
            conn.execute("DELETE FROM segments WHERE doc = ?", (doc_id,))
            conn.executemany("INSERT INTO segments (doc, idx, id, kind, block, source, original, english, flags, terms, "
                             "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            conn.execute("UPDATE documents SET status = 'ready', error = NULL, signature = ? WHERE id = ?",
                         (json.dumps(asdict(result.signature)), doc_id))

    def fail(self, doc_id: str, error: str) -> None:
        """Record that a document's translation failed."""
        with self._conn() as conn:
            conn.execute("UPDATE documents SET status = 'failed', error = ? WHERE id = ?", (error, doc_id))

    def delete(self, doc_id: str) -> None:
        """Forget a document and delete its files."""
        import shutil

        with self._conn() as conn:
            conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        if _ID.match(doc_id):
            shutil.rmtree(self.folder / "documents" / doc_id, ignore_errors=True)

    # ------------------------------------------------------------- segments
    @staticmethod
    def _segment(row) -> ReviewSegment:
        return ReviewSegment(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), bool(row[8]),
                             [Flag(**f) for f in json.loads(row[9])], [TermUse(**t) for t in json.loads(row[10])],
                             row[11])

    _COLUMNS = "idx, id, kind, block, source, original, english, confirmed, recheck, flags, terms, origin"

    def segments(self, doc_id: str) -> list[ReviewSegment]:
        """Return a document's segments in document order."""
        rows = self._conn().execute(f"SELECT {self._COLUMNS} FROM segments WHERE doc = ? ORDER BY idx",
                                    (doc_id,)).fetchall()
        return [self._segment(r) for r in rows]

    def segment(self, doc_id: str, index: int) -> ReviewSegment:
        """Return one segment.

        Raises:
            ReviewNotFound: No segment ``index`` in the document.
        """
        row = None
        if isinstance(index, int) and not isinstance(index, bool):
            row = self._conn().execute(f"SELECT {self._COLUMNS} FROM segments WHERE doc = ? AND idx = ?",
                                       (doc_id, index)).fetchone()
        if row is None:
            raise ReviewNotFound(f"no segment {index!r} in document {doc_id}")
        return self._segment(row)

    def update(self, doc_id: str, segment: ReviewSegment) -> None:
        """Store a segment's English, confirmed and re-check marks, flags and terms."""
        with self._conn() as conn:
            conn.execute("UPDATE segments SET english = ?, confirmed = ?, recheck = ?, flags = ?, terms = ? "
                         "WHERE doc = ? AND idx = ?",
                         (segment.english, int(segment.confirmed), int(segment.recheck),
                          json.dumps([asdict(f) for f in segment.flags], ensure_ascii=False),
                          json.dumps([asdict(t) for t in segment.terms], ensure_ascii=False), doc_id, segment.index))

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
