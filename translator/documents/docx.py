"""Word (.docx): read paragraphs from the package parts with lxml, write the English in place.

Translated parts: the body (paragraphs, headings, lists, every table cell, text
boxes), headers, footers, footnotes, endnotes and comments, and the document's title,
subject, description and keywords (docProps/core.xml). A paragraph's text runs
(including hyperlink text) become :class:`~.model.Run` objects keyed by their
*visible* formatting (character style, bold, italic, underline, strike, colour,
highlight, size, super/subscript, link target; a superscript number after a digit reaches the
model as ``10^6``); spell-check marks, language
tags and revision ids do not split a run. Everything else in a paragraph
(images, field codes, footnote references, bookmarks, tracked deletions ...)
is an *anchor*: kept as is, and put back after the English of the sentence it
was in. A field's shown result is translated (table-of-contents entries,
hyperlink and form-field text, also when the field spans paragraphs) unless
Word computes it (page numbers, STYLEREF, REF, SEQ, dates ...: kept for Word to
update); a field result inside a sentence cannot stay inside its field, so it
is translated with the sentence and flagged ``formatting_lost``. Every other part of the package (styles, numbering,
media, settings, relationships ...) is copied byte for byte.

Not translated: computed field results, the fallback copy of a text box that
Word keeps for old readers (``mc:Fallback``), and charts.
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..results import DocumentResult
from ..textio import write_atomic
from .inline import exponent_mark, join_segments, segment_spans, strip_exponent_mark, unit_layout
from .model import ParsedDocument, Run, Unit
from .notes import NOTES_HEADING, closing_notice, document_notes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PART_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_PART_ORDER = ("document", "header", "footer", "footnotes", "endnotes", "comments")
#: Fields whose result Word computes (numbers, dates, copies of other text): kept, never translated.
COMPUTED_FIELDS = frozenset("""PAGE NUMPAGES SECTIONPAGES SECTION PAGEREF STYLEREF REF NOTEREF SEQ DATE TIME CREATEDATE
SAVEDATE PRINTDATE EDITTIME = AUTONUM AUTONUMLGL AUTONUMOUT LISTNUM EQ SYMBOL INCLUDEPICTURE INCLUDETEXT EMBED
BARCODE DISPLAYBARCODE FILENAME FILESIZE NUMWORDS NUMCHARS REVNUM TA TC XE RD INDEX TOA CITATION BIBLIOGRAPHY
ADDIN""".split())
_VISIBLE = ("rStyle", "b", "i", "u", "strike", "dstrike", "color", "highlight", "shd", "vertAlign", "caps",
            "smallCaps", "sz", "bdr", "em")
_NAMES = {"rStyle": "character style", "b": "bold", "i": "italic", "u": "underline", "strike": "strikethrough",
          "dstrike": "double strikethrough", "color": "colour", "highlight": "highlight", "shd": "shading",
          "vertAlign": "super/subscript", "caps": "capitals", "smallCaps": "small capitals", "sz": "size",
          "bdr": "border", "em": "emphasis mark"}
_TEXT_CONTAINERS = ("smartTag", "ins", "customXml")
#: Package limits, checked from the zip directory before anything is inflated (a zip bomb is refused at once):
#: entries, inflated bytes in all, and the inflation ratio of any entry over PACKAGE_RATIO_FROM bytes.
PACKAGE_LIMITS = {"entries": 20_000, "total_bytes": 1 << 30, "ratio": 100, "ratio_from": 10 << 20}
#: Elements (counted as ``<``) a translated part may hold before it is parsed.
MAX_PART_ELEMENTS = 4_000_000
#: Compression methods Python's zipfile inflates (stored, deflate, bzip2, lzma); Word writes the first two.
_METHODS = {0, 8, 12, 14}
CORE_PART = "docProps/core.xml"
_DC = "http://purl.org/dc/elements/1.1/"
#: Document properties translated (the title first): shown by file managers, search and Word's Info page.
CORE_PROPERTIES = (f"{{{_DC}}}title", f"{{{_DC}}}subject", f"{{{_DC}}}description",
                   "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords")


def w(tag: str) -> str:
    """Return the Clark name of a WordprocessingML tag."""
    return f"{{{W}}}{tag}"


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _w_local(el) -> str:
    """The local name of a WordprocessingML element; "" for other namespaces, comments and processing instructions."""
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) and tag.startswith(f"{{{W}}}") else ""


def _visible_key(rpr) -> tuple:
    if rpr is None:
        return ()
    items = []
    for child in rpr:
        name = _w_local(child)
        if name in _VISIBLE:
            items.append((name, tuple(sorted((k.rsplit("}", 1)[-1], v) for k, v in child.attrib.items()))))
    return tuple(sorted(items))


def _superscript(style: Hashable) -> bool:
    """True for a run style (visible properties, link, field) that is superscript."""
    visible = style[0] if isinstance(style, tuple) and style and isinstance(style[0], tuple) else ()
    return ("vertAlign", (("val", "superscript"),)) in visible


@dataclass
class _Paragraph:
    part: str
    element: object
    anchors: list[tuple[int, object, object]] = field(default_factory=list)  # (offset, element, run rPr or None)
    rpr: dict = field(default_factory=dict)  # style -> the paragraph's first run properties of that style


def _parser():
    """The XML parser of package parts: internal entities expanded (libxml2 bounds their amplification, so the text
    after ``&name;`` is read), external ones and the network never touched, deep trees read (huge_tree)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities="internal", no_network=True, huge_tree=True)


def sniff_docx(path: Path, data: bytes) -> zipfile.ZipFile:
    """Open ``data`` as a .docx package, or raise an :class:`InputError` naming ``path`` and saying what it is."""
    import io

    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(f"{path}: not a .docx package but an OLE2 file: a legacy Word .doc or a password-protected "
                         "document; save it as an unprotected .docx and try again")
    if not data.startswith(b"PK"):
        raise InputError(f"{path}: not a .docx file (not a zip package)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        _check_package(path, zf.infolist())
        bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: corrupt .docx package: {exc}") from exc
    if bad is not None:
        raise InputError(f"{path}: corrupt .docx package: bad CRC in {bad}")
    if "word/document.xml" not in zf.namelist():
        if "EncryptedPackage" in zf.namelist():
            raise InputError(f"{path}: the document is encrypted; remove the password and try again")
        raise InputError(f"{path}: not a Word document (no word/document.xml in the package)")
    return zf


def _check_package(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse, from the zip directory alone, a package that would inflate out of proportion or cannot be read."""
    limits = PACKAGE_LIMITS
    if len(infos) > limits["entries"]:
        raise InputError(f"{path}: the .docx package has {len(infos):,} entries (at most {limits['entries']:,} "
                         "are read); it is not a Word document we can open safely")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError(f"{path}: {info.filename} in the .docx package is encrypted; remove the password "
                             "and try again")
        if info.compress_type not in _METHODS:
            raise InputError(f"{path}: {info.filename} in the .docx package uses compression method "
                             f"{info.compress_type} (e.g. Deflate64), which cannot be read; save the document "
                             "again from Word")
        total += info.file_size
        if info.file_size > limits["ratio_from"] and info.file_size > limits["ratio"] * max(info.compress_size, 1):
            raise InputError(f"{path}: {info.filename} in the .docx package inflates {info.compress_size:,} bytes "
                             f"to {info.file_size:,} (more than {limits['ratio']}x): refused as a zip bomb")
    if total > limits["total_bytes"]:
        raise InputError(f"{path}: the .docx package inflates to {total:,} bytes (more than "
                         f"{limits['total_bytes']:,}): refused")


class DocxDocument(ParsedDocument):
    """A Word document: paragraphs of the translated parts, and the package to write back."""

    format_name = "docx"
    native_outputs = ("docx",)

    def __init__(self, path: Path, data: bytes) -> None:
        super().__init__(path)
        from lxml import etree

        self._zip = sniff_docx(path, data)
        self._trees: dict[str, object] = {}
        self._rpr: dict[Hashable, object] = {}
        self._link: dict[Hashable, object] = {}
        self._paragraphs: list[_Paragraph] = []
        styles = self._style_names()
        names = sorted((n for n in self._zip.namelist() if _PART_RE.match(n)),
                       key=lambda n: (_PART_ORDER.index(re.sub(r"\d+$", "", n[5:-4])), n))
        for name in names:
            xml = self._zip.read(name)
            elements = xml.count(b"<")
            if elements > MAX_PART_ELEMENTS:
                raise InputError(f"{path}: {name} holds about {elements:,} elements (more than "
                                 f"{MAX_PART_ELEMENTS:,}): refused")
            try:
                root = etree.fromstring(xml, _parser())
            except etree.XMLSyntaxError as exc:
                message = " ".join(str(exc).replace(" (<string>, line", " (line").split())  # libxml2's has newlines
                raise InputError(f"{path}: corrupt .docx package: {name}: {message}") from exc
            self._trees[name] = root
            part_kind = re.sub(r"\d+$", "", name[5:-4])
            fields: list[list] = []  # open fields [code, in result?], carried across paragraphs
            for p in root.iter(w("p")):
                if any(_local(a) == "Fallback" and a.tag.startswith(f"{{{MC}}}") for a in p.iterancestors()):
                    continue
                para = _Paragraph(name, p)
                runs = self._runs(p, para, fields)
                if not "".join(r.text for r in runs).strip():
                    continue
                self._paragraphs.append(para)
                self.units.append(Unit(self._kind(p, part_kind, styles), runs, len(self._paragraphs) - 1))
        self._properties(_parser())

    def _properties(self, parser) -> None:
        """The document's title, subject, description and keywords (docProps/core.xml: what a file list shows)."""
        from lxml import etree

        if CORE_PART not in self._zip.namelist():
            return
        try:
            root = etree.fromstring(self._zip.read(CORE_PART), parser)
        except etree.XMLSyntaxError:
            return  # a broken property part is kept as it is; the document itself is what is translated
        found = [el for tag in CORE_PROPERTIES for el in root.iter(tag) if (el.text or "").strip()]
        if found:
            self._trees[CORE_PART] = root
        for el in found:
            self.units.append(Unit("title" if el.tag == CORE_PROPERTIES[0] else "meta", [Run(el.text)], el))

    def _style_names(self) -> dict[str, str]:
        from lxml import etree

        if "word/styles.xml" not in self._zip.namelist():
            return {}
        try:
            root = etree.fromstring(self._zip.read("word/styles.xml"), _parser())
        except etree.XMLSyntaxError:
            return {}
        out = {}
        for st in root.iter(w("style")):
            name = st.find(w("name"))
            out[st.get(w("styleId"), "")] = (name.get(w("val"), "") if name is not None else "").lower()
        return out

    @staticmethod
    def _kind(p, part_kind: str, styles: dict[str, str]) -> str:
        if part_kind in ("header", "footer"):
            return "meta"
        ppr = p.find(w("pPr"))
        style_id = ""
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            style_id = ps.get(w("val"), "") if ps is not None else ""
            lvl = ppr.find(w("outlineLvl"))
            if lvl is not None and lvl.get(w("val"), "9").isdigit() and int(lvl.get(w("val"), "9")) < 9:
                return "heading"
        name = styles.get(style_id, style_id.lower())
        if name == "title":
            return "title"
        if name.startswith("heading") or name == "subtitle":
            return "heading"
        if name == "caption":
            return "caption"
        return "paragraph"

    def _runs(self, p, para: _Paragraph, fields: list[list]) -> list[Run]:
        runs: list[Run] = []
        pos = 0

        def field_type(code: str) -> str:
            words = code.split()
            return words[0].upper() if words else ""

        def hidden() -> bool:  # inside a field code, or a result Word computes: kept as is
            return any(not shown or field_type(code) in COMPUTED_FIELDS for code, shown in fields)

        def add(text: str, key: Hashable) -> None:
            nonlocal pos
            if runs and runs[-1].style == key:
                runs[-1] = Run(runs[-1].text + text, key)
            else:
                runs.append(Run(text, key))
            pos += len(text)

        def run_children(r, link) -> None:
            rpr = r.find(w("rPr"))
            field = field_type(fields[-1][0]) if fields else None
            key = (_visible_key(rpr), (link.get(f"{{{R}}}id"), link.get(w("anchor"))) if link is not None else None,
                   field)
            self._rpr.setdefault(key, rpr)
            para.rpr.setdefault(key, rpr)
            if link is not None:
                self._link.setdefault(key, link)
            for child in r:
                name = _w_local(child)
                if name == "rPr":
                    continue
                if name == "fldChar":
                    t = child.get(w("fldCharType"))
                    if t == "begin":
                        fields.append(["", False])
                    elif t == "separate" and fields:
                        fields[-1][1] = True
                    elif t == "end" and fields:
                        fields.pop()
                    para.anchors.append((pos, child, rpr))
                    if t in ("begin", "end"):  # the text after it has another key
                        key = (key[0], key[1], field_type(fields[-1][0]) if fields else None)
                        self._rpr.setdefault(key, rpr)
                        para.rpr.setdefault(key, rpr)
                        if link is not None:
                            self._link.setdefault(key, link)
                    continue
                if name == "instrText" and fields and not fields[-1][1]:
                    fields[-1][0] += child.text or ""
                if hidden():
                    para.anchors.append((pos, child, rpr))
                elif name == "t":
                    if child.text:
                        if _superscript(key) and not (runs and runs[-1].style == key):  # 10^6, never 106
                            add(exponent_mark("".join(r.text for r in runs), child.text), key)
                        add(child.text, key)
                elif name == "tab":
                    add("\t", key)
                elif (name == "br" and child.get(w("type"), "textWrapping") == "textWrapping") or name == "cr":
                    add("\n", key)
                elif name == "noBreakHyphen":
                    add("\u2011", key)
                elif name in ("softHyphen", "lastRenderedPageBreak"):
                    continue
                else:
                    para.anchors.append((pos, child, rpr))

        def walk(parent, link) -> None:
            for child in parent:
                name = _w_local(child)
                if name == "pPr":
                    continue
                if name == "r":
                    run_children(child, link)
                elif name == "hyperlink" and link is None:
                    walk(child, child)
                elif name in _TEXT_CONTAINERS:
                    walk(child, link)
                else:
                    para.anchors.append((pos, child, None))

        walk(p, None)
        return runs

    def can_place(self, style: Hashable) -> bool:
        """Text shown by a field cannot be given back to its field once inside an English sentence."""
        return style[2] is None

    def is_superscript(self, style: Hashable) -> bool:
        """Runs with ``w:vertAlign w:val="superscript"``."""
        return _superscript(style)

    def is_link(self, style: Hashable) -> bool:
        """Spans inside a ``w:hyperlink``."""
        return style in self._link

    def describe_style(self, style: Hashable) -> str:
        """Return e.g. ``bold, colour FF0000, link``."""
        visible, link, field = style
        parts = []
        for name, attrs in visible:
            vals = dict(attrs)
            if vals.get("val") in ("0", "false", "none"):
                parts.append(f"not {_NAMES[name]}")
            elif name in ("color", "highlight", "sz", "rStyle", "u", "vertAlign"):
                parts.append(f"{_NAMES[name]} {vals.get('val', '')}".strip())
            else:
                parts.append(_NAMES[name])
        if link is not None:
            parts.append("link")
        if field is not None:
            parts.append(f"result of a {field or 'Word'} field")
        return ", ".join(parts) or "plain"

    def _make_run(self, text: str, style: Hashable, para: _Paragraph):
        from lxml import etree

        if _superscript(style):
            text = strip_exponent_mark(text)

        r = etree.Element(w("r"))
        rpr = para.rpr.get(style, self._rpr.get(style))
        rpr = copy.deepcopy(rpr) if rpr is not None else etree.SubElement(r, w("rPr"))
        if rpr.getparent() is None:
            r.append(rpr)
        lang = rpr.find(w("lang"))
        if lang is None:  # schema order: lang comes before these
            lang = etree.Element(w("lang"))
            later = [c for c in rpr if _local(c) in ("eastAsianLayout", "specVanish", "oMath", "rPrChange")]
            if later:
                later[0].addprevious(lang)
            else:
                rpr.append(lang)
        lang.set(w("val"), "en-US")
        for i, piece in enumerate(re.split(r"(\n|\t)", text)):
            if piece == "\n":
                etree.SubElement(r, w("br"))
            elif piece == "\t":
                etree.SubElement(r, w("tab"))
            elif piece:
                t = etree.SubElement(r, w("t"))
                t.text = piece
                t.set(XML_SPACE, "preserve")
        return r

    def _emit_runs(self, p, runs: list[Run], para: _Paragraph) -> None:
        from lxml import etree

        current_link, link_el = None, None
        for run in runs:
            link = self._link.get(run.style)
            if link is None:
                current_link, link_el = None, None
                p.append(self._make_run(run.text, run.style, para))
                continue
            if link is not current_link:
                link_el = etree.SubElement(p, link.tag, dict(link.attrib))
                current_link = link
            link_el.append(self._make_run(run.text, run.style, para))

    def _emit_anchor(self, p, element, rpr) -> None:
        from lxml import etree

        if element.getparent() is not None and _local(element.getparent()) == "r" or rpr is not None:
            r = etree.SubElement(p, w("r"))
            if rpr is not None:
                r.append(copy.deepcopy(rpr))
            r.append(element)
        else:
            p.append(element)

    def write(self, result: DocumentResult, english: list[list[list[Run]]], output: Path, fmt: str,
              notes: bool = True) -> None:
        """Rewrite every translated paragraph in English and save the package (other parts byte-identical).

        A flagged segment of the body gets a Word comment anchored on its English (the flags); one elsewhere
        (header, footer, footnote, text box, comment) a number, listed at the end of the document. The body
        closes with "Machine translation, check before use" and the signature; the document's language
        (styles, settings, properties) becomes English. ``notes=False``: no comments, numbers or list.
        """
        from lxml import etree

        flagged = document_notes(result, notes)
        comments: list[tuple[int, str]] = []  # (comment id, text)
        numbered: list[str] = []  # notes of segments where Word has no comments
        next_id = self._first_comment_id()
        blocks = self.document.blocks
        for index, unit in enumerate(self.units):
            if self.copied(result, index):
                continue  # nothing to translate (code, English): the paragraph is kept as it was, indentation and all
            if not isinstance(unit.handle, int):  # a document property
                unit.handle.text = "".join(r.text for r in join_segments(english[index]))
                continue
            para = self._paragraphs[unit.handle]
            p = para.element
            commentable = para.part == "word/document.xml" and not any(
                _local(a) == "txbxContent" for a in p.iterancestors())
            for child in list(p):
                if child.tag != w("pPr"):
                    p.remove(child)
            segments = iter(blocks[index].segment_indices)
            # tabs and line breaks between sentences (a TOC entry's tab before its page number) are kept
            for kind, item in unit_layout(unit.text, segment_spans(self, index), english[index],
                                          [(o, (el, rpr)) for o, el, rpr in para.anchors], "\t\n",
                                          lambda runs: runs[0].style):
                if kind == "runs":
                    note = flagged.get(next(segments, -1))
                    if note is None or not item:
                        self._emit_runs(p, item, para)
                    elif commentable:
                        if item[0].text.startswith(" ") and item[0].text.strip():  # the space between sentences
                            self._emit_runs(p, [Run(" ", item[0].style)], para)  # stays outside the comment
                            item = [Run(item[0].text[1:], item[0].style), *item[1:]]
                        etree.SubElement(p, w("commentRangeStart"), {w("id"): str(next_id)})
                        self._emit_runs(p, item, para)
                        etree.SubElement(p, w("commentRangeEnd"), {w("id"): str(next_id)})
                        ref = etree.SubElement(etree.SubElement(p, w("r")), w("commentReference"))
                        ref.set(w("id"), str(next_id))
                        comments.append((next_id, note.text))
                        next_id += 1
                    else:
                        numbered.append(note.text)
                        self._emit_runs(p, [*item, Run(f" [{len(numbered)}]", item[-1].style)], para)
                elif kind == "break":
                    breaks, at = item
                    self._emit_runs(p, [Run(breaks, self._style_at(unit.runs, at))], para)
                else:
                    self._emit_anchor(p, *item)
        self._close_body(result, numbered, len(comments))
        replaced = {name: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                    for name, root in self._trees.items()}
        if comments:
            replaced.update(self._comments_parts(comments))
        replaced.update(self._english_language())
        self._save(output, replaced)

    def _first_comment_id(self) -> int:
        """Return an id above every comment id the package uses."""
        ids = [int(c.get(w("id"))) for root in self._trees.values() for c in root.iter(w("comment"))
               if (c.get(w("id")) or "").isdigit()]
        return max(ids, default=-1) + 1

    def _close_body(self, result: DocumentResult, numbered: list[str], commented: int) -> None:
        """Append the numbered notes (if any) and the closing notice to the end of the body."""
        from lxml import etree

        body = self._trees["word/document.xml"].find(w("body"))
        if body is None:
            return
        last = body[-1] if len(body) and body[-1].tag == w("sectPr") else None
        lines: list[tuple[str, bool]] = []
        if numbered:
            lines.append((NOTES_HEADING, True))
            lines += [(f"[{k}] {text}", False) for k, text in enumerate(numbered, 1)]
        notice = closing_notice(result)
        if commented:
            notice += f" ({commented} flagged segment{'s' if commented != 1 else ''}: see the comments)"
        lines.append((notice, False))
        for text, bold in lines:
            p = etree.Element(w("p"))
            r = etree.SubElement(p, w("r"))
            rpr = etree.SubElement(r, w("rPr"))
            etree.SubElement(rpr, w("b") if bold else w("i"))
            etree.SubElement(rpr, w("lang"), {w("val"): "en-US"})
            t = etree.SubElement(r, w("t"))
            t.text = text
            t.set(XML_SPACE, "preserve")
            if last is not None:
                last.addprevious(p)
            else:
                body.append(p)

    def _comments_parts(self, comments: list[tuple[int, str]]) -> dict[str, bytes]:
        """Return the comments part holding ``comments`` (added to the package's own, or a new part and its links)."""
        from lxml import etree

        out: dict[str, bytes] = {}
        root = self._trees.get("word/comments.xml")
        if root is None:
            root = etree.Element(w("comments"), nsmap={"w": W})
            out.update(self._link_part("comments.xml", "/word/comments.xml",
                                       "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
                                       "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"))
        for cid, text in comments:
            comment = etree.SubElement(root, w("comment"), {w("id"): str(cid), w("author"): "translator",
                                                            w("initials"): "MT"})
            for k, line in enumerate(text.split("\n")):
                r = etree.SubElement(etree.SubElement(comment, w("p")), w("r"))
                etree.SubElement(etree.SubElement(r, w("rPr")), w("lang"), {w("val"): "en-US"})
                t = etree.SubElement(r, w("t"))
                t.text = line
                t.set(XML_SPACE, "preserve")
        out["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return out

    def _link_part(self, target: str, part_name: str, content_type: str, rel_type: str) -> dict[str, bytes]:
        """Return the relationships and content types of the package with a new part of the main document added."""
        from lxml import etree

        rels_name, types_name = "word/_rels/document.xml.rels", "[Content_Types].xml"
        pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
        ct = "http://schemas.openxmlformats.org/package/2006/content-types"
        names = self._zip.namelist()
        rels = (etree.fromstring(self._zip.read(rels_name)) if rels_name in names
                else etree.Element(f"{{{pkg}}}Relationships", nsmap={None: pkg}))
        taken = {r.get("Id") for r in rels}
        rid = next(f"rIdMT{k}" for k in range(len(taken) + 1) if f"rIdMT{k}" not in taken)
        etree.SubElement(rels, f"{{{pkg}}}Relationship", {"Id": rid, "Type": rel_type, "Target": target})
        types = etree.fromstring(self._zip.read(types_name))
        if not any(o.get("PartName") == part_name for o in types.iter(f"{{{ct}}}Override")):
            etree.SubElement(types, f"{{{ct}}}Override", {"PartName": part_name, "ContentType": content_type})
        return {rels_name: etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True),
                types_name: etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)}

    def _english_language(self) -> dict[str, bytes]:
        """Return the parts that declare the document's language, set to English (a translated file is not zh-CN)."""
        from lxml import etree

        out: dict[str, bytes] = {}
        names = self._zip.namelist()
        for name, tag in (("word/styles.xml", "lang"), ("word/settings.xml", "themeFontLang")):
            if name not in names:
                continue
            try:
                root = etree.fromstring(self._zip.read(name))
            except etree.XMLSyntaxError:
                continue
            changed = False
            for el in root.iter(w(tag)):
                if (el.get(w("val")) or "").lower().startswith("zh"):
                    el.set(w("val"), "en-US")
                    changed = True
            defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}") if tag == "lang" else None
            if defaults is not None and defaults.find(w("lang")) is None:
                later = [c for c in defaults if _local(c) in ("eastAsianLayout", "specVanish", "oMath", "rPrChange")]
                lang = etree.Element(w("lang"), {w("val"): "en-US"})
                if later:
                    later[0].addprevious(lang)
                else:
                    defaults.append(lang)
                changed = True
            if changed:
                out[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        core = "docProps/core.xml"
        if core in names:
            text = self._zip.read(core)
            new = re.sub(rb"(<dc:language>)[^<]*(</dc:language>)", rb"\1en-US\2", text)
            if new != text:
                out[core] = new
        return out

    @staticmethod
    def _style_at(runs: list[Run], offset: int) -> Hashable:
        pos = 0
        for run in runs:
            if pos <= offset < pos + len(run.text):
                return run.style
            pos += len(run.text)
        return runs[-1].style if runs else None

    def _save(self, output: Path, replaced: dict[str, bytes]) -> None:
        import io

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for info in self._zip.infolist():
                data = replaced.get(info.filename)
                out.writestr(info, data if data is not None else self._zip.read(info.filename),
                             compress_type=info.compress_type)
            for name in sorted(set(replaced) - set(self._zip.namelist())):  # parts we add (comments)
                out.writestr(name, replaced[name], compress_type=zipfile.ZIP_DEFLATED)
        write_atomic(output, buf.getvalue())


def read_docx(path: Path, data: bytes) -> DocxDocument:
    """Read a .docx file (``data`` is its content)."""
    return DocxDocument(path, data)
