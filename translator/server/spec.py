"""The OpenAPI description of the server (``GET /spec``), written as data."""

from __future__ import annotations

from .. import __version__
from .config import ServerConfig

__all__ = ["openapi"]

_ERROR = {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ERRORS = {"400": _ERROR, "403": _ERROR, "429": _ERROR, "500": _ERROR}
_FORM = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]


def _body(schema: dict, types=_FORM) -> dict:
    return {"required": True, "content": {t: {"schema": schema} for t in types}}


def _ok(schema: dict, description: str = "OK") -> dict:
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}, **_ERRORS}


def openapi(config: ServerConfig) -> dict:
    """Return the OpenAPI 3.1 document of every route, with this server's limits in the descriptions."""
    texts = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": config.batch_limit}]}
    translate_req = {"type": "object", "required": ["q", "source", "target"], "properties": {
        "q": texts, "source": {"type": "string", "description": "zh (also zh-Hans, zh-CN, zh_Hans) or auto"},
        "target": {"type": "string", "description": "en"}, "format": {"type": "string", "enum": ["text", "html"]},
        "alternatives": {"type": "integer", "minimum": 0, "maximum": 3}, "api_key": {"type": ["string", "null"]}}}
    ref = {"$ref": "#/components/schemas/Document"}
    job = {"$ref": "#/components/schemas/Job"}
    file_body = _body({"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}, "source": {"type": "string"}, "target": {"type": "string"},
        "api_key": {"type": "string"}}}, ["multipart/form-data"])
    job_id = [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "translator", "version": __version__,
                 "description": "Chinese to English translation with glossary enforcement and checks; LibreTranslate's "
                                f"API plus /v1. Limits: {config.char_limit or 'no'} characters per text, "
                                f"{config.batch_limit} texts per request, {config.file_limit} bytes per file."},
        "paths": {
            "/translate": {"post": {"summary": "Translate text (LibreTranslate)", "requestBody": _body(translate_req),
                                    "responses": _ok({"type": "object", "properties": {
                                        "translatedText": texts, "detectedLanguage": {},
                                        "alternatives": {"type": "array"}}})}},
            "/detect": {"post": {"summary": "Guess the language of a text from its script",
                                 "requestBody": _body({"type": "object", "properties": {"q": {"type": "string"}}}),
                                 "responses": _ok({"type": "array", "items": {"type": "object", "properties": {
                                     "confidence": {"type": "number"}, "language": {"type": "string"}}}})}},
            "/languages": {"get": {"summary": "Languages and their targets",
                                   "responses": _ok({"type": "array", "items": {"type": "object", "properties": {
                                       "code": {"type": "string"}, "name": {"type": "string"},
                                       "targets": {"type": "array", "items": {"type": "string"}}}}})}},
            "/translate_file": {"post": {"summary": "Translate a document (.txt .docx .html .md .pdf)",
                                         "requestBody": file_body, "responses": _ok({"type": "object", "properties": {
                                             "translatedFileUrl": {"type": "string"}}})}},
            "/download_file/{name}": {"get": {"summary": "Download a translated document once",
                                              "parameters": [{"name": "name", "in": "path", "required": True,
                                                              "schema": {"type": "string"}}],
                                              "responses": {"200": {"description": "The file"}, "404": _ERROR}}},
            "/suggest": {"post": {"summary": "Store a better translation in the translation memory (403 without one)",
                                  "requestBody": _body({"type": "object", "required": ["q", "s", "source", "target"],
                                                        "properties": {k: {"type": "string"} for k in
                                                                       ("q", "s", "source", "target", "api_key")}}),
                                  "responses": _ok({"type": "object", "properties": {"success": {"type": "boolean"}}})}},
            "/frontend/settings": {"get": {"summary": "Server settings (LibreTranslate)", "responses": _ok({"type": "object"})}},
            "/health": {"get": {"summary": "Liveness, the signature and the queue", "responses": _ok({"type": "object"})}},
            "/spec": {"get": {"summary": "This document", "responses": _ok({"type": "object"})}},
            "/v1/translate": {"post": {"summary": "Translate with segments, flags, term uses and the signature",
                                       "requestBody": _body({"type": "object", "properties": {
                                           "text": {"type": "string"}, "texts": {"type": "array", "items": {"type": "string"}},
                                           "format": {"type": "string", "enum": ["text", "html"]}}}, ["application/json"]),
                                       "responses": _ok({"oneOf": [ref, {"type": "object", "properties": {
                                           "results": {"type": "array", "items": ref}}}]})}},
            "/v1/documents": {"post": {"summary": "Upload a document to translate (a job)", "requestBody": file_body,
                                       "responses": {"202": {"description": "The job", "content": {
                                           "application/json": {"schema": job}}}, **_ERRORS}}},
            "/v1/documents/{job_id}": {"get": {"summary": "A job's progress", "parameters": job_id, "responses": _ok(job)},
                                       "delete": {"summary": "Delete a job and its files", "parameters": job_id,
                                                  "responses": _ok({"type": "object"})}},
            "/v1/documents/{job_id}/result": {"get": {"summary": "A finished job's segments, flags and signature",
                                                      "parameters": job_id, "responses": _ok(ref)}},
            "/v1/documents/{job_id}/download": {"get": {
                "summary": "Download the translation in any output format (docx html md txt json jsonl xliff tmx)",
                "parameters": job_id + [{"name": "format", "in": "query", "schema": {"type": "string"}},
                                        {"name": "bilingual", "in": "query", "schema": {"type": "boolean"}}],
                "responses": {"200": {"description": "The file"}, **_ERRORS}}},
            "/v1/glossary": {"get": {"summary": "The glossary in use (read-only): version and entries",
                                     "responses": _ok({"type": "object"})}},
            **_review_paths(file_body),
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Document": {"type": "object", "description": "What `translator translate --format json` writes, plus "
                         "`translation` (the English text)", "properties": {
                             "translation": {"type": "string"}, "signature": {"type": "string"},
                             "segments": {"type": "array", "items": {"type": "object"}},
                             "flag_counts": {"type": "object"}, "term_adherence": {"type": ["number", "null"]}}},
            "Review": {"type": "object", "description": "A reviewed document (the page's /review/{doc_id})",
                       "properties": {
                           "id": {"type": "string", "description": "32 hex digits, unguessable"},
                           "name": {"type": "string"}, "status": {"type": "string",
                                                                  "enum": ["translating", "ready", "failed"]},
                           "progress": {"type": ["object", "null"]}, "error": {"type": ["string", "null"]},
                           "memory": {"type": "boolean", "description": "confirming stores the pair (--tm)"},
                           "formats": {"type": "array", "items": {"type": "string"}}}},
            "ReviewSegment": {"type": "object", "properties": {
                "index": {"type": "integer"}, "id": {"type": "string"}, "kind": {"type": "string"},
                "source": {"type": "string"}, "original": {"type": "string"}, "english": {"type": "string"},
                "confirmed": {"type": "boolean"}, "edited": {"type": "boolean"},
                "recheck": {"type": "boolean", "description": "a glossary term in it was added since"},
                "flags": {"type": "array", "items": {"type": "object"}},
                "terms": {"type": "array", "items": {"type": "object"}}, "highlights": {"type": "object"},
                "matches": {"type": "array", "items": {"type": "object"}}}},
            "Checked": {"type": "object", "properties": {
                "flags": {"type": "array", "items": {"type": "object"}},
                "terms": {"type": "array", "items": {"type": "object"}},
                "highlights": {"type": "object", "description": "[start, end, term] spans in source and target"}}},
            "Job": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                "progress": {"type": "object"}, "error": {"type": ["string", "null"]}}},
        }},
    }


def _review_paths(file_body: dict) -> dict:
    """Return the review page's routes (``/`` is the page itself, HTML)."""
    doc_id = [{"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    review = {"$ref": "#/components/schemas/Review"}
    segment = {"$ref": "#/components/schemas/ReviewSegment"}
    json_only = ["application/json"]
    return {
        "/": {"get": {"summary": "The review page (HTML; also /review/{doc_id})",
                      "responses": {"200": {"description": "The page", "content": {"text/html": {}}}}}},
        "/v1/check": {"post": {"summary": "Check an English against its Chinese: flags, terms and their places",
                               "requestBody": _body({"type": "object", "required": ["source"], "properties": {
                                   "source": {"type": "string"}, "target": {"type": "string"}}}, json_only),
                               "responses": _ok({"$ref": "#/components/schemas/Checked"})}},
        "/v1/review": {"post": {"summary": "Upload a document to translate and review (kept in --state-dir)",
                                "requestBody": file_body, "responses": {"202": {"description": "The document",
                                                                                "content": {"application/json": {
                                                                                    "schema": review}}}, **_ERRORS}}},
        "/v1/review/{doc_id}": {"get": {"summary": "A reviewed document's state and progress", "parameters": doc_id,
                                        "responses": _ok(review) | {"404": _ERROR}},
                                "delete": {"summary": "Forget a reviewed document and its files",
                                           "parameters": doc_id, "responses": _ok({"type": "object"})}},
        "/v1/review/{doc_id}/segments": {"get": {
            "summary": "Every segment in document order with its English, flags, terms and memory matches",
            "parameters": doc_id, "responses": _ok({"type": "object", "properties": {
                "segments": {"type": "array", "items": segment}}})}},
        "/v1/review/{doc_id}/segments/{index}": {"put": {
            "summary": "Change a segment's English (checked again at once) and/or confirm it (into the memory)",
            "parameters": doc_id + [{"name": "index", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": _body({"type": "object", "properties": {"english": {"type": "string"},
                                                                   "confirmed": {"type": "boolean"}}}, json_only),
            "responses": _ok(segment)}},
        "/v1/review/{doc_id}/glossary": {"post": {
            "summary": "Add a term to the editors' glossary file (validated as `translator glossary add`; a conflict "
                       "is a 400); the segments holding it are checked again and marked for re-check",
            "parameters": doc_id,
            "requestBody": _body({"type": "object", "required": ["source", "target"], "properties": {
                "source": {"type": "string"}, "target": {"type": "string"}}}, json_only),
            "responses": _ok({"type": "object", "properties": {
                "outcome": {"type": "string", "enum": ["added", "replaced", "unchanged"]}, "file": {"type": "string"},
                "warnings": {"type": "array", "items": {"type": "string"}},
                "rechecked": {"type": "array", "items": {"type": "integer"}}}})}},
        "/v1/review/{doc_id}/download": {"get": {
            "summary": "The reviewed document with the edits applied: its own kind (a .docx keeps its formatting), "
                       "xliff, tmx or json",
            "parameters": doc_id + [{"name": "format", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The file"}, **_ERRORS}}},
    }
