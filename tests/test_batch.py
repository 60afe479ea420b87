"""Corpus batches: discovery, both executors against translate_file, bad documents, killed workers and drivers."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from translator.batch import MANIFEST_NAME, discover, read_manifest, translate_corpus
from translator.cli import cli
from translator.errors import InputError, UnknownNameError, ValidationError

from .conftest import ROOT, SAMPLE

LINES = SAMPLE.read_text("utf-8").splitlines()[:12]


def _doc(i: int, lines: list[str] = LINES) -> str:
    """A document whose every segment is its own (no segment shared with another document)."""
    return "\n".join(f"{i}号" + line.replace("。", f"{i}号。") if line.strip() else line for line in lines) + "\n"


def _fast(tiny_ct2_model, cache: Path) -> dict:
    """Settings on the tiny model converted for CTranslate2: worker processes start without importing torch."""
    return dict(model=str(tiny_ct2_model), beams=1, retries=0, max_length_ratio=0.3, max_length_extra=2, batch_size=8,
                cache_path=str(cache))


def _corpus(root: Path, n: int, lines: list[str] = LINES) -> list[Path]:
    paths = []
    for i in range(n):
        path = root / ("sub" if i % 2 else "") / f"doc{i}.zh.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_doc(i, lines), "utf-8")
        paths.append(path)
    return paths


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _cache_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=30) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def _wait(condition, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# ------------------------------------------------------------------ discovery
def test_discovery_walks_folders_reads_manifests_and_names_outputs(tmp_path):
    (tmp_path / "in" / "a" / ".hidden").mkdir(parents=True)
    for rel in ["in/r.zh.txt", "in/a/r.txt", "in/a/notes.bin", "in/a/.hidden/x.txt", "loose/r.txt", "out/old.en.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("标题\n", "utf-8")
    (tmp_path / "list.txt").write_text("# corpus\nloose/r.txt\n\nin/r.zh.txt\n", "utf-8")
    jobs = discover([str(tmp_path / "in"), f"@{tmp_path / 'list.txt'}", str(tmp_path / "out")], tmp_path / "out", "md")
    got = [(Path(j.source).relative_to(tmp_path).as_posix(), Path(j.output).relative_to(tmp_path).as_posix())
           for j in jobs]
    # folders: readable extensions only, no hidden files, nothing from the output folder; duplicates once
    assert got == [("in/r.zh.txt", "out/r.en.md"), ("in/a/r.txt", "out/a/r.en.md"), ("loose/r.txt", "out/r-2.en.md")]


def test_missing_inputs_are_all_listed_with_manifest_lines(tmp_path):
    (tmp_path / "list.txt").write_text("a.txt\nmissing.txt\n\nalso-missing.txt\n", "utf-8")
    (tmp_path / "a.txt").write_text("标题\n", "utf-8")
    with pytest.raises(ValidationError) as err:
        discover([str(tmp_path / "nope"), f"@{tmp_path / 'list.txt'}"], tmp_path / "out", "txt")
    message = str(err.value)
    assert "nope: error: no such file or folder" in message
    assert "list.txt:2: error: no such file or folder: missing.txt" in message
    assert "list.txt:4:" in message
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no documents found"):
        discover([str(tmp_path / "empty")], tmp_path / "out", "txt")


def test_unknown_executor_and_format_list_the_valid_names(tmp_path):
    with pytest.raises(UnknownNameError, match="valid executors: local, ray"):
        translate_corpus([str(SAMPLE)], None, tmp_path, executor="spark")
    with pytest.raises(UnknownNameError, match="valid formats: txt.*docx, html"):
        translate_corpus([str(SAMPLE)], None, tmp_path, fmt="pdf")


def _write_rows(path: str, start: int) -> None:
    from translator.translation.cache import SegmentCache

    cache = SegmentCache(path)
    for i in range(start, start + 40):
        cache.put_many({f"k{i}-{j}": {"target": "x" * 200} for j in range(20)})
        cache.get_many([f"k{i}-0", f"k{start}-1"])
    cache.close()


def test_segment_cache_takes_concurrent_writer_processes(tmp_path):
    """Four processes write one cache file at once: none fails on a locked database, no row is lost."""
    path = str(tmp_path / "shared.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_rows, args=(path, k * 1000)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert _cache_rows(Path(path)) == 4 * 40 * 20


# ------------------------------------------------------------- reference outputs
@pytest.fixture(scope="module")
def corpus(tmp_path_factory, tiny_ct2_model):
    """Four distinct documents, one binary file and one empty file, and each good document's reference output
    (``pipeline.translate_file`` + ``render``, no cache)."""
    from translator import Pipeline
    from translator.formats import render

    root = tmp_path_factory.mktemp("corpus")
    good = _corpus(root, 4)
    (root / "sub" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    (root / "truncated.txt").write_bytes(b"\r\n  \r\n")  # a download that broke off
    markdown = root / "sub" / "notes.md"  # a document format: written back as Markdown
    markdown.write_text("# 9号市北区\n\n9号全年新增**企业**55家。\n\n- 9号研发投入突破10亿元\n", "utf-8")
    settings = _fast(tiny_ct2_model, root / "unused.sqlite3") | {"use_cache": False}
    pipeline = Pipeline.from_settings(settings)
    refs = {str(p): render(pipeline.translate_file(str(p)), "txt").encode("utf-8") for p in good}
    from translator.documents import translate_document

    translate_document(pipeline, markdown, root.parent / "notes.en.md")
    refs[str(markdown)] = (root.parent / "notes.en.md").read_bytes()
    return root, refs


def _check_against_references(report, out: Path, refs: dict) -> None:
    by_doc = {r.document: r for r in report.records}
    assert len(by_doc) == 7 and report.failed == 2 and not report.ok
    for source, text in refs.items():
        record = by_doc[source]
        assert record.status == "translated", record.error
        assert Path(record.output).read_bytes() == text  # byte-identical to translate_file + render
    errors = {Path(r.document).name: r.error for r in report.records if r.status == "failed"}
    assert "image.txt: looks like a binary file" in errors["image.txt"]
    assert "truncated.txt: the input is empty" in errors["truncated.txt"]
    rows = _rows(out / MANIFEST_NAME)
    assert [r["document"] for r in rows[:-1]] == [r.document for r in report.records]
    assert rows[-1]["summary"]["failed"] == 2 and rows[-1]["summary"]["translated"] == 5
    row = next(r for r in rows[:-1] if r["status"] == "translated")
    assert row["segments"] >= 5 and row["signature"].startswith("translator:") and row["seconds"] > 0
    assert all(isinstance(v, dict) for v in row["flags"].values())  # by check, then by severity
    assert not list(out.rglob(".*.tmp"))


def test_local_executor_matches_translate_file_skips_bad_documents_and_resumes(corpus, tiny_ct2_model, tmp_path):
    root, refs = corpus
    out = tmp_path / "out"
    settings = _fast(tiny_ct2_model, tmp_path / "cache.sqlite3")
    report = translate_corpus([str(root)], settings, out, workers=2)
    # two worker processes serve the run; on a busy machine the first one started may finish every
    # document before the second has loaded its model, so which did the work is not asserted
    workers = {r.worker for r in report.records if r.status == "translated"}
    assert report.workers == 2 and 1 <= len(workers) <= 2 and all(w for w in workers)
    _check_against_references(report, out, refs)
    assert (out / "sub" / "notes.en.md").is_file()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.en.*")}
    again = translate_corpus([str(root)], settings, out, workers=2)
    assert again.skipped == 5 and again.translated == 0 and again.failed == 2  # failures are tried again
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.en.*")} == before
    changed = sorted(p for p in refs if p.endswith(".txt"))[0]
    Path(changed).write_text(_doc(9), "utf-8")  # a changed source is translated again, the rest is skipped
    third = translate_corpus([str(root)], settings | {"beams": 1}, out, workers=1)
    assert [r.document for r in third.records if r.status == "translated"] == [changed]
    Path(changed).write_text(_doc(int(Path(changed).stem[3])), "utf-8")


def test_cli_batch_exits_1_when_a_document_failed(tiny_ct2_model, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(_doc(1, LINES[:1]), "utf-8")
    (tmp_path / "in" / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    args = ["batch", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), "--model", str(tiny_ct2_model), "--beams",
            "1", "--retries", "0", "--cache-path", str(tmp_path / "c.sqlite3"), "--workers", "1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "2 documents: 1 translated, 0 already done, 1 failed" in result.output
    assert "b.txt: looks like a binary file" in result.output
    assert (tmp_path / "out" / "a.en.txt").read_text("utf-8").endswith("encoding:utf-8\n")
    assert CliRunner().invoke(cli, [*args, "--executor", "spark"]).exit_code == 2


# ----------------------------------------------------------------------- ray
@pytest.fixture(scope="session")
def ray_local():
    """One local Ray instance with 2 CPUs for the whole test session."""
    ray = pytest.importorskip("ray")
    from translator.batch.executors.ray_executor import start

    started = start(num_cpus=2)
    yield ray
    if started:
        ray.shutdown()


def test_ray_executor_matches_translate_file(corpus, tiny_ct2_model, tmp_path, ray_local):
    root, refs = corpus
    out = tmp_path / "out"
    report = translate_corpus([str(root)], _fast(tiny_ct2_model, tmp_path / "cache.sqlite3"), out, executor="ray",
                              workers=2)
    _check_against_references(report, out, refs)
    assert ray_local.is_initialized()  # a Ray it did not start is left running


def _run_in_thread(fn) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def target():
        try:
            box["report"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, box


@pytest.mark.parametrize("executor", ["local", "ray"])
def test_a_killed_worker_does_not_stop_the_batch(executor, tiny_ct2_model, tmp_path, request):
    """SIGKILL the worker that finished the first document (it is on the next one): the batch still finishes."""
    if executor == "ray":
        request.getfixturevalue("ray_local")
    docs = _corpus(tmp_path / "in", 5, LINES[:8])
    cache = tmp_path / "cache.sqlite3"
    first: list[str] = []
    done = threading.Event()

    def seen(record):
        first.append(record.worker)
        done.set()

    thread, box = _run_in_thread(lambda: translate_corpus(
        [str(tmp_path / "in")], _fast(tiny_ct2_model, cache), tmp_path / "out", executor=executor, workers=2,
        fmt="json", on_document=seen))
    _wait(done.is_set, "the first document")
    os.kill(int(first[0].rsplit(":", 1)[1]), signal.SIGKILL)
    thread.join(600)
    assert "error" not in box, box.get("error")
    report = box["report"]
    assert report.ok and report.translated == 5, [r.error for r in report.records]
    assert sorted(r.document for r in report.records) == sorted(map(str, docs))
    for record in report.records:
        data = json.loads(Path(record.output).read_text("utf-8"))
        assert data["name"] == record.document and data["segment_count"] == record.segments >= 5
    distinct = {s["source"] for r in report.records for s in json.loads(Path(r.output).read_text("utf-8"))["segments"]}
    assert _cache_rows(cache) == len(distinct)


DRIVER = """
import json, sys
from translator.batch import translate_corpus
translate_corpus([sys.argv[1]], json.loads(sys.argv[2]), sys.argv[3], workers=2, fmt="json")
"""


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_resume_after_a_killed_driver_translates_nothing_twice(tiny_ct2_model, tmp_path):
    _corpus(tmp_path / "in", 5, LINES[:8])
    cache, out = tmp_path / "cache.sqlite3", tmp_path / "out"
    cmd = [sys.executable, "-c", DRIVER, str(tmp_path / "in"), json.dumps(_fast(tiny_ct2_model, cache)), str(out)]
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    manifest = out / MANIFEST_NAME
    _wait(lambda: proc.poll() is not None or (manifest.exists() and len(read_manifest(manifest)) >= 1), "a row")
    assert proc.poll() is None, "the batch finished before it could be killed"
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _wait(lambda: not any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text()
                          for pid in workers), "the workers to die with their driver")
    finished = read_manifest(manifest)
    rows_before = _cache_rows(cache)
    second = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    rows = _rows(manifest)
    assert rows[-1]["summary"]["translated"] + rows[-1]["summary"]["skipped"] == 5
    assert {r["document"] for r in rows[:-1] if r["status"] == "skipped"} == set(finished)
    fresh = {s["source"] for r in rows[:-1] if r["status"] == "translated"
             for s in json.loads(Path(r["output"]).read_text("utf-8"))["segments"] if not s["cached"]}
    # every segment translated by the re-run added a new cache row: none was in the cache already
    assert _cache_rows(cache) - rows_before == len(fresh)
    assert all(json.loads(Path(r["output"]).read_text("utf-8"))["segment_count"] == r["segments"] for r in rows[:-1])


def test_corpus_progress_shows_documents_segments_rate_and_eta_only_on_a_terminal():
    import io

    from translator.batch.corpus import _progress_bar
    from translator.batch.document import DocumentRecord

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    with _progress_bar(True, 4, tty) as advance:
        advance(DocumentRecord("a.txt", "a.en.txt", "translated", segments=30))
        advance(DocumentRecord("b.txt", "b.en.txt", "failed"))
    shown = tty.getvalue()
    assert "2/4" in shown and "30 seg" in shown and "seg/s" in shown and "1 failed" in shown and "<" in shown  # ETA
    plain = io.StringIO()
    with _progress_bar(True, 4, plain) as advance:
        advance(DocumentRecord("a.txt", "a.en.txt", "translated", segments=30))
    assert plain.getvalue() == ""
