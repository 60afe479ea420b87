"""Speed benchmark on a random-weight model of opus-mt-zh-en's exact shape and real tokenizer.

Run: ``python benchmarks/bench_translate.py --write`` (about 15 minutes on 2 quiet cores;
Argos Translate needs ``pip install -r benchmarks/requirements-argos.txt``).

The model (built once into benchmarks/models/) has opus-mt-zh-en's exact shape
(d_model 512, 6+6 layers, 8 heads, FFN 2048, vocab 65001, swish) on the real
model's tokenizer files (models/opus-mt-zh-en-tokenizer/: source.spm,
target.spm, vocab.json; CC-BY 4.0, Helsinki-NLP / OPUS-MT), so every token
count, batch and output-vocabulary size (31,997 target-side ids) is the real
model's; only the weights are random. It is converted once to CTranslate2 int8.

Variants, all on the sample report, beam 4 unless noted, in one run:

* ``baseline``: transformers ``generate()``, one sentence at a time (a newcomer's
  loop), on every 5th segment of the report (``--baseline-every``; a spread
  subset, so its length mix is the report's);
* ``argos``: Argos Translate on the same int8 CTranslate2 model (see
  benchmarks/argos_bench.py: package built from our conversion, offline spaCy
  sentence splitter, same threads, same forced output lengths);
* ``transformers``: our pipeline, transformers backend;
* ``ctranslate2``: our pipeline, CTranslate2 int8 backend, default settings;
* ``cached``: a re-run of ``ctranslate2`` with the segment cache filled;
* ``ctranslate2:fullvocab|vmap|greedy|1thread``: one idea changed each;
* ``argos:2workers``: Argos with 2 CTranslate2 workers of 1 thread (its default
  is 1 worker of all threads).

``transformers``, ``ctranslate2:fullvocab``, ``ctranslate2:1thread`` and
``argos:2workers`` run only when named in ``--variants`` (to keep the default
run near 15 minutes).

Random weights never emit EOS on purpose, so every variant is forced to the same
output length: at most int(1.3 x source tokens) + 1 and at least int(1.3 x source
tokens), where a batch uses its longest source (the baseline: ceil(1.3 x) per
sentence). The pipeline variants include segmentation, glossary protection,
every check and the model load (Argos: its model load and sentence splitting);
library imports are outside the timing for every variant. Retries are off (with
random weights every segment fails its term check and would be retried, which a
real model rarely needs). Each variant runs in its own process (peak RSS is its
own); the repetitions are interleaved (run 1 of every variant, then run 2 ...),
so a change in the shared machine's load hits every variant alike. The table
gives the median of the repetitions and their spread (min-max).
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
MODELS = ROOT / "benchmarks" / "models"
MODEL_DIR = MODELS / "opus-mt-zh-en-shape"
ARGOS_HOME = MODELS / "argos"
RATIO = 1.3

VARIANTS = {
    "baseline": "1 baseline: transformers generate, 1 sentence at a time",
    "argos": "2 Argos Translate 1.11, same int8 CTranslate2 model",
    "transformers": "3 our pipeline, transformers backend",
    "ctranslate2": "4 our pipeline, ctranslate2 int8 (default settings)",
    "cached": "5 cached re-run of 4",
    "ctranslate2:fullvocab": "6 = 4 with the full joint output vocabulary",
    "ctranslate2:vmap": "7 = 4 with the corpus vmap shortlist (--vmap)",
    "ctranslate2:greedy": "8 = 4 with greedy decoding (beam 1)",
    "ctranslate2:1thread": "9 = 4 on 1 thread",
    "argos:2workers": "10 = 2 with 2 CTranslate2 workers x 1 thread",
}
#: Run by default (the others with --variants): about 15 minutes on 2 quiet cores.
DEFAULT_VARIANTS = ("baseline", "argos", "ctranslate2", "cached", "ctranslate2:vmap", "ctranslate2:greedy")


def ensure_model() -> Path:
    """Build (once) the model, its CTranslate2 int8 conversion and its vmap; rebuild if the tokenizer changed."""
    from translator.models.tiny import REAL_TOKENIZER_DIR, build_model

    real = (REAL_TOKENIZER_DIR / "source.spm").read_bytes()
    built = MODEL_DIR / "source.spm"
    if not (MODEL_DIR / "config.json").is_file() or not built.is_file() or built.read_bytes() != real:
        shutil.rmtree(MODEL_DIR, ignore_errors=True)  # missing, or built on the old sample-trained tokenizer
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


def ensure_argos_package() -> Path | None:
    """Build the Argos package from our conversion (None when argostranslate is not installed)."""
    import importlib.util

    if importlib.util.find_spec("argostranslate") is None:
        return None
    sys.path.insert(0, str(Path(__file__).parent))
    from argos_bench import PACKAGE_NAME, build_package

    archive = ARGOS_HOME / f"{PACKAGE_NAME}.argosmodel"
    model_bin = MODEL_DIR / "ctranslate2" / "model.bin"
    if not archive.is_file() or archive.stat().st_mtime < model_bin.stat().st_mtime:
        ARGOS_HOME.mkdir(parents=True, exist_ok=True)
        build_package(MODEL_DIR / "ctranslate2", MODEL_DIR / "source.spm", ARGOS_HOME)
    return archive


def segments() -> list[str]:
    from translator.segmentation.segmenter import segment_text

    return [s.text for s in segment_text(SAMPLE.read_text("utf-8")).segments]


def run_baseline(every: int, threads: int) -> dict:
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    torch.set_num_threads(threads)
    tok = AutoTokenizer.from_pretrained(MODEL_DIR)
    model = AutoModelForSeq2SeqLM.from_pretrained(MODEL_DIR).eval()
    texts = segments()[::every]
    produced = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for text in texts:
            batch = tok([text], return_tensors="pt")
            length = math.ceil(RATIO * batch["input_ids"].shape[1])
            out = model.generate(**batch, num_beams=4, min_new_tokens=length, max_new_tokens=length)
            produced += out.shape[1] - 1  # less the decoder start token
    return {"sentences": len(texts), "seconds": time.perf_counter() - start, "output_tokens": produced}


def count_engine_outputs() -> dict:
    """Count the tokens every engine produces in this process (wraps ``submit`` of both backends)."""
    from translator.engines.ctranslate2_engine import CTranslate2Engine
    from translator.engines.transformers_engine import TransformersEngine

    counts = {"output_tokens": 0}
    for cls in (CTranslate2Engine, TransformersEngine):
        def submit(self, texts, settings, hints=None, on_batch=None, _submit=cls.submit):
            collect = _submit(self, texts, settings, hints, on_batch)

            def done():
                outs = collect()
                counts["output_tokens"] += sum(o.target_tokens for o in outs)
                return outs
            return done
        cls.submit = submit
    return counts


def run_pipeline(backend: str, cache_path: str | None, threads: int, beams: int = 4, vmap: bool = False,
                 full_vocab: bool = False) -> dict:
    from translator import Pipeline

    counts = count_engine_outputs()
    pipe = Pipeline(model=str(MODEL_DIR), backend=backend, beams=beams, retries=0, threads=threads,
                    min_length_ratio=RATIO, max_length_ratio=RATIO, max_length_extra=1, use_vmap=vmap,
                    target_vocab_only=not full_vocab,
                    use_cache=cache_path is not None, cache_path=cache_path, batch_size=16, token_budget=4096)
    start = time.perf_counter()
    doc = pipe.translate_file(SAMPLE)  # segmentation, terms, translation and checks, model load included
    return {"sentences": len(doc.segments), "seconds": time.perf_counter() - start,
            "cached": sum(s.cached for s in doc.segments), "output_tokens": counts["output_tokens"]}


def run_argos(archive: str) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from argos_bench import install_length_forcing, install_package, translator_for

    install_package(Path(archive))
    counts = install_length_forcing(RATIO, extra=1)
    text = SAMPLE.read_text("utf-8")
    start = time.perf_counter()
    translation = translator_for("zh", "en")  # loads the spaCy splitter; the model loads on first use
    translation.translate(text)
    return {"sentences": len(segments()), "seconds": time.perf_counter() - start,
            "output_tokens": counts.output_tokens, "argos_sentences": counts.sentences, "argos_batches": counts.batches}


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM; ru_maxrss would include the parent's before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    name, *opts = args.variant.split(":")
    if name == "baseline":
        out = run_baseline(args.baseline_every, args.threads)
    elif name == "argos":  # argos:2workers differs only in its environment
        out = run_argos(args.argos_package)
    else:
        backend = "ctranslate2" if name == "cached" else name
        out = run_pipeline(backend, args.cache or None, 1 if "1thread" in opts else args.threads,
                           beams=1 if "greedy" in opts else 4, vmap="vmap" in opts, full_vocab="fullvocab" in opts)
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def cpu_busy_seconds() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine so far, all CPUs together (/proc/stat)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0, 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, steal / tick


def spawn(variant: str, args, cache: str = "", env: dict | None = None) -> dict:
    """Run one variant in its own process; measure what other work did on the CPU meanwhile.

    ``other_cores`` is the machine's busy CPU time during the child's life (hypervisor steal
    included) less the child's own CPU time, per wall second: 0 on a quiet machine, 1 when
    other work kept one core busy all along.
    """
    load = os.getloadavg()[0]
    cmd = [sys.executable, __file__, "--child", "--variant", variant, "--threads", str(args.threads),
           "--baseline-every", str(args.baseline_every), "--cache", cache, "--argos-package", args.argos_package]
    busy0, steal0 = cpu_busy_seconds()
    own0 = os.times()
    wall0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"} | (env or {}))
    wall = time.perf_counter() - wall0
    own1 = os.times()
    busy1, steal1 = cpu_busy_seconds()
    if out.returncode:
        sys.exit(f"{variant} failed:\n{out.stderr}")
    own = (own1.children_user - own0.children_user) + (own1.children_system - own0.children_system)
    other = max(0.0, (busy1 - busy0) - own) / wall if busy1 else float("nan")
    return json.loads(out.stdout.strip().splitlines()[-1]) | {
        "load_before": load, "other_cores": other, "steal_cores": (steal1 - steal0) / wall}


def help_time() -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "translator", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine_info() -> list[str]:
    """Name the machine: CPU model and ISA (lscpu), and what CTranslate2 selected on it."""
    import ctranslate2

    lscpu = {}
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines():
            key, _, value = line.partition(":")
            lscpu[key.strip()] = value.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    flags = set(lscpu.get("Flags", "").split())
    isa = [f for f in ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8") if f in flags]
    probe = subprocess.run([sys.executable, "-c", "import ctranslate2, sys; "
                            "ctranslate2.Translator(sys.argv[1], device='cpu', compute_type='int8')",
                            str(MODEL_DIR / "ctranslate2")],
                           capture_output=True, text=True, env=os.environ | {"CT2_VERBOSE": "1"})
    ct2 = [line.split("[info]", 1)[1].strip().lstrip("- ") for line in probe.stderr.splitlines()
           if "[info]" in line and any(k in line for k in ("CPU:", "ISA", "MKL", "backend"))]
    return [f"CPU: {lscpu.get('Model name', platform.processor() or '?')} ({lscpu.get('Vendor ID', '?')}), "
            f"{os.cpu_count()} logical CPUs, {lscpu.get('Hypervisor vendor', 'no')} hypervisor; "
            f"ISA flags: {', '.join(isa) or 'none found'}",
            f"OS: {platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"ctranslate2 {ctranslate2.__version__} (compute types {', '.join(sorted(ctranslate2.get_supported_compute_types('cpu')))})",
            "CTranslate2 on this CPU: " + "; ".join(ct2)]


def summarise(runs: list[dict]) -> dict:
    """Median and spread of the repetitions of one variant."""
    seconds = [r["seconds"] for r in runs]
    rates = [r["sentences"] / r["seconds"] for r in runs]
    token_rates = [r["output_tokens"] / r["seconds"] for r in runs]
    return {"sentences": runs[0]["sentences"], "seconds": statistics.median(seconds), "min": min(seconds),
            "max": max(seconds), "rate": statistics.median(rates), "tokens_rate": statistics.median(token_rates),
            "output_tokens": runs[0]["output_tokens"], "rss": max(r["peak_rss_mb"] for r in runs), "runs": runs}


#: Issue 16's targets: our default CTranslate2 path against each reference variant, in sentences/s.
TARGETS = {"argos": (8.0, "Argos Translate"), "baseline": (13.0, "the one-sentence transformers loop")}


def verdict(rows: dict[str, dict]) -> list[str]:
    """Say, per target, the median ratio, the ratio within each repetition and whether the target is met."""
    ours = rows.get("ctranslate2")
    lines = []
    for ref, (target, name) in TARGETS.items():
        if ours is None or ref not in rows:
            continue
        median = ours["rate"] / rows[ref]["rate"]
        paired = [(a["sentences"] / a["seconds"]) / (b["sentences"] / b["seconds"])
                  for a, b in zip(ours["runs"], rows[ref]["runs"])]
        lines.append(f"target: ours >= {target:g}x {name} (sentences/s): median "
                     f"{median:.1f}x, per repetition {', '.join(f'{x:.1f}x' for x in paired)}: "
                     f"{'met' if median >= target else 'NOT met'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--variant", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help=argparse.SUPPRESS)
    parser.add_argument("--argos-package", default="", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="CPU threads for every variant.")
    parser.add_argument("--reps", type=int, default=3, help="Repetitions of each variant (median reported).")
    parser.add_argument("--baseline-every", type=int, default=5,
                        help="The slow baseline translates every Nth segment (1 = all).")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS),
                        help=f"Comma-separated subset of: {', '.join(VARIANTS)}.")
    parser.add_argument("--write", action="store_true", help="Record the results in benchmarks/RESULTS.md.")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    chosen = [v for v in args.variants.split(",") if v]
    unknown = [v for v in chosen if v not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variant(s) {', '.join(unknown)}; valid: {', '.join(VARIANTS)}")
    if "cached" in chosen and "ctranslate2" not in chosen:
        sys.exit("the cached variant re-runs ctranslate2: choose both")
    started = time.time()
    ensure_model()
    argos_env: dict = {}
    if any(v.startswith("argos") for v in chosen):
        archive = ensure_argos_package()
        if archive is None:
            print("argostranslate is not installed (pip install -r benchmarks/requirements-argos.txt): skipping argos",
                  file=sys.stderr)
            chosen = [v for v in chosen if not v.startswith("argos")]
        else:
            sys.path.insert(0, str(Path(__file__).parent))
            from argos_bench import argos_environment

            args.argos_package = str(archive)
            argos_env = {"argos": argos_environment(ARGOS_HOME / "home", args.threads),
                         "argos:2workers": argos_environment(ARGOS_HOME / "home", args.threads, inter_threads=2)}
    info = machine_info()
    runs: dict[str, list[dict]] = {v: [] for v in chosen}
    for rep in range(args.reps):
        cache = str(Path(tempfile.mkdtemp()) / "bench-cache.sqlite3")
        for variant in chosen:
            if variant == "cached":
                runs[variant].append(spawn("cached", args, cache))
            elif variant == "ctranslate2":
                runs[variant].append(spawn(variant, args, cache))
            else:
                runs[variant].append(spawn(variant, args, env=argos_env.get(variant)))
            r = runs[variant][-1]
            print(f"run {rep + 1}/{args.reps} {variant}: {r['sentences']} sentences in {r['seconds']:.2f} s "
                  f"(other work: {r['other_cores']:.2f} cores)", file=sys.stderr,
                  flush=True)
    rows = {v: summarise(runs[v]) for v in chosen}
    lines = [*info, f"threads {args.threads}; beam 4 unless noted; forced output length (see above); "
             f"median of {args.reps} interleaved runs, spread = min-max seconds; model load included except for 1; "
             f"1 runs on every {args.baseline_every}th segment", "",
             f"| {'variant':<55} | sent | seconds (spread) | sent/s | out tok/s | x baseline | x Argos | peak RSS MB |",
             f"|{'-' * 57}|-----:|-----------------:|-------:|----------:|-----------:|--------:|------------:|"]
    base = rows.get("baseline")
    argos = rows.get("argos")
    for variant, r in rows.items():
        spread = f"{r['seconds']:.2f} ({r['min']:.2f}-{r['max']:.2f})"
        x_base = f"{r['rate'] / base['rate']:.1f}" if base else "-"
        x_argos = f"{r['rate'] / argos['rate']:.1f}" if argos else "-"
        lines.append(f"| {VARIANTS[variant]:<55} | {r['sentences']:>4} | {spread:>16} | {r['rate']:>6.2f} | "
                     f"{r['tokens_rate']:>9.0f} | {x_base:>10} | {x_argos:>7} | {r['rss']:>11.0f} |")
    lines.append("")
    if argos:
        first = argos["runs"][0]
        lines.append(f"Argos split the report into {first['argos_sentences']} sentences (ours: {argos['sentences']} "
                     f"segments; sent/s uses the report's {argos['sentences']} for both) and ran them in "
                     f"{first['argos_batches']} CTranslate2 batches; output tokens: Argos {argos['output_tokens']}, "
                     f"ours {rows['ctranslate2']['output_tokens'] if 'ctranslate2' in rows else '-'}")
    lines += verdict(rows)
    if "cached" in rows and "ctranslate2" in rows:
        c = rows["cached"]
        lines.append(f"cached re-run vs its first run: {rows['ctranslate2']['seconds'] / c['seconds']:.0f}x faster "
                     f"({c['runs'][0]['cached']} of {c['sentences']} segments from the cache)")
    loads = [r["load_before"] for v in runs.values() for r in v]
    lines.append(f"load average (1 min) when each run started: {min(loads):.2f}-{max(loads):.2f} "
                 f"(the machine has {os.cpu_count()} logical CPUs; other work on it slows the multi-threaded variants most)")
    lines.append("other work on the CPU during each run (cores' worth, steal included; runs 1/2/...): " + "; ".join(
        f"{v} " + ", ".join(f"{r['other_cores']:.2f}" for r in rs) for v, rs in runs.items()))
    busiest = max(r["other_cores"] for rs in runs.values() for r in rs)
    if busiest > 0.25:
        lines.append(f"WARNING: other work took up to {busiest:.2f} of the {os.cpu_count()} cores during a run: "
                     "the ratios of this run are not clean; repeat on a quiet machine")
    lines.append(f"`translator --help` start-up (median of 5): {help_time():.3f} s")
    lines.append(f"whole benchmark: {(time.time() - started) / 60:.1f} min")
    print("\n".join(lines))
    raw = ROOT / "benchmarks" / "models" / "last-run.json"
    raw.write_text(json.dumps({"info": info, "runs": runs}, indent=1), "utf-8")
    if args.write:
        from translator.textio import write_atomic

        results = ROOT / "benchmarks" / "RESULTS.md"
        old = results.read_text("utf-8") if results.is_file() else "# Benchmark results\n\n"
        head = old.split("<!-- results -->")[0]
        rest = old.split("<!-- /results -->", 1)[1] if "<!-- /results -->" in old else "\n"  # other benchmarks' sections
        write_atomic(results, head + "<!-- results -->\n\n" + time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                     + ", `python benchmarks/bench_translate.py --write`\n\n" + "\n".join(lines) + "\n\n<!-- /results -->"
                     + rest)


if __name__ == "__main__":
    main()
