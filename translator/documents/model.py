"""What every document reader returns: structural units made of formatted runs.

A reader (one module per input format) turns a file into :class:`Unit` objects,
one per paragraph, heading, list item, table cell, caption or visible attribute,
each a list of :class:`Run` (text plus an opaque, hashable *style* that the
format module understands). :class:`ParsedDocument` builds the segmentation
:class:`~translator.segmentation.Document` from the units (one segment per
sentence, whatever the runs inside it) and writes the English back with the
same structure.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..results import DocumentResult
from ..segmentation import Document, segment_blocks


@dataclass
class Run:
    """A stretch of text with one formatting.

    Attributes:
        text: The characters.
        style: Format-specific, hashable formatting key; ``None`` is plain text.
    """

    text: str
    style: Hashable = None


def append_run(runs: list[Run], text: str | None, style: Hashable) -> None:
    """Append ``text`` to ``runs``, merging it into the last run when the formatting is the same."""
    if not text:
        return
    if runs and runs[-1].style == style:
        runs[-1] = Run(runs[-1].text + text, style)
    else:
        runs.append(Run(text, style))


@dataclass
class Unit:
    """One structural block of a document (paragraph, heading, cell, caption ...).

    Attributes:
        kind: A segmentation block kind (title, meta, caption, byline, heading, paragraph).
        runs: The formatted runs, in order.
        handle: Whatever the writer needs to find the block again (an element, a line range ...).
    """

    kind: str
    runs: list[Run]
    handle: object = None

    @property
    def text(self) -> str:
        """Return the unit's text (its runs joined)."""
        return "".join(r.text for r in self.runs)


@dataclass
class ParsedDocument:
    """A document read from a file, ready to translate and write back.

    Subclasses (one per format) implement :meth:`write` and may refine
    :meth:`describe_style` and :meth:`is_verbatim`.

    Attributes:
        path: The source file.
        units: Translatable units in reading order (none blank).
        document: The segmentation of the units (built on first access).
    """

    path: Path
    units: list[Unit] = field(default_factory=list)
    _document: Document | None = field(default=None, repr=False)

    #: Input format name (``docx``, ``html``, ``md``, ``pdf``).
    format_name: ClassVar[str] = ""
    #: Output formats :meth:`write` can produce; the first is the default.
    native_outputs: ClassVar[tuple[str, ...]] = ()

    @property
    def name(self) -> str:
        """Return the file name used in messages."""
        return str(self.path)

    @property
    def document(self) -> Document:
        """Return the segmented document (one block per unit)."""
        if self._document is None:
            self._document = segment_blocks([(u.kind, u.text) for u in self.units], self.name)
        return self._document

    def unit_offset(self, index: int) -> int:
        """Return where unit ``index`` starts in the text of :attr:`document` (units joined by one newline).

        Computed once for all units (writers ask for every unit: a walk per call made 8,000 paragraphs quadratic).
        """
        offsets = self.__dict__.get("_unit_offsets")
        if offsets is None or len(offsets) != len(self.units) + 1:
            offsets = [0]
            for unit in self.units:
                offsets.append(offsets[-1] + len(unit.text) + 1)
            self.__dict__["_unit_offsets"] = offsets
        return offsets[index]

    def describe_style(self, style: Hashable) -> str:
        """Return a short human description of a style (used in ``formatting_lost`` flags)."""
        return str(style)

    def can_place(self, style: Hashable) -> bool:
        """Return False for spans whose formatting can never be carried onto the English (always flagged)."""
        return True

    def is_verbatim(self, style: Hashable) -> bool:
        """Return True for spans whose text must be kept exactly (inline code, translate="no")."""
        return False

    def write(self, result: DocumentResult, english: list[list[Run]], output: Path, fmt: str) -> None:
        """Write the English document.

        Args:
            result: The translation (segments, flags, signature).
            english: For each unit, its English runs (formatting placed).
            output: Where to write (atomically).
            fmt: One of :attr:`native_outputs`.
        """
        raise NotImplementedError


@dataclass
class FileResult:
    """A translated file and where its translation was written.

    Attributes:
        result: The translation of every segment, with flags.
        output: The file written (None when nothing was written).
        format: The output format.
        layout_kept: False when the output does not keep the input's layout (PDF input).
    """

    result: DocumentResult
    output: Path | None
    format: str
    layout_kept: bool = True
