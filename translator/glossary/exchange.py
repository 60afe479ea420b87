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
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from .. import __version__
from ..errors import InputError, Problem, UnknownNameError
from .termbase import _CJK, COLUMNS, Entry, Glossary, entry_problems, parse_rows, read_header, split_lines, tsv_line

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EXPORT_FORMATS = ("tsv", "csv", "tbx", "tmx")
#: Term base files read everywhere a glossary is read (``--glossary``, ``glossary check``, ``import``).
IMPORT_FORMATS = ("tsv", "txt", "utf8", "csv", "tbx", "xml", "tmx")


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


def _parse_xml(path: str, data: bytes, kind: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Parse XML without namespace processing (TBX 2 and TBX v3 alike) and return the root and each element's line.

    Tags keep their prefix (``xml:lang`` stays ``xml:lang``; a default namespace is ignored), so the
    readers below find ``termEntry``/``conceptEntry`` whatever namespace a tool wrote.
    """
    from xml.parsers import expat

    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def local(tag: str) -> str:
        return tag.rsplit(":", 1)[-1]  # tbx:termEntry -> termEntry

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[builder.start(local(tag), attrs)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(local(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        return builder.close(), lines
    except (expat.ExpatError, AssertionError) as exc:
        raise InputError(f"{path}: not well-formed {kind} XML: {exc}") from None


def _lang(el: ET.Element) -> str:
    """Return an element's language code as written (``xml:lang``, or TMX 1.1's ``lang``)."""
    return (el.get("xml:lang") or el.get("lang") or "").strip()


def _lang_family(code: str) -> str:
    """Return ``zh``, ``en`` or another primary subtag for a language code (zh-CN, ZH_TW, zh-Hans, en-US ...)."""
    return re.split(r"[-_]", code.lower(), maxsplit=1)[0]


def _text(el: ET.Element | None, codes: set[str] | None = None) -> str:
    """Return the text of ``el`` with its inline elements' text, leaving out inline codes (tags in ``codes``)."""
    if el is None:
        return ""

    def raw(node: ET.Element) -> str:
        parts = [node.text or ""]
        for child in node:
            if codes is None or child.tag not in codes:
                parts.append(raw(child))
            parts.append(child.tail or "")
        return "".join(parts)

    return _SPACES.sub(" ", raw(el)).strip()


_SPACES = re.compile(r" *[\t\r\n][ \t\r\n]*")  # a line break or tab (pretty-printing) inside a term: one space
#: TBX administrative statuses (administrativeStatus / normativeAuthorization values) a term is not to be used with.
_UNUSABLE = ("deprecated", "superseded", "obsolete", "forbidden", "notrecommended", "rejected")
_TERM_GROUPS = ("tig", "ntig", "termSec")
#: TMX inline codes: their content is native markup (a tag, a placeholder), not text.
_TMX_CODES = {"bpt", "ept", "ph", "it", "ut"}


def _term_status(group: ET.Element) -> str:
    """Return ``preferred``, ``admitted``, ``deprecated`` or ``""`` (no status) for a TBX term group."""
    for note in group.iter("termNote"):
        if note.get("type") in ("administrativeStatus", "normativeAuthorization"):
            value = (note.text or "").strip().lower().replace(" ", "").replace("-", "")
            if value.startswith(_UNUSABLE):
                return "deprecated"
            if value.startswith(("preferred", "standardized", "legal", "regulated")):
                return "preferred"
            return "admitted"
    return ""


def _from_tbx(path: str, data: bytes) -> tuple[list[Entry], list[Problem]]:
    """Read TBX (TBX-Basic/TBX 2 ``termEntry``/``langSet``/``tig``|``ntig``; TBX v3 ``conceptEntry``/``langSec``/``termSec``)
    and MultiTerm XML exports (``conceptGrp``/``languageGrp``/``termGrp``).

    Every Chinese term of a concept becomes an entry (zh, zh-CN, zh-Hans, zh-TW, zh-Hant ... all match
    through the Traditional/Simplified fold); the English preferred term is the target (the first one
    without a status when none is marked) and the other usable English terms are variants. Deprecated,
    superseded or forbidden English terms are never accepted renderings; a deprecated Chinese term is
    imported as ``proposed`` (reported, not enforced). Entries cite the line of their Chinese term.
    """
    root, lines = _parse_xml(path, data, "TBX")
    entries: list[Entry] = []
    problems: list[Problem] = []
    concepts = [el for el in root.iter() if el.tag in ("termEntry", "conceptEntry", "conceptGrp")]
    seen_langs: set[str] = set()
    skipped: dict[str, list[tuple[str, int]]] = {}
    for n, te in enumerate(concepts, 1):
        where = f"{te.tag} {te.get('id') or n}"
        terms: dict[str, list[tuple[str, str, int]]] = {"zh": [], "en": []}
        for ls in (el for el in te.iter() if el.tag in ("langSet", "langSec", "languageGrp")):
            language = ls.find("language")  # MultiTerm: <languageGrp><language lang="ZH-CN"/>
            code = _lang(language if language is not None else ls)
            seen_langs.add(code)
            family = _lang_family(code)
            if family not in terms:
                continue
            groups = [el for el in ls.iter() if el.tag in _TERM_GROUPS]
            for group in groups or [el for el in ls.iter() if el.tag == "termGrp"]:  # MultiTerm has bare termGrps
                term = _text(group.find(".//term"))
                if term:
                    terms[family].append((term, _term_status(group), lines.get(group, lines[te])))
        if not terms["zh"] or not terms["en"]:
            missing = " and ".join(f for f in ("zh", "en") if not terms[f])
            skipped.setdefault(f"with no {missing} term", []).append((where, lines[te]))
            continue
        english = [t for t in terms["en"] if t[1] != "deprecated"]
        if not english:
            skipped.setdefault("whose English terms are all deprecated", []).append((where, lines[te]))
            continue
        english.sort(key=lambda t: {"preferred": 0, "": 1, "admitted": 2}[t[1]])  # stable: file order within a status
        renderings = list(dict.fromkeys(t[0] for t in english))
        own_note = (te.findtext("note") or "").strip()
        meta = dict(kv.split("=", 1) for kv in own_note.split(";") if "=" in kv) if own_note.startswith("type=") else {}
        descrip = te.find(".//descrip[@type='definition']")
        note = _text(descrip if descrip is not None else te.find("descrip")) or ("" if meta else own_note)
        for source, status, line in terms["zh"]:
            entry_status, entry_note = meta.get("status", "approved"), note
            if status == "deprecated":  # still the concept's Chinese, but not to be enforced: reported only
                entry_status = "proposed"
                entry_note = (note + "; " if note else "") + "deprecated Chinese term in the TBX"
            entries.append(Entry(source, renderings[0], tuple(renderings[1:]), meta.get("type", "term"),
                                 meta.get("case", "insensitive"), entry_status, entry_note, path, line))
    return entries, problems + _skip_report(path, skipped, entries, seen_langs, "concept entries", "term")


def _skip_report(path: str, skipped: dict[str, list[tuple[str, int]]], entries: list[Entry], langs: set[str],
                 units: str, item: str) -> list[Problem]:
    """Report skipped units once per reason (how many, and the first ones with their lines); no entry at all is an error."""
    problems = []
    for reason, items in skipped.items():
        first = ", ".join(f"{name} at line {line}" for name, line in items[:5])
        more = f" and {len(items) - 5} more" if len(items) > 5 else ""
        problems.append(Problem("warning", f"{len(items)} {units} {reason} skipped ({first}{more})", path, items[0][1]))
    if not entries:
        found = ", ".join(sorted(code or "(none)" for code in langs)) or "none"
        problems.append(Problem("error", f"nothing to read: no {units.removesuffix('ies') + 'y' if units.endswith('ies') else units[:-1]} with both a Chinese (zh*) and an English (en*) "
                                f"{item} (languages found: {found})", path, 1))
    return problems


def _from_tmx(path: str, data: bytes) -> tuple[list[Entry], list[Problem]]:
    """Read a TMX memory: each unit's Chinese segments (zh, zh-CN, ZH-TW ...) become entries, English the target.

    Several English variants (en-US, en-GB) give the first as target and the others as variants; inline
    codes (``<ph>``, ``<bpt>`` ...) are left out of the text with a warning; units without both languages
    are skipped with a warning citing their line.
    """
    root, lines = _parse_xml(path, data, "TMX")
    entries: list[Entry] = []
    problems: list[Problem] = []
    units = list(root.iter("tu"))
    seen_langs: set[str] = set()
    skipped: dict[str, list[tuple[str, int]]] = {}
    for n, tu in enumerate(units, 1):
        segs: dict[str, list[tuple[str, int]]] = {"zh": [], "en": []}
        for tuv in tu.iter("tuv"):
            code = _lang(tuv)
            seen_langs.add(code)
            seg = tuv.find("seg")
            family = _lang_family(code)
            if family not in segs or seg is None:
                continue
            codes = sorted({el.tag for el in seg.iter() if el.tag in _TMX_CODES})
            text = _text(seg, _TMX_CODES)
            if codes and text:
                problems.append(Problem("warning", f"segment {text!r} holds inline codes ({', '.join(codes)}): "
                                        "imported without them", path, lines[seg]))
            if text:
                segs[family].append((text, lines[tuv]))
        if not segs["zh"] or not segs["en"]:
            missing = " and ".join(f for f in ("zh", "en") if not segs[f])
            skipped.setdefault(f"with no {missing} segment", []).append((f"tu {tu.get('tuid') or n}", lines[tu]))
            continue
        props = {p.get("type"): p.text or "" for p in tu.iter("prop")}
        meta = dict(kv.split("=", 1) for kv in props.get("x-translator-meta", "").split(";") if "=" in kv)
        english = list(dict.fromkeys(t for t, _ in segs["en"]))
        variants = tuple(dict.fromkeys([*english[1:], *(v for v in props.get("x-translator-variants", "").split("|") if v)]))
        note = _text(next((el for el in tu if el.tag == "note"), None))
        for source, line in segs["zh"]:
            entries.append(Entry(source, english[0], variants, meta.get("type", "term"), meta.get("case", "insensitive"),
                                 meta.get("status", "approved"), note, path, line))
    return entries, problems + _skip_report(path, skipped, entries, seen_langs, "translation units", "segment")


def _csv_as_tsv(path: str, text: str) -> tuple[str, list[int], list[Problem]]:
    """Return CSV ``text`` as TSV text, the CSV line each TSV row starts on, and rows a TSV cannot hold."""
    rows, lines, problems = [], [], []
    reader = csv.reader(io.StringIO(text))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over the csv module's limit (128 KiB), an unclosed quote at the end
            problems.append(Problem("error", f"cannot read the CSV from here on ({exc}); is a quote (\") opened on "
                                    "this line and never closed?", path, start))
            break
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


def _omegat_header(text: str) -> tuple[str, Problem] | None:
    """Return the header to read a headerless OmegaT glossary (.txt: source, target, comment; tab-separated) with.

    None when the first row is a header (ours, or one naming the languages). Otherwise the Chinese
    column is the one holding Chinese in more rows (an English -> Chinese project's glossary is read
    the other way round), and a warning says how the columns were read.
    """
    rows = [line.split("\t") for line in split_lines(text) if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        return None
    header, _ = read_header(rows[0])
    if "source" in header and "target" in header:
        return None
    first = sum(1 for r in rows if _CJK.search(r[0]) and not (len(r) > 1 and _CJK.search(r[1])))
    second = sum(1 for r in rows if len(r) > 1 and _CJK.search(r[1]) and not _CJK.search(r[0]))
    line = next(n for n, line in enumerate(split_lines(text), 1) if line.strip() and not line.lstrip().startswith("#"))
    if second > first:
        return "target\tsource\tnote", Problem("warning", "no header row: read as an OmegaT glossary with column 2 as the "
                                                "source (Chinese), column 1 as the target (English), column 3 as the note",
                                                None, line)
    return "source\ttarget\tnote", Problem("warning", "no header row: read as an OmegaT glossary with column 1 as the source "
                                            "(Chinese), column 2 as the target (English), column 3 as the note", None, line)


def parse_entries(path: str) -> tuple[list[Entry], list[Problem]]:
    """Read any term base file we exchange (TSV, CSV, TBX, TMX; by extension) into entries and problems.

    Text files are decoded like inputs (UTF-8 with or without BOM, UTF-16, GB18030/GBK as Chinese Excel
    writes CSV, Big5); every entry and problem cites the file's own line (for TBX/TMX the XML element's line).

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
    if suffix in ("tbx", "xml", "tmx"):
        entries, problems = (_from_tmx if suffix == "tmx" else _from_tbx)(path, data)
        return entries, problems + [p for e in entries for p in entry_problems(e)]
    text = decode_bytes(data, path).text
    if suffix != "csv":
        headerless = _omegat_header(text) if suffix in ("txt", "utf8") else None
        if headerless is None:
            return parse_rows(path, text)
        header, problem = headerless
        entries, problems = parse_rows(path, header + "\n" + text)  # our header on a line of its own: lines shift by one
        moved = [replace(pr, line=pr.line - 1) if pr.line and pr.line > 1 else pr for pr in problems]
        return [replace(e, line=e.line - 1) for e in entries], [replace(problem, file=path)] + moved
    tsv, lines, problems = _csv_as_tsv(path, text)
    entries, row_problems = parse_rows(path, tsv)
    relined = [replace(e, line=lines[e.line - 1]) for e in entries]
    problems += [replace(pr, line=lines[pr.line - 1]) if pr.line and pr.line <= len(lines) else pr for pr in row_problems]
    return relined, problems


