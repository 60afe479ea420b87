"""What a new user's first and later runs cost: `--backend auto` converting a downloaded model on first use.

Run: ``python benchmarks/bench_first_run.py [--write]`` (about 5 minutes on 2 quiet cores).

A random-weight model of opus-mt-zh-en's exact shape, on the real tokenizer files
(models/opus-mt-zh-en-tokenizer/), is placed in a fresh model store under the hub id
``Helsinki-NLP/opus-mt-zh-en``, exactly where ``translator models download`` puts it.
Then the README's main command is timed end to end as a user runs it (a new
process each time, model load included, segment cache off, retries off, beam 4,
HF_HUB_OFFLINE=1):

* ``first``: ``--backend auto``, no converted copy yet: it converts to CTranslate2
  int8 into the store (the one-line notice), then translates;
* ``later``: the same command again: the converted copy is loaded directly;
* ``transformers``: ``--backend transformers`` (what every user got before).

Random weights never stop on their own, so every run decodes to the same cap
(2 x source tokens + 10); the times compare backends, not translation quality.
The ratios, measured in one run, are what carry over to other machines.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "shibei-2023-report.zh.txt"
HUB_ID = "Helsinki-NLP/opus-mt-zh-en"


def run(store: Path, out: Path, *extra: str) -> tuple[float, str]:
    """Run the main command in a new process; return its wall time and stderr."""
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSLATOR_MODELS_DIR": str(store)}
    cmd = [sys.executable, "-m", "translator", "translate", str(SAMPLE), "--model", HUB_ID, "--no-cache",
           "--retries", "0", "--force", "-q", "-o", str(out), *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return elapsed, proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="Append the table to benchmarks/RESULTS.md.")
    args = parser.parse_args()
    from translator.models.tiny import build_model
    from translator.models.store import store_name

    with tempfile.TemporaryDirectory(prefix="first-run-") as tmp:
        store = Path(tmp) / "store"
        build_model(store / store_name(HUB_ID), shape="opus-mt-zh-en")
        out = Path(tmp) / "out.txt"
        rows = []
        first, notice = run(store, out)
        assert "converting" in notice, notice
        rows.append(("first run: converts to CTranslate2 int8, then translates", first))
        later, notice = run(store, out)
        assert "converting" not in notice, notice
        rows.append(("later run: loads the converted copy", later))
        hf, _ = run(store, out, "--backend", "transformers")
        rows.append(("--backend transformers (the old default)", hf))
    lines = ["| run (whole sample report, 238 segments, beam 4, new process, model load included) | seconds | vs transformers |",
             "|---|---|---|"]
    lines += [f"| {name} | {secs:.1f} | {hf / secs:.2f}x |" for name, secs in rows]
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join(lines)
    print(table)
    print(machine)
    if args.write:
        with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(f"\n## First run and later runs (`benchmarks/bench_first_run.py`)\n\n{machine}; "
                     f"{time.strftime('%Y-%m-%d')}.\n\n{table}\n")


if __name__ == "__main__":
    main()
