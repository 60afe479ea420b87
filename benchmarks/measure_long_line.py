"""Throughput on one very long line with no punctuation (issue 12).

Run: ``python benchmarks/measure_long_line.py --model DIR [--backend ctranslate2]``

Builds a line of ``--size`` bytes (default 5 MB) of Chinese characters drawn
from the sample report's character frequencies, with no punctuation at all,
then measures:

1. ``split``: cutting it into model-sized pieces (token windows of at most
   ``--max-input-tokens``) with the model's tokenizer;
2. ``translate``: the first ``--windows`` pieces through the pipeline (each piece
   is a cached unit, as the pipeline translates such a line), in pieces per second;

and projects the time for the whole line. With random weights (the benchmark
models) the output length is forced to 1.3 x the source tokens, as in
bench_translate.py, since such a model never stops on its own.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"


def make_line(size: int, seed: int = 0) -> str:
    """Return about ``size`` UTF-8 bytes of CJK characters with no punctuation."""
    counts = Counter(ch for ch in SAMPLE.read_text("utf-8") if "\u4e00" <= ch <= "\u9fff")
    chars = sorted(counts)
    rng = random.Random(seed)
    return "".join(rng.choices(chars, [counts[c] for c in chars], k=size // 3))


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--size", type=int, default=5_000_000)
    parser.add_argument("--windows", type=int, default=64)
    parser.add_argument("--max-input-tokens", type=int, default=200)
    parser.add_argument("--beams", type=int, default=4)
    parser.add_argument("--random-weights", action="store_true", help="Force output length to 1.3 x source tokens.")
    args = parser.parse_args()

    from translator import Pipeline
    from translator.segmentation.long_segments import split_to_budget

    line = make_line(args.size)
    extra = dict(min_length_ratio=1.3, max_length_ratio=1.3, max_length_extra=0) if args.random_weights else {}
    p = Pipeline(model=args.model, backend=args.backend, beams=args.beams, retries=0, use_glossary=False,
                 use_cache=False, max_input_tokens=args.max_input_tokens, **extra)
    engine = p.engine
    budget = min(args.max_input_tokens, engine.max_input_tokens)
    t = time.perf_counter()
    pieces = split_to_budget(line, engine.count_tokens, budget)
    split_s = time.perf_counter() - t
    sample = [x.text for x in pieces[: args.windows]]
    t = time.perf_counter()
    p.translate_segments(sample)
    rate = len(sample) / (time.perf_counter() - t)
    total_h = len(pieces) / rate / 3600
    print(f"line: {len(line):,} characters ({len(line.encode('utf-8')):,} bytes), no punctuation")
    print(f"split: {len(pieces):,} pieces of <= {budget} tokens in {split_s:.1f} s")
    print(f"translate ({p.backend}, beams {args.beams}): {rate:.2f} pieces/s = {rate * len(line) / len(pieces):,.0f} "
          f"characters/s on the first {len(sample)} pieces")
    print(f"projected for the whole line: {total_h:.1f} h")


if __name__ == "__main__":
    main()
