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
from dataclasses import replace
from pathlib import Path

from .. import __version__
from ..errors import InputError, Problem, UnknownNameError
from .termbase import COLUMNS, Entry, Glossary, parse_rows, tsv_line

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EXPORT_FORMATS = ("tsv", "csv", "tbx", "tmx")
#: Term base files read everywhere a glossary is read (``--glossary``, ``glossary check``, ``import``).
IMPORT_FORMATS = ("tsv", "txt", "csv", "tbx", "xml", "tmx")


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
    """Return the glossary as a TMX 1.4 memory: one zh/en unit per entry, our fields in ``prop``s (imports back)."""
    tmx = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(tmx, "header", {"creationtool": "translator", "creationtoolversion": __version__,
                                  "segtype": "phrase", "o-tmf": "tsv", "adminlang": "en", "srclang": "zh",
                                  "datatype": "plaintext"})
    body = ET.SubElement(tmx, "body")
    for e in glossary.entries:
        tu = ET.SubElement(body, "tu")
        if e.note:
            ET.SubElement(tu, "note").text = e.note
        ET.SubElement(tu, "prop", {"type": "x-translator-meta"}).text = f"type={e.type};case={e.case};status={e.status}"
        if e.variants:
            ET.SubElement(tu, "prop", {"type": "x-translator-variants"}).text = "|".join(e.variants)
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


def _from_tmx(path: str, data: bytes) -> list[Entry]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed TMX XML: {exc}") from None
    entries = []
    for n, tu in enumerate(root.iter("tu"), 1):
        segs = {tuv.get(XML_LANG, tuv.get("lang", "")).lower().split("-")[0]: (tuv.findtext("seg") or "").strip()
                for tuv in tu.iter("tuv")}
        if not segs.get("zh") or not segs.get("en"):
            raise InputError(f"{path}: translation unit {n} lacks a zh or en segment")
        props = {p.get("type"): p.text or "" for p in tu.iter("prop")}
        meta = dict(kv.split("=", 1) for kv in props.get("x-translator-meta", "").split(";") if "=" in kv)
        variants = tuple(v for v in props.get("x-translator-variants", "").split("|") if v)
        entries.append(Entry(segs["zh"], segs["en"], variants, meta.get("type", "term"), meta.get("case", "insensitive"),
                             meta.get("status", "approved"), (tu.findtext("note") or "").strip(), path, n))
    return entries


def _csv_as_tsv(path: str, text: str) -> tuple[str, list[int], list[Problem]]:
    """Return CSV ``text`` as TSV text, the CSV line each TSV row starts on, and rows a TSV cannot hold."""
    rows, lines, problems = [], [], []
    reader = csv.reader(io.StringIO(text))
    start = 1
    for row in reader:
        bad = next((c for c in row if "\t" in c or "\n" in c), None)
        if bad is not None:
            what = "a tab" if "\t" in bad else "a line break"
            problems.append(Problem("error", f"a field holds {what} ({bad!r}); a term base field is one line without tabs",
                                    path, start))
            row = [c.replace("\t", " ").replace("\n", " ") for c in row]
        rows.append(tsv_line(row) if row else "")
        lines.append(start)
        start = reader.line_num + 1
    return "\n".join(rows), lines, problems


def parse_entries(path: str) -> tuple[list[Entry], list[Problem]]:
    """Read any term base file we exchange (TSV, CSV, TBX, TMX; by extension) into entries and problems.

    Text files are decoded like inputs (UTF-8 with or without BOM, UTF-16, GB18030/GBK as Chinese Excel
    writes CSV, Big5); every entry and problem cites the file's own line (the unit's number for TBX/TMX).

    Raises:
        InputError: Unreadable or malformed file, or an unknown extension (the valid ones are listed).
    """
    from ..textio import decode_bytes

    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    if suffix not in IMPORT_FORMATS:
        raise InputError(f"{path}: unknown glossary file type {suffix!r}; use {', '.join('.' + f for f in IMPORT_FORMATS)}")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: glossary file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read glossary: {exc.strerror or exc}") from None
    if suffix in ("tbx", "xml"):
        return _from_tbx(path, data), []
    if suffix == "tmx":
        return _from_tmx(path, data), []
    text = decode_bytes(data, path).text
    if suffix != "csv":
        return parse_rows(path, text)
    tsv, lines, problems = _csv_as_tsv(path, text)
    entries, row_problems = parse_rows(path, tsv)
    relined = [replace(e, line=lines[e.line - 1]) for e in entries]
    problems += [replace(pr, line=lines[pr.line - 1]) if pr.line and pr.line <= len(lines) else pr for pr in row_problems]
    return relined, problems


def read_entries(path: str) -> list[Entry]:
    """Read entries from a TSV, CSV, TBX or TMX file (by extension).

    Raises:
        InputError: Unreadable or malformed file, or an unknown extension.
        ValidationError: Row errors (each with its line).
    """
    entries, problems = parse_entries(path)
    errors = [pr for pr in problems if pr.severity == "error"]
    if errors:
        from ..errors import ValidationError

        raise ValidationError(problems=errors, what=f"glossary import {path}")
    return entries
