"""Reading deck files safely: regular files only, size limit, binary data, encodings.

Anything that is not a regular file (a FIFO, a device, a directory, a socket, a symlink
loop) is refused by name after ``os.stat``, before it is opened; the file is then opened
with ``O_NONBLOCK`` and checked again with ``fstat``, so a path swapped for a FIFO in
between cannot block. UTF-8 (BOM allowed) and BOM-marked UTF-16/UTF-32 are read.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from studyapp.deckfmt.model import DeckParseError
from studyapp.textsafe import strip_controls

MAX_DECK_BYTES = 32 * 1024 * 1024
"""Largest deck file accepted (32 MiB, several hundred thousand cards); bigger is refused."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _kind(mode: int) -> str | None:
    """Why a file of this mode is not a deck, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a deck file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _os_error(error: OSError, source: str) -> DeckParseError:
    if error.errno == errno.ENOENT:
        return DeckParseError("no such file", source)
    if error.errno in (errno.EACCES, errno.EPERM):
        return DeckParseError("permission denied", source)
    if error.errno == errno.ELOOP:
        return DeckParseError("symbolic link loop, not a regular file", source)
    if error.errno == errno.EISDIR:
        return DeckParseError("is a directory, not a deck file", source)
    if error.errno == errno.ENOTDIR:
        return DeckParseError("no such file (a parent is not a directory)", source)
    return DeckParseError(f"cannot read: {error.strerror or error}", source)


def check_regular_file(path: str | Path) -> int:
    """The size of ``path`` if it is a regular file; otherwise an error saying what it is."""
    source = str(path)
    try:
        info = os.stat(path)
    except OSError as error:
        raise _os_error(error, source) from None
    reason = _kind(info.st_mode)
    if reason:
        raise DeckParseError(reason, source)
    return info.st_size


def read_bytes(path: str | Path, limit: int = MAX_DECK_BYTES) -> bytes:
    """Up to ``limit`` + 1 bytes of a regular file (never blocks on a FIFO or device)."""
    source = str(path)
    check_regular_file(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _os_error(error, source) from None
    try:
        reason = _kind(os.fstat(fd).st_mode)
        if reason:
            raise DeckParseError(reason, source)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise _os_error(error, source) from None
    finally:
        os.close(fd)


def read_deck_file(path: str | Path) -> str:
    """The file's text (UTF-8, or UTF-16/32 with a BOM), or a :class:`DeckParseError`."""
    source = str(path)
    size = check_regular_file(path)
    if size > MAX_DECK_BYTES:
        raise DeckParseError(
            f"file too large ({size / 2**20:.1f} MiB; the limit is {MAX_DECK_BYTES // 2**20} MiB)",
            source,
        )
    data = read_bytes(path)
    if len(data) > MAX_DECK_BYTES:
        raise DeckParseError(f"file too large (limit {MAX_DECK_BYTES // 2**20} MiB)", source)
    return decode(data, source)


def decode(data: bytes, source: str) -> str:
    """Text of ``data``: a BOM picks UTF-8/16/32, else UTF-8; binary data is an error."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                break
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise DeckParseError(
                    f"not valid {encoding.upper()} (at byte {error.start}); save the file as UTF-8",
                    source,
                ) from None
            if not text.strip():
                raise DeckParseError("the deck is empty", source)
            return text
    if not data.strip():
        raise DeckParseError("the deck is empty", source)
    nul = data.find(b"\x00")  # anywhere: a NUL past the first 64 KiB is binary too
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DeckParseError("binary data (NUL byte), not a text deck", source, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        bad = data[error.start : error.start + 1].hex()
        raise DeckParseError(
            f"not valid UTF-8 (byte 0x{bad} at column {column}); save the file as UTF-8",
            source,
            line,
        ) from None


def split_lines(text: str) -> list[str]:
    """Lines split on ``\\n``, ``\\r\\n`` or ``\\r`` only (so line numbers match editors).

    A leading BOM goes, and so does every control character but tab (see
    :func:`studyapp.textsafe.strip_controls`), so nothing parsed can reach a terminal raw.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return strip_controls(text).split("\n")
