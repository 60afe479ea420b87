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

import re
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


#: Characters a browser lays out at full width: a line break between two of them is removed, not shown as a
#: space (CSS Text 3, segment break transformation), so ``中文\n继续`` reads ``中文继续``.
_WIDE = re.compile(r"[\u2e80-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6"
                   r"\U00020000-\U0003134f]")


def collapse_whitespace(runs: list[Run], anchors: list[tuple[int, object]], kept: set[int],
                        spaces: str = " \t\n\r\f") -> tuple[list[Run], list[tuple[int, object]]]:
    """Read source whitespace the way a browser shows it: one space, or nothing between two Chinese characters.

    A run of ``spaces`` becomes one space; one holding a line break between two full-width characters
    (Chinese) becomes nothing, as does whitespace next to a kept line break. Characters at the offsets in
    ``kept`` (the line breaks of ``<br>`` or a Markdown hard break) stay as they are.

    Args:
        runs: The unit's runs as read from the source.
        anchors: (offset in the runs' text, anchor) pairs; their offsets are moved with the text.
        kept: Offsets of characters never changed.
        spaces: The characters that count as collapsible whitespace.

    Returns:
        The new runs (same styles) and anchors.
    """
    text = "".join(r.text for r in runs)
    styles = [r.style for r in runs for _ in r.text]
    out: list[Run] = []
    new_at = [0] * (len(text) + 1)  # old offset -> new offset
    length = 0
    i, n = 0, len(text)
    while i < n:
        if i in kept or text[i] not in spaces:
            new_at[i] = length
            append_run(out, text[i], styles[i])
            length += 1
            i += 1
            continue
        j = i
        while j < n and j not in kept and text[j] in spaces:
            j += 1
        gap = text[i:j]
        left = text[i - 1] if i else ""
        right = text[j] if j < n else ""
        if (i - 1 in kept or j in kept) or (("\n" in gap or "\r" in gap) and _WIDE.match(left or " ")
                                              and _WIDE.match(right or " ")):
            replacement = ""
        else:
            replacement = " "
        for k in range(i, j):
            new_at[k] = length
        append_run(out, replacement, styles[i])
        length += len(replacement)
        i = j
    new_at[n] = length
    return out, [(new_at[min(offset, n)], anchor) for offset, anchor in anchors]


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
        """Return the segmented document (one block per unit; no sentence ends inside a verbatim span)."""
        if self._document is None:
            verbatim = []
            for unit in self.units:
                spans, pos = [], 0
                for run in unit.runs:
                    if self.is_verbatim(run.style):
                        spans.append((pos, pos + len(run.text)))
                    pos += len(run.text)
                verbatim.append(spans)
            self._document = segment_blocks([(u.kind, u.text) for u in self.units], self.name, verbatim)
        return self._document

    def copied(self, result: DocumentResult, index: int) -> bool:
        """Return True when every segment of unit ``index`` was copied (no Chinese): the writer keeps it as it was."""
        return all(result.segments[i].copied for i in self.document.blocks[index].segment_indices)

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

    def is_superscript(self, style: Hashable) -> bool:
        """Return True for superscript spans (a citation mark ``[1]`` or an exponent: kept as written)."""
        return False

    def is_link(self, style: Hashable) -> bool:
        """Return True for spans that are links (one that cannot be placed is kept visible, see inline.place_segment)."""
        return False

    def write(self, result: DocumentResult, english: list[list[Run]], output: Path, fmt: str,
              notes: bool = True) -> None:
        """Write the English document.

        Args:
            result: The translation (segments, flags, signature).
            english: For each unit, its English runs (formatting placed).
            output: Where to write (atomically).
            fmt: One of :attr:`native_outputs`.
            notes: Show each flagged segment's flags (see :mod:`translator.documents.notes`); the closing
                notice with the signature is always written.
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
