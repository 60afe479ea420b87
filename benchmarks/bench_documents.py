"""Speed of a Word document against the same text as .txt (issue 14: within 10%).

Run: ``python benchmarks/bench_documents.py [--repeats 3] [--write]``.

Both inputs are the sample report: ``samples/shibei-2023-report.zh.txt`` and
the .docx built from it by ``samples/build_documents.py``. Each run translates
one file end to end in its own process with the benchmark model of
opus-mt-zh-en's shape (see bench_translate.py; built once), CTranslate2 int8,
beam 4, retries off, the output length forced to ceil(1.3 x source tokens)
(random weights never stop on their own), no cache: reading, segmentation,
glossary protection, translation, every check, formatting placement and
writing (``report.en.docx`` / ``report.en.txt``), model load included. The
runs alternate (txt, docx, txt, docx ...) so machine load hits both alike; the
figure is the median. A second pair of rows times the same files with a warm
segment cache, which leaves only the per-format work (reading, placing,
writing) and the model load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "samples"
RATIO = 1.3


def child(path: str, cache: str) -> None:
    """Translate ``path`` once and print the timing as JSON."""
    sys.path.insert(0, str(ROOT))
    from bench_translate import MODEL_DIR  # noqa: E402

    from translator import Pipeline
    from translator.documents import translate_document

    pipe = Pipeline(model=str(MODEL_DIR), backend="ctranslate2", beams=4, retries=0, min_length_ratio=RATIO,
                    max_length_ratio=RATIO, max_length_extra=1, use_cache=bool(cache), cache_path=cache or None)
    start = time.perf_counter()
    fr = translate_document(pipe, path)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "segments": len(fr.result.segments),
                      "cached": sum(s.cached for s in fr.result.segments), "output": str(fr.output)}))


def format_overhead(inputs: dict[str, Path], repeats: int) -> dict[str, float]:
    """Seconds (median) of the per-format work alone: read, segment, place formatting, write; no model.

    Every segment gets a stand-in English (its source text), so nothing is translated.
    """
    from translator.documents import open_document
    from translator.documents.inline import english_units
    from translator.formats import render
    from translator.results import DocumentResult, SegmentResult, Signature
    from translator.segmentation import read_document

    def fake_result(doc) -> DocumentResult:
        segs = [SegmentResult(s.id, s.index, s.block_index, s.kind, s.raw, s.text, s.start, s.end, s.line)
                for s in doc.segments]
        return DocumentResult(doc.name, doc, segs, Signature("0", "m", "b", 4))

    def txt() -> None:
        doc, _ = read_document(str(inputs["txt"]))
        render(fake_result(doc), "txt")

    def docx() -> None:
        parsed = open_document(inputs["docx"])
        result = fake_result(parsed.document)
        parsed.write(result, english_units(parsed, result), inputs["docx"].with_suffix(".out.docx"), "docx")

    out = {}
    for name, fn in (("txt", txt), ("docx", docx)):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        out[name] = statistics.median(times)
    return out


def spawn(path: Path, cache: str = "") -> dict:
    cmd = [sys.executable, __file__, "--child", str(path), "--cache", cache]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE,
                         env=os.environ | {"HF_HUB_OFFLINE": "1", "PYTHONPATH": str(HERE)})
    if out.returncode:
        sys.exit(f"{path.name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help="Runs of each input (median reported).")
    parser.add_argument("--write", action="store_true", help="Record the table in benchmarks/RESULTS-documents.md.")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cache)
        return
    sys.path.insert(0, str(HERE))
    from bench_translate import ensure_model

    ensure_model()
    work = Path(tempfile.mkdtemp(prefix="bench-docs-"))
    inputs = {"txt": work / "report.zh.txt", "docx": work / "report.zh.docx"}
    shutil.copy(SAMPLES / "shibei-2023-report.zh.txt", inputs["txt"])
    shutil.copy(SAMPLES / "shibei-2023-report.zh.docx", inputs["docx"])
    cold: dict[str, list[dict]] = {"txt": [], "docx": []}
    for _ in range(args.repeats):
        for kind in ("txt", "docx"):
            cold[kind].append(spawn(inputs[kind]))
    warm: dict[str, list[dict]] = {}
    for kind in ("txt", "docx"):
        cache = str(work / f"{kind}-cache.sqlite3")
        spawn(inputs[kind], cache)
        warm[kind] = [spawn(inputs[kind], cache) for _ in range(args.repeats)]
    rows = []
    for label, runs in (("cold", cold), ("warm cache", warm)):
        for kind in ("txt", "docx"):
            secs = statistics.median(r["seconds"] for r in runs[kind])
            segs = runs[kind][0]["segments"]
            rows.append((label, kind, segs, secs, segs / secs, [round(r["seconds"], 2) for r in runs[kind]]))
    txt_rate, docx_rate = rows[0][4], rows[1][4]
    lines = [f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"ctranslate2 int8, beam 4, forced length ceil({RATIO} x source tokens); median of {args.repeats} "
             f"alternating runs, each in its own process, model load included", "",
             "| run | input | segments | seconds (median) | segments/s | all runs (s) |",
             "|---|---|---:|---:|---:|---|"]
    for label, kind, segs, secs, rate, allruns in rows:
        lines.append(f"| {label} | {kind} | {segs} | {secs:.2f} | {rate:.2f} | {allruns} |")
    overhead = format_overhead(inputs, max(5, args.repeats))
    lines += ["", f".docx vs .txt (cold, segments/s): {docx_rate / txt_rate:.1%} of the text speed "
              f"({'within' if docx_rate >= 0.9 * txt_rate else 'NOT within'} 10%)",
              f"per-format work alone (read, segment, place formatting, write; no model; median of "
              f"{max(5, args.repeats)}): docx {overhead['docx']:.3f} s, txt {overhead['txt']:.3f} s "
              f"(the difference is {(overhead['docx'] - overhead['txt']) / statistics.median(r['seconds'] for r in cold['txt']):.1%}"
              f" of the text translation's time)"]
    print("\n".join(lines))
    if args.write:
        from translator.textio import write_atomic

        write_atomic(HERE / "RESULTS-documents.md", "# Documents: .docx vs .txt speed\n\n"
                     "`python benchmarks/bench_documents.py --write` (see its docstring for the method).\n\n"
                     + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
