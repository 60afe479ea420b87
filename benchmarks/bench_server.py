"""Server benchmark: cross-request batching against a server that translates one request at a time.

Run: ``python benchmarks/bench_server.py --write`` (about 10 minutes on 2 quiet cores).

Two servers, each a real uvicorn process of ``translator serve`` on 127.0.0.1, on the random-weight
model of opus-mt-zh-en's exact shape with the real tokenizer (benchmarks/bench_translate.py builds it;
CTranslate2 int8), with bench_translate's forced-length method (every output exactly 1.3 x its source
tokens, so random weights decode as long as a real model would), retries and the segment cache off:

* ``batching``: ours: texts of concurrent requests are gathered into shared engine batches;
* ``one-at-a-time``: the same engine and pipeline, but every request is translated on its own, one
  after another, and the items of a list one by one: what LibreTranslate does.

Two workloads, each with 16 concurrent clients (threads with their own HTTP connection):

* ``single``: the sample report's segments, one per request (a script or Mastodon-like load);
* ``lists``: the same segments in Weblate-style lists of 20 per request.

Printed per server and workload: throughput (segments/s), request latency p50/p95, the server's
peak RSS; the repetitions are interleaved (each server in turn), medians reported, and the ratio
batching / one-at-a-time is computed within each repetition. What other work did on the CPU during
each run is measured as in bench_translate.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_translate import RATIO, cpu_busy_seconds, ensure_model, machine_info, segments  # noqa: E402

CLIENTS = 16
LIST_SIZE = 20
SERVERS = {"batching": True, "one-at-a-time": False}


def serve_child(kind: str, model: str, threads: int) -> None:
    """Run one server (in this process) and print its URL on stdout."""
    from translator import PipelineSettings
    from translator.server import ServerConfig, serve

    settings = PipelineSettings(model=model, backend="ctranslate2", retries=0, use_cache=False, threads=threads,
                                min_length_ratio=RATIO, max_length_ratio=RATIO, max_length_extra=1)
    config = ServerConfig(cross_request_batching=SERVERS[kind])
    serve(settings, config, "127.0.0.1", 0, announce=lambda line: print(line, flush=True))


def start(kind: str, model: Path, threads: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve-child", kind, "--model", str(model),
                             "--threads", str(threads)], stdout=subprocess.PIPE, text=True,
                            env=os.environ | {"HF_HUB_OFFLINE": "1"})
    for line in proc.stdout:
        if "serving on" in line:
            return proc, line.split("serving on ", 1)[1].split()[0]
    sys.exit(f"the {kind} server did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(url: str, requests: list[list[str] | str]) -> dict:
    """Send ``requests`` from CLIENTS concurrent clients; return throughput and latencies."""
    todo = list(enumerate(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[str] = []

    def client() -> None:
        with httpx.Client(base_url=url, timeout=600) as c:
            while True:
                with lock:
                    if not todo:
                        return
                    _, q = todo.pop(0)
                t0 = time.perf_counter()
                r = c.post("/translate", json={"q": q, "source": "zh", "target": "en"})
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    if r.status_code != 200:
                        failures.append(r.text)

    busy0, _ = cpu_busy_seconds()
    own0 = os.times()
    wall0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall0
    busy1, _ = cpu_busy_seconds()
    if failures:
        sys.exit(f"{len(failures)} requests failed: {failures[0]}")
    count = sum(len(q) if isinstance(q, list) else 1 for q in requests)
    latencies.sort()
    return {"segments": count, "seconds": wall, "rate": count / wall,
            "p50": statistics.median(latencies), "p95": latencies[int(0.95 * (len(latencies) - 1))],
            "busy_cores": (busy1 - busy0) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N segments (a quick look).")
    parser.add_argument("--write", action="store_true", help="Record the table in benchmarks/RESULTS.md.")
    parser.add_argument("--serve-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--model", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_child:
        serve_child(args.serve_child, args.model, args.threads)
        return
    model = ensure_model()
    texts = [t for t in segments() if t]
    if args.limit:
        texts = texts[:args.limit]
    workloads = {"single": list(texts), "lists": [texts[i:i + LIST_SIZE] for i in range(0, len(texts), LIST_SIZE)]}
    runs: dict[tuple[str, str], list[dict]] = {}
    for rep in range(args.repeats):
        for kind in SERVERS:
            proc, url = start(kind, model, args.threads)
            try:
                for workload, requests in workloads.items():
                    out = load(url, requests) | {"rss": peak_rss_mb(proc.pid)}
                    runs.setdefault((kind, workload), []).append(out)
                    print(f"run {rep + 1} {kind:14} {workload:7} {out['rate']:6.2f} seg/s  p50 {out['p50']:6.2f} s  "
                          f"p95 {out['p95']:6.2f} s  busy {out['busy_cores']:.2f} cores", flush=True)
            finally:
                proc.terminate()
                proc.wait()
    lines = ["| server | workload | segments/s (median, min-max) | p50 latency s | p95 latency s | server peak RSS MB |",
             "|---|---|---|---|---|---|"]
    for (kind, workload), rs in runs.items():
        rates = [r["rate"] for r in rs]
        lines.append(f"| {kind} | {workload} | {statistics.median(rates):.2f} ({min(rates):.2f}-{max(rates):.2f}) | "
                     f"{statistics.median(r['p50'] for r in rs):.2f} | {statistics.median(r['p95'] for r in rs):.2f} | "
                     f"{max(r['rss'] for r in rs):.0f} |")
    verdict = []
    for workload in workloads:
        ratios = [a["rate"] / b["rate"] for a, b in zip(runs[("batching", workload)], runs[("one-at-a-time", workload)])]
        p95 = [a["p95"] / b["p95"] for a, b in zip(runs[("batching", workload)], runs[("one-at-a-time", workload)])]
        verdict.append(f"- {workload}: batching is **{statistics.median(ratios):.2f}x** the one-at-a-time server's "
                       f"throughput (per repetition: {', '.join(f'{r:.2f}' for r in ratios)}); p95 latency "
                       f"{statistics.median(p95):.2f}x of its p95 (lower is better); target 1.5x and p95 no worse: "
                       f"{'met' if statistics.median(ratios) >= 1.5 and statistics.median(p95) <= 1.0 else 'NOT met'}")
    text = "\n".join([f"{CLIENTS} concurrent clients, {len(texts)} segments of the sample report, {args.repeats} "
                      f"interleaved repetitions, {args.threads} threads, forced length {RATIO} x source tokens.", "",
                      *machine_info(), "", *lines, "", *verdict])
    print(text)
    if args.write:
        results = HERE / "RESULTS.md"
        current = results.read_text("utf-8") if results.exists() else ""
        head = "## Server: cross-request batching (benchmarks/bench_server.py)"
        section = f"{head}\n\n{time.strftime('%Y-%m-%d')}\n\n{text}\n"
        if head in current:
            before, _, after = current.partition(head)
            rest = after.split("\n## ", 1)
            current = before + section + ("\n## " + rest[1] if len(rest) > 1 else "")
        else:
            current = current.rstrip("\n") + "\n\n" + section
        results.write_text(current, "utf-8")


if __name__ == "__main__":
    main()
