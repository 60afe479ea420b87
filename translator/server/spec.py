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
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Document": {"type": "object", "description": "What `translator translate --format json` writes, plus "
                         "`translation` (the English text)", "properties": {
                             "translation": {"type": "string"}, "signature": {"type": "string"},
                             "segments": {"type": "array", "items": {"type": "object"}},
                             "flag_counts": {"type": "object"}, "term_adherence": {"type": ["number", "null"]}}},
            "Job": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": {"type": "string"},
                "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                "progress": {"type": "object"}, "error": {"type": ["string", "null"]}}},
        }},
    }
