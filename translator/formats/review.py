"""Review formats for editors and CAT tools: bilingual JSONL, XLIFF 1.2 and TMX 1.4.

XLIFF and TMX are written and read with translate-toolkit, the reference
implementation CAT-tool users rely on, so what we write is what standard
readers read. Flags travel as notes (``origin="translator"``), each
``[check] severity: message``; JSONL carries every flag with its ``severity``.

A unit's state says who stands behind its English. Machine output (origin ``model`` or ``cache``) is
never approved: ``state="needs-review-translation"`` with ``state-qualifier="mt-suggestion"``, so a
reviewed file imported into the translation memory brings only what a person approved or translated.
English from the memory (origin ``memory``) with no flag is approved (``state="translated"``,
``state-qualifier="exact-match"``); a flagged one (a stale term, an edited number) needs review
(``leveraged-tm``). Translation memory suggestions are ``alt-trans`` elements (``match-quality`` in percent,
``origin="translation-memory"``); TMX units carry their origin as ``prop type="x-translator-origin"``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..errors import BackendUnavailableError, InputError
from ..results import DocumentResult

# characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/U+FFFF):
# the toolkit would drop them silently, so a document holding one is refused instead
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_xml_text(doc: DocumentResult, fmt: str) -> None:
    """Raise :class:`InputError` naming the first segment whose text XML cannot carry."""
    for seg in doc.segments:
        for field_name in ("source", "target"):
            found = _NOT_XML.search(getattr(seg, field_name))
            if found:
                raise InputError(f"{doc.name}:{seg.line}: segment {seg.id}: the {field_name} holds U+{ord(found.group()):04X}, "
                                 f"which {fmt} (XML) cannot carry; remove it or use --format json/jsonl")

REVIEW_FORMATS = ("jsonl", "xliff", "tmx")


def _toolkit():
    try:
        from translate.storage import tmx, xliff
    except ImportError as exc:
        raise BackendUnavailableError("XLIFF/TMX export needs translate-toolkit: pip install translate-toolkit lxml (in a checkout: pip install -e '.[review]')") from exc
    return xliff, tmx


def _notes(seg) -> list[str]:
    """The segment's flags, then the glossary terms it kept (a missing term is already a ``term_missing`` flag).

    English from the translation memory also says which unit it came from.
    """
    from .text import origin_note

    memory = [f"[memory] {origin_note(seg)}"] if seg.origin.startswith("memory") and seg.matches else []
    return memory + [f"[{f.check}] {f.severity}: {f.message}" for f in seg.flags] + [
        f"[term] {t.source} -> {t.target}: ok" for t in seg.terms if t.satisfied]


def to_jsonl(doc: DocumentResult) -> str:
    """One JSON object per segment, each stamped with the document's signature."""
    return "".join(iter_jsonl(doc))


def iter_jsonl(doc: DocumentResult) -> Iterator[str]:
    """Yield :func:`to_jsonl`'s lines one segment at a time."""
    sig = str(doc.signature)
    if not doc.segments:
        yield "\n"
    for seg in doc.segments:
        yield json.dumps({"document": doc.name, "signature": sig, **seg.to_dict()}, ensure_ascii=False) + "\n"


def to_xliff(doc: DocumentResult) -> str:
    """XLIFF 1.2, one trans-unit per segment (id = segment id)."""
    xliff, _ = _toolkit()
    _check_xml_text(doc, "XLIFF")
    store = xliff.xlifffile(sourcelanguage="zh", targetlanguage="en")
    store.setfilename(store.getfilenode("NoName"), doc.name)
    for seg in doc.segments:
        unit = store.UnitClass(seg.source)
        store.addunit(unit)
        unit.setid(seg.id)
        unit.target = seg.target
        for note in _notes(seg):
            unit.addnote(note, origin="translator")
        unit.xmlelement.set("resname", f"{seg.kind}:{seg.line}")
        from_memory = seg.origin.startswith("memory")
        approved = from_memory and not seg.flags
        unit.markapproved(approved)
        target = unit.xmlelement.find(unit.namespaced("target"))
        if target is not None:
            target.set("state", "translated" if approved else "needs-review-translation")
            target.set("state-qualifier", "exact-match" if approved else "leveraged-tm" if from_memory
                       else "mt-suggestion")
        for match in seg.matches if not from_memory else ():
            unit.addalttrans(match.unit.target, origin="translation-memory", lang="en", sourcetxt=match.unit.source,
                             matchquality=str(match.percent))
    unit_sig = store.units[0] if store.units else None
    if unit_sig is not None:
        unit_sig.addnote(f"signature: {doc.signature}", origin="translator-signature")
    # translate-toolkit writes the 1.1 namespace; every element and state value used here is XLIFF 1.2.
    text = bytes(store).decode("utf-8")
    return text.replace('xmlns="urn:oasis:names:tc:xliff:document:1.1" version="1.1"',
                        'xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"', 1)


def to_tmx(doc: DocumentResult) -> str:
    """TMX 1.4: one translation unit per segment (``tuid`` = document#segment id), flags and kept terms as notes."""
    _, tmx = _toolkit()
    _check_xml_text(doc, "TMX")
    from .. import __version__

    store = tmx.tmxfile(sourcelanguage="zh", targetlanguage="en")
    header = store.document.getroot().find("header")
    header.set("creationtool", "translator")
    header.set("creationtoolversion", __version__)
    for seg in doc.segments:
        unit = store.addsourceunit(seg.source, "zh")
        unit.settarget(seg.target, "en", append=True)
        unit.xmlelement.set("tuid", f"{doc.name}#{seg.id}")
        prop = unit.xmlelement.makeelement("prop", {"type": "x-translator-origin"})
        prop.text = seg.origin
        unit.xmlelement.insert(0, prop)
        for note in _notes(seg):
            unit.addnote(note)
    if store.units:
        store.units[0].addnote(f"signature: {doc.signature}")
    return bytes(store).decode("utf-8")
