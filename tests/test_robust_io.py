"""Encodings, atomic outputs, long inputs, review formats, progress and kill-and-resume."""

from __future__ import annotations

import io
import json
import re
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from translator import Pipeline
from translator.cli import cli
from translator.errors import InputError
from translator.progress import progress_reporter
from translator.segmentation.segmenter import segment_text
from translator.textio import decode_bytes, read_text, write_atomic

from .conftest import SAMPLE
from .test_pipeline import SHORT_DOC

TEXT = SAMPLE.read_text("utf-8")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_encodings_are_detected(tmp_path, encoding, expected):
    path = tmp_path / f"r.{encoding}.txt"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode(encoding, errors="strict") if encoding != "gbk"
                     else TEXT.replace("\xa0", " ").encode("gbk"))
    decoded = read_text(str(path))
    assert decoded.encoding == expected
    original = TEXT if encoding != "gbk" else TEXT.replace("\xa0", " ")
    assert decoded.text == original


def test_big5_traditional_chinese(tmp_path):
    text = "市區推動科技創新,全年新增高新技術企業55家。\n臺東步行街獲評全國示範步行街。\n" * 5
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    decoded = read_text(str(path))
    assert decoded.encoding == "big5" and decoded.text == text


def test_encoding_override_and_its_errors(tmp_path):
    path = tmp_path / "g.txt"
    path.write_bytes("市北区全年新增企业。".encode("gb18030"))
    assert read_text(str(path), "gb18030").text == "市北区全年新增企业。"
    with pytest.raises(InputError, match="cannot decode as utf-8"):
        read_text(str(path), "utf-8")
    with pytest.raises(InputError, match="g.txt"):
        read_text(str(path), "no-such-codec")


def test_binary_and_empty_inputs_are_named(tmp_path):
    with pytest.raises(InputError, match="x.bin: looks like a binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "x.bin")
    with pytest.raises(InputError, match="e.txt: the input is empty"):
        decode_bytes(b"  \r\n", "e.txt")


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old", "utf-8")

    def boom(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new" * 1000)
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


TEN_MB_SCRIPT = """
import json, sys
from pathlib import Path
from tests.fake_engine import FakeEngine
from translator import Pipeline
result = Pipeline(engine=FakeEngine(), use_cache=False, retries=0).translate_file(sys.argv[1])
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
missing = [s.id for s in result.segments if not (s.target or s.flags)]
print(json.dumps({"segments": len(result.segments), "missing": missing, "peak_kb": hwm,
                  "rebuilt": result.document.rebuild() == Path(sys.argv[1]).read_text("utf-8")}))
"""


def test_ten_megabyte_file_is_translated_in_full_in_bounded_memory(tmp_path):
    """5 MB of distinct sentences through the whole pipeline (deterministic engine), in its own process."""
    lines, out, size, n = TEXT.splitlines(), [], 0, 0
    while size < 5_000_000:
        for line in lines:
            line = line.replace("。", f"第{n}号。") if line.strip() else line  # every repetition distinct
            out.append(line)
            size += len(line.encode("utf-8")) + 1
        n += 1
    path = tmp_path / "big.txt"
    path.write_text("\n".join(out), "utf-8")
    assert path.stat().st_size >= 5_000_000
    from .conftest import ROOT

    proc = subprocess.run([sys.executable, "-c", TEN_MB_SCRIPT, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["segments"] > 50_000 and report["missing"] == [] and report["rebuilt"]
    assert report["peak_kb"] < 600_000  # about 35 bytes per input byte: linear, far from unbounded


def test_fifty_thousand_character_paragraph_is_translated_in_full(tiny_model):
    run = "市北区打造多层次创新平台推动科技成果转化引进培育一流人才"
    paragraph = (run * (50_000 // len(run) + 1))[:50_000]
    p = Pipeline(model=str(tiny_model), beams=1, retries=0, use_glossary=False, use_cache=False,
                 max_length_ratio=0.1, max_length_extra=1, batch_size=64)
    result = p.translate_text("标题\n" + paragraph)
    seg = result.segments[1]
    assert seg.source == paragraph
    assert seg.pieces > 100
    flag = next(f for f in seg.flags if f.check == "split_window")
    assert flag.details["pieces"] == seg.pieces
    assert seg.target  # every window produced output; none was dropped


def _translated(tiny_model):
    p = Pipeline(model=str(tiny_model), beams=1, retries=0, use_cache=False)
    return p.translate_text(SHORT_DOC, name="short.txt")


def test_xliff_round_trips_through_translate_toolkit(tiny_model):
    from translate.storage import xliff

    from translator.formats.review import to_xliff

    doc = _translated(tiny_model)
    text = to_xliff(doc)
    assert 'version="1.2"' in text
    store = xliff.xlifffile.parsestring(text.encode("utf-8"))
    assert [u.source for u in store.units] == [s.source for s in doc.segments]
    assert [u.target for u in store.units] == [s.target for s in doc.segments]
    assert [u.getid().split("\x04")[-1][-2:] for u in store.units][:2] == ["s1", "s2"]
    for unit, seg in zip(store.units, doc.segments):
        assert not unit.isapproved()  # machine output: a reviewer approves it, or the memory would take it as approved
        notes = unit.getnotes("translator")
        assert all(f"[{f.check}]" in notes for f in seg.flags)


def test_tmx_round_trips_through_translate_toolkit(tiny_model):
    from translate.storage import tmx

    from translator.formats.review import to_tmx

    doc = _translated(tiny_model)
    store = tmx.tmxfile.parsestring(to_tmx(doc).encode("utf-8"))
    assert [(u.source, u.target) for u in store.units] == [(s.source, s.target) for s in doc.segments]
    assert all(f"[{f.check}]" in u.getnotes() for u, s in zip(store.units, doc.segments) for f in s.flags)


def test_jsonl_has_one_line_per_segment(tiny_model, tmp_path, doc_path=None):
    path = tmp_path / "d.txt"
    path.write_text(SHORT_DOC, "utf-8")
    r = CliRunner().invoke(cli, ["translate", str(path), "--model", str(tiny_model), "--beams", "1", "--retries", "0",
                                 "--format", "jsonl", "-q"])
    lines = [json.loads(line) for line in r.output.splitlines()]
    assert len(lines) == 7 and lines[0]["id"] == "s1" and lines[0]["signature"].startswith("translator:")


def test_progress_bar_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    with progress_reporter(stream=tty) as advance:
        advance(0, 10)
        advance(4, 10)
    assert "4/10" in tty.getvalue()
    plain = io.StringIO()
    with progress_reporter(stream=plain) as advance:
        advance(4, 10)
    assert plain.getvalue() == ""


def _cache_rows(path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _wait_for_rows(db, rows: int, proc, hang_guard: float = 1800) -> None:
    """Poll until the cache holds ``rows`` rows or ``proc`` ends (``hang_guard`` only catches a hung process)."""
    start = time.monotonic()
    while _cache_rows(db) < rows and proc.poll() is None:
        if time.monotonic() - start > hang_guard:
            proc.kill()
            pytest.fail(f"no progress: {_cache_rows(db)} cached rows after {hang_guard:.0f} s")
        time.sleep(0.1)


def test_kill_and_resume_batch(tiny_ct2_model, tmp_path):
    """SIGKILL mid-batch: no output is truncated; the restart reuses every finished segment."""
    tiny_model = tiny_ct2_model  # a process that starts without importing torch
    inputs = []
    for i in range(3):
        path = tmp_path / f"doc{i}.txt"
        # different documents: each line gets a per-document suffix so nothing is shared
        path.write_text("\n".join(f"{i}号" + line if line.strip() else line for line in TEXT.splitlines()), "utf-8")
        inputs.append(str(path))
    out_dir = tmp_path / "out"
    cache_dir = tmp_path / "cache"
    env = os.environ | {"TRANSLATOR_CACHE_DIR": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "translator", "translate", *inputs, "--model", str(tiny_model), "--out-dir", str(out_dir),
           "--beams", "1", "--retries", "0", "--batch-size", "8", "--format", "json", "-q"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    db = cache_dir / "segments.sqlite3"
    _wait_for_rows(db, 40, proc)  # a condition, not a deadline: however slow the machine, 40 rows come first
    assert proc.poll() is None, "the batch finished before it could be killed; make it longer"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = _cache_rows(db)
    assert done_before >= 40
    # nothing half-written: either no output yet, or complete JSON
    for path in out_dir.glob("*") if out_dir.exists() else []:
        assert not path.name.endswith(".tmp") or path.stat().st_size >= 0
        if path.suffix == ".json":
            json.loads(path.read_text("utf-8"))
    second = subprocess.run(cmd[:-1], env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    cached = sum(int(line.split("(")[1].split(" cached")[0]) for line in second.stderr.splitlines() if " cached)" in line)
    assert cached >= done_before  # every segment finished before the kill came from the cache
    outputs = sorted(out_dir.glob("*.json"))
    assert [p.name for p in outputs] == ["doc0.en.json", "doc1.en.json", "doc2.en.json"]
    for path, src in zip(outputs, inputs):
        data = json.loads(path.read_text("utf-8"))
        assert data["segment_count"] == len(segment_text(read_text(src).text).segments)
    assert not list(out_dir.glob(".*.tmp"))


def test_ctrl_c_exits_130_and_writes_nothing_partial(tiny_ct2_model, tmp_path):
    tiny_model = tiny_ct2_model  # a process that starts without importing torch
    out = tmp_path / "o.txt"
    env = os.environ | {"HF_HUB_OFFLINE": "1", "TRANSLATOR_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "translator", "translate", str(SAMPLE), "--model", str(tiny_model),
                             "--batch-size", "4", "-o", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_rows(tmp_path / "cache" / "segments.sqlite3", 1, proc)  # translation is under way
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    saved = re.search(rb"interrupted: (\d+) of (\d+) segments are finished and in the segment cache", err)
    assert saved, err  # says what is true: how many segments were saved
    assert int(saved.group(1)) == _cache_rows(tmp_path / "cache" / "segments.sqlite3") >= 1
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_exit_codes_of_main(tmp_path):
    from translator.cli import main

    with pytest.raises(SystemExit) as info:
        main(["segment", str(tmp_path / "missing.txt")])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["translate"])  # usage error
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
