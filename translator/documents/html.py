"""HTML: translate the text of block elements and the attributes people see, keep the markup.

Blocks are paragraphs, headings, list items, table cells, captions, the page
title and any other element that holds text directly; their inline elements
(``b``, ``strong``, ``em``, ``a``, ``span`` ...) become formatted runs, and
``<br>`` a line break. A newline in the source is whitespace (one space, or none
between two Chinese characters, as a browser shows it), except under
``white-space: pre``. Links separated only by spaces, bars or brackets (a
navigation bar, a pager) are one unit each. ``title``, ``alt``, ``placeholder``
and ``aria-label`` attributes (also on inline elements, and a textarea's
placeholder) and the label (``value``) of ``submit``/``reset``/``button`` inputs
are translated as units of their own. ``script``, ``style``, ``pre``,
``textarea``, ``svg``, ``math`` and anything marked ``translate="no"`` (or class
``notranslate``) are kept as they are; inline ``code``, ``kbd``, ``samp`` and
``var`` reach the model with their sentence but their text is only ever kept
verbatim. The page gets ``lang="en"`` and is written in UTF-8, with its own doctype
and the comments around ``<html>``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from pathlib import Path

from ..errors import InputError
from ..results import DocumentResult
from ..textio import decode_bytes, write_atomic
from .inline import exponent_mark, join_segments, segment_spans, strip_exponent_mark, unit_layout
from .model import ParsedDocument, Run, Unit, append_run, collapse_whitespace
from .notes import NOTES_HEADING, closing_notice, document_notes

BLOCK_TAGS = frozenset("""p h1 h2 h3 h4 h5 h6 li td th dt dd caption figcaption blockquote div section article header
footer nav aside main title address summary legend option button figure form fieldset details dl ul ol table thead
tbody tfoot tr body html head center label""".split())
SKIP_TAGS = frozenset("script style pre textarea svg math template noscript iframe object".split())
CODE_TAGS = frozenset("code kbd samp var tt".split())
EMPTY_INLINE = frozenset("img input hr wbr embed video audio canvas source track".split())
ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
BUTTON_TYPES = frozenset(("submit", "reset", "button"))
#: Skipped elements whose own attributes are still shown (a textarea's placeholder and title).
_ATTRIBUTES_SHOWN = frozenset(("textarea", "pre"))
_KINDS = {"title": "title", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
          "h6": "heading", "caption": "caption", "figcaption": "caption"}


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


#: What may stand between the links of a navigation bar: spaces, bars, dots, slashes, brackets, arrows.
_SEPARATORS = re.compile(r"[\s|·•/\\,，、;；:：()（）\[\]【】<>《》«»>\-–—_*~^]*")
_PRE_SPACE = re.compile(r"white-space\s*:\s*(pre|break-spaces)", re.IGNORECASE)


def _keeps_newlines(el) -> bool:
    """True when the element (or an ancestor) shows source line breaks (``white-space: pre``, ``pre-wrap``, ...)."""
    return any(_PRE_SPACE.search(a.get("style") or "") for a in (el, *el.iterancestors()))


def _no_translate(el) -> bool:
    return (el.get("translate", "").lower() == "no" or "notranslate" in (el.get("class") or "").split())


def _append_text(parent, text: str) -> None:
    try:
        last = parent[-1]  # found from the end at once; len(parent) counts every child
    except IndexError:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _serialize(root) -> str:
    """Serialise the page as HTML, keeping attribute values as they were written.

    libxml2 percent-encodes non-ASCII characters and spaces in ``href``, ``src``, ``action`` and ``name``
    (``/路径`` becomes ``/%E8%B7%AF%E5%BE%84``): such values are swapped for unique ASCII tokens while the page is
    serialised, then written back escaped as HTML attributes.
    """
    import html
    import uuid

    import lxml.html

    token = f"translator-{uuid.uuid4().hex}-"
    kept: dict[str, str] = {}
    changed = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("href", "src", "action", "name"):
            value = el.get(attr)
            if value is not None and (not value.isascii() or any(c.isspace() for c in value)):
                key = f"{token}{len(kept)}"
                kept[key] = value
                changed.append((el, attr, value))
                el.set(attr, key)
    out = lxml.html.tostring(root, encoding="unicode", method="html")
    for el, attr, value in changed:
        el.set(attr, value)
    if kept:
        out = re.sub(re.escape(token) + r"\d+", lambda m: html.escape(kept[m.group()], quote=True), out)
    return out


class _Builder:
    """Appends text and elements to a block, joining text before it is set (setting it piece by piece made a
    long paragraph quadratic: each piece copied all the text before it)."""

    def __init__(self, parent) -> None:
        self.parent = parent
        self.last = None
        self.pending: list[str] = []

    def text(self, piece: str) -> None:
        self.pending.append(piece)

    def _flush(self) -> None:
        if self.pending:
            joined = "".join(self.pending)
            self.pending = []
            if self.last is None:
                self.parent.text = (self.parent.text or "") + joined
            else:
                self.last.tail = (self.last.tail or "") + joined

    def sub(self, tag: str, attrib: dict):
        from lxml import etree

        self._flush()
        self.last = etree.SubElement(self.parent, tag, attrib)
        return self.last

    def append(self, element) -> None:
        self._flush()
        self.parent.append(element)
        self.last = element

    def close(self) -> None:
        self._flush()


class HtmlDocument(ParsedDocument):
    """An HTML page: its text blocks and visible attributes."""

    format_name = "html"
    native_outputs = ("html",)

    def __init__(self, path: Path, data: bytes) -> None:
        super().__init__(path)
        import lxml.html
        from lxml import etree

        head = data[:4096].lstrip()
        if head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise InputError(f"{path}: not an HTML file (binary content)")
        decoded = decode_bytes(data, str(path))
        if not re.search(r"<\s*(!doctype|html|head|body|p|div|h[1-6]|table|span|ul|ol|title|meta|br|a)\b",
                         decoded.text[:65536], re.IGNORECASE):
            raise InputError(f"{path}: does not look like HTML (no HTML tags)")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", decoded.text)
        # huge_tree lifts libxml2's limits on depth (256) and text node size (10 MB), which otherwise drop the rest
        parser = lxml.html.HTMLParser(huge_tree=True)
        try:
            self.root = lxml.html.document_fromstring(text, parser=parser)
        except (etree.ParserError, ValueError) as exc:
            raise InputError(f"{path}: cannot parse the HTML: {exc}") from exc
        limits = [e for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
        if limits:  # e.g. deeper than 2048 elements even so: the parser would have dropped content
            raise InputError(f"{path}: line {limits[0].line}: the HTML is beyond what the parser reads without "
                             f"dropping content ({limits[0].message.split(',')[0]}); close the open elements")
        # the page's own doctype, written back as it was (another one can switch a browser in or out of quirks mode)
        doctype = re.match(r"\s*(?:<!--.*?-->\s*)*(<!doctype[^>]*>)", text, re.IGNORECASE | re.DOTALL)
        self.doctype = doctype.group(1) if doctype else None
        self._collect(self.root)
        for el in self.root.iter():
            if not isinstance(el.tag, str) or self._skipped(el, own=_tag(el) not in _ATTRIBUTES_SHOWN):
                continue
            shown = ATTRIBUTES
            if _tag(el) == "input" and (el.get("type") or "").lower() in BUTTON_TYPES:
                shown = (*ATTRIBUTES, "value")
            for attr in shown:
                value = el.get(attr)
                if value and value.strip():
                    self.units.append(Unit("caption" if attr == "alt" else "paragraph", [Run(value)], (el, attr, [])))

    @staticmethod
    def _skipped(el, own: bool = True) -> bool:
        """True inside a kept element; ``own=False``: the element's own tag does not count, only translate="no"."""
        return _no_translate(el) or (own and _tag(el) in SKIP_TAGS) or any(
            _tag(a) in SKIP_TAGS or _no_translate(a) for a in el.iterancestors())

    @staticmethod
    def _is_block(el) -> bool:
        if _tag(el) in BLOCK_TAGS:
            return True
        return any(_tag(d) in BLOCK_TAGS for d in el.iterdescendants())

    def _collect(self, block) -> None:
        """Make a unit of ``block``'s inline content, then visit its nested blocks."""
        runs: list[Run] = []
        anchors: list[tuple[int, object]] = []
        nested: list = []
        tops: list = []  # the inline elements with text directly in the block (not nested in another one)
        pos = 0

        def add(text: str | None, style: tuple) -> None:
            nonlocal pos
            append_run(runs, text, style)
            pos += len(text or "")

        def inline(el, style: tuple) -> None:
            add(el.text, style)
            for child in el:
                tag = _tag(child)
                if not tag:  # comment or processing instruction
                    anchors.append((pos, child))
                elif tag == "br":
                    add("\n", style)
                    anchors.append((pos, child))  # removed on write; a new <br> is made from the "\n"
                elif tag in SKIP_TAGS or (_no_translate(child) and tag not in CODE_TAGS and self._is_block(child)):
                    anchors.append((pos, child))
                elif self._is_block(child):
                    anchors.append((pos, child))
                    nested.append(child)
                elif tag in EMPTY_INLINE or not (child.text_content() or "").strip():
                    anchors.append((pos, child))
                else:
                    if not style:
                        tops.append(child)
                    item = (tag, tuple(sorted((str(k), str(v)) for k, v in child.attrib.items())))
                    if tag == "sup":  # 10<sup>6</sup> is 10^6, never the number 106
                        add(exponent_mark("".join(r.text for r in runs), child.text_content()), style + (item,))
                    inline(child, style + (item,))
                add(child.tail, style)

        if _tag(block) in SKIP_TAGS or _no_translate(block):
            return
        inline(block, ())
        if not _keeps_newlines(block):  # a newline in HTML source is a space; only <br> breaks a line
            runs, anchors = collapse_whitespace(runs, anchors, {o - 1 for o, a in anchors if _tag(a) == "br"})
        if len(tops) > 1 and all(any(tag == "a" for tag, _ in r.style or ()) or _SEPARATORS.fullmatch(r.text)
                                 for r in runs):
            # a navigation bar or a pager: links separated only by spaces, bars or brackets are one unit each
            for top in tops:
                self._collect(top)
            runs = []
        if _tag(block) not in ("html", "head") and "".join(r.text for r in runs).strip():
            kind = _KINDS.get(_tag(block), "paragraph")
            anchors = [(o, a) for o, a in anchors if _tag(a) != "br"]
            self.units.append(Unit(kind, runs, (block, None, anchors)))
        for child in nested:
            self._collect(child)

    def describe_style(self, style: Hashable) -> str:
        """Return e.g. ``<strong> <a href="...">``."""
        parts = []
        for tag, attrs in style or ():
            shown = " ".join(f'{k}="{v}"' for k, v in attrs if k in ("href", "class", "style", "translate"))
            parts.append(f"<{tag}{' ' + shown if shown else ''}>")
        return " ".join(parts) or "plain"

    def is_verbatim(self, style: Hashable) -> bool:
        """Inline code and ``translate="no"`` spans are kept verbatim."""
        return any(tag in CODE_TAGS or dict(attrs).get("translate", "").lower() == "no"
                   or "notranslate" in dict(attrs).get("class", "").split() for tag, attrs in style or ())

    def is_superscript(self, style: Hashable) -> bool:
        """Spans inside ``<sup>``."""
        return any(tag == "sup" for tag, _attrs in style or ())

    def is_link(self, style: Hashable) -> bool:
        """Spans inside ``<a href>``."""
        return any(tag == "a" and "href" in dict(attrs) for tag, attrs in style or ())

    def _emit(self, out: _Builder, runs: list[Run], attributes: dict[tuple[str, str], str]) -> None:
        from lxml import etree

        for run in runs:
            target = None  # the innermost element of the run's formatting; None: the block itself
            text = run.text
            for tag, attrs in run.style or ():
                element = {k: attributes.get((k, v), v) for k, v in attrs}
                target = out.sub(tag, element) if target is None else etree.SubElement(target, tag, element)
                if tag == "sup":
                    text = strip_exponent_mark(text)
            for i, piece in enumerate(text.split("\n")):
                if target is None:
                    if i:
                        out.sub("br", {})
                    if piece:
                        out.text(piece)
                else:
                    if i:
                        etree.SubElement(target, "br")
                    if piece:
                        _append_text(target, piece)

    def write(self, result: DocumentResult, english: list[list[list[Run]]], output: Path, fmt: str,
              notes: bool = True) -> None:
        """Put the English into the page, set ``lang="en"`` and save it as UTF-8 (its own doctype kept).

        A flagged segment is wrapped in ``<mark class="mt-flag">`` (its flags as the title) followed by a
        numbered link to its note; the notes are listed at the end of the body, before the closing notice
        with the signature. Attributes and ``<title>`` cannot hold markup: their notes are listed only.
        """
        write_atomic(output, self.render(result, english, notes=notes))

    def render(self, result: DocumentResult, english: list[list[list[Run]]], fragment: bool = False,
               notes: bool = True) -> str:
        """Put the English into the page and return it as a string (what :meth:`write` saves).

        Args:
            result: The translation.
            english: For each unit, its English runs.
            fragment: Return only the content of ``<body>`` (for markup that was sent without a page around
                it); a fragment never carries notes or the closing notice (an API client gets the flags beside it).
            notes: Mark flagged segments and list their notes, then the closing notice.
        """
        import lxml.html
        from lxml import etree

        flagged = document_notes(result, notes and not fragment)

        attributes: dict[tuple[str, str], str] = {}  # (attribute, Chinese) -> English, for rebuilt inline elements
        for index, unit in enumerate(self.units):
            element, attr, _anchors = unit.handle
            if attr is not None and not self.copied(result, index):
                value = "".join(r.text for r in join_segments(english[index]))
                attributes[(attr, element.get(attr))] = value
                element.set(attr, value)
        for index, unit in enumerate(self.units):
            element, attr, anchors = unit.handle
            if attr is not None or self.copied(result, index):  # nothing to translate: kept as it was
                continue
            for child in list(element):
                element.remove(child)
            for _offset, anchor in anchors:
                anchor.tail = None  # its tail text is in the unit's runs
            element.text = None
            out = _Builder(element)
            # line breaks (<br>) between sentences are kept, in their place among the anchors
            if (element.get("lang") or "").lower().startswith("zh"):
                element.set("lang", "en")
            segments = iter(self.document.blocks[index].segment_indices)
            markable = _tag(element) not in ("title", "option")
            for kind, item in unit_layout(unit.text, segment_spans(self, index), english[index], anchors, "\n",
                                          lambda runs: None):
                if kind == "runs":
                    note = flagged.get(next(segments, -1))
                    if note is None or not markable or not item:
                        self._emit(out, item, attributes)
                        continue
                    if item[0].text == " " and item[0].style is None:
                        self._emit(out, item[:1], attributes)
                        item = item[1:]
                    mark = _Builder(out.sub("mark", {"class": "mt-flag", "id": f"mt-ref-{note.number}",
                                                     "title": note.text}))
                    self._emit(mark, item, attributes)
                    mark.close()
                    sup = out.sub("sup", {"class": "mt-note-ref"})
                    link = etree.SubElement(sup, "a", {"href": f"#mt-note-{note.number}"})
                    link.text = f"[{note.number}]"
                elif kind == "break":
                    self._emit(out, [Run(item[0], None)], attributes)
                else:
                    out.append(item)
            out.close()
        self._finish()
        if fragment:
            body = self.root.find("body")
            if body is None:
                return ""
            return (body.text or "") + "".join(_serialize(child) for child in body)
        self._close(result, flagged)
        out = _serialize(self.root)  # href/src values as written (libxml2 would percent-encode them)
        # comments and processing instructions before and after <html> are kept
        before = "".join(etree.tostring(c, encoding="unicode", with_tail=False) + "\n"
                         for c in reversed(list(self.root.itersiblings(preceding=True))))
        after = "".join("\n" + etree.tostring(c, encoding="unicode", with_tail=False) for c in self.root.itersiblings())
        return (self.doctype + "\n" if self.doctype else "") + before + out + after

    def _close(self, result: DocumentResult, flagged: dict) -> None:
        """Append the notes list and the closing notice (with the signature) to the end of the body."""
        from lxml import etree

        body = self.root.find("body")
        section = etree.SubElement(body if body is not None else self.root, "section",
                                   {"class": "mt-notes", "lang": "en"})
        etree.SubElement(section, "hr")
        if flagged:
            etree.SubElement(section, "h2").text = NOTES_HEADING
            listing = etree.SubElement(section, "ol")
            for note in flagged.values():
                item = etree.SubElement(listing, "li", {"id": f"mt-note-{note.number}", "value": str(note.number)})
                item.text = note.text
        etree.SubElement(etree.SubElement(section, "p"), "em").text = closing_notice(result)

    def _finish(self) -> None:
        from lxml import etree

        self.root.set("lang", "en")
        for key in list(self.root.attrib):
            if key.endswith("}lang") or key == "xml:lang":
                self.root.set(key, "en")
        head = self.root.find("head")
        declared = False
        for meta in list(self.root.iter("meta")):
            if meta.get("charset"):
                meta.set("charset", "utf-8")
                declared = True
            elif (meta.get("http-equiv") or "").lower() == "content-type":
                # libxml2 drops an http-equiv declaration when it serialises to a string: use the HTML5 form
                replacement = etree.Element("meta", charset="utf-8")
                replacement.tail = meta.tail
                meta.getparent().replace(meta, replacement)
                declared = True
        if head is not None and not declared:
            meta = etree.Element("meta", charset="utf-8")
            head.insert(0, meta)


def read_html(path: Path, data: bytes) -> HtmlDocument:
    """Read an HTML file (``data`` is its content)."""
    return HtmlDocument(path, data)
