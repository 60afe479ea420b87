"""Translate a file of any supported kind and write it in English."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import InputError, OutputError, UnknownNameError
from ..formats.text import FORMATS as TEXT_FORMATS, render
from ..textio import write_atomic
from .inline import english_units
from .model import FileResult, ParsedDocument
from .registry import is_document, open_document

if TYPE_CHECKING:
    from ..outputs import OutputPlan
    from ..results import DocumentResult, Summary
    from ..segmentation import Document

BILINGUAL_FORMATS = ("docx", "html")


class DocumentPipeline(Protocol):
    """What the functions here need of a pipeline; :class:`translator.pipeline.Pipeline` is one.

    The pipeline is handed in (it sits above this package, which it uses to read files), never imported.
    """

    def translate_documents(self, docs: list[tuple[Document, str | None]],
                            progress: Callable[[int, int], None] | None = None) -> list[DocumentResult]:
        """Translate segmented documents together."""

    def translate_batch(self, sources: list[str | Path], encoding: str | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        summary_sentences: int | None = None) -> list[DocumentResult]:
        """Translate text files together."""

    def summarize(self, source: DocumentResult, sentences: int | None = None) -> Summary:
        """Summarise a translated document."""


def default_output(path: str | Path, fmt: str, bilingual: bool = False) -> Path:
    """Return where the English of ``path`` goes: ``report.docx`` -> ``report.en.docx``.

    A ``.zh`` before the extension is dropped (``report.zh.txt`` -> ``report.en.txt``); bilingual
    outputs are ``report.zh-en.docx``.
    """
    from ..outputs import output_name

    return Path(str(path)).with_name(output_name(str(path), fmt, bilingual))


def read_source(path: str | Path, encoding: str | None = None) -> tuple[Document, str | None]:
    """Read and segment any input we translate: .docx, .html, .md, .pdf by their structure, else text.

    What ``segment``, ``summarize`` and :meth:`~translator.pipeline.Pipeline.translate_batch` read, so
    every command sees a document the way ``translate`` does (a Word file is never read as text).

    Args:
        path: The file (``-`` = standard input, read as text).
        encoding: Input encoding of a text file (None: detected).

    Returns:
        The segmented document and the encoding a text file was read with (None for a document format).

    Raises:
        InputError: Unreadable, wrong-content, empty or wrongly encoded input (named).
    """
    return _read(path, encoding)[1:]


def open_source(path: str | Path, encoding: str | None = None) -> tuple[ParsedDocument | None, Document, str | None]:
    """Read any input we translate and keep what its writer needs (what :func:`translate_document` does first).

    Returns:
        The parsed document to write the English back into (None for text), the segmented document, and the
        encoding a text file was read with (None for a document format).

    Raises:
        InputError: Unreadable, wrong-content, empty or wrongly encoded input (named).
    """
    return _read(path, encoding)


def _read(path: str | Path, encoding: str | None) -> tuple[ParsedDocument | None, Document, str | None]:
    """Return (the parsed document to write back into, or None for text; the segmented document; the text encoding)."""
    if str(path) != "-" and is_document(path):
        parsed = open_document(path, encoding)
        return parsed, parsed.document, None
    from ..segmentation import read_document

    return None, *read_document(str(path), encoding)


#: Output file extensions that name a format (``-o report.en.json`` writes json when no format is given).
EXTENSION_FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".json": "json", ".jsonl": "jsonl",
                     ".xliff": "xliff", ".xlf": "xliff", ".tmx": "tmx", ".docx": "docx", ".html": "html",
                     ".htm": "html", ".xhtml": "html"}


def format_of_output(output: str | Path | None) -> str | None:
    """Return the format an output file's extension names (``x.json`` -> ``json``), or None (stdout, unknown)."""
    if output is None or str(output) == "-":
        return None
    return EXTENSION_FORMATS.get(Path(str(output)).suffix.lower())


def output_formats(path: str | Path) -> tuple[str, ...]:
    """Return the formats a translation of ``path`` can be written in; the first is the default."""
    suffix = Path(str(path)).suffix.lower()
    native = {".docx": ("docx",), ".pdf": ("docx", "md"), ".md": ("md",), ".markdown": ("md",),
              ".html": ("html",), ".htm": ("html",), ".xhtml": ("html",)}.get(suffix, ())
    return native + tuple(f for f in TEXT_FORMATS if f not in native)


def translate_document(pipeline: DocumentPipeline, path: str | Path, output: str | Path | None = None,
                       fmt: str | None = None, bilingual: bool = False, encoding: str | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       summary_sentences: int | None = None, notes: bool = True) -> FileResult:
    """Translate one file (.docx, .html, .md, .pdf or text) and write the English.

    The same kind of document is written by default (``report.docx`` -> ``report.en.docx``; a PDF
    becomes a .docx, or .md, without its layout); ``fmt`` may also be any text or review format
    (txt, md, json, jsonl, xliff, tmx). With ``bilingual``, a review document (``docx`` or ``html``)
    shows every source paragraph beside its English, flagged segments highlighted.

    Args:
        pipeline: The translation pipeline (its segmentation, glossary, checks and cache apply).
        path: The input file.
        output: Where to write (default: next to the input, see :func:`default_output`); ``"-"`` writes
            nothing (a text ``fmt`` only: the caller renders ``FileResult.result``).
        fmt: Output format (default: the one ``output``'s extension names, else the input's own kind).
        bilingual: Write the bilingual review document instead.
        encoding: Input encoding of a text file (detected when None).
        progress: Called with (segments finished since the last call, total), as in
            :meth:`~translator.pipeline.Pipeline.translate_documents`.
        summary_sentences: Also summarise the document (``result.summary``; shown by the text formats).
        notes: Mark flagged segments and list their flags (txt/md as :func:`translator.formats.render`; Word
            comments, HTML marks and numbered notes in documents, see :mod:`translator.documents.notes`).

    Returns:
        The document result (with ``formatting_lost`` flags where inline formatting could not be
        carried) and the path written.

    Raises:
        InputError: Unreadable, wrong-content, encrypted, corrupt or textless input (named), or an
            output that would overwrite the input.
        UnknownNameError: A format this input cannot be written in (the valid ones are listed).
    """
    parsed, doc, enc = _read(path, encoding)
    fmt = fmt or format_of_output(output)
    if bilingual:
        fmt = fmt or "docx"
        if fmt not in BILINGUAL_FORMATS:
            raise UnknownNameError(f"unknown bilingual format {fmt!r}; valid formats: {', '.join(BILINGUAL_FORMATS)}")
    else:
        valid = output_formats(path)
        fmt = fmt or valid[0]
        if fmt not in valid:
            raise UnknownNameError(f"{path}: cannot write {fmt!r}; valid formats for this input: {', '.join(valid)}")
    to_stdout = str(output) == "-"
    if to_stdout and (bilingual or fmt not in TEXT_FORMATS):
        raise UnknownNameError(f"{path}: a {fmt} document cannot go to stdout; valid formats for stdout: "
                               f"{', '.join(TEXT_FORMATS)}")
    if not to_stdout and output is not None and str(output).endswith(("/", os.sep)):
        raise OutputError(f"{output}: names a folder (it ends with '/'); the output must be a file name")
    out = None if to_stdout else Path(str(output)) if output is not None else default_output(path, fmt, bilingual)
    if out is not None and str(path) != "-" and out.resolve() == Path(str(path)).resolve():
        raise InputError(f"{out}: the output would overwrite the input; choose another output file")
    result = pipeline.translate_documents([(doc, enc)], progress)[0]
    english = english_units(parsed, result) if parsed is not None else None
    if summary_sentences:
        result.summary = pipeline.summarize(result, sentences=summary_sentences)
    layout_kept = not (parsed is not None and parsed.format_name == "pdf" and not bilingual)
    if out is None:
        return FileResult(result=result, output=None, format=fmt, layout_kept=layout_kept)
    write_translation(parsed, result, out, fmt, bilingual, notes, english)
    return FileResult(result=result, output=out, format=fmt, layout_kept=layout_kept)


def write_translation(parsed: ParsedDocument | None, result: DocumentResult, output: str | Path, fmt: str,
                      bilingual: bool = False, notes: bool = True, english: list | None = None) -> None:
    """Write a translated document to ``output`` as ``fmt`` (atomically); what :func:`translate_document` ends with.

    Args:
        parsed: The document read by :func:`open_source` (None for text input).
        result: Its translation (flags included).
        output: The file to write.
        fmt: A format the input can be written in (:func:`output_formats`), or ``docx``/``html`` with ``bilingual``.
        bilingual: Write the bilingual review document.
        notes: txt/md: mark flagged segments and list their flags.
        english: The placed English runs, when already computed (:func:`~translator.documents.inline.english_units`).
    """
    out = Path(str(output))
    if bilingual:
        from .bilingual import write_bilingual

        write_bilingual(result, out, fmt)
    elif parsed is not None and fmt in parsed.native_outputs:
        parsed.write(result, english if english is not None else english_units(parsed, result), out, fmt, notes=notes)
    else:
        write_atomic(out, render(result, fmt, notes=notes))



def translate_files(pipeline: DocumentPipeline, inputs: list[str], output: str | None = None,
                    out_dir: str | None = None, fmt: str | None = None, bilingual: bool = False, force: bool = False,
                    encoding: str | None = None,
                    progress: Callable[[int, int], None] | None = None, summary_sentences: int | None = None,
                    notes: bool = True, stdout: Callable[[str], object] | None = None,
                    on_plan: Callable[[OutputPlan], None] | None = None) -> list[FileResult]:
    """Translate files of any supported kind and write each English output; what ``translator translate`` does.

    Every output is planned and checked before any work (:func:`translator.outputs.plan_outputs`: never an
    input, writable, an existing file replaced only with ``force``). Text inputs written as text formats are
    translated together (one model, batches across documents); documents keep their kind
    (:func:`translate_document`).

    Args:
        pipeline: The translation pipeline.
        inputs: Input files (``-`` = standard input).
        output: The output file of a single input (``-`` or None: standard output for text formats).
        out_dir: Or one output per input in this folder (``NAME.en.FMT``).
        fmt: Output format (default: the one ``output``'s extension names, e.g. ``.json``; else txt for text and
            the input's own kind for documents).
        bilingual: Write bilingual review documents (docx or html).
        force: Replace existing outputs.
        encoding: Input encoding of text files (None: detected).
        progress: Called with (segments finished since the last call, total).
        summary_sentences: Add a summary of this many sentences (txt, md and json only).
        notes: txt/md: mark flagged segments and list their flags.
        stdout: Writes text for standard output (default: ``sys.stdout.write``).
        on_plan: Called with the output plan before any translation (to say what will be created or replaced).

    Returns:
        One :class:`FileResult` per input, in order.

    Raises:
        OutputError: An unsafe or unwritable output (every problem listed), before any work.
        InputError: A bad input (named). UnknownNameError: A format the input cannot be written in.
    """
    from ..formats import SUMMARY_FORMATS
    from ..outputs import plan_outputs

    if out_dir is None and len(inputs) == 1:
        fmt = fmt or format_of_output(output)  # -o report.en.json writes json
    documents = bilingual or fmt in ("docx", "html") or any(is_document(src) for src in inputs)
    fmts = [fmt or ("docx" if bilingual else output_formats(src)[0] if is_document(src) else "txt") for src in inputs]
    if summary_sentences and any(f not in SUMMARY_FORMATS for f in fmts):
        raise UnknownNameError(f"a summary needs the format {', '.join(SUMMARY_FORMATS)}; {fmts[0]} has no place for one "
                               "(write it with `translator summarize`)")
    if output is None and out_dir is None and len(inputs) == 1 and inputs[0] != "-" and (
            bilingual or is_document(inputs[0])):  # a document's English goes beside it, as the same kind
        output = str(default_output(inputs[0], fmts[0], bilingual))
    plan = plan_outputs(list(inputs), output, out_dir, fmts, force=force, bilingual=bilingual)
    if on_plan is not None:
        on_plan(plan)
    from ..textio import new_outputs

    # without force every output was checked absent: it is created only if still absent when written
    with new_outputs(() if force else [p for p in plan.paths if p is not None]):
        return _translate_planned(pipeline, inputs, plan, fmts, fmt, bilingual, encoding, progress,
                                  summary_sentences, notes, stdout, documents)


def _translate_planned(pipeline: Pipeline, inputs: list[str], plan: OutputPlan, fmts: list[str], fmt: str | None,
                       bilingual: bool, encoding: str | None, progress: Callable[[int, int], None] | None,
                       summary_sentences: int | None, notes: bool, stdout: Callable[[str], object] | None,
                       documents: bool) -> list[FileResult]:
    """Translate inputs whose outputs are planned, and write them (see :func:`translate_files`)."""
    import sys

    from ..formats.text import render_chunks

    write_out = stdout or sys.stdout.write
    if not documents:
        results = pipeline.translate_batch(list(inputs), encoding, progress, summary_sentences)
        written = []
        for doc, path, f in zip(results, plan.paths, fmts):
            if path is None:
                for chunk in render_chunks(doc, f, notes):
                    write_out(chunk)
            else:
                write_atomic(path, render_chunks(doc, f, notes))
            written.append(FileResult(result=doc, output=path, format=f))
        return written
    written = []
    for src, path, f in zip(inputs, plan.paths, fmts):
        target = "-" if path is None else path
        done = translate_document(pipeline, src, target, fmt, bilingual, encoding, progress, summary_sentences, notes)
        if done.output is None:
            for chunk in render_chunks(done.result, done.format, notes):
                write_out(chunk)
        written.append(done)
    return written
