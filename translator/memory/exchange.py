"""What reviewers return, read into the memory; and the memory written out as TMX.

Readers (every unit cites its file and line):

* XLIFF 1.2 (ours after review in a CAT tool, or any tool's) and XLIFF 2: only units a reviewer approved
  or translated: ``approved="yes"``, or a target ``state`` of ``translated``, ``signed-off`` or ``final``
  (XLIFF 2: segment ``state`` ``translated``, ``reviewed`` or ``final``). Our own machine output is
  written ``needs-review-translation``, so an untouched unit is not imported.
* TMX 1.1/1.4 (ours from ``export_tmx``, or another tool's): every unit with a Chinese (zh*) and an
  English (en*) segment, whatever the direction; units of a *translation* we wrote (``--format tmx``)
  that still say they are machine output (``x-translator-origin`` ``model``/``cache``) are skipped.
* Our JSON and JSONL outputs: segments marked ``"approved": true`` (a reviewer's mark).
* Two line-aligned text files (Chinese, English): every line pair.

An import reads everything first and writes nothing when any unit is in error (one
:class:`~translator.errors.ValidationError` listing each, with file and line), so a file is never
half-imported; the units are then written in one transaction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import BackendUnavailableError, InputError, Problem, UnknownNameError, ValidationError
from ..textnorm import contains_cjk
from .store import TranslationMemory, normalise_source, normalise_target

#: Import formats by name (``fmt``); chosen from the file's extension when not given.
IMPORT_FORMATS = ("xliff", "tmx", "json", "jsonl", "text")
_EXTENSIONS = {".xlf": "xliff", ".xliff": "xliff", ".sdlxliff": "xliff", ".mqxliff": "xliff", ".tmx": "tmx",
               ".json": "json", ".jsonl": "jsonl", ".txt": "text"}
_XLIFF_DONE = ("translated", "signed-off", "final")
_XLIFF2_DONE = ("translated", "reviewed", "final")
#: Inline codes of XLIFF and TMX: their content is native markup, not text.
_CODES = {"bpt", "ept", "ph", "it", "ut"}
#: Origins of a translation we wrote that nobody has reviewed.
MACHINE_ORIGINS = ("model", "cache")


@dataclass(frozen=True)
class ImportedUnit:
    """One approved pair read from a file, before it is stored.

    Attributes:
        source: Chinese.
        target: English.
        line: Line of the unit in the file (1-based).
        approved_by: Approver the file names (TMX ``changeid``), else None.
        approved_at: Approval time the file gives (ISO 8601), else None.
        origin: Origin the file names (our TMX export), else None.
        glossary_version: Glossary version the file names (our TMX export), else None.
    """

    source: str
    target: str
    line: int
    approved_by: str | None = None
    approved_at: str | None = None
    origin: str | None = None
    glossary_version: str | None = None


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        path: The imported file.
        read: Approved units read from it.
        added: New units stored.
        updated: Units already in the memory, approved again (their approval is now the newest).
        skipped: Units not imported, by reason (``not approved``, ``machine output`` ...).
        problems: Warnings (skipped units with their lines, inline codes left out ...).
    """

    path: str
    read: int = 0
    added: int = 0
    updated: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def format_of(path: str | Path) -> str:
    """Return the import format of ``path`` from its extension.

    Raises:
        UnknownNameError: The extension names no import format (the message lists them).
    """
    suffix = Path(path).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    raise UnknownNameError(f"{path}: cannot tell the format from the extension {suffix or '(none)'!r}; "
                           f"name one of {', '.join(IMPORT_FORMATS)}")


# ------------------------------------------------------------------ XML readers
def _xml(path: str, kind: str):
    from ..glossary.exchange import _parse_xml
    from ..textio import read_bytes

    return _parse_xml(path, read_bytes(path, max_bytes=0), kind)


def _text(el) -> tuple[str, list[str]]:
    """Return an element's text without inline codes, and the codes left out."""
    from ..glossary.exchange import _text as text_of

    codes = sorted({c.tag for c in el.iter() if c.tag in _CODES}) if el is not None else []
    return text_of(el, _CODES), codes


def _lang_family(code: str) -> str:
    return re.split(r"[-_]", code.lower(), maxsplit=1)[0]


def _skip(skipped: dict[str, list[int]], reason: str, line: int) -> None:
    skipped.setdefault(reason, []).append(line)


def _tmx_date(value: str | None) -> str | None:
    """Return a TMX date (``20240131T120000Z``) as ISO 8601, or None."""
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).isoformat(
            timespec="microseconds")
    except ValueError:
        return None


def _read_xliff(path: str, all_units: bool) -> tuple[list[ImportedUnit], list[Problem], dict[str, list[int]]]:
    root, lines = _xml(path, "XLIFF")
    units, problems, skipped = [], [], {}
    first = next(root.iter("file"), root)  # XLIFF 1.2 names the languages on <file>, XLIFF 2 on the root
    src_lang = _lang_family(first.get("source-language") or root.get("srcLang") or "")
    tgt_lang = _lang_family(first.get("target-language") or root.get("trgLang") or "")
    if (src_lang and src_lang not in ("zh", "en")) or (tgt_lang and tgt_lang not in ("zh", "en")):
        raise InputError(f"{path}:1: an XLIFF from {src_lang or '?'} to {tgt_lang or '?'}; the memory holds "
                         "Chinese -> English")
    swap = src_lang == "en"
    version2 = root.get("version", "").startswith("2")
    for tu in root.iter("segment" if version2 else "trans-unit"):
        line = lines[tu]
        source_el, target_el = tu.find("source"), tu.find("target")
        if version2:
            done = tu.get("state", "initial") in _XLIFF2_DONE
        else:
            state = target_el.get("state", "") if target_el is not None else ""
            done = tu.get("approved") == "yes" or state in _XLIFF_DONE
        if tu.get("translate") == "no":
            _skip(skipped, "marked translate=\"no\"", line)
            continue
        if not (done or all_units):
            _skip(skipped, "not approved or translated", line)
            continue
        (source, s_codes), (target, t_codes) = _text(source_el), _text(target_el)
        if swap:
            source, target = target, source
        if not source or not target:
            _skip(skipped, "with no target" if source else "with no source", line)
            continue
        if s_codes or t_codes:
            problems.append(Problem("warning", f"unit holds inline codes ({', '.join(sorted({*s_codes, *t_codes}))}): "
                                    "imported without them", path, line))
        units.append(ImportedUnit(source, target, line))
    return units, problems, skipped


def _read_tmx(path: str, all_units: bool) -> tuple[list[ImportedUnit], list[Problem], dict[str, list[int]]]:
    root, lines = _xml(path, "TMX")
    units, problems, skipped = [], [], {}
    for tu in root.iter("tu"):
        line = lines[tu]
        props = {p.get("type"): (p.text or "").strip() for p in tu.findall("prop")}
        origin = props.get("x-translator-origin")
        if origin in MACHINE_ORIGINS and not all_units:
            _skip(skipped, "machine output nobody approved (x-translator-origin " + origin + ")", line)
            continue
        found: dict[str, tuple[str, int]] = {}
        codes: set[str] = set()
        for tuv in tu.findall("tuv"):
            family = _lang_family(tuv.get("xml:lang") or tuv.get("lang") or "")
            text, c = _text(tuv.find("seg"))
            if family in ("zh", "en") and text and family not in found:
                found[family] = (text, lines[tuv])
                codes.update(c)
        if len(found) < 2:
            missing = " and ".join(f for f in ("zh", "en") if f not in found)
            _skip(skipped, f"with no {missing} segment", line)
            continue
        if codes:
            problems.append(Problem("warning", f"unit holds inline codes ({', '.join(sorted(codes))}): imported "
                                    "without them", path, line))
        def attr(name: str) -> str | None:  # on the unit, or (OmegaT) on its variants
            return tu.get(name) or next((v.get(name) for v in tu.findall("tuv") if v.get(name)), None)

        when = props.get("x-translator-approved-at") or _tmx_date(attr("changedate") or attr("creationdate"))
        units.append(ImportedUnit(found["zh"][0], found["en"][0], line, attr("changeid") or attr("creationid"),
                                  when, origin if origin and origin not in MACHINE_ORIGINS else None,
                                  props.get("x-translator-glossary")))
    return units, problems, skipped


# ------------------------------------------------------------------ our JSON / JSONL, aligned text
def _from_segments(path: str, segments: list[tuple[dict, int]], all_units: bool, units: list[ImportedUnit],
                   problems: list[Problem], skipped: dict[str, list[int]]) -> None:
    for seg, line in segments:
        if not isinstance(seg, dict) or not isinstance(seg.get("source"), str) or not isinstance(seg.get("target"), str):
            problems.append(Problem("error", "a segment needs a \"source\" and a \"target\" string", path, line))
            continue
        approved = seg.get("approved", False)
        if not isinstance(approved, bool):
            problems.append(Problem("error", f"\"approved\" must be true or false, got {approved!r}", path, line))
            continue
        if not (approved or all_units):
            _skip(skipped, "not marked \"approved\": true", line)
            continue
        if not seg["source"].strip() or not seg["target"].strip():
            _skip(skipped, "with no target" if seg["source"].strip() else "with no source", line)
            continue
        units.append(ImportedUnit(seg["source"], seg["target"], line))


def _read_json(path: str, all_units: bool) -> tuple[list[ImportedUnit], list[Problem], dict[str, list[int]]]:
    from ..textio import read_text

    text = read_text(path, encoding="utf-8", max_bytes=0).text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise InputError(f"{path}:1: not a translation in our JSON format (an object with a \"segments\" list)")
    # the line of each segment: its "id" key's line, in order
    id_lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'^ {6}"id": "', text, re.M)]
    segments = data["segments"]
    where = id_lines if len(id_lines) == len(segments) else [1] * len(segments)
    units, problems, skipped = [], [], {}
    _from_segments(path, list(zip(segments, where)), all_units, units, problems, skipped)
    return units, problems, skipped


def _read_jsonl(path: str, all_units: bool) -> tuple[list[ImportedUnit], list[Problem], dict[str, list[int]]]:
    from ..textio import read_text

    segments, problems = [], []
    for n, line in enumerate(read_text(path, encoding="utf-8", max_bytes=0, line_breaks="lf").text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            segments.append((json.loads(line), n))
        except json.JSONDecodeError as exc:
            problems.append(Problem("error", f"not valid JSON: {exc.msg}", path, n))
    units, skipped = [], {}
    _from_segments(path, segments, all_units, units, problems, skipped)
    return units, problems, skipped


def _read_aligned(path: str, target_path: str, encoding: str | None) -> tuple[list[ImportedUnit], list[Problem],
                                                                                dict[str, list[int]]]:
    from ..textio import read_text

    def lines_of(p: str) -> list[str]:
        lines = read_text(p, encoding, max_bytes=0, line_breaks="lf").text.split("\n")
        return lines[:-1] if lines and lines[-1] == "" else lines

    src, tgt = lines_of(path), lines_of(target_path)
    if len(src) != len(tgt):
        raise InputError(f"line counts differ: {path} has {len(src)}, {target_path} has {len(tgt)}; "
                         "the files must be line-aligned (one sentence per line)")
    units, problems, skipped = [], [], {}
    for n, (s, t) in enumerate(zip(src, tgt), 1):
        if not s.strip() and not t.strip():
            continue
        if not s.strip() or not t.strip():
            problems.append(Problem("error", f"line {n} is empty in {target_path if s.strip() else path} but not in "
                                    f"{path if s.strip() else target_path}", path, n))
            continue
        units.append(ImportedUnit(s, t, n))
    return units, problems, skipped


_SIGNATURE_GLOSSARY = re.compile(rb"translator:[^|<>\"]*\|model:[^<>\"]*?\|glossary:([A-Za-z0-9:+/=_.-]+)")


def signature_glossary(path: str | Path) -> str | None:
    """Return the glossary version in the signature of a file we wrote (XLIFF, TMX, JSON, JSONL), or None."""
    from ..textio import read_bytes

    data = read_bytes(str(path), max_bytes=0)
    found = _SIGNATURE_GLOSSARY.search(data)
    return found.group(1).decode("ascii") if found else None


def read_units(path: str | Path, fmt: str | None = None, target_path: str | Path | None = None,
               all_units: bool = False, encoding: str | None = None) -> tuple[list[ImportedUnit], list[Problem],
                                                                               dict[str, list[int]]]:
    """Read the approved units of a file without storing them.

    Args:
        path: The file (for ``text``: the Chinese side).
        fmt: One of :data:`IMPORT_FORMATS` (None: from the extension; ``text`` when ``target_path`` is given).
        target_path: ``text`` only: the line-aligned English file.
        all_units: Also read units nobody approved (every unit with a target).
        encoding: ``text`` only: the files' encoding (None: detected).

    Returns:
        (units, problems, skipped units' lines by reason). Problems of severity ``error`` make
        :func:`import_file` refuse the file.

    Raises:
        InputError: The file cannot be read or is not well-formed.
        UnknownNameError: Unknown format.
    """
    path = str(path)
    if target_path is not None:
        fmt = fmt or "text"
    fmt = fmt or format_of(path)
    if fmt not in IMPORT_FORMATS:
        raise UnknownNameError(f"unknown import format {fmt!r}; valid formats: {', '.join(IMPORT_FORMATS)}")
    if fmt == "text":
        if target_path is None:
            raise InputError(f"{path}: aligned text needs the English file too (the target path)")
        units, problems, skipped = _read_aligned(path, str(target_path), encoding)
    else:
        units, problems, skipped = {"xliff": _read_xliff, "tmx": _read_tmx, "json": _read_json,
                                    "jsonl": _read_jsonl}[fmt](path, all_units)
    for u in units:
        if not contains_cjk(u.source) and contains_cjk(u.target):
            problems.append(Problem("error", f"the source {u.source[:40]!r} holds no Chinese but the target does: "
                                    "source and target swapped?", path, u.line))
    return units, problems, skipped


def import_file(memory: TranslationMemory, path: str | Path, *, fmt: str | None = None,
                target_path: str | Path | None = None, origin: str | None = None, approved_by: str = "import",
                glossary_version: str | None = None, all_units: bool = False, encoding: str | None = None) -> ImportReport:
    """Read a reviewed file and store its approved units (all or nothing).

    Args:
        memory: The memory to add to (writable).
        path: The file (see :func:`read_units`).
        fmt: Import format (None: from the extension).
        target_path: Aligned text: the English file.
        origin: Origin recorded for each unit (None: the file's name; our TMX export's own origins are kept).
        approved_by: Approver recorded when the file names none.
        glossary_version: Glossary version recorded for units that do not name theirs (None: the one in
            the signature of a file we wrote, else ``none``).
        all_units: Also import units nobody approved.
        encoding: Aligned text: the files' encoding.

    Raises:
        ValidationError: Units in error (each with file and line); nothing was stored.
        InputError: The file cannot be read or is not well-formed.
        TranslationMemoryError: The memory is read-only or cannot be written (nothing was stored).
    """
    units, problems, skipped = read_units(path, fmt, target_path, all_units, encoding)
    if glossary_version is None:
        glossary_version = signature_glossary(path) if target_path is None else None
    for reason, where in skipped.items():
        first = ", ".join(str(n) for n in where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
        problems.append(Problem("warning", f"{len(where)} unit(s) {reason} skipped (line {first})", str(path), where[0]))
    if any(p.severity == "error" for p in problems):
        raise ValidationError(problems, what=f"translation memory import of {path}")
    report = ImportReport(str(path), read=len(units), skipped={r: len(w) for r, w in skipped.items()},
                          problems=problems)
    pairs = {(normalise_source(u.source), normalise_target(u.target)) for u in units}
    existing = sum(memory.has(s, t) for s, t in pairs)
    name = Path(path).name
    memory.add_records([(u.source, u.target, u.origin or origin or name, u.approved_by or approved_by,
                         u.glossary_version or glossary_version or "none", u.approved_at) for u in units])
    report.updated = existing
    report.added = len(pairs) - existing
    return report


# ------------------------------------------------------------------ export
def to_tmx(memory: TranslationMemory) -> str:
    """Return the memory as TMX 1.4: one unit per approved translation, approver and time as TMX attributes.

    ``changeid``/``changedate`` carry who approved it and when (what CAT tools show); props carry the
    origin, the glossary version and the exact approval time, so :func:`import_file` reads it back unchanged.
    """
    from .. import __version__

    try:
        from translate.storage import tmx
    except ImportError as exc:
        raise BackendUnavailableError("TMX export needs translate-toolkit: pip install 'translator[review]'") from exc
    store = tmx.tmxfile(sourcelanguage="zh", targetlanguage="en")
    header = store.document.getroot().find("header")
    header.set("creationtool", "translator")
    header.set("creationtoolversion", __version__)
    for unit in memory.units():
        tu = store.addsourceunit(unit.source, "zh")
        tu.settarget(unit.target, "en", append=True)
        el = tu.xmlelement
        el.set("tuid", str(unit.id))
        when = datetime.fromisoformat(unit.approved_at).astimezone(timezone.utc)
        el.set("changedate", when.strftime("%Y%m%dT%H%M%SZ"))
        el.set("changeid", unit.approved_by)
        for name, value in (("x-translator-origin", unit.origin), ("x-translator-glossary", unit.glossary_version),
                            ("x-translator-approved-at", unit.approved_at)):
            prop = el.makeelement("prop", {"type": name})
            prop.text = value
            el.insert(len([c for c in el if c.tag == "prop"]), prop)
    return bytes(store).decode("utf-8")


def export_tmx(memory: TranslationMemory, path: str | Path) -> int:
    """Write the memory to ``path`` as TMX 1.4 (atomically); return the number of units written."""
    from ..textio import write_atomic

    text = to_tmx(memory)
    write_atomic(path, text)
    return len(memory)


__all__ = ["IMPORT_FORMATS", "ImportReport", "ImportedUnit", "MACHINE_ORIGINS", "export_tmx", "format_of", "signature_glossary",
           "import_file", "read_units", "to_tmx"]
