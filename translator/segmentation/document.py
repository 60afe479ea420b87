"""The document model: blocks of a given kind holding source segments.

Offsets always refer to the original text, so the original can be rebuilt
exactly from the segments' raw text and the separators between them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..textnorm import printable_name

BLOCK_KINDS = ("title", "meta", "caption", "byline", "heading", "paragraph")


@dataclass
class Segment:
    """One translatable unit (usually a sentence).

    Attributes:
        index: 0-based position in the document.
        block_index: Index of the block holding it.
        kind: Kind of that block (title, meta, caption, byline, heading, paragraph).
        raw: The exact source characters, ``document.text[start:end]``.
        text: The model-facing form of ``raw`` (see :func:`textnorm.clean_segment_text`).
        start: Offset of the first character in the original text.
        end: Offset one past the last character.
        line: 1-based line number of the segment's first character.
    """

    index: int
    block_index: int
    kind: str
    raw: str
    text: str
    start: int
    end: int
    line: int

    @property
    def id(self) -> str:
        """Stable identifier, ``s1`` for the first segment."""
        return f"s{self.index + 1}"


@dataclass
class Block:
    """A structural unit: one line of the report, of one kind.

    Attributes:
        index: 0-based position in the document.
        kind: One of :data:`BLOCK_KINDS`.
        marker: Leading marker kept verbatim (``■``, ``□`` or a heading number).
        segment_indices: Indices of the segments inside the block.
        line: 1-based line number.
    """

    index: int
    kind: str
    marker: str | None
    segment_indices: list[int]
    line: int


@dataclass
class Document:
    """A segmented source document.

    Attributes:
        text: The decoded original text.
        blocks: Blocks in order.
        segments: Segments in order.
        separators: ``len(segments) + 1`` strings: what lies before the first
            segment, between each pair and after the last.
        name: Where the text came from (path or ``<stdin>``).
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    separators: list[str] = field(default_factory=list)
    name: str = "<text>"

    def __post_init__(self) -> None:
        # a file name that is not valid UTF-8 arrives with surrogate escapes, which no UTF-8 output can carry
        self.name = printable_name(self.name)

    def rebuild(self) -> str:
        """Rebuild the original text from separators and segment raw text."""
        parts = [self.separators[0]]
        for seg, sep in zip(self.segments, self.separators[1:]):
            parts.append(seg.raw)
            parts.append(sep)
        return "".join(parts)

    def to_dict(self) -> dict:
        """Return a JSON-ready view (blocks with their segments)."""
        return {
            "name": self.name,
            "blocks": [
                {**asdict(b), "segments": [asdict(self.segments[i]) | {"id": self.segments[i].id} for i in b.segment_indices]}
                for b in self.blocks
            ],
            "segment_count": len(self.segments),
        }
