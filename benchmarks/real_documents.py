"""Translate real documents (a folder nobody here wrote) in every output form and audit the results.

Usage::

    HF_HUB_OFFLINE=1 python benchmarks/real_documents.py /tmp/realdocs --model /tmp/tiny --backend transformers

For each .docx/.html/.md/.pdf in the folder it writes the same-format translation, the bilingual review
(docx and html) and json into ``FOLDER/out/``, then checks what the product promises, independently of the
readers: no crash (or a typed error naming the file), every source text either translated or flagged
(Chinese characters left in the output are counted by the element they sit in), nothing lost (element
counts of the structure in and out), HTML scripts/styles byte-identical, and LibreOffice opens every .docx
written (``soffice --headless --convert-to pdf``). Per document it also counts what issue 26 is about
(``classes``): ``<br>`` the output has and the source had not, segments with no Chinese that came back changed,
formulas, directive roles and template fields missing from the output (found by patterns of this script's own,
not the product's), symbol-only code spans and links, superscripts (and an exponent mark ``^`` left in one),
and links in and out. The documents are not in the repository; benchmarks/REAL_DOCUMENTS.md lists where they
come from.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

#: The documents added for issue 26 (code, English, templates, math and page markup), with their credits:
#: (name used here, repository, path, commit, licence of the repository). Fetch them with git; they are not
#: in this repository. The earlier 31 are listed in benchmarks/REAL_DOCUMENTS.md.
DOCUMENTS = (
    ("d2l-linear-regression.md", "d2l-ai/d2l-zh", "chapter_linear-networks/linear-regression.md",
     "e6b18ccea71451a55fcd861d7b96fddf2587b09a", "Apache-2.0"),
    ("d2l-ndarray.md", "d2l-ai/d2l-zh", "chapter_preliminaries/ndarray.md",
     "e6b18ccea71451a55fcd861d7b96fddf2587b09a", "Apache-2.0"),
    ("d2l-calculus.md", "d2l-ai/d2l-zh", "chapter_preliminaries/calculus.md",
     "e6b18ccea71451a55fcd861d7b96fddf2587b09a", "Apache-2.0"),
    ("heu-thesis-qmd.md", "lusccc/heu-thesis-word-assistant", "thesis.qmd",
     "df453ef9a3c6a021b7f1a0a40c25a6d4658e6a95", "none stated"),
    ("heu-thesis.docx", "lusccc/heu-thesis-word-assistant", "output/thesis.docx",
     "df453ef9a3c6a021b7f1a0a40c25a6d4658e6a95", "none stated"),
    ("dtpl-richtext-eastasia.docx", "elapouya/python-docx-template", "tests/templates/richtext_eastAsia_tpl.docx",
     "f96b0b641359e7ecbc054d48da2aea682834dee2", "LGPL-2.1"),
    ("sjtu-201-abstract.md", "AngrousUzi/SJTUThesis-Word", "md/201-abstract.md",
     "c49ff8b17becbd8fd4db39f8377ad5f0748322ab", "none stated"),
    ("sjtu-302-format.md", "AngrousUzi/SJTUThesis-Word", "md/302-format.md",
     "c49ff8b17becbd8fd4db39f8377ad5f0748322ab", "none stated"),
    ("sjtu-402-appendix.md", "AngrousUzi/SJTUThesis-Word", "md/402-appendix.md",
     "c49ff8b17becbd8fd4db39f8377ad5f0748322ab", "none stated"),
    ("rd-gmw.html", "mozilla/readability", "test/test-pages/gmw/source.html",
     "ab4027a8b37669745016869a37a504727992b2ba", "Apache-2.0 (page content: its site's)"),
    ("rd-qq.html", "mozilla/readability", "test/test-pages/qq/source.html",
     "ab4027a8b37669745016869a37a504727992b2ba", "Apache-2.0 (page content: its site's)"),
    ("rd-youth.html", "mozilla/readability", "test/test-pages/youth/source.html",
     "ab4027a8b37669745016869a37a504727992b2ba", "Apache-2.0 (page content: its site's)"),
    ("tf-banyuetan.html", "adbar/trafilatura", "tests/eval/banyuetan.org.1000200033136171577956287380194268_1.html",
     "e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5", "Apache-2.0 (page content: its site's)"),
)

CJK = re.compile(r"[\u3400-\u9fff]")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
DOCX_STRUCTURE = ("p", "tbl", "tr", "tc", "drawing", "pict", "fldChar", "instrText", "fldSimple", "footnoteReference",
                  "endnoteReference", "commentReference", "bookmarkStart", "hyperlink", "sdt", "del", "txbxContent",
                  "object", "sectPr")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def docx_audit(path: Path) -> dict:
    """Structure counts per part, and Chinese characters by the context (ancestor elements) of their text."""
    from lxml import etree

    counts: dict = collections.Counter()
    residual: dict = collections.Counter()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not PARTS.match(name):
                continue
            root = etree.fromstring(zf.read(name))
            for el in root.iter():
                if _local(el.tag) in DOCX_STRUCTURE and el.tag.startswith(W):
                    counts[(name, _local(el.tag))] += 1
            fields: list[list] = []  # [code, in result?]
            for t in root.iter(f"{W}t", f"{W}delText", f"{W}instrText", f"{W}fldChar"):
                if t.tag == f"{W}fldChar":
                    kind = t.get(f"{W}fldCharType")
                    if kind == "begin":
                        fields.append(["", False])
                    elif kind == "separate" and fields:
                        fields[-1][1] = True
                    elif kind == "end" and fields:
                        fields.pop()
                    continue
                if t.tag == f"{W}instrText" and fields and not fields[-1][1]:
                    fields[-1][0] += t.text or ""
                n = len(CJK.findall(t.text or ""))
                if not n:
                    continue
                ctx = {_local(a.tag) for a in t.iterancestors()}
                if t.tag != f"{W}t" or "del" in ctx or any(a.tag == MC_FALLBACK for a in t.iterancestors()):
                    continue  # deleted text, field codes and the old-reader copy of text boxes are not shown
                where = [c for c in ("sdt", "fldSimple", "ruby", "ins", "txbxContent", "hyperlink", "smartTag")
                         if c in ctx]
                types = [(code.split() or [""])[0].upper() for code, _shown in fields]
                if types:
                    where.append("field " + "/".join(types))
                part = re.sub(r"\d+$", "", name[5:-4])
                residual[f"{part}:{'/'.join(where) or 'run'}"] += n
    return {"counts": counts, "cjk": residual}


def html_audit(path: Path) -> dict:
    """Script/style texts, element counts, and Chinese left in visible text and attributes."""
    import lxml.html

    from translator.textio import decode_bytes

    root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", decode_bytes(path.read_bytes(), str(path)).text))
    scripts = [(el.tag, el.text or "") for el in root.iter("script", "style")]
    counts = collections.Counter(el.tag for el in root.iter() if isinstance(el.tag, str))
    residual: dict = collections.Counter()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        skipped = any(a.tag in ("script", "style", "pre", "textarea", "code", "noscript", "template")
                      or a.get("translate") == "no" for a in (el, *el.iterancestors()) if isinstance(a.tag, str))
        if not skipped:
            for text, where in ((el.text, el.tag), (el.tail, (el.getparent().tag if el.getparent() is not None else ""))):
                if text and CJK.search(text):
                    residual[f"text in <{where}>"] += len(CJK.findall(text))
        for attr, value in el.attrib.items():
            if CJK.search(value or "") and attr not in ("href", "src", "style", "class", "id", "name", "onclick"):
                residual[f"{el.tag}@{attr}"] += len(CJK.findall(value))
    return {"scripts": scripts, "counts": counts, "cjk": residual}


def md_audit(path: Path) -> dict:
    """Block token counts and Chinese left by the token it sits in (code excluded)."""
    from markdown_it import MarkdownIt

    text = path.read_text("utf-8")
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)
    counts = collections.Counter(t.type for t in tokens if t.type.endswith("_open") or t.type in ("fence", "code_block", "html_block", "hr"))
    residual: dict = collections.Counter()
    for t in tokens:
        if t.type in ("fence", "code_block"):
            continue
        if t.type == "inline":
            for child in t.children or []:
                if child.type == "code_inline":
                    continue
                n = len(CJK.findall(child.content or "")) + sum(len(CJK.findall(str(v))) for v in (child.attrs or {}).values())
                if n:
                    residual[child.type] += n
        elif CJK.search(t.content or ""):
            residual[t.type] += len(CJK.findall(t.content))
    return {"counts": counts, "cjk": residual}


#: What must come back as it was (issue 26), found independently of the product's own patterns.
VERBATIM = {
    "formula": re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$(?!\d)", re.DOTALL),
    "role": re.compile(r":[a-z]+:`[^`\n]+`"),
    "crossref": re.compile(r"@(?:fig|tbl|eq|sec|def)-[\w-]+|\[@[^\]\n]+\]|\{#[^}\n]+\}"),
    "template": re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\$\{[^}\n]+\}|%\d\$[sd]|\[X\d+X\]"),
}
_SYMBOLS = re.compile(r"^[^\w\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+$")


def verbatim_lost(source: str, output: str) -> dict:
    """Per class: (occurrences in the source, how many of them are missing from the output, same text)."""
    out = {}
    for name, pattern in VERBATIM.items():
        want = collections.Counter(m.group() for m in pattern.finditer(source) if CJK.search(m.group()) is None)
        have = collections.Counter(m.group() for m in pattern.finditer(output))
        out[name] = (sum(want.values()), sum(max(0, n - have[t]) for t, n in want.items()))
    return out


def html_classes(path: Path) -> dict:
    """Counts for issue 26 in an HTML page: <br>, links, <sup> (and exponent marks leaked), symbol-only code/links."""
    import lxml.html

    from translator.textio import decode_bytes

    root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", decode_bytes(path.read_bytes(), str(path)).text))
    for el in list(root.iter("script", "style")):
        el.drop_tree()
    sups = [el.text_content() for el in root.iter("sup")]
    symbols = collections.Counter(el.text_content().strip() for el in root.iter("code", "kbd", "a")
                                  if el.text_content().strip() and _SYMBOLS.match(el.text_content().strip()))
    return {"br": sum(1 for _ in root.iter("br")), "links": sum(1 for el in root.iter("a") if el.get("href")),
            "sup": len(sups), "sup_marked": sum("^" in t for t in sups), "symbols": symbols,
            "text": root.text_content()}


def md_classes(path: Path) -> dict:
    """Counts for issue 26 in a Markdown file: links, symbol-only code spans, and the raw text."""
    from markdown_it import MarkdownIt

    text = path.read_text("utf-8")
    links, symbols = 0, collections.Counter()
    for t in MarkdownIt("commonmark").enable("table").parse(text):
        for child in t.children or []:
            links += child.type == "link_open"
            if child.type == "code_inline" and _SYMBOLS.match(child.content.strip() or "x"):
                symbols[child.content] += 1
    return {"links": links, "symbols": symbols, "text": text}


def docx_classes(path: Path) -> dict:
    """Counts for issue 26 in a .docx: superscript runs (and exponent marks leaked), hyperlinks, the text."""
    from lxml import etree

    sup = marked = links = 0
    paragraphs = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not PARTS.match(name):
                continue
            root = etree.fromstring(zf.read(name))
            links += sum(1 for _ in root.iter(f"{W}hyperlink"))
            for r in root.iter(f"{W}r"):
                va = r.find(f"{W}rPr/{W}vertAlign")
                if va is not None and va.get(f"{W}val") == "superscript":
                    text = "".join(t.text or "" for t in r.iter(f"{W}t"))
                    if text.strip():
                        sup += 1
                        marked += "^" in text
            paragraphs += ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    return {"sup": sup, "sup_marked": marked, "links": links, "symbols": collections.Counter(),
            "text": "\n".join(paragraphs)}


def classes(src: Path, out: Path) -> dict:
    """The issue-26 classes of one document, source -> output."""
    reader = {".html": html_classes, ".htm": html_classes, ".md": md_classes, ".docx": docx_classes}[src.suffix.lower()]
    a, b = reader(src), reader(out)
    row = {name: f"{n} in, {lost_n} lost" for name, (n, lost_n) in verbatim_lost(a["text"], b["text"]).items() if n}
    if "br" in a:
        row["br_added"] = max(0, b["br"] - a["br"])
    for key in ("links", "sup"):
        if key in a:
            row[key] = f"{a[key]} -> {b[key]}"
    if a.get("sup"):
        row["sup_marked_left"] = b["sup_marked"]
    symbols = sum(a["symbols"].values())
    if symbols:
        row["symbol_spans"] = f"{symbols} in, {sum(max(0, n - b['symbols'][t]) for t, n in a['symbols'].items())} lost"
    return row


def lost(before: dict, after: dict) -> dict:
    """Keys whose count went down."""
    return {str(k): (v, after.get(k, 0)) for k, v in before.items() if after.get(k, 0) < v}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--model", required=True)
    ap.add_argument("--backend", default="transformers")
    ap.add_argument("--only", default="", help="regex on file names")
    ap.add_argument("--skip-libreoffice", action="store_true", help="do not open the .docx written with LibreOffice")
    args = ap.parse_args(argv)

    from translator.documents import translate_document
    from translator.errors import TranslatorError
    from translator.pipeline import Pipeline

    out_dir = args.folder / "out"
    out_dir.mkdir(exist_ok=True)
    # one translation per document: the other output forms are answered by this run's own cache
    pipe = Pipeline(model=args.model, backend=args.backend, cache_path=str(out_dir / "segments.sqlite3"))
    report = {}
    docx_written = []
    for src in sorted(args.folder.iterdir()):
        if src.suffix.lower() not in (".docx", ".html", ".htm", ".md", ".pdf") or not re.search(args.only, src.name):
            continue
        row: dict = {"errors": []}
        report[src.name] = row
        native = {".pdf": "docx", ".htm": "html"}.get(src.suffix.lower(), src.suffix.lower()[1:])
        forms = [(native, False), ("docx", True), ("html", True), ("json", False)]
        for fmt, bilingual in forms:
            out = out_dir / f"{src.stem}.{'zh-en' if bilingual else 'en'}.{fmt}"
            try:
                done = translate_document(pipe, src, out, fmt, bilingual)
            except TranslatorError as exc:
                row["errors"].append(f"{fmt}{'/bilingual' if bilingual else ''}: {type(exc).__name__}: {exc}")
                continue
            except Exception as exc:  # a crash: what this harness is for
                row["errors"].append(f"CRASH {fmt}{'/bilingual' if bilingual else ''}: {type(exc).__name__}: {exc}")
                continue
            if fmt == "docx":
                docx_written.append(out)
            if fmt == "json":
                segs = done.result.segments
                row["segments"] = len(segs)
                row["empty_unflagged"] = sum(1 for s in segs if not s.target.strip() and not s.flags)
                row["flags"] = dict(collections.Counter(f.check for s in segs for f in s.flags))
                free = [s for s in segs if not CJK.search(s.source)]
                # a segment with no Chinese must come back as it was (whitespace aside), never sent to the model
                row["no_chinese"] = f"{len(free)} segments, {sum(1 for s in free if ' '.join(s.target.split()) != ' '.join(s.source.split()))} changed"
            if bilingual or fmt == "json":
                continue
            if src.suffix.lower() in (".docx", ".html", ".htm", ".md"):
                row["classes"] = classes(src, out)
            if src.suffix == ".docx":
                a, b = docx_audit(src), docx_audit(out)
                row["lost"] = lost(a["counts"], b["counts"])
                row["cjk_in"] = sum(a["cjk"].values())
                row["cjk_left"] = dict(b["cjk"])
            elif src.suffix in (".html", ".htm"):
                a, b = html_audit(src), html_audit(out)
                row["lost"] = lost(a["counts"], b["counts"])
                row["scripts_changed"] = sum(1 for x, y in zip(a["scripts"], b["scripts"]) if x != y) + abs(
                    len(a["scripts"]) - len(b["scripts"]))
                row["cjk_in"] = sum(a["cjk"].values())
                row["cjk_left"] = dict(b["cjk"])
            elif src.suffix == ".md":
                a, b = md_audit(src), md_audit(out)
                row["lost"] = lost(a["counts"], b["counts"])
                row["cjk_in"] = sum(a["cjk"].values())
                row["cjk_left"] = dict(b["cjk"])
            elif src.suffix == ".pdf":
                row["cjk_left"] = dict(docx_audit(out)["cjk"])
    soffice = None if args.skip_libreoffice else shutil.which("soffice")
    if soffice and docx_written:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf",
                            "--outdir", tmp, *map(str, docx_written)], capture_output=True, timeout=1800)
            made = {p.stem for p in Path(tmp).glob("*.pdf")}
            for out in docx_written:
                key = next((k for k in report if out.name.startswith(Path(k).stem + ".")), None)
                if key is not None and out.stem not in made:
                    report[key].setdefault("libreoffice_failed", []).append(out.name)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
