"""Stage 6 (formats): write a translated document as txt, md or json.

txt and md keep the document's structure: title, meta lines, photo captions
(marked ``[Photo]``), bylines, numbered headings and paragraphs. Every source
segment yields one target segment; an empty translation is shown as a
visible ``[untranslated: s12]`` marker, never as nothing. A flagged segment
is followed by a number, and its flags are listed after its paragraph (a
reader sees what to check); the signature closes the document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict

from ..errors import UnknownNameError
from ..results import DocumentResult


def _segment_text(doc: DocumentResult, i: int) -> str:
    seg = doc.segments[i]
    return seg.target.strip() or f"[untranslated: {seg.id}]"


#: What txt and md outputs (translations and summaries) close with, before the signature.
CHECK_BEFORE_USE = "Machine translation, check before use: "


def flag_note(segment_id: str, flags) -> str:
    """Return one line listing a segment's flags (``s12: number: ...; term: ...``), as txt and md show them."""
    return f"{segment_id}: " + "; ".join(f"{f.check}: {f.message}" for f in flags)


def origin_note(seg) -> str:
    """Return what a reader should know about a segment's memory unit or suggestion ('' when none).

    ``from translation memory unit 3 (approved by li, 2024-05-01, report.xlf)`` for memory English;
    ``memory suggestion 87% (unit 3): "GDP grew 24.8%." differs: 28.3 (memory 24.8)`` for the model's.
    """
    if not seg.matches:
        return ""
    m = seg.matches[0]
    u = m.unit
    if seg.origin.startswith("memory"):  # a number edit says so in its memory_edited flag
        return f"from translation memory unit {u.id} (approved by {u.approved_by}, {u.approved_at[:10]}, {u.origin})"
    numbers = ", ".join(f"{q or '-'} (memory {w or '-'})" for q, w in m.numbers)
    return (f"memory suggestion {m.percent}% (unit {u.id}): {json.dumps(u.target, ensure_ascii=False)}"
            + (f"; numbers differ: {numbers}" if numbers else ""))


def _blocks(doc: DocumentResult, notes: bool) -> list[tuple[str, str | None, str, list[str]]]:
    """Return (kind, marker, English text, notes) per block; flagged segments, memory English and segments
    with a memory suggestion get a numbered marker."""
    out, number = [], 0
    for block in doc.document.blocks:
        parts, block_notes = [], []
        for i in block.segment_indices:
            seg, text = doc.segments[i], _segment_text(doc, i)
            memory = origin_note(seg)
            if notes and (seg.flags or memory):
                number += 1
                text += f" [{number}]"
                note = flag_note(seg.id, seg.flags) if seg.flags else f"{seg.id}: "
                block_notes.append(f"[{number}] " + note + ("; " if seg.flags and memory else "") + memory)
            parts.append(text)
        out.append((block.kind, block.marker, " ".join(parts), block_notes))
    return out


def _origins(doc: DocumentResult) -> str:
    """Return ``Segments from: model 200, memory 38`` when any English came from the memory, else ''."""
    counts = doc.origin_counts()
    if not any(k.startswith("memory") for k in counts) and not any(s.matches for s in doc.segments):
        return ""
    return "Segments from: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def render_txt(doc: DocumentResult, notes: bool = True) -> str:
    """Return plain text, one block per paragraph, then the signature.

    Args:
        doc: The translated document.
        notes: Mark each flagged segment with a number and list the flags after its paragraph.
    """
    lines = []
    for kind, marker, text, block_notes in _blocks(doc, notes):
        if kind == "caption":
            text = f"[Photo] {text}"
        elif kind in ("heading", "byline") and marker:
            text = f"{marker} {text}"
        lines.append("\n".join([text, *("    " + n for n in block_notes)]))
    if doc.summary is not None and doc.summary.sentences:
        lines.append("\n".join(["Summary:", *(f"- {s.text} ({s.segment_id})" + "".join(
            f"\n    {flag_note(s.segment_id, [f])}" for f in s.flags) for s in doc.summary.sentences)]))
    if _origins(doc):
        lines.append(_origins(doc))
    lines.append(f"-- {CHECK_BEFORE_USE}{doc.signature}")
    return "\n\n".join(lines) + "\n"


_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")


def _md_text(text: str) -> str:
    """Text shown as text in Markdown: a ``<`` that would open raw HTML (``<script>`` shown as markup in the
    source, now live) becomes ``&lt;``."""
    return _HTML_START.sub("&lt;", text)


def render_md(doc: DocumentResult, notes: bool = True) -> str:
    """Return Markdown with the title as H1 and section headings as H2, then the signature.

    Args:
        doc: The translated document.
        notes: Mark each flagged segment with a number and list the flags after its block (as a quote).
    """
    lines = []
    for kind, marker, text, block_notes in _blocks(doc, notes):
        text, block_notes = _md_text(text), [_md_text(n) for n in block_notes]
        if kind == "title":
            lines.append(f"# {text}")
        elif kind == "heading":
            lines.append(f"## {marker + ' ' if marker else ''}{text}")
        elif kind == "meta":
            lines.append(f"*{text}*")
        elif kind == "caption":
            lines.append(f"> **Photo:** {text}")
        elif kind == "byline":
            lines.append(f"**{text}**")
        else:
            lines.append(text)
        if block_notes:
            lines.append("\n".join(f"> {n}  " for n in block_notes))
    if doc.summary is not None and doc.summary.sentences:
        lines.append("## Summary")
        lines.append(render_summary(doc.summary, "md").rstrip("\n"))  # each sentence's source id and flags
    if _origins(doc):
        lines.append(_origins(doc))
    lines.append(f"---\n\n*{CHECK_BEFORE_USE}`{doc.signature}`*")
    return "\n\n".join(lines) + "\n"


def render_json(doc: DocumentResult, notes: bool = True) -> str:
    """Return the bilingual segments, flags, structure and signature as JSON."""
    return "".join(iter_json(doc))


def _json_list(key: str, items: Iterable[object], last: bool) -> Iterator[str]:
    """Yield ``"key": [...]`` one item at a time, laid out exactly as ``json.dumps(..., indent=2)`` at depth 1."""
    yield f"  {json.dumps(key)}: "
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield ("[\n    " if first else ",\n    ") + text
        first = False
    yield ("[]" if first else "\n  ]") + ("\n" if last else ",\n")


def iter_json(doc: DocumentResult) -> Iterator[str]:
    """Yield the JSON of :func:`render_json` in chunks of one block or segment.

    The text is identical to ``json.dumps(doc.to_dict(), ensure_ascii=False, indent=2)``,
    but no whole-document dict or string is ever built, so a 5 MB input does not
    need gigabytes to write.
    """
    head = doc.head_dict()
    yield json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ",\n"
    blocks = ({"index": b.index, "kind": b.kind, "marker": b.marker, "line": b.line,
               "segments": [doc.segments[i].id for i in b.segment_indices]} for b in doc.document.blocks)
    yield from _json_list("blocks", blocks, last=False)
    summary = doc.summary
    yield from _json_list("segments", (s.to_dict() for s in doc.segments), last=summary is None)
    if summary is not None:
        data = {"method": summary.method, "text": summary.text, "sentences": [asdict(s) for s in summary.sentences]}
        yield '  "summary": ' + json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n  ") + "\n"
    yield "}\n"


def _review(name: str):
    def render_review(doc: DocumentResult, notes: bool = True) -> str:
        from . import review

        return getattr(review, f"to_{name}")(doc)

    return render_review


RENDERERS = {"txt": render_txt, "md": render_md, "json": render_json,
             "jsonl": _review("jsonl"), "xliff": _review("xliff"), "tmx": _review("tmx")}


FORMATS = tuple(RENDERERS)
SUMMARY_FORMATS = ("txt", "md", "json")


def _iter_jsonl(doc: DocumentResult) -> Iterator[str]:
    from . import review

    return review.iter_jsonl(doc)


STREAMERS = {"json": iter_json, "jsonl": _iter_jsonl}
"""Formats rendered chunk by chunk (one segment at a time): big documents are written in bounded memory."""


def render(doc: DocumentResult, fmt: str, notes: bool = True) -> str:
    """Render ``doc`` in format ``fmt``.

    Args:
        doc: The translated document.
        fmt: One of :data:`FORMATS`.
        notes: txt and md: mark flagged segments and list their flags (the other formats always carry flags).

    Raises:
        UnknownNameError: Unknown format; the message lists the valid ones.
    """
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise UnknownNameError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}") from None
    return renderer(doc, notes)


def render_chunks(doc: DocumentResult, fmt: str, notes: bool = True) -> Iterator[str]:
    """Yield ``render(doc, fmt)`` in pieces; json and jsonl are produced one segment at a time.

    Pass the iterator to :func:`translator.textio.write_atomic` to write a big
    document without holding its whole text in memory.

    Raises:
        UnknownNameError: Unknown format; the message lists the valid ones.
    """
    if fmt in STREAMERS:
        return STREAMERS[fmt](doc)
    return iter((render(doc, fmt, notes),))


def render_summary(summary, fmt: str, signature: str = "") -> str:
    """Render a :class:`~translator.results.Summary` as txt, md or json.

    md lists each flagged sentence's flags under it and closes with the signature, as a translation's md
    does; txt is the sentences alone, one a line (what ``evaluate --summary`` reads); json has everything.
    """
    from dataclasses import asdict

    if fmt == "json":
        data = {"method": summary.method, "signature": signature, "text": summary.text,
                "sentences": [asdict(s) for s in summary.sentences]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        out, section = [], object()
        for s in summary.sentences:
            if s.section != section and s.section:
                out.append(f"\n**{s.section}**\n")
            section = s.section
            out.append(f"- {_md_text(s.text)} ({s.segment_id})")
            if s.flags:
                out.append(f"  > {_md_text(flag_note(s.segment_id, s.flags))}")
        if signature:
            out.append(f"\n---\n\n*{CHECK_BEFORE_USE}{signature}*")
        return "\n".join(out).strip() + "\n"
    if fmt == "txt":  # one sentence a line and nothing else: what `evaluate --summary` and other tools read
        return "\n".join(s.text for s in summary.sentences) + "\n"
    raise UnknownNameError(f"unknown summary format {fmt!r}; valid formats: {', '.join(SUMMARY_FORMATS)}")
