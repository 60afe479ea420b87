"""Peak memory of writing a big translated document in each output format (issue 12).

Run: ``python benchmarks/measure_output_memory.py`` (a few minutes on one core).

A 5 MB input (the sample report repeated, every sentence made distinct) is
translated with the deterministic fake engine of ``tests/fake_engine.py`` (no
model, so the numbers are the toolkit's own), then written in each format, each
format in its own process. Printed per format: peak RSS (VmHWM) after
translating, and after writing the output; ``--mode string`` writes
``formats.render(doc, fmt)`` (one string, the old way), ``--mode stream``
writes ``formats.render_chunks(doc, fmt)`` through ``write_atomic`` (the CLI's way).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"

CHILD = """
import json, sys
sys.path.insert(0, sys.argv[4])
from tests.fake_engine import FakeEngine
from translator import Pipeline
from translator.textio import write_atomic
from translator import formats

def hwm():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) // 1024

path, fmt, mode = sys.argv[1], sys.argv[2], sys.argv[3]
doc = Pipeline(engine=FakeEngine(), use_cache=False, retries=0).translate_file(path)
translated = hwm()
out = path + ".out." + fmt
if mode == "string":
    write_atomic(out, formats.render(doc, fmt))
else:
    write_atomic(out, formats.render_chunks(doc, fmt))
import os
print(json.dumps({"fmt": fmt, "mode": mode, "segments": len(doc.segments), "translated_mb": translated,
                  "written_mb": hwm(), "output_mb": round(os.path.getsize(out) / 1e6, 1)}))
"""


def make_input(path: Path, size: int) -> None:
    """Write ``size`` bytes of distinct report sentences to ``path``."""
    lines, out, total, n = SAMPLE.read_text("utf-8").splitlines(), [], 0, 0
    while total < size:
        for line in lines:
            line = line.replace("。", f"第{n}号。") if line.strip() else line
            out.append(line)
            total += len(line.encode("utf-8")) + 1
        n += 1
    path.write_text("\n".join(out), "utf-8")


def main() -> None:
    """Measure every format in its own process and print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5_000_000)
    parser.add_argument("--mode", choices=["string", "stream"], default="stream")
    parser.add_argument("--formats", default="txt,json,jsonl")
    parser.add_argument("--root", default=str(ROOT), help="Checkout whose translator package to measure.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "five-mb.txt"
        make_input(path, args.size)
        for fmt in args.formats.split(","):
            env_path = [args.root, str(ROOT)]
            proc = subprocess.run([sys.executable, "-c", CHILD, str(path), fmt, args.mode, str(ROOT)],
                                  capture_output=True, text=True, cwd=args.root,
                                  env={"PYTHONPATH": ":".join(env_path), "PATH": "/usr/bin:/bin",
                                       "HF_HUB_OFFLINE": "1", "HOME": tmp})
            if proc.returncode:
                print(json.dumps({"fmt": fmt, "error": proc.stderr.strip().splitlines()[-1:]}))
            else:
                print(proc.stdout.strip())


if __name__ == "__main__":
    main()
