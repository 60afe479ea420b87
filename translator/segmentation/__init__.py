"""Stage 1: a Chinese document -> blocks and sentence segments.

``segmenter`` reads the line shapes (title, meta lines, captions, bylines,
numbered headings, paragraphs) and cuts sentences; ``document`` holds the
result with offsets into the original text; ``long_segments`` splits a
segment that is too long for the model at clauses, then token windows.
"""

from .document import Block, Document, Segment
from .segmenter import segment_blocks, segment_lines, segment_text, split_sentences


def read_document(path: str, encoding: str | None = None) -> tuple[Document, str]:
    """Read a text file (``-`` = stdin; encoding detected unless given) and segment it.

    Returns:
        The document and the encoding it was read with.

    Raises:
        InputError: Unreadable, binary, empty or wrongly encoded input (the message names the file).
    """
    from ..textio import read_text

    decoded = read_text(str(path), encoding)
    return segment_text(decoded.text, decoded.name), decoded.encoding


__all__ = ["Block", "Document", "Segment", "read_document", "segment_blocks", "segment_lines", "segment_text",
           "split_sentences"]
