"""A 200,000-unit translation memory: exact and fuzzy lookup times for a whole report (issue 22).

Run: ``python benchmarks/bench_memory.py`` (about a minute on one core; ``--units`` for another size).

It builds a memory of ``--units`` approved units from real Chinese sentences: the sample report's
segments and the WMT21 news sentences in tests/data (newstest2021, Xinhua/Chinanews, July 2020), each
varied the way a year of reports varies them: other numbers (增长24.8% -> 增长28.3%), a few characters
replaced, clauses of two sentences joined. A tenth of the report's own segments are stored unchanged
(exact hits), another tenth with other numbers (fuzzy hits). Then, in this process:

1. ``build``: :meth:`TranslationMemory.add_many` of every unit (one transaction);
2. ``exact``: :meth:`TranslationMemory.exact` for every segment of the sample report (hits and misses),
   per lookup;
3. ``fuzzy index``: the first fuzzy lookup reads every source into memory, sorted by length;
4. ``fuzzy``: :meth:`TranslationMemory.fuzzy_many` for every segment of the report at 75% (top 5):
   candidates narrowed to lengths that can reach the threshold, then scored by rapidfuzz's
   ``process.extract`` (character Levenshtein);
5. ``consult``: what a run does (:func:`translator.memory.apply.consult`: exact, fuzzy, number edits, checks).

Copy the printed lines into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"
WMT = ROOT / "tests" / "data" / "wmt21" / "newstest2021-part.tsv"


def _sentences() -> tuple[list[str], list[str]]:
    """Return (the report's distinct segments, the pool of real sentences to vary)."""
    from translator.segmentation import segment_text

    report = list(dict.fromkeys(s.text for s in segment_text(SAMPLE.read_text("utf-8"), "sample").segments if s.text))
    news = [line.split("\t")[1] for line in WMT.read_text("utf-8").splitlines()[1:] if "\t" in line]
    pool = report + [s.text for line in news for s in segment_text(line, "wmt").segments if len(s.text) > 4]
    return report, pool


def _vary(rng: random.Random, text: str, chars: list[str], pool: list[str]) -> str:
    """Return ``text`` varied like next year's report: numbers, a few characters, or a clause from elsewhere."""
    text = re.sub(r"\d+(\.\d+)?", lambda m: str(round(rng.uniform(1, 999), 1 if m.group(1) else 0)).removesuffix(".0"),
                  text)
    roll = rng.random()
    if roll < 0.5:
        out = list(text)
        for _ in range(rng.randint(1, max(1, len(out) // 6))):
            out[rng.randrange(len(out))] = rng.choice(chars)
        return "".join(out)
    if roll < 0.8:
        head = text.split("，")[0]
        tail = rng.choice(pool).split("，")[-1]
        return f"{head}，{tail}"
    return text + rng.choice(chars) + rng.choice(chars)


def build_units(n: int, report: list[str], pool: list[str], seed: int = 0) -> list[tuple[str, str]]:
    """Return ``n`` distinct (Chinese, English) units; the English is a stand-in of matching length and numbers."""
    rng = random.Random(seed)
    chars = [c for c in "".join(pool) if "\u4e00" <= c <= "\u9fff"]
    units: dict[str, str] = {}

    def english(zh: str) -> str:
        numbers = re.findall(r"\d+(?:\.\d+)?", zh)
        return f"Approved English ({len(zh)} characters)" + "".join(f" {x}" for x in numbers) + "."

    for text in rng.sample(report, len(report) // 10):  # exact hits
        units[text] = english(text)
    for text in rng.sample(report, len(report) // 10):  # the same sentences with other numbers
        varied = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text)
        units.setdefault(varied, english(varied))
    while len(units) < n:
        zh = _vary(rng, rng.choice(pool), chars, pool)
        units.setdefault(zh, english(zh))
    return list(units.items())


class Clock:
    """Wall and CPU time of a block (the machine may be shared: CPU time is what the work costs)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from translator.glossary import load_glossary
    from translator.memory import TranslationMemory
    from translator.memory.apply import consult

    report, pool = _sentences()
    units = build_units(args.units, report, pool, args.seed)
    lengths = [len(zh) for zh, _ in units]
    print(f"memory: {len(units):,} units (source length mean {statistics.mean(lengths):.0f}, "
          f"median {statistics.median(lengths):.0f} characters); report: {len(report)} distinct segments")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tm.sqlite3"
        with TranslationMemory(path) as tm, Clock() as build:
            tm.add_many(units, origin="bench", approved_by="bench")
        size = path.stat().st_size  # after close: the write-ahead log is checkpointed into the file
        print(f"build: {build} ({len(units) / build.wall:,.0f} units/s), file {size / 1e6:.0f} MB")
        with TranslationMemory(path, read_only=True) as tm:
            tm.exact(report[0])  # the connection and the page cache warm
            passes, hits = [], 0
            for _ in range(5):
                with Clock() as one:
                    for text in report:
                        hits += tm.exact(text) is not None
                passes.append(one)
            best = min(passes, key=lambda c: c.wall)
            print(f"exact: {best.wall / len(report) * 1e6:.0f} µs wall, {best.cpu / len(report) * 1e6:.0f} µs CPU per "
                  f"lookup (best of 5 passes over the report; {hits // 5} of {len(report)} segments hit)")
            with Clock() as index:
                tm._fuzzy_index()
            print(f"fuzzy index: {index} (once per process, again after a write)")
            with Clock() as fuzzy:
                found = tm.fuzzy_many(report, threshold=0.75, limit=5)
            scores = [m[0].percent for m in found.values()]
            print(f"fuzzy: {fuzzy} for the whole report at 75%, top 5 ({fuzzy.cpu / len(report) * 1e3:.1f} ms CPU per "
                  f"segment); {len(found)} segments have a match (best {statistics.median(scores) if scores else 0:.0f}% "
                  "median)")
            glossary = load_glossary([str(ROOT / "glossary" / "zh-en.tsv")])
            with Clock() as step:
                result = consult(tm, report, glossary, 0.75)
            print(f"consult (a run's memory step, index built): {step}; {len(result.found)} segments from memory "
                  f"({sum(r['origin'] == 'memory-fuzzy-edited' for r in result.found.values())} number edits), "
                  f"{len(result.suggestions)} with suggestions")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")

if __name__ == "__main__":
    main()
