"""The ``ray`` executor: an actor pool on a Ray cluster (``pip install ray``; in a checkout ``pip install -e '.[ray]'``).

Each actor builds its pipeline once from the plain settings dict; the driver
reads each document's bytes, streams them to the actors (two in flight per
actor so none waits) and gets the rendered output back, so sources and outputs
stay on the driver's machine and the workers need only the model. With no
address Ray starts on this machine, sized for a small one (a small object store,
no dashboard, usage stats off) and is shut down at the end; ``auto`` or
``ray://host:10001`` joins a running cluster (left running).

Actors ask for :data:`ACTOR_CPUS` of a CPU: a fraction, so a node always has CPU
left for any task Ray itself must schedule (the pool cannot deadlock), yet no more
than one actor per core on small nodes. A killed actor is restarted by Ray (its
pipeline rebuilt) and its document retried; a document whose tries all kill their
actor is recorded as failed.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from ...errors import BackendUnavailableError, InputError, UnknownNameError
from ..discovery import DocumentJob
from ..document import DocumentOutcome, DocumentRecord, check_regular, worker_name
from ..worker import BatchTask

#: CPUs each actor reserves (see the module docstring).
ACTOR_CPUS = 0.9
#: Object store of a Ray we start (documents and outputs are small).
OBJECT_STORE_BYTES = 100 * 1024 * 1024
#: Tries of a document whose actor dies under it.
TASK_RETRIES = 1
#: Environment forwarded to actors when Ray runs on this machine.
LOCAL_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TRANSLATOR_CACHE_DIR", "TRANSLATOR_MODELS_DIR", "PYTHONPATH")
#: Environment forwarded to actors on a cluster.
CLUSTER_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise BackendUnavailableError("the ray executor needs Ray: pip install ray (in a checkout: pip install -e '.[ray]')") from exc
    return ray


#: Seconds to wait for a TCP answer from a cluster address before calling it unreachable.
CONNECT_TIMEOUT = 3.0
_ADDRESS = re.compile(r"(?P<client>ray://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>\d{1,5})")


def check_address(address: str | None) -> None:
    """Check a ``--ray-address`` before anything is started or written: its form, Ray Client for ``ray://``,
    and that something answers at ``host:port`` (Ray would retry for minutes).

    Raises:
        UnknownNameError: Not ``auto``, ``host:port`` or ``ray://host:port``.
        BackendUnavailableError: ``ray://`` without Ray Client (``pip install 'ray[client]'``), or nothing
            listening at the address.
    """
    if address is None or address in ("auto", "local"):
        return
    m = _ADDRESS.fullmatch(address)
    if m is None or not 0 < int(m["port"]) < 65536:
        raise UnknownNameError(f"Ray address {address!r} is not auto, HOST:PORT or ray://HOST:PORT")
    if m["client"]:
        import importlib.util

        if importlib.util.find_spec("grpc") is None:
            raise BackendUnavailableError(f"Ray address {address!r} needs Ray Client: pip install 'ray[client]'")
    import socket

    try:
        socket.create_connection((m["host"].strip("[]"), int(m["port"])), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise BackendUnavailableError(f"Ray address {address!r}: nothing answers there ({exc.strerror or exc}); "
                                      "start the cluster (`ray start --head`) or use --ray-address auto") from None


def start(address: str | None = None, num_cpus: int | None = None) -> bool:
    """Connect to Ray (``address``) or start it on this machine; return True when we started it.

    An already initialised Ray in this process is used as it is.
    """
    ray = _import_ray()
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address:
        check_address(address)
        try:
            ray.init(address=address, log_to_driver=True, logging_level="WARNING", configure_logging=True)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:  # no cluster there: Ray's own
            # message names ray.init arguments; say what to do with ours
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0].split(". ")[0].rstrip(".")
            raise BackendUnavailableError(
                f"cannot join a Ray cluster at {address!r}: {reason}. Start the cluster first (`ray start --head` on "
                "the head machine, `ray start --address=HEAD_IP:6379` on the others), or leave the Ray address out "
                "to start Ray on this machine") from None
        return True
    ray.init(num_cpus=num_cpus, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
             log_to_driver=True, logging_level="WARNING", configure_logging=True)
    return True


def _actor_class(ray):
    @ray.remote(num_cpus=ACTOR_CPUS, max_restarts=-1, max_task_retries=TASK_RETRIES)
    class TranslatorActor:
        """One pipeline per actor; documents stream through :meth:`translate`."""

        def __init__(self, task: BatchTask) -> None:
            from translator.batch.worker import Worker

            self.worker = Worker(task)

        def translate(self, job: DocumentJob, data: bytes) -> DocumentOutcome:
            return self.worker.translate(job, data)

        def name(self) -> str:
            return worker_name()

    return TranslatorActor


def run(jobs: list[DocumentJob], task: BatchTask, workers: int | None = None, ray_address: str | None = None,
        **_options) -> Iterator[DocumentOutcome]:
    """Yield each document's outcome as it finishes.

    Args:
        jobs: The documents (read by the driver).
        task: Settings and output options every actor builds from.
        workers: Actors (None: one per CPU of the cluster, never more than the documents).
        ray_address: ``auto``, ``ray://host:port`` or None to start Ray here.
    """
    ray = _import_ray()
    started = start(ray_address)
    try:
        local = not ray_address
        names = LOCAL_ENV if local else CLUSTER_ENV
        env = {k: os.environ[k] for k in names if k in os.environ}
        if not workers:
            workers = max(1, int(ray.cluster_resources().get("CPU", 1) / ACTOR_CPUS))
        workers = max(1, min(workers, len(jobs)))
        actor_class = _actor_class(ray).options(runtime_env={"env_vars": env} if env else None)
        actors = [actor_class.remote(task) for _ in range(workers)]
        pending = deque(jobs)
        in_flight: dict = {}  # object ref -> (job, actor)
        load = {i: 0 for i in range(workers)}

        def submit() -> None:
            while pending:
                i = min(load, key=load.get)
                if load[i] >= 2:
                    return
                job = pending.popleft()
                try:
                    check_regular(job.source)
                    data = Path(job.source).read_bytes()
                except (OSError, InputError) as exc:
                    error = str(exc) if isinstance(exc, InputError) else f"{job.source}: cannot read: {exc.strerror or exc}"
                    in_flight[ray.put(DocumentOutcome(DocumentRecord(
                        document=job.source, output=job.output, status="failed", run_signature=task.run_signature,
                        error=error)))] = (job, None)
                    continue
                in_flight[actors[i].translate.remote(job, data)] = (job, i)
                load[i] += 1

        submit()
        while in_flight:
            (ref,), _ = ray.wait(list(in_flight), num_returns=1)
            job, i = in_flight.pop(ref)
            if i is not None:
                load[i] -= 1
            try:
                outcome = ray.get(ref)
            except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError,
                    ray.exceptions.RayTaskError) as exc:
                outcome = DocumentOutcome(DocumentRecord(
                    document=job.source, output=job.output, status="failed", run_signature=task.run_signature,
                    error=f"the Ray worker died while translating it: {type(exc).__name__}"))
            submit()
            yield outcome
        for actor in actors:
            ray.kill(actor)
    finally:
        if started:
            ray.shutdown()


__all__ = ["ACTOR_CPUS", "OBJECT_STORE_BYTES", "check_address", "run", "start"]
