"""What a translated document tells its reader: which segments to check, and that it is machine output.

Every document writer (Word, HTML, Markdown, and a PDF's .docx or .md) shows the
flags of its segments as the txt and md outputs do: each flagged segment gets a
number (or, in Word, a comment anchored on the sentence), the numbered notes are
listed, and the document closes with the notice
"Machine translation, check before use" and the run's signature. ``notes=False``
(``--no-notes``) leaves the numbers, comments and list out; the closing notice stays,
as in txt and md.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.text import CHECK_BEFORE_USE, flag_note
from ..results import DocumentResult

__all__ = ["CHECK_BEFORE_USE", "NOTES_HEADING", "Note", "closing_notice", "document_notes"]

#: The heading of the numbered notes list.
NOTES_HEADING = "Flagged segments (machine translation notes)"


@dataclass(frozen=True)
class Note:
    """One flagged segment's note.

    Attributes:
        number: Its number in the document (1, 2 ...), in document order.
        segment: The segment's index in the result.
        segment_id: The segment's id (``s12``).
        text: The flags, one line (``s12: term: ...; number: ...``).
    """

    number: int
    segment: int
    segment_id: str
    text: str

    @property
    def marker(self) -> str:
        """Return the marker put after the segment's English (`` [3]``)."""
        return f" [{self.number}]"


def document_notes(result: DocumentResult, notes: bool = True) -> dict[int, Note]:
    """Return the note of every flagged segment, by segment index, numbered in document order.

    Args:
        result: The translated document (its flags as they will be written, ``formatting_lost`` included).
        notes: False (``--no-notes``): no notes at all.
    """
    if not notes:
        return {}
    out: dict[int, Note] = {}
    for i, seg in enumerate(result.segments):
        if seg.flags:
            out[i] = Note(len(out) + 1, i, seg.id, flag_note(seg.id, seg.flags))
    return out


def closing_notice(result: DocumentResult) -> str:
    """Return the line a translated document closes with: the machine-translation notice and the signature."""
    return f"{CHECK_BEFORE_USE}{result.signature}"
