"""A progress bar on stderr, only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_reporter(total: int | None, enabled: bool = True, unit: str = "seg") -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n)`` callback that drives a tqdm bar on stderr.

    The bar is shown only when ``enabled`` and stderr is a TTY, so piped
    output and logs are never corrupted.
    """
    if not enabled or not sys.stderr.isatty():
        yield lambda n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=False) as bar:
        yield bar.update
