"""Nothing lost, nothing hangs: output safety, input limits and clear input errors (issue 12)."""

from __future__ import annotations

import codecs
import os
import stat
import threading

import pytest

from translator.errors import InputError, OutputError
from translator.outputs import plan_outputs
from translator.segmentation.segmenter import segment_text
from translator.textio import read_text, write_atomic


# ----------------------------------------------------------- write_atomic
def test_write_atomic_writes_through_a_fifo_and_leaves_it_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "译文\n")
    reader.join(timeout=30)
    assert got == ["译文\n".encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_write_atomic_follows_a_symlink_and_keeps_it(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old", "utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text("utf-8") == "new"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "later.txt")
    write_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "later.txt").read_text("utf-8") == "made"


def test_write_atomic_keeps_an_existing_mode_and_honours_the_umask(tmp_path):
    existing = tmp_path / "shared.txt"
    existing.write_text("old", "utf-8")
    existing.chmod(0o644)
    write_atomic(existing, "new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new2.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new2.txt").stat().st_mode) == 0o644


def test_write_atomic_accepts_chunks_and_refuses_a_directory(tmp_path):
    write_atomic(tmp_path / "c.txt", (f"{i}\n" for i in range(3)))
    assert (tmp_path / "c.txt").read_text("utf-8") == "0\n1\n2\n"
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(tmp_path, "x")
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(blocker / "sub" / "out.txt", "x")


# ----------------------------------------------------------- plan_outputs
def test_plan_refuses_an_output_that_is_an_input(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("中文。", "utf-8")
    with pytest.raises(OutputError, match="is the input"):
        plan_outputs([str(src)], str(src), None, "txt")
    link = tmp_path / "alias.txt"
    link.symlink_to(src)
    with pytest.raises(OutputError, match="is the input"):
        plan_outputs([str(src)], str(link), None, "txt", force=True)
    hard = tmp_path / "hard.txt"
    os.link(src, hard)
    with pytest.raises(OutputError, match="is the input"):
        plan_outputs([str(src)], str(hard), None, "txt", force=True)
    with pytest.raises(OutputError, match="is the input"):  # via a different spelling of the path
        plan_outputs([str(src)], str(tmp_path / "." / "a.txt"), None, "txt", force=True)
    assert src.read_text("utf-8") == "中文。"


def test_plan_refuses_out_dir_outputs_that_are_inputs(tmp_path):
    x, y = tmp_path / "y.txt", tmp_path / "y.en.txt"
    x.write_text("中文。", "utf-8")
    y.write_text("中文。", "utf-8")  # itself an input, and the output name of y.txt
    with pytest.raises(OutputError, match="y.en.txt: is the input"):
        plan_outputs([str(x), str(y)], None, str(tmp_path), "txt", force=True)


def test_plan_refuses_existing_outputs_unless_forced(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("中文。", "utf-8")
    out = tmp_path / "out.txt"
    out.write_text("earlier", "utf-8")
    with pytest.raises(OutputError, match="already exists; pass --force"):
        plan_outputs([str(src)], str(out), None, "txt")
    plan = plan_outputs([str(src)], str(out), None, "txt", force=True)
    assert plan.paths == [out] and plan.replaces == [out]
    assert plan_outputs([str(src)], "-", None, "txt").paths == [None]


def test_plan_refuses_a_directory_and_lists_every_problem(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("中文。", "utf-8")
    with pytest.raises(OutputError, match="is a directory"):
        plan_outputs([str(src)], str(tmp_path), None, "txt")
    b = tmp_path / "b.txt"
    b.write_text("中文。", "utf-8")
    out = tmp_path / "o"
    out.mkdir()
    (out / "a.en.txt").write_text("x", "utf-8")
    (out / "b.en.txt").write_text("x", "utf-8")
    with pytest.raises(OutputError) as info:
        plan_outputs([str(src), str(b)], None, str(out), "txt")
    assert "2 output problem(s)" in str(info.value)


def test_plan_says_which_folders_it_will_create_and_refuses_impossible_ones(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("中文。", "utf-8")
    plan = plan_outputs([str(src)], None, str(tmp_path / "new" / "dir"), "md")
    assert plan.paths == [tmp_path / "new" / "dir" / "a.en.md"]
    assert plan.creates_dirs == [tmp_path / "new" / "dir"]
    assert not (tmp_path / "new").exists()  # planning creates nothing
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        plan_outputs([str(src)], str(blocker / "out.txt"), None, "txt")
    with pytest.raises(OutputError, match="file is a file"):
        plan_outputs([str(src)], None, str(blocker / "sub"), "txt")


def test_plan_accepts_a_fifo_as_output(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("中文。", "utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    plan = plan_outputs([str(src)], str(fifo), None, "txt")
    assert plan.paths == [fifo] and plan.replaces == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_plan_refuses_a_read_only_folder_before_any_work(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("中文。", "utf-8")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="read-only"):
            plan_outputs([str(src)], str(ro / "out.txt"), None, "txt")
        with pytest.raises(OutputError, match="read-only"):
            plan_outputs([str(src)], None, str(ro / "sub"), "txt")
    finally:
        ro.chmod(0o755)


# ------------------------------------------------------------ reading input
def test_device_input_is_refused_not_read_forever():
    from translator.cli import main

    with pytest.raises(InputError, match="is a device"):
        read_text("/dev/urandom")  # refused from its stat, before any byte is read
    with pytest.raises(SystemExit) as info:
        main(["segment", "/dev/urandom"])
    assert info.value.code == 2


def test_input_size_limit_is_documented_and_overridable(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("中文。\n" * 1000, "utf-8")
    with pytest.raises(InputError, match="input limit.*TRANSLATOR_MAX_INPUT_BYTES"):
        read_text(str(path), max_bytes=1000)
    monkeypatch.setenv("TRANSLATOR_MAX_INPUT_BYTES", "1000")
    with pytest.raises(InputError, match="1,000-byte input limit"):
        read_text(str(path))
    assert read_text(str(path), max_bytes=0).text.count("\n") == 1000  # 0 = no limit
    monkeypatch.setenv("TRANSLATOR_MAX_INPUT_BYTES", "0")
    assert read_text(str(path)).text.startswith("中文")


def test_a_fifo_that_never_ends_is_cut_at_the_limit(tmp_path):
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        try:
            with open(fifo, "wb") as fh:
                while not stop.is_set():
                    fh.write("中文。\n".encode() * 1000)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(InputError, match="input limit"):
            read_text(str(fifo), max_bytes=200_000)
    finally:
        stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_stdin_is_read_with_the_cap(monkeypatch):
    import io
    import sys

    class Stdin:
        buffer = io.BytesIO("中文。\n".encode() * 10_000)

    monkeypatch.setattr(sys, "stdin", Stdin)
    with pytest.raises(InputError, match="<stdin>: larger than"):
        read_text("-", max_bytes=5_000)


@pytest.mark.parametrize(("data", "where"), [
    (codecs.BOM_UTF8 + "第一行\n".encode() + b"\xff\xfe", ":2: starts with a UTF-8 byte-order mark"),
    (codecs.BOM_UTF16_LE + "中文".encode("utf-16-le") + b"\x00", ":1: starts with a UTF-16 byte-order mark"),
    (codecs.BOM_UTF16_LE + "中".encode("utf-16-le") + b"\x00\xd8" + "文".encode("utf-16-le"), ":1: .*byte 4 .*illegal UTF-16 surrogate"),
])
def test_bom_followed_by_invalid_bytes_is_a_clear_error(tmp_path, data, where):
    from translator.cli import main

    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="bad.txt" + where):
        read_text(str(path))
    with pytest.raises(SystemExit) as info:
        main(["segment", str(path)])
    assert info.value.code == 2


def test_only_zero_width_characters_is_empty_input(tmp_path):
    path = tmp_path / "zw.txt"
    path.write_text("\u200b\u200d\n\ufeff\u2060 \n", "utf-8")
    with pytest.raises(InputError, match="zw.txt: the input is empty"):
        read_text(str(path))


def test_control_characters_are_refused_with_their_line(tmp_path):
    path = tmp_path / "ctl.txt"
    path.write_text("第一行。\n第二\x00行。\x07\n", "utf-8")
    with pytest.raises(InputError, match=r"ctl.txt:2:3: control character U\+0000 \(2 in the file\)"):
        read_text(str(path))


def test_unicode_line_breaks_are_line_breaks(tmp_path):
    path = tmp_path / "ls.txt"
    path.write_text("第一段。\u2028第二段。\x85第三段。\n第四段。", "utf-8")
    text = read_text(str(path)).text
    assert text == "第一段。\n第二段。\n第三段。\n第四段。"
    # a string given straight to the segmenter: line numbers count only \n, and no separator reaches the model
    doc = segment_text("标题\n第一句。\u2028第二句。\n第三句。")
    assert [s.line for s in doc.segments] == [1, 2, 2, 3]
    assert all("\u2028" not in s.text for s in doc.segments)
    assert doc.rebuild() == "标题\n第一句。\u2028第二句。\n第三句。"
