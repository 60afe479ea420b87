"""Carry inline formatting (bold, italic, links, colour ...) from a Chinese sentence to its English.

The model sees the whole sentence as one segment, so formatting is put back
afterwards. Within a segment the formatting covering most characters is the
*base*; every other stretch of formatting is a *span*. A span is placed only
where its English is known:

* its text appears in the English as is (Latin names, codes, numbers written the same);
* it is a glossary term found in the segment: its approved English;
* it is a number (alone, with a unit, or a cross-reference label such as 图2.1 or
  第3章): the English number of the same value (the number check's reading).

A span that cannot be placed is reported on the segment as a ``formatting_lost``
flag naming the span and its formatting; its text is still translated (in the
base formatting), never dropped. A link stays visible and usable: the only link
of a sentence that has no other placed span goes around the whole English; other
links that cannot be placed follow the sentence as numbered links (``[1]``). Spans that must stay verbatim (inline code,
``translate="no"``, any span of symbols only such as ``+`` or a ``¶`` permalink,
whatever its formatting, and a superscript citation mark such as ``[1]``) and cannot
be placed are appended after the sentence as they were, and flagged unless they
ended the sentence in the source too.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Hashable, Iterator

from ..results import DocumentResult, Flag, SegmentResult
from ..textnorm import clean_segment_text, fold_for_matching
from .model import ParsedDocument, Run

FORMATTING_LOST = "formatting_lost"

_NUMBER_REST = set("元万亿千百个百分点余多近约超逾左右以上年月日号人家户次倍亩米平方公里吨项所座台辆%.,，、 "
                   "图表式章节条款第")  # cross-reference labels: 图2.1 -> the English 2.1
_PUNCT_STRIP = "，。、；：！？“”‘’（）()《》【】「」,.;:!?\"' "


def _clip(runs: list[Run], start: int, end: int, starts: list[int] | None = None) -> list[Run]:
    """Return the runs' characters in ``[start, end)`` (offsets into the unit text), same-style runs merged.

    ``starts`` (each run's offset, ascending) lets a long unit be clipped without walking the runs before ``start``.
    """
    out: list[Run] = []
    first = max(bisect.bisect_right(starts, start) - 1, 0) if starts else 0
    pos = starts[first] if starts else 0
    for k in range(first, len(runs)):
        run = runs[k]
        if pos >= end:
            break
        a, b = max(start, pos), min(end, pos + len(run.text))
        if a < b:
            piece = run.text[a - pos:b - pos]
            if out and out[-1].style == run.style:
                out[-1] = Run(out[-1].text + piece, run.style)
            else:
                out.append(Run(piece, run.style))
        pos += len(run.text)
    return out


def _base_style(parsed: ParsedDocument, runs: list[Run]) -> Hashable:
    """The style covering most characters, preferring styles that are not verbatim-only (code)."""
    weight: dict = {}
    for run in runs:
        weight[run.style] = weight.get(run.style, 0) + sum(1 for c in run.text if not c.isspace())
    if not weight:
        return None
    return max(weight, key=lambda st: (not parsed.is_verbatim(st), weight[st]))


def _free(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
    return all(b <= x or a >= y for x, y in taken)


def _find(needle: str, target: str, taken: list[tuple[int, int]], after: int, ignore_case: bool = False) -> tuple[int, int] | None:
    """First free occurrence of ``needle`` at or after ``after``, else anywhere; on word boundaries for Latin text."""
    if not needle:
        return None
    flags = re.IGNORECASE if ignore_case else 0
    left = r"(?<![A-Za-z0-9])" if needle[0].isascii() and needle[0].isalnum() else ""
    right = r"(?![A-Za-z0-9])" if needle[-1].isascii() and needle[-1].isalnum() else ""
    hits = [(m.start(), m.end()) for m in re.finditer(left + re.escape(needle) + right, target, flags)]
    hits = [h for h in hits if _free(*h, taken)]
    later = [h for h in hits if h[0] >= after]
    return (later or hits or [None])[0]


def _locate(span: str, target: str, result: SegmentResult, taken: list[tuple[int, int]], after: int) -> tuple[int, int] | None:
    """Where the English of the span ``span`` is in ``target`` (None when unknown)."""
    clean = clean_segment_text(span)
    hit = _find(clean, target, taken, after) or _find(clean, target, taken, after, ignore_case=True)
    if hit:
        return hit
    key = fold_for_matching(clean.strip(_PUNCT_STRIP))
    for term in result.terms:
        if fold_for_matching(term.source) == key:
            hit = _find(term.target, target, taken, after, ignore_case=True)
            if hit:
                return hit
    if any(c.isdigit() for c in clean) or re.search("[零〇一二两三四五六七八九十百千万亿]", clean):
        from ..checks.numbers import extract_chinese, extract_english, same_value

        quantities = extract_chinese(clean)
        if len(quantities) == 1:
            q = quantities[0]
            rest = clean.replace(q.text, "", 1)
            if all(c in _NUMBER_REST for c in rest):
                for q_en in extract_english(target):
                    if same_value(q, q_en):
                        hit = _find(q_en.text, target, taken, after) or _find(q_en.text, target, taken, 0)
                        if hit:
                            return hit
    return None


#: Written before a superscript number that follows a digit (``5×10<sup>6</sup>`` reaches the model as
#: ``5×10^6``, not ``5×106``); taken off again when the superscript is written back.
EXPONENT_MARK = "^"
_EXPONENT = re.compile(r"\s*[-+\u2212]?\d+(?:[.,]\d+)?\s*")


def exponent_mark(before: str, superscript: str) -> str:
    """Return :data:`EXPONENT_MARK` when ``superscript`` is a number written right after a digit, else ``""``.

    Args:
        before: The text read so far in the unit.
        superscript: The superscript's text.
    """
    return EXPONENT_MARK if before[-1:].isdigit() and _EXPONENT.fullmatch(superscript or "") else ""


def strip_exponent_mark(text: str) -> str:
    """Return a superscript's text without the :data:`EXPONENT_MARK` put in front of it when it was read."""
    return text[len(EXPONENT_MARK):] if text.startswith(EXPONENT_MARK) else text


def _symbols_only(text: str) -> bool:
    """True for text of symbols only (``+``, ``..``, ``¶``, ``#``): nothing to translate, and nothing the English
    can be searched for by meaning; never Chinese punctuation, which the English replaces."""
    text = text.strip()
    return bool(text) and not any(c.isalnum() or _FULL_WIDTH.match(c) for c in text)


_FULL_WIDTH = re.compile(r"[\u2e80-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")


def _find_superscript(text: str, target: str, taken: list[tuple[int, int]], after: int) -> tuple[int, int] | None:
    """Where a superscript's text is written right after a letter or bracket in the English (``m2`` for m²)."""
    hits = [(m.start(), m.end()) for m in re.finditer(r"(?<=[A-Za-z)\]])" + re.escape(text) + r"(?![0-9])", target)]
    hits = [h for h in hits if _free(*h, taken)]
    return ([h for h in hits if h[0] >= after] or hits or [None])[0]


def _kept_as_is(parsed: ParsedDocument, span: Run) -> bool:
    """A span that cannot be placed is appended as it was: inline code, ``translate="no"``, symbols only, and a
    superscript with no Chinese in it (a citation mark ``[1]``, ``*``, an exponent)."""
    return (parsed.is_verbatim(span.style) or _symbols_only(span.text)
            or (parsed.is_superscript(span.style) and not _FULL_WIDTH.search(span.text)))


def place_segment(parsed: ParsedDocument, source_runs: list[Run], result: SegmentResult) -> list[Run]:
    """Return the English runs of one segment, flagging spans whose formatting cannot be placed.

    Args:
        parsed: The document (for style descriptions and verbatim styles).
        source_runs: The segment's source characters as formatted runs.
        result: The segment's translation; a ``formatting_lost`` flag is appended to it when needed.

    Returns:
        Runs covering the whole English (the source runs when the translation is empty).
    """
    target = result.target.strip()
    if not target:
        return [Run(r.text, r.style) for r in source_runs]
    base = _base_style(parsed, source_runs)
    spans: list[Run] = []
    closing: Run | None = None  # a span nothing but punctuation follows (a heading's ¶ permalink)
    for k, run in enumerate(source_runs):
        if run.style != base and (any(c.isalnum() for c in run.text) or parsed.is_verbatim(run.style)
                                  or _symbols_only(run.text)):
            spans.append(Run(run.text.strip(), run.style))
            rest = "".join(r.text for r in source_runs[k + 1:])
            closing = spans[-1] if not any(c.isalnum() for c in rest) else None
    placed: list[tuple[int, int, Hashable]] = []
    lost: list[Run] = []
    after = 0
    for span in spans:
        taken = [(a, b) for a, b, _ in placed]
        hit = _locate(span.text, target, result, taken, after) if parsed.can_place(span.style) else None
        if hit is None and parsed.can_place(span.style) and parsed.is_superscript(span.style):
            hit = _find_superscript(span.text, target, taken, after)
        if hit is None:
            lost.append(span)
            continue
        placed.append((hit[0], hit[1], span.style))
        after = hit[1]
    placed.sort(key=lambda p: p[0])
    out: list[Run] = []
    pos = 0
    for a, b, style in placed:
        if pos < a:
            out.append(Run(target[pos:a], base))
        out.append(Run(target[a:b], style))
        pos = b
    if pos < len(target):
        out.append(Run(target[pos:], base))
    for span in lost:
        if _kept_as_is(parsed, span):
            out += [Run(" ", base), Run(span.text, span.style)]
    # kept as it was at the end of its sentence, where it was: placed, not lost
    lost = [span for span in lost if not (span is closing and _kept_as_is(parsed, span) and span.text not in target)]
    links = [span for span in lost if parsed.is_link(span.style) and not _kept_as_is(parsed, span)]
    kept_as: dict[int, str] = {}
    if len(links) == 1 and not placed and not parsed.is_link(base):  # the sentence's one link: around its English
        out = [Run(r.text, links[0].style) if r.style == base else r for r in out]
        kept_as[id(links[0])] = "link on the whole sentence"
    else:  # a visible, numbered link after the sentence for each link the English has no place for
        for k, span in enumerate(links, 1):
            out += [Run(" ", base), Run(f"[{k}]", span.style)]
            kept_as[id(span)] = f"link marker [{k}] after the sentence"
    if lost:
        described = [{"text": s.text, "formatting": parsed.describe_style(s.style),
                      "kept_verbatim": _kept_as_is(parsed, s), **({"kept_as": kept_as[id(s)]} if id(s) in kept_as else {})}
                     for s in lost]
        shown = "; ".join(f"{d['text']!r} ({d['formatting']})" for d in described)
        result.flags.append(Flag(FORMATTING_LOST, f"formatting of {len(lost)} span(s) could not be placed in the "
                                 f"English (text translated, formatting not carried): {shown}", {"spans": described}))
    return out


def english_units(parsed: ParsedDocument, result: DocumentResult) -> list[list[list[Run]]]:
    """Return, for every unit of ``parsed``, the English runs of each of its segments.

    ``formatting_lost`` flags are added to ``result``'s segments where needed.
    """
    doc = parsed.document
    out: list[list[list[Run]]] = []
    offset = 0
    for unit, block in zip(parsed.units, doc.blocks):
        starts = list(itertools.accumulate((len(r.text) for r in unit.runs[:-1]), initial=0))
        out.append([place_segment(parsed, _clip(unit.runs, doc.segments[i].start - offset, doc.segments[i].end - offset,
                                                starts), result.segments[i]) for i in block.segment_indices])
        offset += len(unit.text) + 1
    return out


def segment_spans(parsed: ParsedDocument, unit_index: int) -> list[tuple[int, int]]:
    """Return the (start, end) offsets, relative to the unit's text, of the unit's segments."""
    doc = parsed.document
    offset = parsed.unit_offset(unit_index)
    return [(doc.segments[i].start - offset, doc.segments[i].end - offset) for i in doc.blocks[unit_index].segment_indices]


def join_segments(segments: list[list[Run]]) -> list[Run]:
    """Join the English runs of a unit's segments with spaces, merging neighbours of the same style."""
    merged: list[Run] = []
    for k, runs in enumerate(segments):
        if k and runs and merged:
            runs = [Run(" ", merged[-1].style if merged[-1].style == runs[0].style else None), *runs]
        for run in runs:
            if merged and merged[-1].style == run.style:
                merged[-1] = Run(merged[-1].text + run.text, run.style)
            elif run.text:
                merged.append(run)
    return merged


def group_anchors(spans: list[tuple[int, int]], anchors: list[tuple[int, object]]) -> list[list[object]]:
    """Assign anchors (things kept as they are: images, fields, notes) to the gaps around segments.

    Args:
        spans: The unit's segment offsets (see :func:`segment_spans`).
        anchors: (offset in the unit's text, anchor) pairs, in document order.

    Returns:
        ``len(spans) + 1`` lists: the anchors before the first segment, then those that go after each
        segment (an anchor inside a sentence goes after that sentence's English).
    """
    groups: list[list[object]] = [[] for _ in range(len(spans) + 1)]
    starts = [start for start, _end in spans]  # ascending: the anchor goes after the last segment starting before it
    for offset, anchor in anchors:
        groups[bisect.bisect_left(starts, offset)].append(anchor)
    return groups


def unit_layout(text: str, spans: list[tuple[int, int]], english: list[list[Run]], anchors: list[tuple[int, object]],
                break_chars: str, space_style: Callable[[list[Run]], Hashable]) -> Iterator[tuple[str, object]]:
    """Yield, in document order, what a writer puts back into one unit.

    Args:
        text: The unit's source text.
        spans: Its segments' offsets (see :func:`segment_spans`).
        english: Each segment's English runs.
        anchors: (offset in ``text``, anchor) pairs of the things kept as they are, in document order.
        break_chars: The characters between segments that are kept (``"\\t\\n"`` for Word, ``"\\n"`` for HTML).
        space_style: The style of the space put before a segment that follows another on the same line.

    Yields:
        ``("runs", runs)`` for a segment's English (a space in front when it follows another segment
        without a break), ``("break", (chars, offset))`` for the tabs and line breaks of the gap before a
        segment, in their place among the anchors, and ``("anchor", anchor)`` for each anchor (one inside
        a sentence comes after that sentence's English; see :func:`group_anchors`).
    """
    groups = group_anchors(spans, [(offset, (offset, anchor)) for offset, anchor in anchors])
    bounds = [0, *(end for _start, end in spans)]
    starts = [start for start, _end in spans] + [len(text)]
    broke = False
    for j in range(len(spans) + 1):
        if j:
            runs = english[j - 1]
            if j > 1 and runs and not broke:
                runs = [Run(" ", space_style(runs)), *runs]
            yield "runs", join_segments([runs])
        gap = text[bounds[j]:starts[j]]
        breaks = "".join(c for c in gap if c in break_chars)
        at = bounds[j] + next((k for k, c in enumerate(gap) if c in break_chars), 0)
        pending = bool(breaks)
        for offset, anchor in groups[j]:
            if pending and offset > at:
                yield "break", (breaks, at)
                pending = False
            yield "anchor", anchor
        if pending:
            yield "break", (breaks, at)
        broke = bool(breaks)
