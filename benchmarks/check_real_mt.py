"""Measure the checks on real text: WMT21 zh-en news (human reference and two MT systems).

Reads ``newstest2021.zh``, ``newstest2021.ref.en``, ``newstest2021.mt-*.en`` and the hand-classified
number flags ``newstest2021.ref-number-flags.tsv`` from a folder (default ``../shared/real-zh-en``), and

* on the human reference: counts the number flags, how many are classified real errors (T1/T2), how many
  are classified false (FP) or not classified at all (counted as false), and whether every T1/T2 finding is
  still flagged; precision = real / all flags;
* on each MT output: the flag rate by check and severity, with examples;

then writes ``benchmarks/CHECKS_ON_REAL_MT.md`` (``--out`` to change) and prints the reference summary.

Usage: ``python benchmarks/check_real_mt.py [--data DIR] [--out FILE] [--lines A-B]``
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

from translator.checks import CheckInput, run_checks
from translator.checks.numbers import compare_numbers, extract_english
from translator.textio import write_atomic

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent.parent / "shared" / "real-zh-en"
if not DEFAULT_DATA.exists():
    DEFAULT_DATA = Path("/work/shared/real-zh-en")


#: The output file keeps everything from this heading on when it is rewritten.
KEEP_FROM = "## Other test sets"


def read_lines(path: Path) -> list[str]:
    """Return the lines of a line-aligned file (no trailing newline)."""
    return path.read_text("utf-8").split("\n")[:-1] if path.read_text("utf-8").endswith("\n") else path.read_text("utf-8").split("\n")


def read_classified(path: Path) -> dict[tuple[int, str], list[str]]:
    """Return ``{(line, source_text): [class+reason, ...]}`` from the classified flag list."""
    out: dict[tuple[int, str], list[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            label = row["reason"] if row["class"] == "TP" else row["class"]
            out.setdefault((int(row["line"]), row["source_text"]), []).append(label)
    return out


def has_number(text: str) -> bool:
    """Return True when a Chinese sentence has a digit or a Chinese numeral."""
    return any(c.isdigit() or c in "零〇一二两三四五六七八九十百千万亿" for c in text)


def reference_precision(zh: list[str], ref: list[str], classified: dict, lines: range) -> dict:
    """Number flags on the human reference against the hand classification."""
    real = false = amb = 0
    unclassified, false_rows, flagged_keys = [], [], Counter()
    for i in lines:
        for flag in run_checks(CheckInput(zh[i - 1], ref[i - 1]), ["number"]):
            # a date or time missing as a whole is one flag listing its parts; the list classifies parts
            texts = [p["source_text"] for p in flag.details["parts"]] if "parts" in flag.details else [
                flag.details.get("source_text", "")]
            found = []
            for text in texts:
                key = (i, text)
                labels = classified.get(key, [])
                k = flagged_keys[key]
                flagged_keys[key] += 1
                found.append(labels[k] if k < len(labels) else (labels[-1] if labels else None))
            label = next((lab for lab in ("T1", "T2", "AMB") if lab in found), found[0])
            if label in ("T1", "T2"):
                real += 1
            elif label == "AMB":
                amb += 1
            else:
                false += 1
                (false_rows if label else unclassified).append((i, getattr(flag, "severity", "error"), flag.message))
    wanted = [(key, lab) for key, labs in classified.items() for lab in labs if lab in ("T1", "T2") and key[0] in lines]
    missed = sorted({key for key, _ in wanted if flagged_keys[key] < sum(1 for k2, _ in wanted if k2 == key)})
    total = real + false + amb
    with_numbers = sum(1 for i in lines if has_number(zh[i - 1]))
    return {"flags": total, "real": real, "ambiguous": amb, "false": false, "precision": (real + amb) / total if total else 1.0,
            "real_wanted": len(wanted), "real_missed": missed, "sentences_with_numbers": with_numbers,
            "false_per_100": 100 * false / max(1, with_numbers), "false_rows": false_rows, "unclassified": unclassified}


def corruptions(zh: str, ref: str) -> list[tuple[str, str]]:
    """Return (kind, corrupted English) pairs: realistic errors planted in a reference line."""
    out = []
    source = compare_numbers(zh, ref).source
    values = {q.value for q in source if not q.implicit}
    english = extract_english(ref)
    for q in english:  # wrong digits: the last digit of a figure that renders a source value
        if q.soft or not re.fullmatch(r"\d[\d,]*(?:\.\d+)?", q.text) or ref[q.pos - 1:q.pos] == ":" or q.value not in values:
            continue
        if sum(e.text == q.text for e in english) > 1:
            continue
        new = q.text[:-1] + str((int(q.text[-1]) + 1) % 10)
        if float(new.replace(",", "")) not in values:
            out.append(("wrong digits", ref[:q.pos] + new + ref[q.pos + len(q.text):]))
    for kind, old, new in (("wrong scale", " million", " billion"), ("wrong scale", " billion", " million"),
                           ("wrong scale", ",000 ", " "), ("% vs points", "%", " percentage points")):
        m = re.search(r"(?<=\d)" + re.escape(old) + (r"(?![A-Za-z])" if old[-1].isalpha() else ""), ref)
        if m:
            out.append((kind, ref[:m.start()] + new + ref[m.end():]))
    for m in re.finditer(r"\d[\d,.]*(?: (?:million|billion))?(?:%| percent| yuan)", ref):  # a dropped amount
        q = next(iter(extract_english(m.group(0))), None)
        if q is not None and q.value in values and sum(e.value == q.value for e in english) == 1:
            out.append(("dropped amount", ref[:m.start()] + "some" + ref[m.end():]))
    return out


def recall(zh: list[str], ref: list[str], lines: range) -> dict[str, tuple[int, int]]:
    """Caught / planted corruptions by kind, on reference lines with numbers where the checks are silent."""
    result: dict[str, list[int]] = {}
    for i in lines:
        if not has_number(zh[i - 1]) or run_checks(CheckInput(zh[i - 1], ref[i - 1]), ["number"]):
            continue
        for kind, bad in corruptions(zh[i - 1], ref[i - 1]):
            caught = bool(run_checks(CheckInput(zh[i - 1], bad), ["number", "swapped", "unit"]))
            counts = result.setdefault(kind, [0, 0])
            counts[0] += caught
            counts[1] += 1
    return {k: (c, n) for k, (c, n) in result.items()}


def mt_rates(zh: list[str], hyp: list[str]) -> tuple[Counter, dict, int]:
    """Flag counts by (check, severity) with up to three examples each, and flagged lines."""
    counts: Counter = Counter()
    examples: dict = {}
    flagged = 0
    for i, (src, out) in enumerate(zip(zh, hyp), 1):
        flags = run_checks(CheckInput(src, out))
        flagged += bool(flags)
        for f in flags:
            key = (f.check, f.severity)
            counts[key] += 1
            if len(examples.setdefault(key, [])) < 3:
                examples[key].append((i, src, out, f.message))
    return counts, examples, flagged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "CHECKS_ON_REAL_MT.md")
    parser.add_argument("--lines", default="", help="A-B: only these lines of the reference (1-based)")
    parser.add_argument("--show", action="store_true", help="print every false flag on the reference")
    parser.add_argument("--no-mt", action="store_true", help="skip the MT outputs")
    args = parser.parse_args(argv)
    zh = read_lines(args.data / "newstest2021.zh")
    ref = read_lines(args.data / "newstest2021.ref.en")
    classified = read_classified(args.data / "newstest2021.ref-number-flags.tsv")
    a, b = (int(x) for x in args.lines.split("-")) if args.lines else (1, len(zh))
    start = time.perf_counter()
    rep = reference_precision(zh, ref, classified, range(a, b + 1))
    secs = time.perf_counter() - start
    summary = (f"number check on the human reference, lines {a}-{b}: {rep['flags']} flags, {rep['real']} real (T1/T2), "
               f"{rep['ambiguous']} ambiguous, {rep['false']} false ({len(rep['unclassified'])} of them not in the "
               f"classified list); precision {rep['precision']:.1%}; classified real errors still flagged: "
               f"{rep['real_wanted'] - len(rep['real_missed'])}/{rep['real_wanted']}; false flags per 100 sentences "
               f"with numbers: {rep['false_per_100']:.2f} ({rep['sentences_with_numbers']} sentences); {secs:.2f} s")
    print(summary)
    planted = recall(zh, ref, range(a, b + 1))
    caught, total = sum(c for c, _ in planted.values()), sum(n for _, n in planted.values())
    recall_line = (f"recall on corruptions planted in the reference: {caught}/{total} caught ("
                   + ", ".join(f"{k} {c}/{n}" for k, (c, n) in sorted(planted.items())) + ")")
    print(recall_line)
    if rep["real_missed"]:
        print("MISSED real errors:", rep["real_missed"])
    if args.show:
        for i, sev, msg in rep["false_rows"] + rep["unclassified"]:
            print(f"  {i}\t{sev}\t{msg}\n     zh: {zh[i - 1]}\n     en: {ref[i - 1]}")
    if args.no_mt:
        return 0
    md = ["# Checks on real text (WMT21 zh-en news)", "",
          "Data: WMT21 news test set zh-en (newstest2021, 1,948 sentences; credit: WMT21, "
          "wmt-conference/wmt21-news-systems). Reproduce: `python benchmarks/check_real_mt.py`.", "",
          "## Number check on the human reference", "", summary, "", recall_line, "",
          "Precision counts classified real errors (T1/T2) and ambiguous rows as correct flags; flags not in the "
          "hand-classified list count as false. Recall: each figure of a silent reference line that renders a source "
          "value is corrupted in turn (last digit changed, million/billion swapped, thousands dropped, % made "
          "percentage points, the amount removed) and every check runs on the corrupted line.", "",
          "Severities: `error` = a wrong value, scale, unit or term, swapped numbers, empty/degenerate/copied output, "
          "Chinese left, unreadable source characters; `warning` = a dropped date or time, a small count the English "
          "may leave implicit, a length ratio near the bounds.", ""]
    for sys_file in sorted(args.data.glob("newstest2021.mt-*.en")):
        hyp = read_lines(sys_file)
        counts, examples, flagged = mt_rates(zh, hyp)
        name = sys_file.name.removeprefix("newstest2021.mt-").removesuffix(".en")
        md += [f"## MT system: {name}", "", f"{flagged} of {len(hyp)} lines flagged ({100 * flagged / len(hyp):.1f}%).", "",
               "| check | severity | flags | per 100 lines |", "|---|---|---:|---:|"]
        md += [f"| {c} | {s} | {n} | {100 * n / len(hyp):.1f} |" for (c, s), n in sorted(counts.items())]
        md.append("")
        for (c, s), exs in sorted(examples.items()):
            md.append(f"### {name}: {c} ({s})")
            md.append("")
            for i, src, out, msg in exs:
                md += [f"- line {i}: {msg}", f"  - zh: {src}", f"  - en: {out}"]
            md.append("")
        print(f"{name}: {flagged}/{len(hyp)} lines flagged; " + ", ".join(f"{c}/{s}={n}" for (c, s), n in sorted(counts.items())))
    kept = ""  # sections written by hand or by check_real_text.py (other test sets) are kept
    if args.out.exists() and KEEP_FROM in args.out.read_text("utf-8"):
        kept = "\n" + KEEP_FROM + args.out.read_text("utf-8").split(KEEP_FROM, 1)[1].rstrip("\n") + "\n"
    write_atomic(args.out, "\n".join(md) + "\n" + kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
