"""What the server does, apart from HTTP: translate texts and documents through one shared pipeline.

:class:`TranslationService` owns the pipeline (one engine, loaded once), the :class:`Batcher` that
gathers concurrent requests into shared engine batches, and the private folder of uploaded documents.
The HTTP routes (:mod:`translator.server.app`) each make one call here and turn its typed errors into
LibreTranslate's ``{"error": ...}`` answers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, TranslatorError, UnknownNameError
from ..results import DocumentResult
from .batcher import Batcher
from .config import ServerConfig

__all__ = ["DocumentJob", "NotFound", "TextTranslation", "TranslationService", "DOCUMENT_SUFFIXES"]

log = logging.getLogger("translator")

#: What ``/translate_file`` and ``/v1/documents`` accept (``supportedFilesFormat`` in ``/frontend/settings``).
DOCUMENT_SUFFIXES = (".txt", ".docx", ".html", ".htm", ".md", ".pdf")
_PAGE = re.compile(r"<\s*(!doctype|html|head|body)\b", re.IGNORECASE)


class NotFound(TranslatorError):
    """No such document (or not this caller's)."""


@dataclass
class TextTranslation:
    """One translated text of a request.

    Attributes:
        text: The English, laid out as the source (plain text, or the markup for ``html``).
        result: Its segments, flags, term uses and signature.
    """

    text: str
    result: DocumentResult


@dataclass
class DocumentJob:
    """An uploaded document being translated, and its translations once done.

    Attributes:
        id: Unguessable id (the capability to read it; with API keys, only its owner's key reads it too).
        name: The uploaded file's name (shown only).
        status: ``queued``, ``running``, ``done`` or ``failed``.
        done: Distinct texts translated so far.
        total: Distinct texts in the document.
        error: Why it failed.
    """

    id: str
    name: str
    suffix: str
    folder: Path
    owner: str | None
    expires: float
    status: str = "queued"
    done: int = 0
    total: int = 0
    error: str | None = None
    result: DocumentResult | None = None
    parsed: object = None
    english: list | None = None
    outputs: dict = field(default_factory=dict)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def input_path(self) -> Path:
        return self.folder / f"input{self.suffix}"

    def translation(self) -> DocumentResult:
        """Return the translation of a finished job.

        Raises:
            InputError: The job is still running, or failed (its error said).
        """
        if self.status != "done" or self.result is None:
            raise InputError(f"{self.name}: not translated yet ({self.status})" if self.status != "failed"
                             else f"{self.name}: translation failed: {self.error}")
        return self.result

    def to_dict(self) -> dict:
        """Return the job's state as ``GET /v1/documents/{id}`` shows it."""
        out = {"id": self.id, "name": self.name, "status": self.status,
               "progress": {"done": self.done, "total": self.total}, "error": self.error}
        if self.result is not None:
            from ..documents import output_formats

            out |= {"formats": list(output_formats(self.input_path)), "bilingual_formats": ["docx", "html"],
                    **self.result.head_dict()}
        return out


def _safe_name(name: str) -> str:
    """Return a file name without folders or characters that are unsafe in a URL or a file system."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "document"
    return base[-120:]


class TranslationService:
    """Translate texts and documents for many concurrent clients through one pipeline.

    Args:
        pipeline: The pipeline (its engine is loaded on the first translation, or by :meth:`warm_up`).
        config: Limits and batching settings.
    """

    def __init__(self, pipeline, config: ServerConfig) -> None:
        self.pipeline = pipeline
        self.config = config
        self.batcher = Batcher(pipeline.translate_texts, config.queue_limit, config.batch_texts, config.gather_seconds,
                               config.cross_request_batching)
        self.jobs: dict[str, DocumentJob] = {}
        self.downloads: dict[str, tuple[Path, float]] = {}
        self.root: Path | None = None
        self._purger: asyncio.Task | None = None

    # ----------------------------------------------------------------- life
    async def start(self) -> None:
        """Create the private uploads folder and start batching."""
        self.root = Path(tempfile.mkdtemp(prefix="translator-serve-", dir=self.config.upload_dir))
        os.chmod(self.root, 0o700)
        await self.batcher.start()
        self._purger = asyncio.get_running_loop().create_task(self._purge_forever())

    async def stop(self) -> None:
        """Finish the work in flight, then remove every uploaded file."""
        await self.batcher.stop()
        if self._purger is not None:
            self._purger.cancel()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    async def warm_up(self) -> None:
        """Load the engine now (in the engine's thread), so the first request does not wait for it."""
        engine = await self.batcher.run_in_worker(lambda: self.pipeline.engine)
        if hasattr(engine, "spread"):  # gathered requests are a few texts at a time: two batches per worker
            engine.spread = 2 * getattr(engine, "workers", 1)

    def signature(self) -> str:
        """Return the signature stamped on every translation."""
        return str(self.pipeline.signature())

    # ---------------------------------------------------------------- texts
    async def translate(self, texts: list[str], fmt: str = "text") -> list[TextTranslation]:
        """Translate texts (plain or HTML), sharing engine batches with concurrent requests.

        Raises:
            Overloaded: The queue is full.
            InputError: Markup that cannot be parsed (``html``).
        """
        prepared = await asyncio.to_thread(self._prepare, texts, fmt)
        results = await self.batcher.translate([s.text for _, doc in prepared for s in doc.segments])
        return await asyncio.to_thread(self._finish, prepared, results, fmt)

    def _prepare(self, texts: list[str], fmt: str) -> list[tuple[object, object]]:
        from ..segmentation import segment_text

        if fmt == "text":
            return [(None, segment_text(t, f"q[{i}]")) for i, t in enumerate(texts)]
        from ..documents.html import HtmlDocument

        out = []
        for i, t in enumerate(texts):
            if not t.strip():
                out.append((None, segment_text(t, f"q[{i}]")))
                continue
            page = bool(_PAGE.search(t[:4096]))
            parsed = HtmlDocument(Path(f"q[{i}].html"), (t if page else f"<body>{t}</body>").encode("utf-8"))
            parsed.fragment = not page
            out.append((parsed, parsed.document))
        return out

    def _finish(self, prepared, results: dict[str, dict], fmt: str) -> list[TextTranslation]:
        from ..documents.inline import english_units
        from ..formats.plain import plain_text

        out = []
        for parsed, doc in prepared:
            result = self.pipeline.assemble(doc, results)
            if parsed is None:
                text = plain_text(result) if fmt == "text" else doc.text
            else:
                text = parsed.render(result, english_units(parsed, result), fragment=parsed.fragment)
            out.append(TextTranslation(text, result))
        return out

    # --------------------------------------------------------- suggestions
    async def suggest(self, source: str, target: str, who: str | None) -> None:
        """Store a client's better translation in the translation memory (LibreTranslate's ``/suggest``).

        Raises:
            InputError: No memory configured, or the memory refused the pair (named).
        """
        path = self.pipeline.settings.memory
        if not path:
            raise InputError("this server has no translation memory")
        from ..memory import TranslationMemory

        glossary = self.pipeline.glossary
        version = glossary.version if glossary else "none"

        def add() -> None:
            with TranslationMemory(path) as memory:
                memory.add(source, target, origin="suggest", approved_by=who or "client", glossary_version=version)

        await asyncio.to_thread(add)

    # ------------------------------------------------------------ documents
    def _folder(self) -> Path:
        if self.root is None:
            raise RuntimeError("the service is not started")
        return self.root

    async def submit_document(self, name: str, data: bytes, owner: str | None = None) -> DocumentJob:
        """Keep an uploaded document in the private folder and start translating it.

        Raises:
            InputError: An empty file, one over the size limit, or a kind we do not translate.
        """
        suffix = Path(_safe_name(name)).suffix.lower()
        if suffix not in DOCUMENT_SUFFIXES:
            raise InputError(f"{name}: file format not supported; supported: {', '.join(DOCUMENT_SUFFIXES)}")
        if not data:
            raise InputError(f"{name}: empty file")
        if len(data) > self.config.file_limit:
            raise InputError(f"{name}: {len(data)} bytes is over this server's file limit ({self.config.file_limit} bytes)")
        self.purge()
        job_id = uuid.uuid4().hex
        folder = self._folder() / job_id
        job = DocumentJob(job_id, _safe_name(name), suffix, folder, owner, time.time() + self.config.file_ttl)
        await asyncio.to_thread(self._save, folder, job.input_path, data)
        self.jobs[job_id] = job
        asyncio.get_running_loop().create_task(self._run_job(job))
        return job

    @staticmethod
    def _save(folder: Path, path: Path, data: bytes) -> None:
        folder.mkdir(mode=0o700)
        with open(path, "xb") as fh:
            fh.write(data)

    async def _run_job(self, job: DocumentJob) -> None:
        from ..documents import open_source

        try:
            job.status = "running"
            parsed, doc, encoding = await asyncio.to_thread(open_source, job.input_path)
            distinct = list(dict.fromkeys(s.text for s in doc.segments if s.text))
            job.total = len(distinct)
            results: dict[str, dict] = {}
            step = self.config.document_slice
            for k in range(0, len(distinct), step):  # slices: other clients are served between them
                results.update(await self.batcher.translate(distinct[k:k + step]))
                job.done = min(job.total, k + step)
            job.parsed = parsed
            job.result = self.pipeline.assemble(doc, results, encoding)
            job.result.name = job.name
            if parsed is not None:
                from ..documents.inline import english_units

                job.english = await asyncio.to_thread(english_units, parsed, job.result)
            job.status = "done"
        except Exception as exc:  # the job reports it; the server goes on
            job.status = "failed"
            job.error = str(exc).replace(str(job.input_path), job.name)
            if not isinstance(exc, TranslatorError):
                log.exception("document %s failed", job.name)
        finally:
            job.finished.set()

    def job(self, job_id: str, owner: str | None = None) -> DocumentJob:
        """Return a document job.

        Raises:
            NotFound: No such job, an expired one, or (with API keys) another key's.
        """
        self.purge()
        job = self.jobs.get(job_id) if isinstance(job_id, str) else None
        if job is None or (self.config.api_keys is not None and job.owner != owner):
            raise NotFound(f"no document {job_id!r} (it may have expired)")
        return job

    async def output(self, job: DocumentJob, fmt: str | None = None, bilingual: bool = False) -> tuple[Path, str]:
        """Write (once) and return the job's translation as ``fmt`` and the file name to give it.

        Raises:
            InputError: The job is not finished or failed. UnknownNameError: A format this document cannot take.
        """
        from ..documents import BILINGUAL_FORMATS, default_output, output_formats, write_translation

        result = job.translation()
        valid = BILINGUAL_FORMATS if bilingual else output_formats(job.input_path)
        fmt = fmt or valid[0]
        if fmt not in valid:
            raise UnknownNameError(f"{job.name}: cannot write {fmt!r}; valid formats: {', '.join(valid)}")
        key = (fmt, bilingual)
        if key not in job.outputs:
            path = job.folder / f"output-{'bilingual-' if bilingual else ''}{fmt}.{'xlf' if fmt == 'xliff' else fmt}"
            await asyncio.to_thread(write_translation, job.parsed, result, path, fmt, bilingual, True, job.english)
            job.outputs[key] = path
        name = default_output(job.name, fmt, bilingual).name
        if fmt == "xliff":
            name = str(Path(name).with_suffix(".xlf"))
        return job.outputs[key], name

    def remove(self, job: DocumentJob) -> None:
        """Forget a job and delete its files."""
        self.jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    # ------------------------------------------- LibreTranslate's file flow
    def publish(self, path: Path, name: str, expires: float) -> str:
        """Make ``path`` downloadable once as ``/download_file/<token>.<name>``; return that last part."""
        token = f"{uuid.uuid4().hex}.{_safe_name(name)}"
        self.downloads[token] = (path, expires)
        return token

    def take_download(self, token: str) -> Path:
        """Return the file published as ``token``.

        Raises:
            NotFound: An unknown or expired name (no path is ever built from the name itself).
        """
        self.purge()
        found = self.downloads.get(token) if isinstance(token, str) else None
        if found is None:
            raise NotFound("no such file (it may have been downloaded already or expired)")
        return found[0]

    def downloaded(self, token: str) -> None:
        """Forget a published file after it was sent (its job's folder goes with it)."""
        found = self.downloads.pop(token, None)
        if found is not None:
            for job in list(self.jobs.values()):
                if found[0].is_relative_to(job.folder):
                    self.remove(job)

    # ---------------------------------------------------------------- purge
    def purge(self, now: float | None = None) -> None:
        """Remove expired jobs and downloads (their files too)."""
        now = time.time() if now is None else now
        for job in [j for j in self.jobs.values() if j.expires <= now and j.finished.is_set()]:
            self.remove(job)
        for token in [t for t, (_, exp) in self.downloads.items() if exp <= now]:
            self.downloads.pop(token, None)

    async def _purge_forever(self) -> None:
        while True:
            await asyncio.sleep(min(60.0, self.config.file_ttl))
            self.purge()
