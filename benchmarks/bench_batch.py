"""Corpus benchmark: a plain translate_file loop vs the local executor vs Ray, on this machine.

Run: ``python benchmarks/bench_batch.py [--write]`` (a few minutes on 2 cores).

The corpus: the sample report cut into ``--parts`` pieces at paragraph boundaries, each in
``--variants`` versions (every line of version k starts with a different marker), so no two
documents share a segment; at least 40 documents. The segment cache is off in every variant,
so every segment is translated each time.

The model is the random-weight model of opus-mt-zh-en's exact shape with the CTranslate2 int8
backend, as in ``bench_translate.py`` (built there on first use), beam 4, retries off, outputs
forced to ceil(1.3 x source tokens). Variants, each in its own process:

(a) one process, one pipeline, a plain loop over ``translate_file`` + ``render`` + atomic write,
    2 threads (CTranslate2: 2 workers of 1 thread, the engine's best on 2 cores);
(b) ``translate_corpus(executor="local", workers=2)``: 2 processes, 1 thread each;
(c) ``translate_corpus(executor="ray", workers=2)`` on a Ray started here with 2 CPUs; Ray's start-up
    (``ray.init``) is timed apart, the corpus time counts from the first actor creation.

Every time includes model loads (once in (a), once per worker in (b), (c)). Peak memory is the
largest sum of the RSS of the variant's process tree (driver, workers, Ray's daemons), sampled
every 0.2 s; CPU seconds are that tree's user + system time, and "cores used" = CPU s / wall s (on a
CPU shared with other jobs it shows how much of the 2 cores each variant actually got). ``--write`` appends a section to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_translate import MODEL_DIR, RATIO, SAMPLE, ensure_model  # noqa: E402

ROOT = HERE.parent


def settings() -> dict:
    return dict(model=str(MODEL_DIR), backend="ctranslate2", beams=4, retries=0, min_length_ratio=RATIO,
                max_length_ratio=RATIO, max_length_extra=1, use_cache=False, batch_size=16, token_budget=4096)


def make_corpus(folder: Path, parts: int, variants: int) -> list[Path]:
    """Cut the sample into ``parts`` pieces at blank lines, ``variants`` versions of each."""
    paragraphs = [p for p in SAMPLE.read_text("utf-8").split("\n\n") if p.strip()]
    size = -(-len(paragraphs) // parts)
    pieces = [paragraphs[i:i + size] for i in range(0, len(paragraphs), size)]
    markers = ["", "据悉,", "另外,", "同时,", "此外,", "报道称,"]
    paths = []
    for v in range(variants):
        for i, piece in enumerate(pieces):
            text = "\n\n".join("\n".join(markers[v % len(markers)] + line.lstrip() if line.strip() else line
                                         for line in p.splitlines()) for p in piece)
            path = folder / f"v{v}" / f"part{i:02d}.zh.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", "utf-8")
            paths.append(path)
    return paths


TICKS = os.sysconf("SC_CLK_TCK")


def tree_usage(root: int) -> tuple[float, dict[int, float]]:
    """Return (sum of the RSS in MB, CPU seconds per pid) of ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
        rss[pid] = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    keep, changed = {root}, True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in keep and pid not in keep:
                keep.add(pid)
                changed = True
    return sum(rss.get(pid, 0) for pid in keep) / 1024, {pid: cpu[pid] for pid in keep if pid in cpu}


class PeakMemory:
    """Sample this process tree in a thread: ``peak`` is the largest RSS sum seen, ``cpu`` the CPU seconds used
    (each process's last sample; a process that lives less than a sample is missed)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self.cpu_by_pid: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        rss, cpu = tree_usage(os.getpid())
        self.peak = max(self.peak, rss)
        self.cpu_by_pid.update(cpu)

    @property
    def cpu(self) -> float:
        return sum(self.cpu_by_pid.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def child(variant: str, corpus: Path, out: Path, workers: int) -> dict:
    from translator.batch import translate_corpus

    files = sorted(corpus.rglob("*.txt"))
    result: dict = {"documents": len(files)}
    with PeakMemory() as memory:
        if variant == "loop":
            from translator import Pipeline
            from translator.formats import render
            from translator.textio import write_atomic

            start = time.perf_counter()
            pipeline = Pipeline.from_settings(settings() | {"threads": 2})
            segments = 0
            for path in files:
                doc = pipeline.translate_file(str(path))
                write_atomic(out / f"{path.parent.name}-{path.stem}.en.txt", render(doc, "txt"))
                segments += len(doc.segments)
            result |= {"seconds": time.perf_counter() - start, "segments": segments}
        else:
            startup = 0.0
            if variant == "ray":
                from translator.batch.executors.ray_executor import start as start_ray

                t0 = time.perf_counter()
                start_ray(num_cpus=workers)
                startup = time.perf_counter() - t0
            start = time.perf_counter()
            report = translate_corpus([str(corpus)], settings(), out, executor=variant, workers=workers,
                                      progress=False)
            result |= {"seconds": time.perf_counter() - start, "segments": report.segments, "startup": startup,
                       "failed": report.failed}
            if variant == "ray":
                import ray

                ray.shutdown()
    result["peak_mb"] = memory.peak
    result["cpu_seconds"] = memory.cpu
    result["load"] = os.getloadavg()[0]
    return result


def spawn(variant: str, corpus: Path, workers: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix=f"bench-batch-{variant}-"))
    cmd = [sys.executable, __file__, "--child", variant, "--corpus", str(corpus), "--out", str(out),
           "--workers", str(workers)]
    env = os.environ | {"HF_HUB_OFFLINE": "1", "RAY_USAGE_STATS_ENABLED": "0"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"{variant} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import ray

    return (f"{cpu}, {os.cpu_count()} cores, {mem} MB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, Ray {ray.__version__}; the CPU is shared with other jobs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help="Workers of (b) and (c).")
    parser.add_argument("--parts", type=int, default=24, help="Pieces the sample is cut into.")
    parser.add_argument("--variants", type=int, default=2, help="Versions of each piece.")
    parser.add_argument("--write", action="store_true", help="Append the results to benchmarks/RESULTS.md.")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, Path(args.corpus), Path(args.out), args.workers)))
        return
    ensure_model()
    corpus = Path(tempfile.mkdtemp(prefix="bench-batch-corpus-"))
    files = make_corpus(corpus, args.parts, args.variants)
    results = {name: spawn(name, corpus, args.workers) for name in ("loop", "local", "ray")}
    base = results["loop"]["seconds"]
    rows = [("(a) plain loop over translate_file, 1 process x 2 threads", results["loop"]),
            (f"(b) local executor, {args.workers} processes x 1 thread", results["local"]),
            (f"(c) Ray executor, {args.workers} actors x 1 thread (after Ray start-up)", results["ray"])]
    lines = [
        f"## Corpus batches (issue 15): plain loop vs local executor vs Ray\n",
        f"{time.strftime('%Y-%m-%d')}, `python benchmarks/bench_batch.py --write`\n",
        f"machine: {machine()}\n",
        f"corpus: {len(files)} documents ({args.parts} pieces of the sample x {args.variants} versions), "
        f"{results['loop']['segments']} segments, none shared, segment cache off; random-weight opus-mt-zh-en-shape "
        f"model, ctranslate2 int8, beam 4, outputs forced to ceil({RATIO} x source tokens); model loads included\n",
        "| variant | docs/s | segments/s | seconds | x plain loop | peak memory MB | CPU s | cores used | "
        "segments per CPU s | load avg at end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        lines.append(f"| {name} | {r['documents'] / r['seconds']:.2f} | {r['segments'] / r['seconds']:.2f} | "
                     f"{r['seconds']:.1f} | {base / r['seconds']:.2f} | {r['peak_mb']:.0f} | {r['cpu_seconds']:.0f} | "
                     f"{r['cpu_seconds'] / r['seconds']:.2f} | {r['segments'] / r['cpu_seconds']:.2f} | {r['load']:.1f} |")
    local, ray_ = results["local"]["seconds"], results["ray"]["seconds"]
    lines += ["", f"Ray's fixed start-up (`ray.init` on this machine, 2 CPUs): {results['ray']['startup']:.1f} s; "
              f"Ray vs local once started: {100 * (ray_ / local - 1):+.0f}% time "
              f"({100 * (ray_ + results['ray']['startup']) / local - 100:+.0f}% with start-up).",
              f"Per worker: {results['local']['segments'] / local / args.workers:.2f} segments/s "
              f"({results['local']['documents'] / local / args.workers:.3f} documents/s of this size)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = HERE / "RESULTS.md"
        path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\n" + text, "utf-8")


if __name__ == "__main__":
    main()
