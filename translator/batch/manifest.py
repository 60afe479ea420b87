"""The batch manifest: one JSON line per document, then a summary line.

During a run each finished document's row is appended (and flushed to disk)
as it finishes, so a killed batch leaves a record of what is done; at the end
the file is rewritten atomically with one row per document of the corpus, in
corpus order, followed by ``{"summary": {...}}``. A re-run reads the newest row
of each document to decide what to skip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import OutputError
from .document import DocumentRecord

#: The manifest's file name inside the output folder.
MANIFEST_NAME = "manifest.jsonl"


def read_manifest(path: str | Path) -> dict[str, DocumentRecord]:
    """Return the newest row of each document in a manifest (none when the file is missing).

    A torn last line (a run killed while writing it) is ignored.
    """
    path = Path(path)
    if not path.exists():
        return {}
    rows: dict[str, DocumentRecord] = {}
    for line in path.read_text("utf-8").splitlines():
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and "document" in data:
            record = DocumentRecord.from_dict(data)
            rows[record.document] = record
    return rows



def _json_line(data: dict) -> str:
    """One JSON line, UTF-8 text; with ``\\udcXX`` escapes when a file name is not UTF-8 (read back as the same name)."""
    line = json.dumps(data, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(data)
    return line

class ManifestWriter:
    """Append rows as documents finish (each line flushed and synced).

    The file is opened with the first row: a run that fails before any document finishes (no Ray
    cluster at the address given, say) leaves no empty manifest behind.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh = None

    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and self.path.stat().st_size:
            with open(self.path, "rb+") as fh:  # a torn last line from a killed run: end it so ours start clean
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    fh.write(b"\n")
        return open(self.path, "a", encoding="utf-8")

    def append(self, record: DocumentRecord) -> None:
        """Append one row."""
        try:
            if self._fh is None:
                self._fh = self._open()
            self._fh.write(_json_line(record.to_dict()) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:  # a full disk: name the manifest, not "standard output"
            raise OutputError(f"{self.path}: cannot write the manifest: {exc.strerror or exc}") from exc

    def close(self) -> None:
        """Close the file (if a row was written)."""
        if self._fh is not None:
            self._fh.close()


def write_final(path: str | Path, records: list[DocumentRecord], summary: dict) -> None:
    """Replace the manifest with one row per document and the summary line (atomically)."""
    from ..textio import write_atomic

    lines = [_json_line(r.to_dict()) for r in records]
    lines.append(_json_line({"summary": summary}))
    write_atomic(path, "\n".join(lines) + "\n")


__all__ = ["MANIFEST_NAME", "ManifestWriter", "read_manifest", "write_final"]
