"""Find the documents of a corpus: files, folders searched recursively, and manifest files.

A folder contributes every file whose extension is readable
(:func:`readable_extensions`, today ``.txt``; document readers registered in
``translator.documents`` add theirs). A file named on the command line is taken
as a document whatever its extension (an unreadable one is recorded as failed,
never skipped silently). A manifest (an input written ``@list.txt``, or passed
as ``manifests=``) names one path per line; blank lines and ``#`` comments are
ignored and relative paths are taken from the manifest's folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ValidationError

#: Extensions a folder search picks up. Extend with :func:`register_extension` (document readers do).
READABLE_EXTENSIONS: list[str] = [".txt"]


def register_extension(ext: str) -> None:
    """Let folder searches pick up files ending in ``ext`` (e.g. ``".docx"``)."""
    ext = ext.lower() if ext.startswith(".") else f".{ext.lower()}"
    if ext not in READABLE_EXTENSIONS:
        READABLE_EXTENSIONS.append(ext)


def readable_extensions() -> tuple[str, ...]:
    """Return the extensions a folder search picks up: ours plus any a ``translator.documents`` registry declares."""
    exts = list(READABLE_EXTENSIONS)
    try:  # the document readers (docx, html, md, pdf) declare their extensions in a registry, when installed
        from .. import documents  # type: ignore[attr-defined]
    except ImportError:
        documents = None
    registry = getattr(documents, "READERS", None) or getattr(documents, "REGISTRY", None) if documents else None
    for ext in registry or ():
        ext = ext.lower() if ext.startswith(".") else f".{ext.lower()}"
        if ext not in exts:
            exts.append(ext)
    return tuple(exts)


@dataclass(frozen=True)
class DocumentJob:
    """One document of a corpus and where its translation goes.

    Attributes:
        source: The document's path, as given or found (also the name recorded in its results).
        output: The output file.
        fmt: Its output format.
    """

    source: str
    output: str
    fmt: str = "txt"


def _output_stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0].removesuffix(".zh") if "." in path.name else path.name


def _read_manifest(path: Path, problems: list[Problem]) -> list[str]:
    """Return the manifest's paths; its encoding is detected as for inputs (a BOM, UTF-16, GBK)."""
    from ..errors import InputError
    from ..textio import decode_bytes, read_bytes

    try:
        data = read_bytes(str(path))  # the checks every input gets: not a folder or device, within the limit
        lines = decode_bytes(data, str(path)).text.split("\n") if data.strip() else []
    except (OSError, InputError) as exc:
        problems.append(Problem("error", f"cannot read the manifest: {exc}", str(path)))
        return []
    out = []
    for number, line in enumerate(lines, 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        target = Path(entry) if os.path.isabs(entry) else path.parent / entry
        if not target.exists():
            problems.append(Problem("error", f"no such file or folder: {entry}", str(path), number))
            continue
        out.append(str(target))
    return out


def discover(inputs: list[str], out_dir: str | Path, fmt: str | None = None,
             manifests: list[str] = ()) -> list[DocumentJob]:
    """Return the corpus's documents in a stable order, each with its output path.

    Outputs are ``out_dir/<stem>.en.<fmt>``; a document found in a folder keeps its sub-folders
    under ``out_dir``; clashing names get ``-2``, ``-3``... in input order (stable across re-runs).
    Files inside ``out_dir`` are never taken as inputs.

    Args:
        inputs: Files, folders, or ``@manifest`` files.
        out_dir: Where outputs go.
        fmt: Output format (the output extension); None: each document's own kind (text: txt, .docx: docx...).
        manifests: More manifest files (one path per line).

    Raises:
        ValidationError: Missing inputs or manifest entries (file:line for manifests), or documents that
            cannot be written in ``fmt``, every one listed.
        InputError: No document found (naming the inputs skipped for being inside ``out_dir``).
    """
    from ..errors import InputError

    if isinstance(inputs, (str, Path)):
        raise TypeError("inputs must be a list of paths (a single path goes in a list)")
    problems: list[Problem] = []
    out_root = Path(out_dir).resolve()
    exts = readable_extensions()
    found: list[tuple[str, Path]] = []  # (source, output relative to out_dir)
    seen: set[Path] = set()

    def add(source: str, rel_parent: Path) -> None:
        resolved = Path(source).resolve()
        if resolved in seen or out_root in resolved.parents:
            return
        seen.add(resolved)
        found.append((source, rel_parent))

    entries = [str(i) for i in inputs] + [f"@{m}" for m in manifests]
    expanded: list[str] = []
    inside_out: list[str] = []
    for entry in entries:
        if entry.startswith("@"):
            manifest = Path(entry[1:])
            if not manifest.is_file():
                problems.append(Problem("error", "no such manifest file", str(manifest)))
                continue
            expanded.extend(_read_manifest(manifest, problems))
        else:
            expanded.append(entry)
    for entry in expanded:
        path = Path(entry)
        resolved = path.resolve()
        if path.exists() and (resolved == out_root or out_root in resolved.parents):
            inside_out.append(entry)  # the output folder's files are outputs, never inputs
            continue
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or not name.lower().endswith(exts):
                        continue
                    full = Path(root) / name
                    add(str(full), full.parent.relative_to(path))
        elif path.exists():
            add(entry, Path())
        else:
            problems.append(Problem("error", "no such file or folder", entry))
    if problems:
        raise ValidationError(problems, what="batch inputs")
    if not found and inside_out:
        raise InputError(f"no documents found: {', '.join(inside_out)} is inside the output folder {out_dir}, whose "
                         "files are outputs and never inputs; choose an output folder outside the inputs")
    if not found:
        raise InputError(f"no documents found in {', '.join(entries)} (folders are searched for {', '.join(exts)})")
    used: set[str] = set()
    jobs = []
    from .document import default_format

    for source, rel in found:
        stem, kind = _output_stem(Path(source)), fmt or default_format(source)
        name, n = (rel / f"{stem}.en.{kind}").as_posix(), 2
        while name in used:
            name, n = (rel / f"{stem}-{n}.en.{kind}").as_posix(), n + 1
        used.add(name)
        jobs.append(DocumentJob(source=source, output=str(Path(out_dir) / name), fmt=kind))
    if fmt is not None:  # a format some documents cannot be written in is refused before any work
        from ..documents.api import output_formats

        problems = [Problem("error", f"cannot be written as {fmt}; valid formats for it: "
                            f"{', '.join(output_formats(job.source))}", job.source)
                    for job in jobs if fmt not in output_formats(job.source)]
        if problems:
            raise ValidationError(problems, what=f"batch format {fmt}")
    return jobs


__all__ = ["READABLE_EXTENSIONS", "DocumentJob", "discover", "readable_extensions", "register_extension"]
