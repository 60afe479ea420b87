"""Measure every check on any line-aligned Chinese source / human reference / MT outputs.

A sibling of ``check_real_mt.py`` (which is tied to the WMT21 files and their classified number flags):
this one takes the files as arguments and needs no hand-classified list, so it runs on any test set
(WMT22/WMT23 general test zh-en, for example). It reports, per check and severity, the flags on the
human reference (which should be nearly clean) and on each MT output. With ``--classified`` (a TSV of
flags classified by hand, see below) it also gives the precision of each check on the reference.

Usage::

    python benchmarks/check_real_text.py --src test.zh --ref test.ref.en --mt Online-B=test.online-b.en \\
        [--mt NAME=FILE ...] [--glossary glossary/zh-en.tsv] [--tokenizer DIR] [--checks number,unit] \\
        [--classified flags.tsv] [--dump flags-to-classify.tsv] [--show] [--label NAME] [--planted]

With ``--classified``, a summary line per classified set gives the number check's figures (number, unit and
swapped flags): precision, false flags per 100 lines whose source has a numeral, and how many of the classified
real errors (``TP``) are still flagged. ``--planted`` adds the recall on corruptions planted in the reference
(the same corruptions as ``check_real_mt.py``: a digit changed, a scale swapped or dropped, % made points, an
amount removed).

Flags are identified by ``(set, line, check, key)``: ``set`` is ``ref`` or the MT name, ``key`` the flag
message up to ``"; the English has"`` (so the key of a number flag does not depend on which other English
numbers are left unmatched). The classified TSV has the columns ``set line check severity key class reason
note``; ``class`` is ``TP`` (a real problem: omission or wrong value), ``FP`` (a false flag, ``reason`` says
why) or ``AMB``. ``--dump`` writes every flag raised in that form with ``class`` empty, for classifying;
rows already classified in ``--classified`` keep their class.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from translator.checks import CHECKS, CheckInput, run_checks
from translator.textio import write_atomic

CLASS_COLUMNS = ("set", "line", "check", "severity", "key", "class", "reason", "note")


@dataclass(frozen=True)
class FoundFlag:
    """One flag raised on one line of one set (``ref`` or an MT system)."""

    set: str
    line: int
    check: str
    severity: str
    key: str
    message: str


def read_lines(path: Path) -> list[str]:
    """Return the lines of a line-aligned file (a final newline is not a line)."""
    lines = path.read_text("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def flag_key(message: str) -> str:
    """Return the stable part of a flag message (without the list of unmatched English numbers)."""
    return message.split("; the English has", 1)[0]


def run_set(name: str, zh: list[str], en: list[str], checks: list[str], glossary=None, tokenizer=None) -> list[FoundFlag]:
    """Run ``checks`` on every line and return the flags raised."""
    out = []
    for i, (src, hyp) in enumerate(zip(zh, en), 1):
        if not src.strip():
            continue
        unknown = tuple(tokenizer.unknown_source_chars(src)) if tokenizer is not None else ()
        for f in run_checks(CheckInput(src, hyp, glossary, unknown_source=unknown), checks):
            out.append(FoundFlag(name, i, f.check, f.severity, flag_key(f.message), f.message))
    return out


def read_classified(path: Path) -> dict[tuple[str, int, str, str], list[tuple[str, str]]]:
    """Return ``{(set, line, check, key): [(class, reason), ...]}`` (a key may repeat on a line)."""
    out: dict = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            out.setdefault((row["set"], int(row["line"]), row["check"], row["key"]), []).append((row["class"], row["reason"]))
    return out


def label_flags(flags: list[FoundFlag], classified: dict) -> list[tuple[FoundFlag, str, str]]:
    """Pair each flag with its hand classification (``""`` when the flag is not in the list)."""
    seen: Counter = Counter()
    out = []
    for f in flags:
        k = (f.set, f.line, f.check, f.key)
        labels = classified.get(k, [])
        cls, reason = labels[seen[k]] if seen[k] < len(labels) else ("", "")
        seen[k] += 1
        out.append((f, cls, reason))
    return out


def precision_table(labelled: list[tuple[FoundFlag, str, str]]) -> list[str]:
    """Markdown rows: per check and severity, TP / AMB / FP / unclassified and precision."""
    rows = Counter()
    classified_checks = {f.check for f, cls, _ in labelled if cls}
    for f, cls, _ in labelled:  # a check with no classified flag (unknown_source: a fact about the source) is left out
        if f.check in classified_checks:
            rows[(f.check, f.severity, cls or "?")] += 1
    lines = ["| check | severity | flags | TP | AMB | FP | not classified | precision (TP+AMB) | strict (TP) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    keys = sorted({(c, s) for c, s, _ in rows}) + [("all", "")]
    for c, s in keys:
        def n(cls: str) -> int:
            return sum(v for (c2, s2, k), v in rows.items() if k == cls and (c == "all" or (c2, s2) == (c, s)))
        total = sum(n(k) for k in ("TP", "AMB", "FP", "?"))
        if not total:
            continue
        lines.append(f"| {c} | {s} | {total} | {n('TP')} | {n('AMB')} | {n('FP')} | {n('?')} | "
                     f"{(n('TP') + n('AMB')) / total:.0%} | {n('TP') / total:.0%} |")
    return lines


def count_table(sets: dict[str, list[FoundFlag]], lines: int) -> list[str]:
    """Markdown rows: flags per check and severity for each set, and flagged lines."""
    names = list(sets)
    head = "| check | severity | " + " | ".join(names) + " |"
    out = [head, "|---|---|" + "---:|" * len(names)]
    keys = sorted({(f.check, f.severity) for flags in sets.values() for f in flags})
    for c, s in keys:
        out.append(f"| {c} | {s} | " + " | ".join(str(sum(1 for f in sets[n] if (f.check, f.severity) == (c, s)))
                                                   for n in names) + " |")
    out.append("| all | | " + " | ".join(str(len(sets[n])) for n in names) + " |")
    out.append("| flagged lines | | " + " | ".join(f"{len({f.line for f in sets[n]})} of {lines}" for n in names) + " |")
    return out


def write_dump(path: Path, labelled: list[tuple[FoundFlag, str, str]], notes: dict) -> None:
    """Write every flag as a row to classify (rows already classified keep their class and reason)."""
    rows = ["\t".join(CLASS_COLUMNS)]
    for f, cls, reason in labelled:
        note = notes.get((f.set, f.line, f.check, f.key), "")
        rows.append("\t".join([f.set, str(f.line), f.check, f.severity, f.key.replace("\t", " "), cls, reason, note]))
    write_atomic(path, "\n".join(rows) + "\n")


def read_notes(path: Path) -> dict:
    """Return ``{(set, line, check, key): note}`` from a classified list."""
    with path.open(encoding="utf-8") as fh:
        return {(r["set"], int(r["line"]), r["check"], r["key"]): r["note"]
                for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)}


NUMBER_CHECKS = ("number", "unit", "swapped")


def has_number(text: str) -> bool:
    """Return True when a Chinese sentence has a digit or a Chinese numeral."""
    return any(c.isdigit() or c in "零〇一二两三四五六七八九十百千万亿" for c in text)


def number_summary(name: str, labelled: list[tuple[FoundFlag, str, str]], classified: dict, zh: list[str]) -> str:
    """One line: the number checks' precision, false flags per 100 number-bearing lines, classified TPs still flagged."""
    rows = [(f, cls) for f, cls, _ in labelled if f.check in NUMBER_CHECKS]
    good = sum(cls in ("TP", "AMB") for _, cls in rows)
    false = len(rows) - good
    lines = sum(has_number(z) for z in zh)
    raised = {(f.set, f.line, f.check, f.key) for f, _ in rows}
    wanted = [k for k, labels in classified.items() for cls, _ in labels
              if k[0] == name and k[2] in NUMBER_CHECKS and cls == "TP"]
    kept = sum(k in raised for k in wanted)
    precision = good / len(rows) if rows else 1.0
    return (f"{name}: number flags {len(rows)}, correct (TP+AMB) {good}, false {false}; precision {precision:.0%}; "
            f"false flags per 100 number-bearing lines {100 * false / max(1, lines):.2f} ({lines} lines); "
            f"classified real errors still flagged {kept}/{len(wanted)}")


def planted_recall(zh: list[str], ref: list[str]) -> str:
    """Caught / planted corruptions on the reference lines with numbers where the number checks are silent."""
    from check_real_mt import corruptions

    counts: dict[str, list[int]] = {}
    for src, hyp in zip(zh, ref):
        if not has_number(src) or run_checks(CheckInput(src, hyp), ["number"]):
            continue
        for kind, bad in corruptions(src, hyp):
            c = counts.setdefault(kind, [0, 0])
            c[0] += bool(run_checks(CheckInput(src, bad), list(NUMBER_CHECKS)))
            c[1] += 1
    caught, total = sum(c for c, _ in counts.values()), sum(n for _, n in counts.values())
    return (f"planted corruptions caught: {caught}/{total} ({100 * caught / max(1, total):.1f}%; "
            + ", ".join(f"{k} {c}/{n}" for k, (c, n) in sorted(counts.items())) + ")")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", type=Path, required=True, help="Chinese source, one segment a line")
    parser.add_argument("--ref", type=Path, required=True, help="human reference, line-aligned")
    parser.add_argument("--mt", action="append", default=[], metavar="NAME=FILE", help="an MT output (repeat)")
    parser.add_argument("--checks", default="", help="comma-separated check names (default: every segment check)")
    parser.add_argument("--glossary", type=Path, help="term base for the term check (default: no term check)")
    parser.add_argument("--tokenizer", type=Path, help="Marian tokenizer folder for the unknown_source check")
    parser.add_argument("--classified", type=Path, help="hand-classified flags (TSV): precision per check")
    parser.add_argument("--dump", type=Path, help="write every flag to this TSV, for classifying by hand")
    parser.add_argument("--label", default="", help="name of the test set in the output")
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    parser.add_argument("--show", action="store_true", help="print every reference flag with its line")
    parser.add_argument("--planted", action="store_true", help="also measure recall on corruptions planted in the reference")
    args = parser.parse_args(argv)
    zh = read_lines(args.src)
    texts = {"ref": read_lines(args.ref)}
    for spec in args.mt:
        name, _, path = spec.partition("=")
        if not path:
            parser.error(f"--mt wants NAME=FILE, got {spec!r}")
        texts[name] = read_lines(Path(path))
    for name, lines in texts.items():
        if len(lines) != len(zh):
            parser.error(f"{name} has {len(lines)} lines, the source {len(zh)}: files must be line-aligned")
    checks = [c.strip() for c in args.checks.split(",") if c.strip()] or list(CHECKS)
    glossary = tokenizer = None
    if args.glossary:
        from translator.glossary import load_glossary

        glossary = load_glossary([args.glossary])
    if args.tokenizer:
        from translator.engines.marian_tokenizer import MarianSpmTokenizer

        tokenizer = MarianSpmTokenizer(args.tokenizer)
    start = time.perf_counter()
    sets = {name: run_set(name, zh, lines, checks, glossary, tokenizer) for name, lines in texts.items()}
    secs = time.perf_counter() - start
    classified = read_classified(args.classified) if args.classified else {}
    labelled = {name: label_flags(flags, classified) for name, flags in sets.items()}
    label = args.label or args.src.name
    md = [f"### {label}: flags per check and severity ({len(zh)} lines; {secs:.1f} s)", "", *count_table(sets, len(zh)), ""]
    if classified:
        for name in texts:
            if any(cls for _, cls, _ in labelled[name]):
                md += [f"#### {label}: precision on {name} (hand-classified)", "", *precision_table(labelled[name]), ""]
    if classified:
        md += [number_summary(name, labelled[name], classified, zh) for name in texts
               if any(k[0] == name for k in classified)] + [""]
    if args.planted:
        md += [planted_recall(zh, texts["ref"]), ""]
    report = "\n".join(md)
    print(report)
    if args.show:
        for f, cls, reason in labelled["ref"]:
            print(f"{f.line}\t{f.check}/{f.severity}\t{cls or '?'} {reason}\t{f.message}\n   zh: {zh[f.line - 1]}\n"
                  f"   en: {texts['ref'][f.line - 1]}")
    if args.dump:
        notes = read_notes(args.classified) if args.classified else {}
        write_dump(args.dump, [row for name in texts for row in labelled[name]], notes)
    if args.out:
        write_atomic(args.out, report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
