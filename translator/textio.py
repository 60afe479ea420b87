"""Reading documents in any common Chinese encoding, and writing atomically."""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

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
        text: The text, newlines normalised to ``\\n``.
        encoding: The encoding used.
        name: File name or ``<stdin>``.
    """

    text: str
    encoding: str
    name: str


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> DecodedText:
    """Decode raw bytes, detecting the encoding unless one is given.

    Args:
        data: The raw input.
        name: Where it came from, for messages.
        encoding: Force this encoding.

    Raises:
        InputError: Empty, binary or undecodable input; the message names ``name``.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise InputError(f"{name}: the input is empty")
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(f"{name}: cannot decode as {encoding}: {exc}") from exc
        return DecodedText(_newlines(text.lstrip("\ufeff")), encoding, name)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return DecodedText(_newlines(data.decode(enc).lstrip("\ufeff")), enc, name)
    try:
        return DecodedText(_newlines(data.decode("utf-8")), "utf-8", name)
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "utf_16", "utf_16_le", "utf_16_be", "utf_8"]).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding; pass --encoding")
    enc = best.encoding
    if enc in ("gbk", "gb2312"):
        enc = "gb18030"  # superset: never loses a character GBK detection admits
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: detected {enc} but cannot decode: {exc}; pass --encoding") from exc
    return DecodedText(_newlines(text), enc, name)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: str, encoding: str | None = None) -> DecodedText:
    """Read a file (or ``-`` for stdin) and decode it.

    Raises:
        InputError: Missing, unreadable, empty, binary or undecodable input.
    """
    if path == "-":
        return decode_bytes(sys.stdin.buffer.read(), "<stdin>", encoding)
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a text file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return decode_bytes(data, path, encoding)


def write_atomic(path: str | Path, text: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``text`` (or raw ``bytes``) to ``path`` through a temporary file and a rename.

    A reader (or a crash) sees either the old file or the complete new one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        binary = isinstance(text, bytes)
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": encoding, "newline": ""})) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
