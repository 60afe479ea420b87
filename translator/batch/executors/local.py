"""The ``local`` executor: a pool of worker processes on this machine (no extra dependency).

Each process (spawned, so no parent state such as loaded models or threads is
inherited) builds its pipeline once and takes one document at a time; at most one
document per worker is in flight, so when a worker dies (killed, out of memory)
the documents it may have held are known. The pool is then rebuilt and those
documents are tried again; a document in flight during :data:`MAX_CRASHES` worker
deaths is recorded as failed. When several documents were in flight as a worker died, none is blamed
and each is tried again alone, so a document is recorded failed only for deaths that were its own.
Segments a dead worker finished are in the segment cache, so the retry does not translate them again. Workers die with the driver
(Linux), so a killed batch leaves no orphan translating.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..discovery import DocumentJob
from ..document import DocumentOutcome, DocumentRecord
from ..worker import BatchTask, Worker, die_with_parent

#: Worker deaths a document may be in flight for before it is recorded as failed.
MAX_CRASHES = 2

_worker: Worker | None = None

#: Added to a document's error when no worker of the run finished anything: the usual cause.
NEVER_STARTED = ("; no worker finished any document, so they may have failed to start (their error is on "
                 "stderr): a Python script that calls translate_corpus must do so under "
                 "'if __name__ == \"__main__\":', because each worker process is spawned and imports the "
                 "script again")


def _start(task: BatchTask) -> None:
    global _worker
    die_with_parent()
    _worker = Worker(task)


def _translate(job: DocumentJob) -> DocumentOutcome:
    assert _worker is not None
    return _worker.translate(job)


def default_workers() -> int:
    """Return the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run(jobs: list[DocumentJob], task: BatchTask, workers: int | None = None, **_options) -> Iterator[DocumentOutcome]:
    """Yield each document's outcome as it finishes.

    Args:
        jobs: The documents.
        task: Settings and output options every worker builds from.
        workers: Worker processes (None: the usable cores; never more than the documents).
    """
    workers = max(1, min(workers or default_workers(), len(jobs)))
    context = multiprocessing.get_context("spawn")
    pending = deque(jobs)
    isolate: deque[DocumentJob] = deque()  # in flight when a pool broke with others: tried alone, one at a time
    crashes: Counter[DocumentJob] = Counter()
    finished_any = False  # a worker that never finishes anything may never have started at all
    while pending or isolate:
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(task,))
        in_flight: dict = {}
        casualties: list[DocumentJob] = []
        alone = False  # the job in flight is being tried alone
        try:
            broken = False
            while True:
                while not broken and not alone:
                    if isolate:  # a suspect runs with nothing beside it, so a death is its own
                        if in_flight:
                            break
                        job, alone = isolate.popleft(), True
                    elif pending and len(in_flight) < workers:
                        job = pending.popleft()
                    else:
                        break
                    try:
                        in_flight[pool.submit(_translate, job)] = job
                    except BrokenProcessPool:
                        (isolate if alone else pending).appendleft(job)
                        broken, alone = True, False
                if not in_flight:
                    break
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    job = in_flight.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        casualties.append(job)
                        continue
                    finished_any = True
                    yield outcome
                if not in_flight:
                    alone = False
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if len(casualties) > 1:  # which one killed its worker is unknown: none is blamed, each is tried alone
            isolate.extend(casualties)
            continue
        for job in casualties:
            crashes[job] += 1
            if crashes[job] >= MAX_CRASHES:
                yield DocumentOutcome(DocumentRecord(
                    document=job.source, output=job.output, status="failed", run_signature=task.run_signature,
                    error=f"a worker process died while translating it ({crashes[job]} times)"
                          + ("" if finished_any else NEVER_STARTED)))
            else:
                isolate.appendleft(job)


__all__ = ["MAX_CRASHES", "NEVER_STARTED", "default_workers", "run"]
