"""A progress bar on stderr, only when stderr is a terminal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_reporter(enabled: bool = True, unit: str = "seg", stream=None) -> Iterator[Callable[[int, int], None]]:
    """Yield an ``advance(n, total)`` callback that drives a tqdm bar (done/total, rate, ETA); ``n`` may be a fraction.

    The bar goes to stderr and is shown only when ``enabled`` and that stream
    is a TTY, so piped output and logs are never corrupted.
    """
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield lambda n, total: None
        return
    from tqdm import tqdm

    # updates come once per finished model batch (fractions of a chunk), so redraw on each one
    fmt = "{l_bar}{bar}| {n:.0f}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}]"
    with tqdm(total=None, unit=unit, file=stream, dynamic_ncols=True, leave=False, mininterval=0, miniters=1,
              bar_format=fmt) as bar:
        def advance(n: float, total: int) -> None:
            if bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(n)

        yield advance
