"""Markdown: translate headings, paragraphs, list items, quotes and table cells; keep the rest.

Parsed with markdown-it-py (CommonMark plus tables and strikethrough). Each
block's inline content becomes formatted runs (strong, emphasis,
strikethrough, links, inline code); the English is written back in place of
the block's source lines with the same markers (``#``, ``-``, ``1.``, ``>``,
table pipes), links keep their URL and title, and inline code is only ever
copied verbatim, as are TeX formulas (``$...$``, ``$$...$$``) and directive roles
(``:eqref:`eq_x```, ``:label:``, ``:numref:``), which reach the model protected like
placeholders. Code blocks, HTML blocks, images, blocks with no Chinese and everything
between the translated blocks are kept byte for byte. A paragraph that spanned several
source lines is written on one line. YAML front matter (``---`` ... ``---`` at
the top, as static-site generators use) is kept as it is, except that its
one-line ``title``, ``subtitle``, ``description`` and ``summary`` values are
translated (written as double-quoted YAML strings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from pathlib import Path

from ..errors import InputError
from ..results import DocumentResult
from ..textio import decode_bytes, write_atomic
from .inline import group_anchors, join_segments, segment_spans
from .model import ParsedDocument, Run, Unit, append_run, collapse_whitespace
from .notes import CHECK_BEFORE_USE, NOTES_HEADING, document_notes

#: Nesting (quotes, lists, emphasis) the parser reads; deeper is refused (markdown-it's default, 20, drops text).
MAX_NESTING = 1000
_FOOTNOTE = re.compile(r"^(\s{0,3}\[\^[^\]]+\]:[ \t]*)(.*?)\s*$")
_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")
_FRONT_KEYS = re.compile(r"^(\s*(?:title|subtitle|description|summary)\s*:\s*)(.*?)\s*$")
#: A line of YAML front matter: ``key: value``, a list item, an indented continuation or a comment.
_YAML_LINE = re.compile(r"^(?:[\w.-]+\s*:(?:\s|$)|\s*- |\s+\S|\s*#)")


def _escape(text: str, in_table: bool) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    if not in_table:
        text = text.replace("\\|", "|")
    return re.sub(r"^(\s*)([#+\-=]|\d+[.)])(?=\s|$)", lambda m: m.group(1) + "\\" + m.group(2), text)


def _render_run(run: Run, in_table: bool) -> str:
    text = run.text.replace("\n", " ")
    style = run.style or ()
    if any(item[0] == "raw" for item in style):
        text = run.text  # a formula or role: the Markdown source itself
        lead = trail = ""
        body = text
        for item in reversed(style):
            if item[0] == "strong":
                body = f"**{body}**"
            elif item[0] == "em":
                body = f"*{body}*"
            elif item[0] == "link":
                body = f"[{body}]({item[1]}{' ' + _quote(item[2]) if item[2] else ''})"
        return body
    if any(item[0] == "autolink" for item in style):
        return f"<{text}>"
    if any(item[0] == "code" for item in style):
        inner = run.text  # verbatim
        for item in reversed(style):
            if item[0] == "code" and len(item) == 2:  # (a "delimited" code span holds its backticks)
                inner = f"{item[1]}{inner}{item[1]}"
        body = inner
        lead = trail = ""
    else:
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        body = _escape(text.strip(), in_table)
        if not body:
            return text
    for item in reversed(style):
        kind = item[0]
        if kind == "strong":
            body = f"**{body}**"
        elif kind == "em":
            body = f"*{body}*"
        elif kind == "s":
            body = f"~~{body}~~"
        elif kind == "link":
            href, title = item[1], item[2]
            body = f"[{body}]({_destination(href)}{' ' + _quote(title) if title else ''})"
    return lead + body + trail


def _verbatim_patterns() -> list[re.Pattern]:
    from ..glossary.placeholders import placeholder_patterns

    return [p.regex for p in placeholder_patterns() if p.name in _VERBATIM_KINDS]


_VERBATIM_KINDS = ("tex_display", "tex_inline", "tex_paren", "role", "pandoc_attr", "crossref", "citation")


def _verbatim_rule(state, silent: bool) -> bool:
    """markdown-it inline rule: TeX math (``$...$``, ``$$...$$``, ``\\(...\\)``) and directive roles
    (``:eqref:`eq_x```, as in MyST and d2l books) are one verbatim token, before escapes and emphasis can
    take them apart."""
    if state.src[state.pos] not in "$:\\@[{":
        return False
    for pattern in _verbatim_patterns():
        m = pattern.match(state.src, state.pos)
        if m:
            if not silent:
                token = state.push("verbatim_markup", "", 0)
                token.content = m.group()
            state.pos = m.end()
            return True
    return False


def _quote(title: str) -> str:
    return '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'  # a title ending in \ keeps its quote


def _destination(url: str) -> str:
    """A link destination written so Markdown reads back ``url`` exactly: in ``<...>`` when it holds spaces,
    parentheses, angle brackets or backslashes (``a)b.html``), escaped there."""
    if url and not re.search(r"[\s()<>\\]", url):
        return url
    return "<" + re.sub(r"([\\<>])", r"\\\1", url) + ">"


class MarkdownDocument(ParsedDocument):
    """A Markdown file: its text blocks located by source line."""

    format_name = "md"
    native_outputs = ("md",)

    def __init__(self, path: Path, data: bytes) -> None:
        super().__init__(path)
        from markdown_it import MarkdownIt

        if data[:5] == b"%PDF-" or data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise InputError(f"{path}: not a Markdown file (binary content)")
        decoded = decode_bytes(data, str(path))
        self.text = decoded.text
        self.lines = decoded.text.split("\n")
        self.front: dict[int, tuple[int, str]] = {}  # unit index -> (line, "key: ") of front-matter values
        front_end = self._front_matter_end()
        # markdown-it stops reading blocks nested deeper than maxNesting (20 by default), silently: lift it, and
        # refuse a file that reaches even this one rather than leave its deepest text untranslated
        md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table").enable("strikethrough")
        md.inline.ruler.before("escape", "verbatim_markup", _verbatim_rule)
        md.normalizeLink = lambda url: url  # keep link and image URLs as written (not percent-encoded), for writing back
        # the front matter is blanked for the parser, so block line numbers stay those of the file
        env: dict = {}
        tokens = md.parse("\n" * front_end + "\n".join(self.lines[front_end:]), env)
        deep = next((t for t in tokens if t.level >= MAX_NESTING - 1 or any(
            c.level >= MAX_NESTING - 1 for c in t.children or ())), None)
        if deep is not None:
            line = f"line {deep.map[0] + 1}: " if deep.map else ""
            raise InputError(f"{path}: {line}quotes, lists or emphasis nested more than {MAX_NESTING} levels deep; "
                             "the parser would leave the deepest text unread")
        for k in range(1, max(front_end - 1, 1)):
            m = _FRONT_KEYS.match(self.lines[k])
            value = m.group(2) if m else ""
            if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if m and value.strip() and value[0] not in "|>[{&*!" and not value.startswith("#"):
                self.front[len(self.units)] = (k, m.group(1))
                self.units.append(Unit("title" if "title" in m.group(1) else "meta", [Run(value)], None))
        heading_level = 0
        in_table = False
        first_heading = True
        self.rows: dict[int, list[tuple[int | None, str]]] = {}  # table row line -> (unit index, source) per cell
        for tok in tokens:
            if tok.type == "heading_open":
                heading_level = int(tok.tag[1])
            elif tok.type == "heading_close":
                heading_level = 0
            elif tok.type == "table_open":
                in_table = True
            elif tok.type == "table_close":
                in_table = False
            elif tok.type == "inline" and tok.map is not None:
                runs, anchors = self._runs(tok.children or [])
                blank = not "".join(r.text for r in runs).strip()
                if in_table:
                    self.rows.setdefault(tok.map[0], []).append((None if blank else len(self.units), tok.content))
                if blank:
                    continue
                if heading_level:
                    kind = "title" if heading_level == 1 and first_heading else "heading"
                    first_heading = False
                else:
                    kind = "paragraph"
                self.units.append(Unit(kind, runs, (tok.map[0], tok.map[1], tok.content, in_table,
                                                    heading_level and tok.map[1] - tok.map[0] > 1, anchors)))
        # footnote definitions ([^1]: text) parse as link reference definitions, shown nowhere: translate their text
        self.footnotes: dict[int, tuple[int, str]] = {}  # unit index -> (line, "[^1]: ")
        for label, ref in (env.get("references") or {}).items():
            m = _FOOTNOTE.match(self.lines[ref["map"][0]]) if label.startswith("^") and ref.get("map") else None
            if m and m.group(2).strip():
                self.footnotes[len(self.units)] = (ref["map"][0], m.group(1))
                self.units.append(Unit("paragraph", [Run(m.group(2))], None))

    def _front_matter_end(self) -> int:
        """Number of lines of the YAML front matter at the top (0 when there is none).

        A file may also open with a ``---`` rule: the block counts as front matter only when every
        non-blank line in it reads as YAML (``key: value``, a ``- item``, an indented continuation or a
        ``#`` comment), so the text between two rules is never blanked out untranslated.
        """
        if not self.lines or self.lines[0].rstrip() != "---":
            return 0
        for k in range(1, len(self.lines)):
            if self.lines[k].rstrip() in ("---", "..."):
                body = [line for line in self.lines[1:k] if line.strip()]
                return k + 1 if body and all(_YAML_LINE.match(line) for line in body) else 0
        return 0

    @staticmethod
    def _runs(children) -> tuple[list[Run], list[tuple[int, str]]]:
        runs: list[Run] = []
        anchors: list[tuple[int, str]] = []  # (offset, Markdown source) of images and inline HTML
        stack: list[tuple] = []
        hard: set[int] = set()  # offsets of hard line breaks

        def add(text: str, style: tuple) -> None:
            append_run(runs, text, style)

        for tok in children:
            t = tok.type
            if t == "text":
                add(tok.content, tuple(stack))
            elif t == "softbreak":
                add("\n", tuple(stack))
            elif t == "hardbreak":
                hard.add(sum(len(r.text) for r in runs))
                add("\n", tuple(stack))
            elif t == "verbatim_markup":  # a formula or a directive role, written back as it was
                add(tok.content, tuple(stack) + (("raw",),))
            elif t == "strong_open":
                stack.append(("strong",))
            elif t == "em_open":
                stack.append(("em",))
            elif t == "s_open":
                stack.append(("s",))
            elif t == "link_open":
                if tok.markup == "autolink":
                    stack.append(("autolink",))
                else:
                    stack.append(("link", tok.attrs.get("href", ""), tok.attrs.get("title") or ""))
            elif t in ("strong_close", "em_close", "s_close", "link_close"):
                if stack:
                    stack.pop()
            elif t == "code_inline":
                if tok.markup == "`" and "`" not in tok.content and "\n" not in tok.content:
                    # with its backticks: the model sees it as a placeholder and it comes back in its place
                    add(f"`{tok.content}`", tuple(stack) + (("code", tok.markup, "delimited"),))
                else:
                    add(tok.content, tuple(stack) + (("code", tok.markup),))
            elif t == "image":
                title = tok.attrs.get("title")
                anchors.append((sum(len(r.text) for r in runs),
                                f"![{tok.content}]({_destination(tok.attrs.get('src', ''))}{' ' + _quote(title) if title else ''})"))
            elif t == "html_inline":
                anchors.append((sum(len(r.text) for r in runs), tok.content))
        # a soft line break is a space, or nothing inside a Chinese sentence (as the page shows it)
        return collapse_whitespace(runs, anchors, hard, spaces="\n")

    def describe_style(self, style: Hashable) -> str:
        """Return e.g. ``strong, link https://...``."""
        names = []
        for item in style or ():
            names.append(f"link {item[1]}" if item[0] == "link" else {"autolink": "autolink"}.get(item[0], item[0]))
        return ", ".join(names) or "plain"

    def is_verbatim(self, style: Hashable) -> bool:
        """Code spans, autolinks, formulas and directive roles are kept verbatim."""
        return any(item[0] in ("code", "autolink", "raw") for item in style or ())

    def is_link(self, style: Hashable) -> bool:
        """Spans inside ``[text](url)``."""
        return any(item[0] == "link" for item in style or ())

    def write(self, result: DocumentResult, english: list[list[list[Run]]], output: Path, fmt: str,
              notes: bool = True) -> None:
        """Replace each block's source lines with its English, keeping markers and everything else.

        As the md output does, a flagged segment is followed by its number (`` [3]``) and the notes are
        listed (as a quote) at the end, before the closing notice with the signature.
        """
        flagged = document_notes(result, notes)
        lines = list(self.lines)
        drop: set[int] = set()
        cells: dict[int, str] = {}
        for index, unit in enumerate(self.units):
            if self.copied(result, index):
                if index not in self.front and unit.handle[3]:  # a table cell with nothing to translate
                    cells[index] = unit.handle[2]
                continue  # nothing to translate (code, English, a formula): its lines are kept byte for byte
            if index in self.footnotes:
                line, key = self.footnotes[index]
                english_text = "".join(_render_run(r, False) for r in join_segments(english[index]))
                lines[line] = key + english_text.replace("\n", " ").strip()
                continue
            if index in self.front:
                line, key = self.front[index]
                english_text = "".join(r.text for r in join_segments(english[index])).replace("\n", " ").strip()
                lines[line] = key + json.dumps(english_text, ensure_ascii=False)
                continue
            first, last, content, in_table, setext, anchors = unit.handle
            groups = group_anchors(segment_spans(self, index), anchors)
            parts = [" ".join(groups[0])]
            for j, seg_runs in enumerate(english[index]):
                note = flagged.get(self.document.blocks[index].segment_indices[j])
                parts.append("".join(_render_run(r, in_table) for r in join_segments([seg_runs])).strip()
                             + (note.marker if note else ""))
                parts.append(" ".join(groups[j + 1]))
            rendered = " ".join(p for p in parts if p)
            if in_table:
                cells[index] = rendered
                continue
            first_line = content.split("\n", 1)[0]
            line = lines[first]
            at = line.find(first_line) if first_line else -1
            if at < 0:
                at = len(line) - len(line.lstrip(" >-*+0123456789.)#\t"))
            end = at + len(first_line)
            lines[first] = line[:at] + rendered + (line[end:] if "\n" not in content else "")
            for k in range(first + 1, last - (1 if setext else 0)):
                drop.add(k)
        for row, row_cells in self.rows.items():
            texts = [cells[i] if i is not None else src for i, src in row_cells]
            lead = self.lines[row][: len(self.lines[row]) - len(self.lines[row].lstrip())]
            lines[row] = lead + "| " + " | ".join(texts) + " |"
        out = "\n".join(line for k, line in enumerate(lines) if k not in drop)
        write_atomic(output, out.rstrip("\n") + "\n\n" + notes_markdown(result, flagged))


def notes_markdown(result: DocumentResult, flagged: dict) -> str:
    """Return the end of a translated Markdown document: the numbered notes (as a quote) and the closing notice."""
    out = ["---", ""]
    if flagged:
        out += [f"**{NOTES_HEADING}**", "", "\n".join(f"> [{n.number}] {n.text}  " for n in flagged.values()), ""]
    out.append(f"*{CHECK_BEFORE_USE}`{result.signature}`*")
    return "\n".join(out) + "\n"


def read_markdown(path: Path, data: bytes) -> MarkdownDocument:
    """Read a Markdown file (``data`` is its content)."""
    return MarkdownDocument(path, data)
