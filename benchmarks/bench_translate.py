"""Speed benchmark on a random-weight model of opus-mt-zh-en's exact shape.

Run: ``python benchmarks/bench_translate.py`` (about 10 minutes on 2 cores).

Variants, all on the sample report's segments, beam 4, in one run:

1. baseline: transformers generate(), one sentence at a time (a newcomer's loop);
2. our pipeline, transformers backend (token-budget batches);
3. our pipeline, CTranslate2 int8 backend;
4. a cached re-run of (3).

Random weights never emit EOS on purpose, so every variant is forced to the same
output length: min = max new tokens = ceil(1.3 x source tokens). The pipeline
variants include segmentation, glossary protection and every check; retries are
off (with random weights every segment fails its term checks and would be retried,
which a real model does not do). Each variant runs in its own process, so its peak
RSS is its own. The baseline may be measured on the first N sentences
(``--baseline-sentences``) to save time: its rate is in sentences/s either way.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"
MODEL_DIR = ROOT / "benchmarks" / "models" / "opus-mt-zh-en-shape"
RATIO = 1.3


def ensure_model() -> Path:
    from translator.tiny_model import build_model

    if not (MODEL_DIR / "config.json").is_file():
        build_model(MODEL_DIR, shape="opus-mt-zh-en", force=True)
    if not (MODEL_DIR / "ctranslate2" / "model.bin").is_file():
        from translator.engines.ctranslate2_engine import convert_model

        convert_model(str(MODEL_DIR), quantization="int8", force=True)
    return MODEL_DIR


def segments() -> list[str]:
    from translator.segmentation import segment_text

    return [s.text for s in segment_text(SAMPLE.read_text("utf-8")).segments]


def run_baseline(n: int, threads: int) -> dict:
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(threads)
    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    model = AutoModelForSeq2SeqLM.from_pretrained(MODEL_DIR).eval()
    texts = segments()[:n] if n else segments()
    start = time.perf_counter()
    with torch.inference_mode():
        for text in texts:
            batch = tok([text], return_tensors="pt")
            length = math.ceil(RATIO * batch["input_ids"].shape[1])
            model.generate(**batch, num_beams=4, min_new_tokens=length, max_new_tokens=length)
    return {"sentences": len(texts), "seconds": time.perf_counter() - start}


def run_pipeline(backend: str, cache_path: str | None, threads: int) -> dict:
    from translator import Pipeline

    pipe = Pipeline(model=str(MODEL_DIR), backend=backend, beams=4, retries=0, threads=threads,
                    min_length_ratio=RATIO, max_length_ratio=RATIO, max_length_extra=1,
                    use_cache=cache_path is not None, cache_path=cache_path, batch_size=32, token_budget=4096)
    start = time.perf_counter()
    doc = pipe.translate_file(SAMPLE)  # segmentation, terms, translation and checks, model load included
    return {"sentences": len(doc.segments), "seconds": time.perf_counter() - start,
            "cached": sum(s.cached for s in doc.segments)}


def child(args) -> None:
    if args.variant == "baseline":
        out = run_baseline(args.baseline_sentences, args.threads)
    else:
        out = run_pipeline(args.variant.split(":")[0], args.cache or None, args.threads)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def spawn(variant: str, args, cache: str = "") -> dict:
    cmd = [sys.executable, __file__, "--child", "--variant", variant, "--threads", str(args.threads),
           "--baseline-sentences", str(args.baseline_sentences), "--cache", cache]
    out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"})
    if out.returncode:
        sys.exit(f"{variant} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def help_time() -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "translator", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="CPU threads for every variant.")
    parser.add_argument("--baseline-sentences", type=int, default=60, help="Sentences for the slow baseline (0 = all).")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    ensure_model()
    cache = str(Path(tempfile.mkdtemp()) / "bench-cache.sqlite3")
    rows = [("1 baseline: transformers generate, 1 sentence at a time", spawn("baseline", args)),
            ("2 pipeline, transformers backend", spawn("transformers", args)),
            ("3 pipeline, ctranslate2 int8 backend", spawn("ctranslate2", args, cache)),
            ("4 pipeline, ctranslate2, cached re-run", spawn("ctranslate2:again", args, cache))]
    base_rate = rows[0][1]["sentences"] / rows[0][1]["seconds"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"threads {args.threads}; beam 4; forced output length = ceil({RATIO} x source tokens)")
    print(f"{'variant':<48} {'sent':>5} {'sec':>8} {'sent/s':>8} {'x base':>8} {'RSS MB':>8}")
    for name, r in rows:
        rate = r["sentences"] / r["seconds"]
        print(f"{name:<48} {r['sentences']:>5} {r['seconds']:>8.2f} {rate:>8.2f} {rate / base_rate:>8.1f} {r['peak_rss_mb']:>8.0f}")
    first, again = rows[2][1]["seconds"], rows[3][1]["seconds"]
    print(f"cached re-run vs first ctranslate2 run: {first / again:.0f}x faster ({rows[3][1]['cached']} segments from cache)")
    print(f"`translator --help` start-up (median of 5): {help_time():.3f} s")


if __name__ == "__main__":
    main()
