"""Stage 1: split a Chinese report into blocks and sentence segments.

Blocks are lines. Their kind comes from the line's shape: the first line is
the title, ``来源:``/``发布时间:`` lines are meta (split at each label),
``■`` lines are photo captions, ``□``/``记者:`` lines are bylines, short
lines starting with a section number are headings (not a number that counts
something: ``12 月 31 日``, ``5 家企业``, ``30 万元``), the rest paragraphs.

Sentences end at 。！？；… and at ASCII ``!?;`` (and ``.`` after a Chinese
character followed by a space or the end of the line). Closing quotes and
brackets stay with their sentence. Nothing splits inside numbers, decimals,
dates, times or ranges because none of those contain a sentence ender.
"""

from __future__ import annotations

import re

from .document import Block, Document, Segment
from ..textnorm import ODD_SPACES, ZERO_WIDTH, clean_segment_text, is_blank

ENDERS = set("。！？；!?;…")
CLOSERS = set("”’」』）)》】〕〉\"'")
_STRIP = " " + ODD_SPACES + ZERO_WIDTH

META_LABELS = ("来源", "发布时间", "发布日期", "时间", "日期", "作者", "责任编辑", "编辑", "稿件来源", "信息来源")
_META_RE = re.compile(r"(?:%s)\s*[:：]" % "|".join(sorted(META_LABELS, key=len, reverse=True)))
_BYLINE_RE = re.compile(r"^(?:记者|通讯员|本报记者|撰稿|文|图)\s*[:：]")
_HEADING_RE = re.compile(r"^(\d{1,2})[ \u00a0\u3000\t]+(\S.{0,39})$")
_CN_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|第[一二三四五六七八九十]{1,3}[章节部分])\S.{0,39}$")
# What a number is followed by when it counts something (30 万元, 5 家企业, 12 月 31 日) rather than
# numbering a section: spaced-out figures (text from PDFs and OCR) must reach the model whole
_QUANTITY_UNITS = set("万亿千百%％‰余多倍家个名位次件辆套只岁元吨亩斤届")
_DATE_UNITS = set("年月日号时")  # a quantity when another figure follows (12 月 31 日), not in 年度工作
_CAPTION_MARKERS = "■▲▼◆"
_BYLINE_MARKERS = "□"
_CJK_OR_CLOSER = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f”’」』）)]")  # BMP and extensions B-H

_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return start, end


def _is_sentence_end(text: str, i: int, end: int) -> bool:
    ch = text[i]
    if ch in ENDERS:
        return True
    if ch == ".":
        after_ok = i + 1 >= end or text[i + 1] in _STRIP
        before_ok = i > 0 and bool(_CJK_OR_CLOSER.match(text[i - 1]))
        return after_ok and before_ok
    return False


def split_sentences(text: str, start: int, end: int, verbatim: tuple[tuple[int, int], ...] = ()) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentence spans (offsets into ``text``).

    Args:
        text: The whole document text.
        start: First offset of the region to split.
        end: One past the last offset.
        verbatim: (start, end) offsets of text that never ends a sentence (inline code, a formula:
            ``a != b``, ``$n!$``).

    Returns:
        Non-empty, whitespace-trimmed spans in order.
    """
    spans: list[tuple[int, int]] = []
    sent_start = start
    i = start
    while i < end:
        if _is_sentence_end(text, i, end) and not any(a <= i < b for a, b in verbatim):
            j = i + 1
            while j < end and (text[j] in ENDERS or text[j] == "."):
                j += 1
            while j < end and text[j] in CLOSERS:
                j += 1
            spans.append((sent_start, j))
            sent_start = i = j
            continue
        i += 1
    if sent_start < end:
        spans.append((sent_start, end))
    out = []
    for s, e in spans:
        s, e = _strip_span(text, s, e)
        if s >= e:
            continue
        if out and all(c in CLOSERS for c in text[s:e]):
            out[-1] = (out[-1][0], e)  # stray closer: keep it with its sentence
            continue
        out.append((s, e))
    return out


def _counts_something(rest: str) -> bool:
    """True when ``rest``, the text after a leading number and a space, makes that number a quantity."""
    first = rest[0]
    return first in _QUANTITY_UNITS or (first in _DATE_UNITS and any(c.isdigit() for c in rest))


def _classify(content: str, first_block: bool) -> tuple[str, int]:
    """Return (kind, marker length) for a stripped line."""
    if content[0] in _CAPTION_MARKERS:
        return "caption", 1
    if content[0] in _BYLINE_MARKERS:
        return "byline", 1
    if _META_RE.match(content):
        return "meta", 0
    if _BYLINE_RE.match(content):
        return "byline", 0
    m = _HEADING_RE.match(content)
    if m and not any(c in ENDERS for c in m.group(2)) and not _counts_something(m.group(2)):
        return "heading", len(m.group(1))
    if _CN_HEADING_RE.match(content) and not any(c in ENDERS for c in content):
        return "heading", 0
    if first_block and len(content) <= 80 and content[-1] not in ENDERS:
        return "title", 0
    return "paragraph", 0


def segment_text(text: str, name: str = "<text>") -> Document:
    """Segment a decoded document.

    Args:
        text: The whole document as a string.
        name: Where it came from, used in messages.

    Returns:
        The :class:`Document` with blocks, segments and separators.
    """
    doc = Document(text=text, name=name)
    spans: list[tuple[int, int, int]] = []  # (start, end, block index)
    pos = 0
    line_no = 0
    for line in _LINE_RE.findall(text):  # only \n ends a line, as in the line numbers below
        line_no += 1
        line_start, line_end = pos, pos + len(line)
        pos = line_end
        if is_blank(line):
            continue
        s, e = _strip_span(text, line_start, line_end)
        content = text[s:e]
        kind, marker_len = _classify(content, first_block=not doc.blocks)
        marker = content[:marker_len] or None
        body_start, body_end = _strip_span(text, s + marker_len, e)
        block = Block(index=len(doc.blocks), kind=kind, marker=marker, segment_indices=[], line=line_no)
        if kind == "meta":
            cuts = [m.start() for m in _META_RE.finditer(text, body_start, body_end)] or [body_start]
            cuts = sorted(set([body_start] + cuts)) + [body_end]
            # each labelled field, and any sentences a field holds (时间：…召开。会议指出…。)
            sentence_spans = [span for a, b in zip(cuts, cuts[1:]) for span in split_sentences(text, a, b)]
        elif kind in ("title", "heading"):
            sentence_spans = [(body_start, body_end)] if body_start < body_end else []
        else:
            sentence_spans = split_sentences(text, body_start, body_end)
        if not sentence_spans:
            continue
        doc.blocks.append(block)
        for a, b in sentence_spans:
            block.segment_indices.append(len(spans))
            spans.append((a, b, block.index))

    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())
    import bisect

    prev = 0
    for idx, (a, b, bi) in enumerate(spans):
        doc.separators.append(text[prev:a])
        raw = text[a:b]
        doc.segments.append(
            Segment(
                index=idx,
                block_index=bi,
                kind=doc.blocks[bi].kind,
                raw=raw,
                text=clean_segment_text(raw),
                start=a,
                end=b,
                line=bisect.bisect_right(line_starts, a),
            )
        )
        prev = b
    doc.separators.append(text[prev:])
    return doc


def segment_lines(lines: list[str], name: str = "<segments>") -> Document:
    """Make a document of already-segmented lines: one paragraph block and one segment per line.

    Args:
        lines: The segments, in order (none may contain a line break).
        name: Where they came from, used in messages.

    Returns:
        The :class:`Document`; ``rebuild()`` gives the lines joined by ``\\n``.
    """
    doc = Document(text="\n".join(lines), name=name)
    pos = 0
    for i, line in enumerate(lines):
        doc.blocks.append(Block(i, "paragraph", None, [i], i + 1))
        doc.segments.append(Segment(i, i, "paragraph", line, clean_segment_text(line), pos, pos + len(line), i + 1))
        doc.separators.append("" if i == 0 else "\n")
        pos += len(line) + 1
    doc.separators.append("")
    return doc


def segment_blocks(blocks: list[tuple[str, str]], name: str = "<document>",
                   verbatim: list[list[tuple[int, int]]] | None = None) -> Document:
    """Make a document of structural blocks read from a formatted file (Word, HTML, Markdown, PDF).

    Each block becomes one :class:`Block` of the given kind; titles and headings are one
    segment, every other kind is split into sentences with the text segmenter's rules
    (:func:`split_sentences`), so a sentence spread over several formatting runs is one segment.
    A tab always ends a segment (it is layout: ``1.⇥``, a form's columns, a TOC entry's page number).

    Args:
        blocks: (kind, text) pairs in reading order; kinds are :data:`~.document.BLOCK_KINDS`.
            No text may be blank (callers drop empty paragraphs).
        name: Where they came from, used in messages.
        verbatim: For each block, (start, end) offsets in its text of spans kept verbatim (inline code,
            formulas), where no sentence ends.

    Returns:
        The :class:`Document`. Its ``text`` is the blocks' texts joined by ``\\n``; segment offsets
        point into it; ``line`` (of blocks and segments) is the 1-based block number.

    Raises:
        ValueError: A blank block or an unknown kind.
    """
    from .document import BLOCK_KINDS

    text = "\n".join(t for _, t in blocks)
    doc = Document(text=text, name=name)
    pos = 0
    prev = 0
    for number, (kind, body) in enumerate(blocks, start=1):
        if kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {kind!r}; valid kinds: {', '.join(BLOCK_KINDS)}")
        start, end = pos, pos + len(body)
        pos = end + 1
        spans = []
        # a tab is layout (a typed list number ``1.⇥``, a form's columns, a TOC's page number), never inside a
        # sentence: the pieces between tabs are segmented apart and the writers keep the tab between them
        for m in re.finditer(r"[^\t]+", body):
            a, b = start + m.start(), start + m.end()
            if kind in ("title", "heading"):
                s, e = _strip_span(text, a, b)
                spans += [(s, e)] if s < e else []
            else:
                kept = tuple((start + x, start + y) for x, y in (verbatim[number - 1] if verbatim else ()))
                spans += split_sentences(text, a, b, kept)
        if not spans:
            raise ValueError(f"block {number} of {name} is blank")
        block = Block(index=len(doc.blocks), kind=kind, marker=None, segment_indices=[], line=number)
        doc.blocks.append(block)
        for a, b in spans:
            block.segment_indices.append(len(doc.segments))
            doc.separators.append(text[prev:a])
            raw = text[a:b]
            doc.segments.append(Segment(index=len(doc.segments), block_index=block.index, kind=kind, raw=raw,
                                        text=clean_segment_text(raw), start=a, end=b, line=number))
            prev = b
    doc.separators.append(text[prev:])
    return doc
