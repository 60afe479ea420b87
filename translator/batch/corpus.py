"""``translate_corpus``: a whole corpus through a pool of workers, resumable, with a manifest."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import OutputError, UnknownNameError
from ..settings import PipelineSettings
from .discovery import DocumentJob, discover
from .document import DocumentRecord, file_sha256
from .executors import get_executor
from .manifest import MANIFEST_NAME, ManifestWriter, read_manifest, write_final
from .worker import BatchTask


@dataclass
class CorpusReport:
    """What a batch did.

    Attributes:
        records: One record per document, in corpus order.
        manifest: Path of the manifest written.
        executor: Executor used.
        workers: Workers used.
        seconds: Wall time of the run (discovery to manifest).
    """

    records: list[DocumentRecord] = field(default_factory=list)
    manifest: str = ""
    executor: str = "local"
    workers: int = 0
    seconds: float = 0.0

    def _count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    @property
    def translated(self) -> int:
        """Documents translated by this run."""
        return self._count("translated")

    @property
    def skipped(self) -> int:
        """Documents already done by an earlier run with the same settings."""
        return self._count("skipped")

    @property
    def failed(self) -> int:
        """Documents that failed (recorded with their error)."""
        return self._count("failed")

    @property
    def ok(self) -> bool:
        """Return True when no document failed."""
        return self.failed == 0

    @property
    def segments(self) -> int:
        """Segments of the documents this run translated."""
        return sum(r.segments for r in self.records if r.status == "translated")

    @property
    def cached_segments(self) -> int:
        """Of those, segments the segment cache answered."""
        return sum(r.cached_segments for r in self.records if r.status == "translated")

    @property
    def memory_segments(self) -> int:
        """Of those, segments the translation memory answered."""
        return sum(r.memory_segments for r in self.records if r.status == "translated")

    def summary(self) -> dict:
        """Return the manifest's summary line."""
        flags: dict[str, dict[str, int]] = {}
        for r in self.records:
            for check, by_severity in r.flags.items():
                row = flags.setdefault(check, {})
                for severity, n in by_severity.items():
                    row[severity] = row.get(severity, 0) + n
        seconds = max(self.seconds, 1e-9)
        return {"documents": len(self.records), "translated": self.translated, "skipped": self.skipped,
                "failed": self.failed, "segments": self.segments, "cached_segments": self.cached_segments,
                "memory_segments": self.memory_segments,
                "flags": dict(sorted(flags.items())), "seconds": round(self.seconds, 3),
                "documents_per_second": round(self.translated / seconds, 3),
                "segments_per_second": round(self.segments / seconds, 2),
                "executor": self.executor, "workers": self.workers,
                "failed_documents": [r.document for r in self.records if r.status == "failed"]}


def run_signature(settings: PipelineSettings, fmt: str | None, notes: bool, encoding: str | None) -> str:
    """Return the key a re-run compares to skip a finished document (settings that change an output)."""
    from ..pipeline import Pipeline

    options = f"fmt={fmt or 'auto'} notes={'yes' if notes else 'no'} encoding={encoding or 'auto'}"
    pipeline = Pipeline(settings)
    if settings.memory is not None:  # an import into the memory changes outputs: the documents are done again
        options += f" memory={pipeline.memory.version()} threshold={settings.memory_threshold}"
    return f"{pipeline.content_signature()} {options}"  # the model by content: however its path is typed


def _already_done(job: DocumentJob, previous: DocumentRecord | None, key: str) -> bool:
    return (previous is not None and previous.ok and previous.run_signature == key and previous.output == job.output
            and Path(job.output).exists() and previous.source_sha256 == file_sha256(job.source))


@contextlib.contextmanager
def _progress_bar(enabled: bool, total: int, stream=None) -> Iterator[Callable[[DocumentRecord], None]]:
    """Yield ``advance(record)`` that drives a documents bar (rate, ETA) with segments done and their rate."""
    stream = stream or sys.stderr
    if not enabled or not total or not stream.isatty():
        yield lambda record: None
        return
    from tqdm import tqdm

    start, segments, failed = time.perf_counter(), [0], [0]
    with tqdm(total=total, unit="doc", file=stream, dynamic_ncols=True, leave=False, mininterval=0) as bar:
        def advance(record: DocumentRecord) -> None:
            segments[0] += record.segments
            failed[0] += not record.ok
            rate = segments[0] / max(time.perf_counter() - start, 1e-9)
            bar.set_postfix_str(f"{segments[0]} seg, {rate:.1f} seg/s, {failed[0]} failed", refresh=False)
            bar.update(1)

        yield advance


def translate_corpus(inputs: list[str | Path], settings: PipelineSettings | dict | None, out_dir: str | Path,
                     executor: str = "local", workers: int | None = None, ray_address: str | None = None,
                     fmt: str | None = None, notes: bool = True, encoding: str | None = None,
                     manifests: list[str | Path] = (), progress: bool = True, setup: str | None = None,
                     on_document: Callable[[DocumentRecord], None] | None = None) -> CorpusReport:
    """Translate every document of a corpus into ``out_dir``, one model load per worker.

    Each output is written atomically as its document finishes and a row is added to
    ``out_dir/manifest.jsonl``; the manifest ends with a summary line. A document that
    fails is recorded with its error and skipped. Re-running the same call skips the
    documents already done with the same settings and unchanged sources, and the segment
    cache answers what a killed run had finished of the others.

    Args:
        inputs: Files, folders (searched recursively for readable extensions) or ``@manifest`` files.
        settings: Pipeline settings (a :class:`PipelineSettings`, its dict, or None for defaults).
        out_dir: Output folder (created).
        executor: ``local`` (processes on this machine) or ``ray``.
        workers: Workers (None: local: the usable cores; ray: one per CPU of the cluster).
        ray_address: ray only: ``auto`` or ``ray://host:port`` to join a cluster; None starts Ray here.
        fmt: Output format (see :data:`translator.formats.FORMATS`, or docx/html for documents); None: each
            document's own kind (text -> txt, .docx -> docx, .pdf -> docx, .md -> md, .html -> html).
        notes: txt/md: mark flagged segments and list their flags.
        encoding: Input encoding (None: detected per document).
        manifests: Files listing one input path per line.
        progress: Show a progress bar (documents, segments, rate, ETA) when stderr is a terminal.
        setup: ``module:function`` run in every worker before it builds its pipeline (plugins).
        on_document: Called in this process with each record as its document finishes.

    Returns:
        The report; ``report.ok`` is False when any document failed.

    Raises:
        UnknownNameError: Unknown executor or format.
        ValidationError: Invalid settings, or missing inputs (all listed).
        InputError: No document found.
        BackendUnavailableError: ``ray`` without Ray installed.
        ModelNotAvailableError: ``local``: the model is not on this machine and cannot be fetched.
    """
    from ..formats import FORMATS
    from ..textio import write_atomic

    start = time.perf_counter()
    module = get_executor(executor)
    valid = (*FORMATS, "docx", "html")
    if fmt is not None and fmt not in valid:
        raise UnknownNameError(f"unknown format {fmt!r}; valid formats: {', '.join(valid)}")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise ValueError(f"workers must be None or an integer >= 1, got {workers!r}")
    if settings is None:
        settings = PipelineSettings()
    elif isinstance(settings, dict):
        settings = PipelineSettings.from_dict(settings)
    jobs = discover([str(i) for i in inputs], out_dir, fmt, [str(m) for m in manifests])
    key = run_signature(settings, fmt, notes, encoding)
    manifest_path = Path(out_dir) / MANIFEST_NAME
    previous = read_manifest(manifest_path)
    done: dict[str, DocumentRecord] = {}
    for job in jobs:
        if _already_done(job, previous.get(job.source), key):
            done[job.source] = replace(previous[job.source], status="skipped")
    todo = [job for job in jobs if job.source not in done]

    if executor == "local":
        from ..models.store import ensure_available
        from .executors.local import default_workers

        if todo:  # the workers load the model on this machine: a missing one is one error now, not one per document
            ensure_available(settings.model)

        workers = max(1, min(workers or default_workers(), len(todo) or 1))
        # workers share the cores: each gets its share of threads (1 when there are as many workers as cores)
        threads = settings.threads or max(1, default_workers() // workers)
    else:
        from .executors.ray_executor import check_address

        if todo:  # a wrong or dead address: one error now, before a manifest is written
            check_address(ray_address)
        threads = settings.threads or 1  # one actor per CPU
    task = BatchTask(settings=settings.to_dict() | {"threads": threads}, notes=notes, encoding=encoding,
                     run_signature=key, setup=setup)
    report = CorpusReport(manifest=str(manifest_path), executor=executor, workers=workers or 0)
    writer = ManifestWriter(manifest_path)
    try:
        with _progress_bar(progress, len(todo)) as advance:
            if todo:
                for outcome in module.run(todo, task, workers=workers, ray_address=ray_address):
                    record = outcome.record
                    if outcome.output is not None:
                        try:
                            write_atomic(record.output, outcome.output)
                        except OSError as exc:  # write_atomic's OutputError already names the file
                            record.status, record.error = "failed", (
                                str(exc) if isinstance(exc, OutputError) else f"{record.output}: cannot write: {exc}")
                    done[record.document] = record
                    writer.append(record)
                    advance(record)
                    if on_document is not None:
                        on_document(record)
    finally:
        writer.close()
    report.records = [done[job.source] for job in jobs]
    if executor != "local" and not report.workers:
        report.workers = len({r.worker for r in report.records if r.status == "translated"})
    report.seconds = time.perf_counter() - start
    write_final(manifest_path, report.records, report.summary())
    return report


__all__ = ["CorpusReport", "run_signature", "translate_corpus"]
