"""Cross-request batching: texts of concurrent requests share engine batches.

One engine, loaded once, works in one thread of its own; the event loop never waits for it. A request
puts its texts in the queue and awaits a future. When the engine is free, the batcher takes everything
queued (up to ``batch_texts`` texts; a request's own list is never split) and hands it to
:meth:`Pipeline.translate_texts` as one call: repeated texts are translated once, the segment cache
answers what it knows, and the engine sorts the rest into its own batches. While it works, new
requests queue up and form the next batch. The queue is bounded: past ``queue_limit`` texts a request
is refused at once (:class:`Overloaded`), never kept waiting without end. A client that goes away
does not disturb the batch it is in: its future is shielded and its answer dropped.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

__all__ = ["Batcher", "BatcherStats", "Overloaded"]

log = logging.getLogger("translator")


class Overloaded(Exception):
    """The queue is full: the request was not queued (the message is the client's error)."""


@dataclass
class _Request:
    texts: list[str]
    future: asyncio.Future
    size: int


@dataclass
class BatcherStats:
    """What the batcher has done so far (``GET /health`` shows it).

    Attributes:
        queued: Texts waiting for the engine now.
        running: Texts the engine is working on now.
        batches: Engine calls made.
        requests: Requests answered.
        texts: Distinct texts handed to the engine (after merging requests).
        refused: Requests refused because the queue was full.
    """

    queued: int = 0
    running: int = 0
    batches: int = 0
    requests: int = 0
    texts: int = 0
    refused: int = 0
    largest_batch: int = 0


class Batcher:
    """Gathers the texts of concurrent requests into shared calls of ``translate``.

    Args:
        translate: The engine call, ``texts -> {text: stored result}`` (``Pipeline.translate_texts``); it runs in
            the batcher's one worker thread, so it is never called twice at once.
        queue_limit: Most texts waiting; past it :meth:`translate` raises :class:`Overloaded`.
        batch_texts: Most texts in one gathered call (a larger single request goes alone).
        gather_seconds: How long an idle engine waits for more requests before it starts.
        cross_request: False translates every request on its own, one after another, and each text of
            a list in an engine call of its own (what LibreTranslate does; the benchmark's baseline).
    """

    def __init__(self, translate, queue_limit: int = 20_000, batch_texts: int = 256, gather_seconds: float = 0.005,
                 cross_request: bool = True) -> None:
        self._translate = translate
        self.queue_limit = queue_limit
        self.batch_texts = batch_texts
        self.gather_seconds = gather_seconds
        self.cross_request = cross_request
        self.stats = BatcherStats()
        self._queue: list[_Request] = []
        self._wakeup: asyncio.Event | None = None
        self._idle: asyncio.Event | None = None
        self._task: asyncio.Task | None = None
        self._executor: ThreadPoolExecutor | None = None

    # ----------------------------------------------------------------- life
    async def start(self) -> None:
        """Start the batching task (on the running event loop)."""
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="translator-engine")
        self._task = asyncio.get_running_loop().create_task(self._run(), name="translator-batcher")

    async def stop(self) -> None:
        """Finish what is queued and running, then stop (what SIGTERM leads to)."""
        if self._idle is not None and self._task is not None and not self._task.done():
            await self._idle.wait()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    async def run_in_worker(self, fn, *args):
        """Run ``fn(*args)`` in the engine's thread (after what it is doing now): for work that uses the
        pipeline outside batches, such as summaries."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    # ------------------------------------------------------------- requests
    async def translate(self, texts: list[str]) -> dict[str, dict]:
        """Translate ``texts`` together with whatever other requests are queued.

        Returns:
            Each distinct non-empty text -> its stored result (target, flags, terms ...).

        Raises:
            Overloaded: The queue is full (nothing was queued).
            TranslatorError: What the engine raised (a missing model ...), for every request of the batch.
        """
        distinct = list(dict.fromkeys(t for t in texts if t))
        if not distinct:
            return {}
        if self._task is None or self._task.done():
            raise RuntimeError("the batcher is not running (call start() on the server's event loop)")
        if self.stats.queued + len(distinct) > self.queue_limit and self.stats.queued:
            self.stats.refused += 1
            raise Overloaded(f"Slowdown: the server is busy ({self.stats.queued} texts queued, "
                             f"limit {self.queue_limit}); retry later")
        future = asyncio.get_running_loop().create_future()
        self._queue.append(_Request(distinct, future, len(distinct)))
        self.stats.queued += len(distinct)
        assert self._wakeup is not None and self._idle is not None
        self._idle.clear()
        self._wakeup.set()
        # shielded: a client that disconnects cancels its own wait, never the batch (or the future) it shares
        return await asyncio.shield(future)

    def _take(self) -> list[_Request]:
        """Return the requests of the next batch (at least one), removing them from the queue."""
        taken = [self._queue.pop(0)]
        size = taken[0].size
        if self.cross_request:
            while self._queue and size + self._queue[0].size <= self.batch_texts:
                size += self._queue[0].size
                taken.append(self._queue.pop(0))
        return taken

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wakeup is not None and self._idle is not None
        while True:
            if not self._queue:
                self._idle.set()
                self._wakeup.clear()
                await self._wakeup.wait()
                if self.cross_request and self.gather_seconds:
                    await asyncio.sleep(self.gather_seconds)  # an idle engine waits a moment for company
            batch = self._take()
            texts = list(dict.fromkeys(t for r in batch for t in r.texts))
            size = sum(r.size for r in batch)
            self.stats.queued -= size
            self.stats.running = len(texts)
            try:
                if self.cross_request:
                    results = await loop.run_in_executor(self._executor, self._translate, texts)
                else:  # one text per engine call, as LibreTranslate translates a list item by item
                    results = {}
                    for t in texts:
                        results |= await loop.run_in_executor(self._executor, self._translate, [t])
            except Exception as exc:  # every request of the batch gets the engine's error
                for r in batch:
                    if not r.future.done():
                        r.future.set_exception(exc)
            else:
                for r in batch:
                    if not r.future.done():
                        r.future.set_result({t: results[t] for t in r.texts})
            finally:
                self.stats.running = 0
                self.stats.batches += 1
                self.stats.requests += len(batch)
                self.stats.texts += len(texts)
                self.stats.largest_batch = max(self.stats.largest_batch, len(texts))
