"""Big term bases: load, match and import times (issue 12).

Run: ``python benchmarks/bench_glossary.py`` (about half a minute on one core).

It generates a realistic term base of ``--entries`` entries (default 100,000,
the size of national terminology lists): Chinese sources of 2-8 characters
drawn from the character frequencies of the sample report, a tenth of them
compounds of two other sources (so nested sources occur, as in real lists),
some Latin-script abbreviations and ``dnt`` entries, each with an English
target. It then measures, in this process:

1. ``load``: :func:`translator.glossary.load_glossary` (parse, validate,
   cross-check duplicates and nested sources, build the matcher);
2. ``match``: :meth:`Glossary.find` on every segment of the sample report;
3. ``import``: ``translator glossary import`` of 4,000 new entries into the
   generated file (:class:`~translator.glossary.editing.TermBaseFile` add +
   save), the file being 100,000 entries long.

``--write`` appends nothing: copy the printed lines into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import string
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"
WORDS = ("development innovation district industrial park city service centre platform reform rural urban "
         "technology enterprise cooperation investment economic zone digital green port trade finance "
         "culture tourism health education transport energy water ecological safety public").split()


def _chars(text: str) -> tuple[list[str], list[int]]:
    counts = Counter(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    chars = sorted(counts)
    return chars, [counts[c] for c in chars]


def generate(n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """Return ``n`` distinct (source, target, type) rows."""
    rng = random.Random(seed)
    chars, weights = _chars(SAMPLE.read_text("utf-8"))
    seen: set[str] = set()
    rows: list[tuple[str, str, str]] = []
    while len(rows) < n:
        r = rng.random()
        if r < 0.1 and len(rows) > 100:  # a compound of two earlier terms: nested sources
            a, b = rng.choice(rows)[0], rng.choice(rows)[0]
            source, target, kind = a + b, f"{rng.choice(WORDS)} {rng.choice(WORDS)} {len(rows)}", "term"
        elif r < 0.13:
            source = "".join(rng.choices(string.ascii_uppercase, k=rng.randint(2, 5))) + str(rng.randint(0, 99))
            target, kind = source, "dnt"
        else:
            source = "".join(rng.choices(chars, weights, k=rng.randint(2, 8)))
            target, kind = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {len(rows)}", "term"
        if source not in seen and not source[0].isdigit():
            seen.add(source)
            rows.append((source, target, kind))
    return rows


def write_tsv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """Write rows as a term base file."""
    lines = ["source\ttarget\tvariants\ttype"] + [f"{s}\t{t}\t\t{k}" for s, t, k in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--import-entries", type=int, default=4_000)
    args = parser.parse_args()

    from translator.glossary import load_glossary
    from translator.glossary.editing import TermBaseFile
    from translator.glossary.exchange import read_entries
    from translator.segmentation import segment_text

    rows = generate(args.entries + args.import_entries)
    base, extra = rows[: args.entries], rows[args.entries:]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.tsv"
        write_tsv(path, base)
        t = time.perf_counter()
        glossary = load_glossary([path], strict=False)
        load_s = time.perf_counter() - t
        nested = sum(p.severity == "info" for p in glossary.problems)

        segments = [s.text for s in segment_text(SAMPLE.read_text("utf-8")).segments]
        t = time.perf_counter()
        found = sum(len(glossary.find(s)) for s in segments)
        match_s = time.perf_counter() - t

        new = Path(tmp) / "new.tsv"
        write_tsv(new, extra)
        t = time.perf_counter()
        tb = TermBaseFile(path)
        counts = Counter(tb.add(e) for e in read_entries(str(new)))
        tb.save()
        import_s = time.perf_counter() - t

    print(f"entries: {len(glossary.entries):,} ({nested:,} nested-source infos)")
    print(f"load:   {load_s:6.2f} s")
    print(f"match:  {match_s:6.2f} s for {len(segments)} segments of the sample report ({found:,} matches)")
    print(f"import: {import_s:6.2f} s for {args.import_entries:,} entries into the {args.entries:,}-entry file "
          f"({dict(counts)})")


if __name__ == "__main__":
    main()
