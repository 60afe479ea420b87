"""The English of a text as the text itself: what an API client that sent a string gets back.

No notes, no signature: the source's line structure is kept (every separator that holds a line break
is copied), sentences of one line are joined by a space. The flags and signature travel beside the
text (the server's ``/v1`` answers and response headers), never inside it.
"""

from __future__ import annotations

from ..results import DocumentResult

__all__ = ["plain_text"]


def plain_text(doc: DocumentResult) -> str:
    """Return the English of ``doc`` laid out as its source text was.

    Separators are copied when they hold a line break or non-space characters (list markers);
    sentences that followed each other on a line are joined by one space. An empty translation stays
    empty here: the segment's ``empty`` flag says so.

    Args:
        doc: A translated document whose source was segmented from a string.

    Returns:
        The English text.
    """
    source = doc.document
    separators = source.separators
    if not separators:
        return source.text
    parts = [separators[0]]
    for i, seg in enumerate(doc.segments):
        parts.append(seg.target.strip())
        sep = separators[i + 1]
        last = i + 1 == len(doc.segments)
        if not last and not sep.strip(" \t\u3000\xa0") and "\n" not in sep:
            sep = " "  # 第一句。第二句。 -> "First. Second."
        parts.append(sep)
    return "".join(parts)
