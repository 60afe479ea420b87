"""Speed benchmark on a random-weight model of opus-mt-zh-en's exact shape.

Run: ``python benchmarks/bench_translate.py`` (about 6 minutes on 2 cores).

Variants, all on the sample report's segments, beam 4, in one run:

1. baseline: transformers generate(), one sentence at a time (a newcomer's loop);
2. our pipeline, transformers backend (token-budget batches);
3. our pipeline, CTranslate2 int8 backend, default settings (output restricted
   to the target-side vocabulary, see translator/engines/target_vocabulary.py);
4. a cached re-run of (3);

and, to see what each idea gives: (3) with the full joint output vocabulary,
(3) with the corpus-built vmap shortlist, (3) with greedy decoding, (3) on one thread.

The model's sentencepiece models are padded to 32,000 pieces each, the size of
opus-mt-zh-en's (spm32k,spm32k), so 32,000 of its 65,001 ids are target-side
pieces, as many as the real model can have at most.

Random weights never emit EOS on purpose, so every variant is forced to the same
output length: min = max new tokens = ceil(1.3 x source tokens) (for the batched
variants, of the longest source in the batch, which only handicaps them). The pipeline
variants include segmentation, glossary protection and every check; retries are
off (with random weights every segment fails its term checks and would be retried,
which a real model does not do). Each variant runs in its own process, so its peak
RSS is its own. The baseline may be measured on the first N sentences
(``--baseline-sentences``) to save time: its rate is in sentences/s either way.

The vmap is built by ``translator models build-vmap`` from the sample and its
reference translation (in-domain; a deployment builds it from a large parallel
corpus). Random weights say nothing about its effect on quality: measure that
with ``translator evaluate`` on a real model before using ``--vmap``.
Peak RSS is each process's VmHWM. ``--write`` records the table in
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
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
    from translator.models.tiny import SHAPES, build_model

    if not (MODEL_DIR / "config.json").is_file() or target_pieces() != SHAPES["opus-mt-zh-en"].spm_pieces:
        shutil.rmtree(MODEL_DIR, ignore_errors=True)  # missing, or built before the tokenizers had 32k pieces
        build_model(MODEL_DIR, shape="opus-mt-zh-en", force=True)
    if not (MODEL_DIR / "ctranslate2" / "model.bin").is_file():
        from translator.engines.ctranslate2_engine import convert_model

        convert_model(str(MODEL_DIR), quantization="int8", force=True)
    if not (MODEL_DIR / "ctranslate2" / "vmap.txt").is_file():
        src = Path(tempfile.mkdtemp()) / "src.txt"
        src.write_text("\n".join(segments()) + "\n", "utf-8")
        subprocess.run([sys.executable, "-m", "translator", "models", "build-vmap", str(MODEL_DIR), "--src", str(src),
                        "--ref", str(ROOT / "samples" / "shibei-2023-report.en.ref.txt"), "--always", "500"], check=True)
    return MODEL_DIR


def target_pieces() -> int:
    import sentencepiece as spm

    path = MODEL_DIR / "target.spm"
    return spm.SentencePieceProcessor(model_file=str(path)).get_piece_size() if path.is_file() else 0


def segments() -> list[str]:
    from translator.segmentation.segmenter import segment_text

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


def run_pipeline(backend: str, cache_path: str | None, threads: int, beams: int = 4, vmap: bool = False,
                 full_vocab: bool = False) -> dict:
    from translator import Pipeline

    pipe = Pipeline(model=str(MODEL_DIR), backend=backend, beams=beams, retries=0, threads=threads,
                    min_length_ratio=RATIO, max_length_ratio=RATIO, max_length_extra=1, use_vmap=vmap,
                    target_vocab_only=not full_vocab,
                    use_cache=cache_path is not None, cache_path=cache_path, batch_size=16, token_budget=4096)
    start = time.perf_counter()
    doc = pipe.translate_file(SAMPLE)  # segmentation, terms, translation and checks, model load included
    return {"sentences": len(doc.segments), "seconds": time.perf_counter() - start,
            "cached": sum(s.cached for s in doc.segments)}


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM; ru_maxrss would include the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    name, *opts = args.variant.split(":")
    if name == "baseline":
        out = run_baseline(args.baseline_sentences, args.threads)
    else:
        out = run_pipeline(name, args.cache or None, 1 if "1thread" in opts else args.threads,
                           beams=1 if "greedy" in opts else 4, vmap="vmap" in opts, full_vocab="fullvocab" in opts)
    out["peak_rss_mb"] = peak_rss_mb()
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
    parser.add_argument("--write", action="store_true", help="Record the results in benchmarks/RESULTS.md.")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    ensure_model()
    cache = str(Path(tempfile.mkdtemp()) / "bench-cache.sqlite3")
    rows = [("1 baseline: transformers generate, 1 sentence at a time", spawn("baseline", args)),
            ("2 pipeline, transformers backend", spawn("transformers", args)),
            ("3 pipeline, ctranslate2 int8 (default settings)", spawn("ctranslate2", args, cache)),
            ("4 cached re-run of 3", spawn("ctranslate2:again", args, cache)),
            ("5 = 3 with the full joint output vocabulary", spawn("ctranslate2:fullvocab", args)),
            ("6 = 3 with the corpus vmap shortlist (--vmap)", spawn("ctranslate2:vmap", args)),
            ("7 = 3 with greedy decoding (beam 1)", spawn("ctranslate2:greedy", args)),
            ("8 = 3 on 1 thread", spawn("ctranslate2:1thread", args))]
    base_rate = rows[0][1]["sentences"] / rows[0][1]["seconds"]
    lines = [f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
             f"Python {platform.python_version()}; threads {args.threads}; beam 4 unless noted; "
             f"forced output length = ceil({RATIO} x source tokens); model load included for 2-8, not for 1",
             "",
             f"| {'variant':<55} | sent | seconds | sent/s | x baseline | peak RSS MB |",
             f"|{'-' * 57}|-----:|--------:|-------:|-----------:|------------:|"]
    for name, r in rows:
        rate = r["sentences"] / r["seconds"]
        lines.append(f"| {name:<55} | {r['sentences']:>4} | {r['seconds']:>7.2f} | {rate:>6.2f} | {rate / base_rate:>10.1f} | "
                     f"{r['peak_rss_mb']:>11.0f} |")
    first, again = rows[2][1]["seconds"], rows[3][1]["seconds"]
    lines.append("")
    lines.append(f"cached re-run vs its first run: {first / again:.0f}x faster ({rows[3][1]['cached']} of "
                 f"{rows[3][1]['sentences']} segments from the cache)")
    lines.append(f"`translator --help` start-up (median of 5): {help_time():.3f} s")
    print("\n".join(lines))
    if args.write:
        from translator.textio import write_atomic

        results = ROOT / "benchmarks" / "RESULTS.md"
        head = results.read_text("utf-8").split("<!-- results -->")[0] if results.is_file() else "# Benchmark results\n\n"
        write_atomic(results, head + "<!-- results -->\n\n" + time.strftime("%Y-%m-%d") + ", `python benchmarks/bench_translate.py --write`\n\n"
                     + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
