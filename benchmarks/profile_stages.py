"""Where the CTranslate2 pipeline's time goes, on the benchmark model (run bench_translate.py once first).

Run: ``python benchmarks/profile_stages.py`` (about a minute). Prints, each the
median of ``--reps`` runs in fresh processes:

* engine start-up, by part: the Marian tokenizer (two sentencepiece models and
  the 65,001-entry vocab.json), the target-side vocabulary, the CTranslate2
  model load with the generated vmap, and the first batch (4 segments) against
  a later one;
* every segment check's time over the whole report, on the English of one
  pipeline run (the number check included);
* the pipeline stages of one run under cProfile (top functions by own time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "benchmarks" / "models" / "opus-mt-zh-en-shape"
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"
RATIO = 1.3


def startup() -> dict:
    """Time the engine's start-up parts and a first against a later batch (one process)."""
    import ctranslate2

    from translator.engines.base import DecodeSettings
    from translator.engines.ctranslate2_engine import CTranslate2Engine, _load_with_vmap
    from translator.engines.marian_tokenizer import MarianSpmTokenizer
    from translator.engines.target_vocabulary import always_allowed_vmap, target_side_tokens
    from translator.segmentation.segmenter import segment_text

    ct2_dir = MODEL_DIR / "ctranslate2"
    out = {}
    t = time.perf_counter()
    tok = MarianSpmTokenizer(ct2_dir)
    out["tokenizer"] = time.perf_counter() - t
    t = time.perf_counter()
    tokens = target_side_tokens(tok)
    out["target vocabulary"] = time.perf_counter() - t
    t = time.perf_counter()
    translator = _load_with_vmap(ctranslate2, ct2_dir, always_allowed_vmap(tokens),
                                 dict(device="cpu", compute_type="int8", intra_threads=1, inter_threads=2))
    out["ctranslate2 load (vmap)"] = time.perf_counter() - t
    del translator
    t = time.perf_counter()
    engine = CTranslate2Engine(str(MODEL_DIR), threads=2)
    out["whole engine start-up"] = time.perf_counter() - t
    texts = [s.text for s in segment_text(SAMPLE.read_text("utf-8")).segments][40:48]
    settings = DecodeSettings(beams=4, min_length_ratio=RATIO, max_length_ratio=RATIO, max_length_extra=1, batch_size=4)
    t = time.perf_counter()
    engine.translate(texts[:4], settings)
    out["first batch (4 segments)"] = time.perf_counter() - t
    t = time.perf_counter()
    engine.translate(texts[4:], settings)
    out["a later batch (4 segments)"] = time.perf_counter() - t
    return out


def checks() -> dict:
    """Time every segment check over the report's segments, on the English of one pipeline run."""
    from translator import Pipeline
    from translator.checks import CHECKS
    from translator.checks.base import CheckInput

    pipe = Pipeline(model=str(MODEL_DIR), backend="ctranslate2", retries=0, use_cache=False, min_length_ratio=RATIO,
                    max_length_ratio=RATIO, max_length_extra=1)
    doc = pipe.translate_file(SAMPLE)
    items = [CheckInput(source=s.source, target=s.target, glossary=pipe.glossary) for s in doc.segments]
    out = {}
    for name, check in CHECKS.items():
        t = time.perf_counter()
        for item in items:
            check(item)
        out[f"check {name} ({len(items)} segments)"] = time.perf_counter() - t
    return out


def profile() -> dict:
    """cProfile one pipeline run; return the top functions by own time."""
    from translator import Pipeline

    pipe = Pipeline(model=str(MODEL_DIR), backend="ctranslate2", retries=0, use_cache=False, min_length_ratio=RATIO,
                    max_length_ratio=RATIO, max_length_extra=1)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    pipe.translate_file(SAMPLE)
    prof.disable()
    total = time.perf_counter() - t
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(r"translator/", 25)
    return {"total": total, "text": buf.getvalue()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["startup", "checks", "profile"], help=argparse.SUPPRESS)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    if args.part:
        print(json.dumps({"startup": startup, "checks": checks, "profile": profile}[args.part]()))
        return
    for part in ("startup", "checks"):
        runs = []
        for _ in range(args.reps):
            out = subprocess.run([sys.executable, __file__, "--part", part], capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        for key in runs[0]:
            values = [r[key] for r in runs]
            print(f"{key:<45} {statistics.median(values):7.3f} s  ({min(values):.3f}-{max(values):.3f})")
    out = subprocess.run([sys.executable, __file__, "--part", "profile"], capture_output=True, text=True, check=True)
    prof = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\ncProfile of one pipeline run ({prof['total']:.1f} s under the profiler):\n{prof['text']}")


if __name__ == "__main__":
    main()
