"""The server's own settings (limits, keys, rate limit), beside the pipeline's :class:`PipelineSettings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, Problem, ValidationError

__all__ = ["ServerConfig", "read_api_keys"]


@dataclass
class ServerConfig:
    """Limits and access rules of ``translator serve``.

    Attributes:
        char_limit: Most characters per text (each item of a list counts on its own); None: no limit.
        batch_limit: Most texts in one request's ``q`` list.
        body_limit: Most bytes in a request body (JSON, form or multipart, files excepted).
        file_limit: Most bytes in an uploaded document.
        queue_limit: Most texts waiting for the engine; past it, requests get 429 at once.
        gather_seconds: How long an idle engine waits for more requests before a batch starts.
        batch_texts: Most texts the engine takes in one gathered batch (one request's list is never split).
        document_slice: Texts of an uploaded document sent to the engine at a time, so other requests are
            served between slices.
        api_keys: Accepted API keys; None: keys are not checked (any key, or none, is accepted).
        req_limit: Most requests per minute per API key (or per client address without one); None: no limit.
        file_ttl: Seconds an uploaded document and its translations are kept.
        upload_dir: Parent folder of the server's private folder of uploads (None: the system's temporary folder).
        echo_unsupported: Answer a language pair we cannot serve with the text unchanged (200, header
            ``X-Translator-Untranslated: true``) instead of a 400; off by default (see the README: Weblate's
            settings check translates "test" from English to German).
        cross_request_batching: False translates each request on its own, one at a time, as LibreTranslate
            does (for the benchmark's baseline).
        state_dir: Folder of the review page's state (reviewed documents, edits, confirmations); None: the
            user data folder (see :func:`translator.review.default_state_dir`), created on first use.
    """

    char_limit: int | None = 100_000
    batch_limit: int = 1000
    body_limit: int = 10 * 1024 * 1024
    file_limit: int = 50 * 1024 * 1024
    queue_limit: int = 20_000
    gather_seconds: float = 0.005
    batch_texts: int = 256
    document_slice: int = 64
    api_keys: frozenset[str] | None = None
    req_limit: int | None = None
    file_ttl: float = 1800.0
    upload_dir: str | None = None
    echo_unsupported: bool = False
    cross_request_batching: bool = True
    state_dir: str | None = None

    def __post_init__(self) -> None:
        problems = []

        def need(ok: bool, name: str, what: str) -> None:
            if not ok:
                problems.append(Problem("error", f"{name} must be {what}, got {getattr(self, name)!r}"))

        def pos_int(v: object) -> bool:
            return isinstance(v, int) and not isinstance(v, bool) and v >= 1

        need(self.char_limit is None or pos_int(self.char_limit), "char_limit", "None or an integer >= 1")
        for name in ("batch_limit", "body_limit", "file_limit", "queue_limit", "batch_texts", "document_slice"):
            need(pos_int(getattr(self, name)), name, "an integer >= 1")
        need(isinstance(self.gather_seconds, (int, float)) and 0 <= self.gather_seconds <= 1, "gather_seconds",
             "a number of seconds from 0 to 1")
        need(self.req_limit is None or pos_int(self.req_limit), "req_limit", "None or an integer >= 1")
        need(isinstance(self.file_ttl, (int, float)) and self.file_ttl > 0, "file_ttl", "a number of seconds > 0")
        if self.api_keys is not None:
            self.api_keys = frozenset(self.api_keys)
            need(bool(self.api_keys) and all(isinstance(k, str) and k for k in self.api_keys), "api_keys",
                 "None or a non-empty set of keys")
        if problems:
            raise ValidationError(problems, what="server settings")


def read_api_keys(path: str | Path) -> frozenset[str]:
    """Read API keys, one per line (blank lines and ``#`` comments ignored).

    Raises:
        InputError: The file cannot be read, holds no key, or a line holds spaces inside a key (file:line named).
    """
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the API keys: {getattr(exc, 'strerror', None) or exc}") from exc
    keys, problems = set(), []
    for number, line in enumerate(text.splitlines(), 1):
        key = line.split("#", 1)[0].strip()
        if not key:
            continue
        if any(c.isspace() for c in key):
            problems.append(Problem("error", "an API key cannot contain spaces", file=str(path), line=number))
            continue
        keys.add(key)
    if problems:
        raise ValidationError(problems, what=f"API keys {path}")
    if not keys:
        raise InputError(f"{path}: holds no API key (one key per line)")
    return frozenset(keys)
