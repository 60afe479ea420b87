"""Plan where outputs go, and refuse unsafe plans before any translation starts.

:func:`plan_outputs` is what ``translator translate`` calls once it knows its
inputs, ``-o``/``--out-dir`` and format. It refuses (with one
:class:`~translator.errors.OutputError` listing every problem):

* an output that is one of the inputs (same file: resolved paths, symlinks
  and hard links included), so ``translate a.txt -o a.txt`` can never
  overwrite the Chinese source;
* an output that already exists, unless ``force`` (the CLI's ``--force``);
  devices and FIFOs such as ``/dev/null`` are not "existing outputs";
* ``-o`` naming a directory (also one that does not exist yet: ``en/``);
* an output folder that cannot be written (read-only, or a file in the way).

Missing folders are not created here; the plan lists them in
``creates_dirs`` so the caller can say so, and :func:`~translator.textio.write_atomic`
creates them when it writes.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError

__all__ = ["OutputPlan", "check_output", "output_name", "plan_outputs"]


@dataclass
class OutputPlan:
    """Where each input's output goes.

    Attributes:
        paths: One entry per input, in order; ``None`` means standard output.
        replaces: Existing regular files that will be replaced (only with ``force``).
        creates_dirs: Folders that do not exist yet and will be created on writing.
    """

    paths: list[Path | None] = field(default_factory=list)
    replaces: list[Path] = field(default_factory=list)
    creates_dirs: list[Path] = field(default_factory=list)


def output_name(src: str, fmt: str, bilingual: bool = False) -> str:
    """Return the output file name of input ``src`` in format ``fmt``.

    ``x.zh.txt`` -> ``x.en.txt``, ``report.docx`` -> ``report.en.docx``; a bilingual review is
    ``report.zh-en.docx``.
    """
    name = "stdin" if src == "-" else Path(src).name
    stem = (name.rsplit(".", 1)[0] if "." in name else name).removesuffix(".zh")
    return f"{stem}.{'zh-en' if bilingual else 'en'}.{fmt}"


def _out_dir_paths(inputs: list[str], out_dir: str | Path, fmts: list[str], bilingual: bool) -> list[Path]:
    used: set[str] = set()
    paths = []
    for src, fmt in zip(inputs, fmts):
        name = output_name(src, fmt, bilingual)
        tail = f".{'zh-en' if bilingual else 'en'}.{fmt}"
        stem = name.removesuffix(tail)
        n = 2
        while name in used:
            name = f"{stem}-{n}{tail}"
            n += 1
        used.add(name)
        paths.append(Path(out_dir) / name)
    return paths


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: compare where they would resolve
        return os.path.realpath(a) == os.path.realpath(b)


def _first_existing(path: Path) -> Path:
    parent = Path(os.path.abspath(path))
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def plan_outputs(inputs: list[str], output: str | None, out_dir: str | None, fmt: str | list[str],
                 force: bool = False, bilingual: bool = False) -> OutputPlan:
    """Decide every output path and check it is safe and writable, before translating.

    Args:
        inputs: Input paths as given (``-`` is standard input).
        output: ``-o`` (``-`` or None = standard output); only with one input.
        out_dir: ``--out-dir``: one ``NAME.en.FMT`` per input in this folder.
        fmt: Output format (the file extension in ``out_dir``), or one per input.
        force: Replace existing outputs (never an input).
        bilingual: Name ``out_dir`` files as bilingual reviews (``NAME.zh-en.FMT``).

    Returns:
        The :class:`OutputPlan`.

    Raises:
        OutputError: Every problem found, one per line: an output that is an input,
            an existing output without ``force``, ``-o`` naming a directory, a
            folder that cannot be written.
    """
    if out_dir is not None and output not in (None, "-"):
        raise OutputError("give either -o FILE or --out-dir DIR, not both")
    if out_dir is None and len(inputs) > 1:
        raise OutputError("several inputs need --out-dir DIR (one output per input)")
    if out_dir is not None:
        fmts = [fmt] * len(inputs) if isinstance(fmt, str) else list(fmt)
        paths: list[Path | None] = list(_out_dir_paths(inputs, out_dir, fmts, bilingual))
    else:
        paths = [None if output in (None, "-") else Path(output)]
    plan = OutputPlan(paths=paths)
    problems: list[str] = []
    if out_dir is None and output not in (None, "-") and str(output).endswith(("/", os.sep)):
        raise OutputError(f"{output}: names a folder (it ends with '/'); -o needs a file name (or use --out-dir)")
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise OutputError(f"--out-dir {out_dir}: exists and is not a folder")
    input_paths = [Path(p) for p in inputs if p != "-"]
    checked_dirs: set[Path] = set()
    for path in paths:
        if path is None:
            continue
        clash = next((src for src in input_paths if _same_file(path, src)), None)
        if clash is not None:
            problems.append(f"{path}: is the input {clash}; refusing to overwrite an input (choose another -o or --out-dir)")
            continue
        try:
            st = os.stat(path)  # follows symlinks: the target is what gets written
        except (FileNotFoundError, NotADirectoryError):  # a file in the way is reported with the folder below
            st = None
        except OSError as exc:
            problems.append(f"{path}: cannot write: {exc.strerror or exc}")
            continue
        if st is not None and stat.S_ISDIR(st.st_mode):
            problems.append(f"{path}: is a directory; -o needs a file name (or use --out-dir)")
            continue
        if st is not None and stat.S_ISREG(st.st_mode):
            if not force:
                problems.append(f"{path}: already exists; pass --force to replace it")
                continue
            plan.replaces.append(path)
        if st is not None and not stat.S_ISREG(st.st_mode):
            if not os.access(path, os.W_OK):
                problems.append(f"{path}: cannot write (permission denied)")
            continue  # a FIFO or device is written through, not replaced: its folder does not matter
        folder = Path(os.path.realpath(path)).parent
        if folder in checked_dirs:
            continue
        checked_dirs.add(folder)
        if folder.is_dir():
            if not os.access(folder, os.W_OK | os.X_OK):
                problems.append(f"{path}: cannot write in {folder} (read-only or permission denied)")
            continue
        existing = _first_existing(folder)
        if not existing.is_dir():
            problems.append(f"{path}: cannot create {folder}: {existing} is a file, not a folder")
        elif not os.access(existing, os.W_OK | os.X_OK):
            problems.append(f"{path}: cannot create {folder}: {existing} is read-only")
        else:
            plan.creates_dirs.append(folder)
    if problems:
        raise OutputError("\n".join(problems) if len(problems) == 1 else
                          f"{len(problems)} output problem(s):\n" + "\n".join(f"  - {p}" for p in problems))
    return plan


def check_output(output: str | None, source: str | None, force: bool = True) -> None:
    """Check, before any work, that a command writing one file from one input may write ``output``.

    What ``summarize -o`` and ``glossary export -o`` call: an existing output is replaced only with
    ``force`` (``summarize`` always replaces; ``glossary export`` needs ``--force``), and never the input
    itself (under another name, a symlink or a hard link included), a directory, or a folder that
    cannot be written. ``-`` or None is standard output.

    Raises:
        OutputError: The problem, naming the output.
    """
    if output in (None, "-"):
        return
    plan_outputs([str(source)] if source not in (None, "-") else [], str(output), None, "txt", force=force)
