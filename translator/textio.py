"""Reading documents in any common Chinese encoding, and writing outputs safely.

Reading refuses what would hang or exhaust memory: inputs over
:data:`DEFAULT_MAX_INPUT_BYTES` (50 MB; override with the
``TRANSLATOR_MAX_INPUT_BYTES`` environment variable or ``max_bytes=``) and
device files such as ``/dev/urandom``; pipes and stdin are read up to the
same limit. Undecodable bytes, control characters and inputs holding only
whitespace or zero-width characters are refused with the file and line named.

Writing (:func:`write_atomic`) replaces regular files atomically, keeping
their permission bits (new files get the umask's), follows a symlink to its
target, and writes straight through to FIFOs and character devices
(``-o /dev/null`` stays the device it was).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, OutputError

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "DecodedText", "decode_bytes", "max_input_bytes", "new_outputs", "parse_json",
           "read_aligned", "read_bytes", "read_lines", "read_text", "write_atomic"]

DEFAULT_MAX_INPUT_BYTES = 50_000_000
"""Largest input read by default (bytes); ``TRANSLATOR_MAX_INPUT_BYTES`` overrides it (0 = no limit)."""

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BLANK = re.compile(f"[\\s{_ZERO_WIDTH}]*")
# C0 controls other than tab, newline and carriage return: not text, and not allowed in XML 1.0
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class DecodedText:
    """A decoded input.

    Attributes:
        text: The text, line breaks normalised to ``\\n`` (see ``line_breaks`` of :func:`decode_bytes`).
        encoding: The encoding used.
        name: File name or ``<stdin>``.
    """

    text: str
    encoding: str
    name: str


def decode_bytes(data: bytes, name: str, encoding: str | None = None, line_breaks: str = "any") -> DecodedText:
    """Decode raw bytes, detecting the encoding unless one is given.

    Args:
        data: The raw input.
        name: Where it came from, for messages.
        encoding: Force this encoding.
        line_breaks: ``any`` (every line break becomes ``\\n``: CR, NEL, U+2028/9, form feed, vertical tab)
            or ``lf`` (only ``\\n`` and CRLF end a line, as sacrebleu reads line-aligned files; other
            breaks stay inside their line).

    Raises:
        InputError: Empty, binary or undecodable input; the message names ``name``.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise InputError(f"{name}: the input is empty")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(f"{name}: cannot decode as {encoding}: {exc}") from exc
        text = _decode_or_raise(data, encoding, name, f"cannot decode as {encoding}")
        return _checked(text.lstrip("\ufeff"), encoding, name, line_breaks)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _decode_or_raise(data, enc, name, f"starts with a {enc.removesuffix('-sig').upper()} byte-order mark, then")
            return _checked(text.lstrip("\ufeff"), enc, name, line_breaks)
    try:
        return _checked(data.decode("utf-8"), "utf-8", name, line_breaks)
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "utf_16", "utf_16_le", "utf_16_be", "utf_8"]).best()
    enc = best.encoding if best is not None else None
    if enc in ("gbk", "gb2312"):
        enc = "gb18030"  # superset: never loses a character GBK detection admits
    chosen = _most_chinese(data, enc)
    if chosen is None:
        raise InputError(f"{name}: cannot detect the text encoding; pass --encoding")
    enc, text = chosen
    return _checked(text, enc, name, line_breaks)


# Lead bytes of GB2312's everyday characters: row 1 (、。“”《》…), row 3 (full-width ASCII) and the
# 3,755 level-1 hanzi (rows 16-55, the characters of everyday text)
_GB_COMMON_LEADS = frozenset([0xA1, 0xA3, *range(0xB0, 0xD8)])
_SURE_SHARE = 0.9  # everyday share that identifies Chinese text the statistical detector gave up on
_SHARE_SAMPLE = 20_000  # characters looked at: plenty to tell, and a 50 MB input costs no more


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are everyday Chinese characters or punctuation.

    A character counts when its Simplified form (OpenCC's table) is in GB2312's level 1 or its punctuation
    rows: true of nearly all of a real Chinese text, Simplified or Traditional, but not of the rare
    characters, symbols and kana that the same bytes give when decoded with the wrong one of GB18030/Big5.
    """
    from .textnorm import simplified_table

    table = simplified_table()
    wide = [c for c in text[:_SHARE_SAMPLE] if ord(c) > 0x7F]
    if not wide:
        return 0.0  # no evidence either way
    common = 0
    for ch in wide:
        try:
            code = table.get(ch, ch).encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += len(code) == 2 and code[0] in _GB_COMMON_LEADS
    return common / len(wide)


def _most_chinese(data: bytes, detected: str | None) -> tuple[str, str] | None:
    """Choose the encoding of ``data`` among GB18030, Big5 and the detected one by which gives everyday Chinese.

    Statistical detection cannot tell these apart on a few characters: GBK's 市北区 is valid Big5 for
    庈控⑹, and eight GBK characters are valid BOM-less UTF-16 for eight Hangul syllables. The decoding with
    the largest share of everyday characters wins; on a tie GB18030 (this toolkit's Simplified Chinese
    sources), then Big5, then the detected encoding. When the detector found nothing (``detected`` None),
    the winner must read as everyday Chinese (a share of at least 0.9), else None.

    Returns:
        (encoding, decoded text) of the winner, or None when no candidate decodes (or none is sure enough).
    """
    best: tuple[str, str] | None = None
    best_share = -1.0
    for enc in dict.fromkeys(("gb18030", "big5", detected)):
        if enc is None:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        share = _common_share(text)
        if share > best_share:
            best, best_share = (enc, text), share
    if best is None or (detected is None and best_share < _SURE_SHARE):
        return None  # nothing decodes, or nothing detected and no decoding reads as everyday Chinese
    return best


def _decode_or_raise(data: bytes, encoding: str, name: str, what: str) -> str:
    """Decode strictly; on failure name the line and byte offset of the first bad bytes."""
    skip = 0
    if encoding.replace("_", "-").lower() == "utf-8-sig" and data.startswith(codecs.BOM_UTF8):
        skip, encoding = len(codecs.BOM_UTF8), "utf-8"  # so error offsets count from the file's start
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[skip:skip + exc.start].decode(encoding, errors="replace").count("\n") + 1
        bad = data[skip + exc.start:skip + exc.end][:8].hex(" ")
        raise InputError(f"{name}:{line}: {what}: invalid bytes at byte {skip + exc.start} ({bad}: {exc.reason}); "
                         f"pass --encoding or fix the file") from None


def _checked(text: str, encoding: str, name: str, line_breaks: str = "any") -> DecodedText:
    """Normalise line breaks; refuse blank input and control characters (naming where they are)."""
    if line_breaks not in ("any", "lf"):
        raise ValueError(f"line_breaks must be 'any' or 'lf', not {line_breaks!r}")
    text = _newlines(text) if line_breaks == "any" else text.replace("\r\n", "\n")
    if _BLANK.fullmatch(text):
        raise InputError(f"{name}: the input is empty (only whitespace or zero-width characters)")
    found = _CONTROL.search(text)
    if found:
        count = len(_CONTROL.findall(text))
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise InputError(f"{name}:{line}:{column}: control character U+{ord(found.group()):04X} "
                         f"({count} in the file); remove it (it is not text and cannot be written to XLIFF/TMX)")
    return DecodedText(text, encoding, name)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _newlines(text: str) -> str:
    """Make every line break ``\\n``: CRLF, CR, NEL (U+0085), LINE and PARAGRAPH SEPARATOR (U+2028/9), and the
    form feed and vertical tab (pdftotext's page break, Word's line break in copied text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for brk in ("\x85", "\u2028", "\u2029", "\x0c", "\x0b"):
        if brk in text:
            text = text.replace(brk, "\n")
    return text


def max_input_bytes(max_bytes: int | None = None) -> int | None:
    """Return the input size limit in bytes (None: no limit).

    ``max_bytes`` wins when given; else ``TRANSLATOR_MAX_INPUT_BYTES``; else
    :data:`DEFAULT_MAX_INPUT_BYTES`. Zero or a negative number means no limit.

    Raises:
        InputError: ``TRANSLATOR_MAX_INPUT_BYTES`` is not an integer.
    """
    if max_bytes is None:
        env = os.environ.get("TRANSLATOR_MAX_INPUT_BYTES", "").strip().replace("_", "")
        if env:
            try:
                max_bytes = int(env)
            except ValueError:
                raise InputError(f"TRANSLATOR_MAX_INPUT_BYTES={env!r} is not a whole number of bytes") from None
        else:
            max_bytes = DEFAULT_MAX_INPUT_BYTES
    return max_bytes if max_bytes > 0 else None


def _too_big(name: str, limit: int) -> InputError:
    return InputError(f"{name}: larger than the {limit:,}-byte input limit; split it, or raise the limit with "
                      f"TRANSLATOR_MAX_INPUT_BYTES (0 = no limit)")


def _read_capped(fh, name: str, limit: int | None) -> bytes:
    """Read a stream to its end, refusing it as soon as it passes ``limit`` bytes."""
    if limit is None:
        return fh.read()
    chunks, size = [], 0
    while True:
        chunk = fh.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_big(name, limit)


def read_text(path: str, encoding: str | None = None, max_bytes: int | None = None,
              line_breaks: str = "any") -> DecodedText:
    """Read a file (or ``-`` for stdin) and decode it.

    Args:
        path: The file, or ``-`` for standard input.
        encoding: Force this encoding (default: detect).
        max_bytes: Refuse inputs larger than this (default: :func:`max_input_bytes`; 0 = no limit).
        line_breaks: ``any`` or ``lf`` (see :func:`decode_bytes`).

    Raises:
        InputError: Missing, unreadable, too large, a device, empty, binary or undecodable input.
    """
    if path == "-":
        limit = max_input_bytes(max_bytes)
        return decode_bytes(_read_capped(sys.stdin.buffer, "<stdin>", limit), "<stdin>", encoding, line_breaks)
    return decode_bytes(read_bytes(path, max_bytes), path, encoding, line_breaks)


def read_bytes(path: str, max_bytes: int | None = None) -> bytes:
    """Read a file's bytes with the checks every input gets: not a folder or device, within the size limit.

    Args:
        path: The file (a FIFO is read up to the limit).
        max_bytes: Refuse inputs larger than this (default: :func:`max_input_bytes`; 0 = no limit).

    Raises:
        InputError: Missing, unreadable, too large, a folder or a device (the message names ``path``).
    """
    limit = max_input_bytes(max_bytes)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: is a directory, not a text file")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        raise InputError(f"{path}: is a device or socket, not a text file (it may never end); "
                         f"redirect a bounded amount into a file first")
    if stat.S_ISREG(st.st_mode) and limit is not None and st.st_size > limit:
        raise _too_big(path, limit)
    try:
        with open(path, "rb") as fh:  # a FIFO is read up to the limit like stdin
            return _read_capped(fh, path, limit)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def read_lines(path: str, encoding: str | None = None) -> list[str]:
    """Read a line-aligned file: one segment per line (a final newline is not a line).

    Only ``\\n`` (or CRLF) ends a line, as sacrebleu reads such files: a lone CR, NEL or U+2028 inside a
    segment stays in it instead of shifting every later line. Our own ``translate --format json`` and
    ``jsonl`` outputs are read as their segments' translations, one per source segment, so they can be
    scored against a line-aligned reference as they are.
    """
    if str(path).endswith((".json", ".jsonl")):
        return _read_our_output(path, encoding)
    text = read_text(path, encoding, line_breaks="lf").text
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _read_our_output(path: str, encoding: str | None) -> list[str]:
    text = read_text(path, encoding).text
    try:
        if str(path).endswith(".jsonl"):
            rows = [parse_json(line, path, n) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        else:
            rows = parse_json(text, path)["segments"]
        return [str(row["target"]) for row in rows]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a translator json/jsonl output (segments with a 'target'): {exc}") from None


def read_aligned(paths: dict[str, str]) -> dict[str, list[str]]:
    """Read several line-aligned files and insist they have the same number of lines.

    Raises:
        InputError: Counts differ; the message names every file and its count.
    """
    data = {role: read_lines(path) for role, path in paths.items()}
    counts = {role: len(lines) for role, lines in data.items()}
    if len(set(counts.values())) > 1:
        detail = ", ".join(f"{paths[r]} ({r}) has {n}" for r, n in counts.items())
        raise InputError(f"line counts differ: {detail}; files must be line-aligned (one segment per line)")
    return data


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    with _UMASK_LOCK:  # os.umask can only be read by setting it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _chunks(content: str | bytes | Iterable[str]) -> Iterable[str | bytes]:
    return (content,) if isinstance(content, (str, bytes)) else content


def _open_mode(text: str | bytes | Iterable[str], encoding: str) -> tuple[str, dict]:
    return ("wb", {}) if isinstance(text, bytes) else ("w", {"encoding": encoding, "newline": ""})


def parse_json(text: str, path: str, line: int | None = None) -> object:
    """Parse JSON read from ``path`` and refuse what no UTF-8 output could carry.

    Args:
        text: The JSON text.
        path: The file, for messages.
        line: The line ``text`` is (a JSON Lines row), for messages.

    Raises:
        InputError: Not valid JSON (file and line), nested too deeply, or a string holding a lone surrogate
            (``"\\ud800"`` unpaired: not a character), naming the file, the line and where in the value.
    """
    import json

    where = f"{path}:{line}" if line is not None else path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        at = line if line is not None else exc.lineno
        raise InputError(f"{path}:{at}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to read") from None
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, str):
            if re.search("[\ud800-\udfff]", value):
                raise InputError(f"{where}: {key or 'the value'} holds a lone surrogate (an unpaired \\ud800-\\udfff "
                                 "escape), which is not a character")
        elif isinstance(value, dict):
            for k, v in value.items():
                stack.append((f"{key}.{k}" if key else str(k), v))
                stack.append((f"{key}.{k}" if key else str(k), k))
        elif isinstance(value, list):
            stack.extend((f"{key}[{n}]", v) for n, v in enumerate(value))
    return data


_NEW_OUTPUTS: ContextVar[frozenset[str]] = ContextVar("translator_new_outputs", default=frozenset())


@contextmanager
def new_outputs(paths: Iterable[str | Path]) -> Iterator[None]:
    """Within the block, :func:`write_atomic` creates these paths only if they still do not exist.

    The check and the write are one step (the finished temporary file is hard-linked to the name, which
    fails if the name exists), so two runs writing one new output never replace each other's file: the
    later one gets an :class:`OutputError`. What ``translate`` without ``--force`` uses.
    """
    token = _NEW_OUTPUTS.set(_NEW_OUTPUTS.get() | {os.path.abspath(p) for p in paths})
    try:
        yield
    finally:
        _NEW_OUTPUTS.reset(token)


def _publish(tmp: str, target: Path, path: str | Path, exclusive: bool) -> None:
    """Move the finished temporary file to ``target``; when ``exclusive``, only if ``target`` does not exist."""
    if not exclusive:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # atomic, and fails when the name exists
    except FileExistsError:
        raise OutputError(f"{path}: was created by someone else while this run was working; nothing was "
                          "written (pass --force to replace it)") from None
    except OSError:  # a file system without hard links: claim the name, then replace our own empty file
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            raise OutputError(f"{path}: was created by someone else while this run was working; nothing was "
                              "written (pass --force to replace it)") from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def write_atomic(path: str | Path, text: str | bytes | Iterable[str], encoding: str = "utf-8") -> None:
    """Write ``text`` (a string, raw ``bytes``, or an iterable of string chunks written as they come) to ``path``.

    A regular file (or a new path) is written through a temporary file in the
    same folder and a rename, so a reader or a crash sees either the old file
    or the complete new one; the file keeps its permission bits (a new one gets
    ``0666 & ~umask``). A symlink is followed and its target replaced. FIFOs,
    character devices and sockets are written directly (``-o /dev/null``
    writes to the device; it is never replaced by a file).

    Raises:
        OutputError: ``path`` is a directory, its folder cannot be written, or writing failed (a full
            disk, an I/O error: the temporary file is removed and the old file is untouched). It is
            also an :class:`OSError`.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a directory; name a file")
    if st is not None and not stat.S_ISREG(st.st_mode):  # FIFO, device: write through, never replace
        mode_str, kwargs = _open_mode(text, encoding)
        try:
            with open(target, mode_str, **kwargs) as fh:
                for chunk in _chunks(text):
                    fh.write(chunk)
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
        return
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except (PermissionError, FileExistsError, NotADirectoryError) as exc:
        raise OutputError(f"{path}: cannot write in {target.parent}: {exc.strerror or exc}") from exc
    try:
        mode_str, kwargs = _open_mode(text, encoding)
        with os.fdopen(fd, mode_str, **kwargs) as fh:
            for chunk in _chunks(text):
                fh.write(chunk)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        _publish(tmp, target, path, os.path.abspath(path) in _NEW_OUTPUTS.get())
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):  # a full disk, an I/O error
            kept = "the old file is untouched" if st is not None else "nothing was written"
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}; {kept}") from exc
        raise
