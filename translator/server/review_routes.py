"""The review page's routes: the page itself (``/``), its assets, and ``/v1/review/...`` and ``/v1/check``.

Each route parses its request and makes one call to :class:`ReviewService` (which joins the document jobs
of :class:`~translator.server.service.TranslationService` with :class:`translator.review.Reviewer`); typed
errors become ``{"error": ...}`` answers. The page is static HTML, CSS and JavaScript shipped in
``translator/server/static``, served with a Content-Security-Policy that allows only its own script.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..errors import TranslatorError, ValidationError

__all__ = ["CSP", "ReviewService", "review_routes"]

log = logging.getLogger("translator")

STATIC = Path(__file__).with_name("static")
#: The page's assets (nothing else under /static is served).
ASSETS = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}
#: The page's Content-Security-Policy: its own script and style only, nothing inline, nothing from elsewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
_PAGE_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                 "X-Frame-Options": "DENY", "Cache-Control": "no-cache"}


class ReviewService:
    """Review state for the server: uploads translated through the server's job queue, then kept in the store.

    Args:
        service: The server's translation service (its document jobs translate the uploads).
        pipeline: The pipeline (its settings name the glossary files and the memory).
        state_dir: The review state folder (None: the user data folder); opened on first use.
        check_owner: Documents are visible only with the key that uploaded them.
    """

    def __init__(self, service, pipeline, state_dir: str | None, check_owner: bool) -> None:
        self.service = service
        self.pipeline = pipeline
        self.state_dir = state_dir
        self.check_owner = check_owner
        self._reviewer = None
        self.jobs: dict[str, object] = {}

    @property
    def reviewer(self):
        """Return the :class:`~translator.review.Reviewer` (the state folder is created on first use)."""
        if self._reviewer is None:
            from ..review import Reviewer, ReviewStore, default_state_dir

            settings = self.pipeline.settings
            store = ReviewStore(self.state_dir or default_state_dir())
            self._reviewer = Reviewer(store, settings.glossaries, settings.use_glossary, settings.memory,
                                      settings.memory_threshold, self.check_owner)
        return self._reviewer

    def glossary(self):
        """Return the glossary the checks use: the reviewer's (newer after a term is added), else the pipeline's."""
        return self._reviewer.glossary if self._reviewer is not None else self.pipeline.glossary

    async def run(self, fn, *args, **kwargs):
        """Run a reviewer call in a worker thread (SQLite and the checks block)."""
        reviewer = await asyncio.to_thread(lambda: self.reviewer)
        return await asyncio.to_thread(getattr(reviewer, fn), *args, **kwargs)

    async def upload(self, name: str, data: bytes, owner: str | None) -> dict:
        """Keep an upload in the review state and start translating it; return its status."""
        job = await self.service.submit_document(name, data, owner)  # validates kind, size, emptiness
        doc = await self.run_store("create", job.name, data, owner)
        self._follow(doc.id, job)
        return await self.status(doc.id, owner)

    async def run_store(self, fn, *args):
        reviewer = await asyncio.to_thread(lambda: self.reviewer)
        return await asyncio.to_thread(getattr(reviewer.store, fn), *args)

    def _follow(self, doc_id: str, job) -> None:
        self.jobs[doc_id] = job

        async def wait() -> None:
            await job.finished.wait()
            try:
                if job.status == "done" and job.result is not None:
                    await self.run_store("save_result", doc_id, job.result)
                else:
                    await self.run_store("fail", doc_id, job.error or "translation failed")
            except Exception:  # the state stays "translating": the next status request starts it again
                log.exception("review document %s: cannot save its translation", doc_id)
            finally:
                self.jobs.pop(doc_id, None)
                self.service.remove(job)

        asyncio.get_running_loop().create_task(wait())

    async def status(self, doc_id: str, owner: str | None) -> dict:
        """Return a document's state and progress; translate it again if a restart interrupted it."""
        reviewer = await asyncio.to_thread(lambda: self.reviewer)
        doc = await asyncio.to_thread(reviewer.document, doc_id, owner)
        job = self.jobs.get(doc.id)
        if doc.status == "translating" and job is None:  # the server stopped while it was translated
            data = await asyncio.to_thread(doc.input_path.read_bytes)
            job = await self.service.submit_document(doc.name, data, doc.owner)
            self._follow(doc.id, job)
        progress = {"done": job.done, "total": job.total} if job is not None else None
        out = doc.to_dict() | {"progress": progress, "memory": bool(reviewer.memory),
                               "glossary": reviewer.use_glossary}
        if doc.status == "ready":
            out["formats"] = reviewer.formats(doc)
        return out


def review_routes(service, access, config, pipeline, read_fields, api_error, as_json) -> list[Route]:
    """Return the page's routes (``create_app`` adds them); ``api_error(status, message)`` builds an ApiError."""
    from ..glossary.editing import GlossaryConflictError
    from ..review import ReviewNotFound

    review = ReviewService(service, pipeline, config.state_dir, config.api_keys is not None)

    def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            raise api_error(404, f"no asset {name!r}")
        return FileResponse(STATIC / name, media_type=ASSETS[name], headers=_PAGE_HEADERS)

    async def call(coro):
        try:
            return await coro
        except ReviewNotFound as exc:
            raise api_error(404, str(exc)) from None
        except (GlossaryConflictError, ValidationError) as exc:
            message = str(exc)
            try:  # the page names the glossary file, not where it is on the server
                folder = str(review.reviewer.glossary_file().parent) + "/"
                message = message.replace(folder, "")
            except TranslatorError:
                pass
            raise api_error(400, message.replace("pass --replace to change it", "`translator glossary add --replace` changes it")) from None

    async def fields_of(request: Request):
        fields = await read_fields(request, config.body_limit)
        return fields, access.check(request, fields)

    def index_of(request: Request) -> int:
        raw = request.path_params["index"]
        if not raw.isdigit():
            raise api_error(400, f"Invalid request: segment index {raw!r} is not a number")
        return int(raw)

    async def upload(request: Request) -> Response:
        fields = await read_fields(request, config.file_limit + config.body_limit, files=True)
        key = access.check(request, fields)
        file = fields.files.get("file")
        if file is None:
            raise api_error(400, "Invalid request: missing file parameter (multipart/form-data)")
        return as_json(await call(review.upload(file.filename or "document", await file.read(), key)), 202)

    async def document(request: Request) -> Response:
        key = access.check(request, None)
        doc_id = request.path_params["doc_id"]
        if request.method == "DELETE":
            await call(review.run("document", doc_id, key))
            await review.run_store("delete", doc_id)
            return as_json({"deleted": doc_id})
        return as_json(await call(review.status(doc_id, key)))

    async def segments(request: Request) -> Response:
        key = access.check(request, None)
        return as_json({"segments": await call(review.run("rows", request.path_params["doc_id"], key))})

    async def segment(request: Request) -> Response:
        fields, key = await fields_of(request)
        english, confirmed = fields.values.get("english"), fields.values.get("confirmed")
        if english is not None and not isinstance(english, str):
            raise api_error(400, "Invalid request: english must be a string")
        if confirmed is not None and not isinstance(confirmed, bool):
            raise api_error(400, "Invalid request: confirmed must be true or false")
        seg = await call(review.run("edit", request.path_params["doc_id"], index_of(request), key, english, confirmed))
        from ..review import highlights

        glossary = await asyncio.to_thread(review.glossary)
        return as_json(seg.to_dict() | {"highlights": highlights(seg.source, seg.english, glossary, seg.terms)})

    async def glossary(request: Request) -> Response:
        fields, key = await fields_of(request)
        added = await call(review.run("add_term", request.path_params["doc_id"], fields.text("source"),
                                      fields.text("target"), key))
        await asyncio.to_thread(review.pipeline.reload_glossary)  # new translations use the new term at once
        return as_json({"outcome": added.outcome, "file": Path(added.file).name, "warnings": added.warnings,
                        "rechecked": [s.index for s in added.rechecked]})

    async def download(request: Request) -> Response:
        key = access.check(request, None)
        fmt = request.query_params.get("format") or None
        path, name = await call(review.run("download", request.path_params["doc_id"], fmt, key))
        return FileResponse(path, filename=name)

    async def check(request: Request) -> Response:
        fields, _ = await fields_of(request)
        source, target = fields.text("source"), fields.text("target", required=False, default="")
        limit = config.char_limit
        if limit is not None and max(len(source), len(target)) > limit:
            raise api_error(400, f"Invalid request: text of {max(len(source), len(target))} characters exceeds "
                            f"the limit ({limit})")
        from ..review import check_english

        glossary = await asyncio.to_thread(review.glossary)
        checked = await asyncio.to_thread(check_english, source, target, glossary)
        return as_json(checked.to_dict())

    return [
        Route("/", page, methods=["GET"]),
        Route("/review/{doc_id}", page, methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/review", upload, methods=["POST"]),
        Route("/v1/review/{doc_id}", document, methods=["GET", "DELETE"]),
        Route("/v1/review/{doc_id}/segments", segments, methods=["GET"]),
        Route("/v1/review/{doc_id}/segments/{index}", segment, methods=["PUT"]),
        Route("/v1/review/{doc_id}/glossary", glossary, methods=["POST"]),
        Route("/v1/review/{doc_id}/download", download, methods=["GET"]),
    ]

