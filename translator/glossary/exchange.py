"""Exchange formats for the term base: TSV, CSV, TBX (termbase exchange) and TMX.

TBX is written as TBX-Basic style ``martif`` XML: one ``termEntry`` per
entry, a ``zh`` and an ``en`` ``langSet``; the approved target is the
``preferredTerm``, variants are ``admittedTerm``; our type/case/status go in
a ``note`` and the editor's note in a ``definition`` descrip, so an export
imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

from .. import __version__
from ..errors import InputError, UnknownNameError
from .termbase import COLUMNS, Entry, Glossary, parse_rows, tsv_line

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EXPORT_FORMATS = ("tsv", "csv", "tbx", "tmx")


def to_tsv(entries: list[Entry]) -> str:
    """Return entries as a TSV term base with a header."""
    return "\t".join(COLUMNS) + "\n" + "".join(tsv_line(e.row()) + "\n" for e in entries)


def to_csv(entries: list[Entry]) -> str:
    """Return entries as CSV with a header."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(e.row())
    return buf.getvalue()


def to_tbx(glossary: Glossary) -> str:
    """Return the glossary as TBX (martif) XML."""
    martif = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(martif, "martifHeader")
    file_desc = ET.SubElement(header, "fileDesc")
    source_desc = ET.SubElement(file_desc, "sourceDesc")
    ET.SubElement(source_desc, "p").text = f"translator {__version__} glossary {glossary.version}"
    body = ET.SubElement(ET.SubElement(martif, "text"), "body")
    for i, e in enumerate(glossary.entries, 1):
        entry = ET.SubElement(body, "termEntry", {"id": f"t{i}"})
        if e.note:
            ET.SubElement(entry, "descrip", {"type": "definition"}).text = e.note
        ET.SubElement(entry, "note").text = f"type={e.type};case={e.case};status={e.status}"
        zh = ET.SubElement(entry, "langSet", {XML_LANG: "zh"})
        tig = ET.SubElement(zh, "tig")
        ET.SubElement(tig, "term").text = e.source
        en = ET.SubElement(entry, "langSet", {XML_LANG: "en"})
        for term, status in [(e.target, "preferredTerm-admn-sts")] + [(v, "admittedTerm-admn-sts") for v in e.variants]:
            tig = ET.SubElement(en, "tig")
            ET.SubElement(tig, "term").text = term
            ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
    ET.indent(martif)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(martif, encoding="unicode") + "\n"


def to_tmx(glossary: Glossary) -> str:
    """Return the glossary as a TMX 1.4 memory (one zh/en unit per entry and variant)."""
    tmx = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(tmx, "header", {"creationtool": "translator", "creationtoolversion": __version__,
                                  "segtype": "phrase", "o-tmf": "tsv", "adminlang": "en", "srclang": "zh",
                                  "datatype": "plaintext"})
    body = ET.SubElement(tmx, "body")
    for e in glossary.entries:
        tu = ET.SubElement(body, "tu")
        if e.note:
            ET.SubElement(tu, "note").text = e.note
        for lang, text in (("zh", e.source), ("en", e.output)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(tmx)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tmx, encoding="unicode") + "\n"


def export_glossary(glossary: Glossary, fmt: str) -> str:
    """Export in one of :data:`EXPORT_FORMATS`."""
    if fmt == "tsv":
        return to_tsv(glossary.entries)
    if fmt == "csv":
        return to_csv(glossary.entries)
    if fmt == "tbx":
        return to_tbx(glossary)
    if fmt == "tmx":
        return to_tmx(glossary)
    raise UnknownNameError(f"unknown export format {fmt!r}; valid formats: {', '.join(EXPORT_FORMATS)}")


def _from_tbx(path: str, data: bytes) -> list[Entry]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed TBX XML: {exc}") from None
    entries = []
    for n, te in enumerate(root.iter("termEntry"), 1):
        langs = {ls.get(XML_LANG, "").lower().split("-")[0]: ls for ls in te.iter("langSet")}
        if "zh" not in langs or "en" not in langs:
            raise InputError(f"{path}: termEntry {te.get('id') or n} lacks a zh or en langSet")
        source = (langs["zh"].findtext(".//term") or "").strip()
        targets, variants = [], []
        for tig in langs["en"].iter("tig"):
            term = (tig.findtext("term") or "").strip()
            status = (tig.findtext("termNote") or "").strip()
            (targets if status.startswith("preferred") or not status else variants).append(term)
        if not targets and variants:
            targets.append(variants.pop(0))
        meta = dict(kv.split("=", 1) for kv in (te.findtext("note") or "").split(";") if "=" in kv)
        note = te.findtext("descrip") or ""
        entries.append(Entry(source, targets[0] if targets else "", tuple(targets[1:] + variants),
                             meta.get("type", "term"), meta.get("case", "insensitive"),
                             meta.get("status", "approved"), note, path, n))
    return entries


def read_entries(path: str) -> list[Entry]:
    """Read entries from a TSV, CSV or TBX file (by extension).

    Raises:
        InputError: Unreadable or malformed file, or an unknown extension.
        ValidationError: Row errors (each with its line).
    """
    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if suffix == "tbx" or suffix == "xml":
        return _from_tbx(path, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 ({exc.reason})") from None
    if suffix == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        text = "\n".join("\t".join(r) for r in rows)
    elif suffix not in ("tsv", "txt"):
        raise InputError(f"{path}: unknown glossary file type {suffix!r}; use .tsv, .csv or .tbx")
    entries, problems = parse_rows(path, text)
    errors = [pr for pr in problems if pr.severity == "error"]
    if errors:
        from ..errors import ValidationError

        raise ValidationError(problems=errors, what=f"glossary import {path}")
    return entries
