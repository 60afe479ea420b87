"""The HTTP front: LibreTranslate's API as its clients use it, and our own ``/v1`` API beside it.

Each route parses its request, makes one call to :class:`~translator.server.service.TranslationService`
and turns our typed errors into LibreTranslate's answers: ``{"error": "..."}`` with 400 (bad input,
unsupported language), 403 (a wrong API key, only), 429 (queue full or rate limit) or 500. No route
ever answers with a framework's default error page.
"""

from __future__ import annotations

import html
import json
import logging
import re
import time
from collections import deque
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ..errors import InputError, TranslatorError, UnknownNameError
from .batcher import Overloaded
from .config import ServerConfig
from .languages import LANGUAGES, UnsupportedLanguage, detect, normalise_code
from .service import DOCUMENT_SUFFIXES, NotFound, TranslationService

__all__ = ["ApiError", "create_app"]

log = logging.getLogger("translator")


class ApiError(Exception):
    """An answer other than 200: ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str, unsupported_pair: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        #: The error is a language pair this server does not translate (``--echo-unsupported`` answers those).
        self.unsupported_pair = unsupported_pair


def _json(data, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status, headers=headers, media_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": message}, status)


# ---------------------------------------------------------------- request fields
class Fields:
    """A request's fields, wherever the client put them: JSON body, form, multipart or query string."""

    def __init__(self, values: dict, files: dict, is_json: bool) -> None:
        self.values = values
        self.files = files
        self.is_json = is_json

    def text(self, name: str, required: bool = True, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None or (value == "" and required):
            if required:
                raise ApiError(400, f"Invalid request: missing {name} parameter")
            return default
        if not isinstance(value, str):
            raise ApiError(400, f"Invalid request: {name} must be a string, got {type(value).__name__}")
        return value


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "Invalid request: bad Content-Length")
        if int(declared) > limit:
            raise ApiError(400, f"Invalid request: body of {declared} bytes exceeds this server's limit ({limit} bytes)")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(400, f"Invalid request: body exceeds this server's limit ({limit} bytes)")
    return bytes(body)


async def read_fields(request: Request, limit: int, files: bool = False) -> Fields:
    """Return a request's fields as LibreTranslate reads them.

    JSON is read only with ``Content-Type: application/json`` (and must be an object); otherwise the
    query string and an urlencoded or multipart form are merged (the form wins); form line endings
    become ``\\n``.
    """
    body = await _body(request, limit)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    values: dict = dict(request.query_params)
    found_files: dict = {}
    if ctype == "application/json":
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else None
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return Fields(values | data, {}, True)
    if ctype == "application/x-www-form-urlencoded" and body:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                              errors="strict", max_num_fields=1000)
        except UnicodeDecodeError:
            raise ApiError(400, "Invalid request: the form is not UTF-8") from None
        except ValueError as exc:
            raise ApiError(400, f"Invalid request: cannot read the form: {exc}") from None
        for key, value in pairs:
            values[key] = value.replace("\r\n", "\n").replace("\r", "\n")
        return Fields(values, {}, False)
    if ctype == "multipart/form-data" and body:
        request._body = body  # Starlette parses the form from the body already read (within the limit)
        try:
            form = await request.form(max_files=1 if files else 0, max_fields=1000)
        except HTTPException as exc:
            raise ApiError(400, f"Invalid request: {exc.detail}") from None
        except Exception as exc:  # a broken multipart body or bad encoding
            raise ApiError(400, f"Invalid request: cannot read the form: {exc}") from None
        for key, value in form.multi_items():
            if isinstance(value, str):
                values[key] = value.replace("\r\n", "\n").replace("\r", "\n")
            else:
                found_files[key] = value
    return Fields(values, found_files, False)


def _texts(fields: Fields, config: ServerConfig) -> tuple[list[str], bool]:
    """Return the texts of ``q`` and whether ``q`` was a list (every limit checked)."""
    q = fields.values.get("q")
    if q is None:
        raise ApiError(400, "Invalid request: missing q parameter")
    as_list = isinstance(q, list)
    texts = q if as_list else [q]
    if not all(isinstance(t, str) for t in texts):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    if as_list and len(texts) > config.batch_limit:
        raise ApiError(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({config.batch_limit})")
    if config.char_limit is not None:
        for t in texts:
            if len(t) > config.char_limit:
                raise ApiError(400, f"Invalid request: request ({len(t)}) exceeds text limit ({config.char_limit})")
    for i, t in enumerate(texts):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in t):
            raise ApiError(400, f"Invalid request: q{f'[{i}]' if as_list else ''} holds a lone surrogate (not text)")
    return texts, as_list


def _visible_text(markup: str) -> str:
    """Return the text of HTML markup as a reader sees it (tags, scripts and translate="no" spans left out)."""
    markup = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", markup, flags=re.I | re.S)
    markup = re.sub(r"<(\w+)[^>]*\btranslate\s*=\s*[\"']?no\b[^>]*>.*?</\1\s*>", " ", markup, flags=re.I | re.S)
    return html.unescape(re.sub(r"<[^>]*>", " ", markup))


# --------------------------------------------------------------- access checks
class Access:
    """API keys and the per-key (or per-address) request limit."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.windows: dict[str, deque] = {}

    def check(self, request: Request, fields: Fields | None) -> str | None:
        """Return the caller's key (None without keys); raise 400/403/429 as LibreTranslate does."""
        key = None
        if fields is not None:
            key = fields.values.get("api_key")
        if key is None:
            key = request.query_params.get("api_key") or None
        keys = self.config.api_keys
        if keys is not None:
            if key in (None, ""):
                raise ApiError(400, "Invalid request: this server needs an API key; ask its operator for one")
            if not isinstance(key, str) or key not in keys:
                raise ApiError(403, "Invalid API key")
        else:
            key = None  # keys are off: any key (deep-translator insists on sending one) is accepted
        self._limit(key or (request.client.host if request.client else "?"))
        return key

    def _limit(self, who: str) -> None:
        limit = self.config.req_limit
        if limit is None:
            return
        now = time.monotonic()
        window = self.windows.setdefault(who, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) >= limit:
            raise ApiError(429, f"Slowdown: {limit} per 1 minute")
        window.append(now)
        if len(self.windows) > 10_000:  # forget callers whose window is empty (bounded memory)
            for idle in [k for k, w in self.windows.items() if not w or w[-1] <= now - 60.0]:
                del self.windows[idle]


def _languages(fields: Fields) -> tuple[bool, str]:
    source = fields.text("source")
    target = fields.text("target")
    try:
        normalise_code(target, "target")
        auto = source.strip().lower() == "auto"
        if not auto:
            normalise_code(source, "source")
    except UnsupportedLanguage as exc:
        raise ApiError(400, str(exc), unsupported_pair=True) from None
    return auto, _format(fields)


def _format(fields: Fields) -> str:
    """Return ``format`` (``text`` when absent): ``text`` or ``html``."""
    fmt = fields.text("format", required=False, default="text") or "text"
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt} format is not supported; valid formats: text, html")
    return fmt


def _alternatives(fields: Fields) -> int:
    value = fields.values.get("alternatives", 0)
    try:
        n = int(value) if not isinstance(value, bool) else -1
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
    if n < 0 or n > 3:
        raise ApiError(400, "Invalid request: alternatives parameter must be <= 3")
    return n


# ------------------------------------------------------------------- the app
def create_app(settings=None, config: ServerConfig | None = None, pipeline=None, warm_up: bool = True) -> Starlette:
    """Build the ASGI app: one pipeline, one engine loaded once and shared by every request.

    Args:
        settings: :class:`~translator.settings.PipelineSettings` (or None for defaults).
        config: The server's limits and access rules.
        pipeline: An already-built :class:`~translator.pipeline.Pipeline` (tests, embedding); overrides ``settings``.
        warm_up: Load the model at start-up rather than on the first request.

    Returns:
        A Starlette app; run it with uvicorn (``translator serve`` does) or any ASGI server.
    """
    from ..pipeline import Pipeline

    config = config or ServerConfig()
    pipeline = pipeline or Pipeline(settings)
    service = TranslationService(pipeline, config)
    access = Access(config)

    @asynccontextmanager
    async def lifespan(app):
        await service.start()
        if warm_up:
            await service.warm_up()
        try:
            yield
        finally:
            await service.stop()

    async def translate(request: Request) -> Response:
        fields = await read_fields(request, config.body_limit)
        access.check(request, fields)
        try:
            auto, fmt = _languages(fields)
        except ApiError as exc:
            if not (config.echo_unsupported and exc.unsupported_pair):
                raise
            texts, as_list = _texts(fields, config)  # --echo-unsupported: the text back, marked untranslated
            return _json({"translatedText": texts if as_list else texts[0]},
                         headers={"X-Translator-Untranslated": "true"})
        alternatives = _alternatives(fields)
        texts, as_list = _texts(fields, config)
        done = await service.translate(texts, fmt)
        out: dict = {"translatedText": [d.text for d in done] if as_list else done[0].text}
        if auto:
            found = [detect(_visible_text(t) if fmt == "html" else t)[0].to_dict() for t in texts]
            out["detectedLanguage"] = found if as_list else found[0]
        if alternatives:
            out["alternatives"] = [[] for _ in texts] if as_list else []
        return _json(out, headers={"X-Translator-Signature": service.signature()})

    async def detect_route(request: Request) -> Response:
        fields = await read_fields(request, config.body_limit)
        access.check(request, fields)
        texts, _ = _texts(fields, config)
        return _json([d.to_dict() for d in detect(" ".join(texts))])

    async def languages(request: Request) -> Response:
        return _json(list(LANGUAGES))

    async def frontend_settings(request: Request) -> Response:
        return _json({"charLimit": config.char_limit or -1, "frontendTimeout": 500,
                      "apiKeys": config.api_keys is not None, "keyRequired": config.api_keys is not None,
                      "suggestions": _memory_path() is not None, "filesTranslation": True,
                      "supportedFilesFormat": list(DOCUMENT_SUFFIXES),
                      "language": {"source": {"code": "zh", "name": "Chinese"},
                                   "target": {"code": "en", "name": "English"}}})

    async def health(request: Request) -> Response:
        s = service.batcher.stats
        counts = {"queued": s.queued, "running": s.running, "batches": s.batches, "requests": s.requests,
                  "refused": s.refused}
        try:
            signature = service.signature()
        except TranslatorError as exc:  # the model cannot be loaded: the server answers, but cannot translate
            return _json({"status": "error", "error": str(exc), **counts}, 503)
        return _json({"status": "ok", "signature": signature, **counts})

    async def spec(request: Request) -> Response:
        from .spec import openapi

        return _json(openapi(config))

    def _memory_path() -> str | None:
        return pipeline.settings.memory

    async def suggest(request: Request) -> Response:
        fields = await read_fields(request, config.body_limit)
        key = access.check(request, fields)
        if _memory_path() is None:
            raise ApiError(403, "Suggestions are disabled on this server.")
        source, target = fields.text("q"), fields.text("s")
        _languages(fields)
        await service.suggest(source, target, key or (request.client.host if request.client else None))
        return _json({"success": True})

    async def translate_file(request: Request) -> Response:
        fields = await read_fields(request, config.file_limit + config.body_limit, files=True)
        key = access.check(request, fields)
        _languages(fields)
        upload = fields.files.get("file")
        if upload is None:
            raise ApiError(400, "Invalid request: missing file parameter")
        data = await upload.read()
        job = await service.submit_document(upload.filename or "document", data, key)
        await job.finished.wait()
        path, name = await service.output(job)
        token = service.publish(path, name, job.expires)
        return _json({"translatedFileUrl": str(request.base_url) + f"download_file/{token}"})

    async def download_file(request: Request) -> Response:
        token = request.path_params["name"]
        path = service.take_download(token)
        return FileResponse(path, filename=token.split(".", 1)[1],
                            background=BackgroundTask(service.downloaded, token))

    # ------------------------------------------------------------- /v1
    async def v1_translate(request: Request) -> Response:
        fields = await read_fields(request, config.body_limit)
        access.check(request, fields)
        if "texts" in fields.values:
            fields.values["q"] = fields.values["texts"]
        elif "text" in fields.values:
            fields.values["q"] = fields.values["text"]
        fmt = _format(fields)
        texts, as_list = _texts(fields, config)
        done = await service.translate(texts, fmt)
        results = [{"translation": d.text, **d.result.to_dict()} for d in done]
        return _json({"results": results} if as_list else results[0])

    async def v1_documents(request: Request) -> Response:
        fields = await read_fields(request, config.file_limit + config.body_limit, files=True)
        key = access.check(request, fields)
        upload = fields.files.get("file")
        if upload is None:
            raise ApiError(400, "Invalid request: missing file parameter (multipart/form-data)")
        job = await service.submit_document(upload.filename or "document", await upload.read(), key)
        return _json(job.to_dict() | {"url": str(request.url_for("v1_document", job_id=job.id))}, 202)

    def _job(request: Request):
        key = access.check(request, None)
        return service.job(request.path_params["job_id"], key)

    async def v1_document(request: Request) -> Response:
        job = _job(request)
        if request.method == "DELETE":
            service.remove(job)
            return _json({"deleted": job.id})
        return _json(job.to_dict())

    async def v1_document_result(request: Request) -> Response:
        return _json(_job(request).translation().to_dict())

    async def v1_document_download(request: Request) -> Response:
        job = _job(request)
        fmt = request.query_params.get("format") or None
        bilingual = request.query_params.get("bilingual", "").lower() in ("1", "true", "yes")
        path, name = await service.output(job, fmt, bilingual)
        return FileResponse(path, filename=name)

    async def v1_glossary(request: Request) -> Response:
        access.check(request, None)
        glossary = pipeline.glossary
        if glossary is None:
            return _json({"version": "none", "files": [], "entries": []})
        return _json({"version": glossary.version, "files": list(glossary.files),
                      "entries": [{"source": e.source, "target": e.target, "variants": list(e.variants),
                                   "type": e.type, "status": e.status, "note": e.note} for e in glossary.entries]})

    # ----------------------------------------------------------- errors
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(exc.status, exc.message)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(exc.status_code, str(exc.detail))

    async def library_error(request: Request, exc: TranslatorError) -> Response:
        if isinstance(exc, NotFound):
            return _error(404, str(exc))
        if isinstance(exc, (InputError, UnknownNameError)):
            return _error(400, str(exc))
        log.error("%s", exc)
        return _error(500, str(exc))

    async def overloaded(request: Request, exc: Overloaded) -> Response:
        return _error(429, str(exc))

    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return _error(500, f"internal error: {type(exc).__name__}: {exc}")

    routes = [
        Route("/translate", translate, methods=["POST"]),
        Route("/detect", detect_route, methods=["POST"]),
        Route("/languages", languages, methods=["GET", "POST"]),
        Route("/frontend/settings", frontend_settings, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/spec", spec, methods=["GET"]),
        Route("/suggest", suggest, methods=["POST"]),
        Route("/translate_file", translate_file, methods=["POST"]),
        Route("/download_file/{name}", download_file, methods=["GET"]),
        Route("/v1/translate", v1_translate, methods=["POST"]),
        Route("/v1/documents", v1_documents, methods=["POST"]),
        Route("/v1/documents/{job_id}", v1_document, methods=["GET", "DELETE"], name="v1_document"),
        Route("/v1/documents/{job_id}/result", v1_document_result, methods=["GET"]),
        Route("/v1/documents/{job_id}/download", v1_document_download, methods=["GET"]),
        Route("/v1/glossary", v1_glossary, methods=["GET"]),
    ]
    from .review_routes import review_routes

    routes += review_routes(service, access, config, pipeline, read_fields, ApiError, _json)
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Authorization", "Content-Type"])]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={ApiError: api_error, HTTPException: http_error, TranslatorError: library_error,
                                        Overloaded: overloaded, Exception: internal})
    app.state.service = service
    return app
