"""Where the toolkit keeps its own files; a bottom module every stage may use.

The segment cache (``translation.cache``) and the model-hash memo beside it
(``models.store``) both live in the cache folder named here.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_cache_path"]


def default_cache_path() -> Path:
    """Return ``TRANSLATOR_CACHE_DIR``/segments.sqlite3 or the user cache dir's."""
    env = os.environ.get("TRANSLATOR_CACHE_DIR")
    if env:
        return Path(env) / "segments.sqlite3"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("translator")) / "segments.sqlite3"
