"""A progress bar on stderr, only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_reporter(enabled: bool = True, unit: str = "seg", stream=None) -> Iterator[Callable[[int, int], None]]:
    """Yield an ``advance(n, total)`` callback that drives a tqdm bar (done/total, rate, ETA).

    The bar goes to stderr and is shown only when ``enabled`` and that stream
    is a TTY, so piped output and logs are never corrupted.
    """
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield lambda n, total: None
        return
    from tqdm import tqdm

    # updates come once per finished chunk, so redraw on each one (mininterval=0)
    with tqdm(total=None, unit=unit, file=stream, dynamic_ncols=True, leave=False, mininterval=0, miniters=1) as bar:
        def advance(n: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(n)

        yield advance
