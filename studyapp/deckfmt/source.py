"""Reading deck files safely: size limit, directories, binary data, invalid UTF-8."""

from __future__ import annotations

from pathlib import Path

from studyapp.deckfmt.model import DeckParseError

MAX_DECK_BYTES = 32 * 1024 * 1024
"""Largest deck file accepted (32 MiB, several hundred thousand cards); bigger is refused."""


def read_deck_file(path: str | Path) -> str:
    """The file's text (UTF-8, BOM allowed), or a :class:`DeckParseError` saying why not."""
    source = str(path)
    target = Path(path)
    try:
        if target.is_dir():
            raise DeckParseError("is a directory, not a deck file", source)
        size = target.stat().st_size
        if size > MAX_DECK_BYTES:
            raise DeckParseError(
                f"file too large ({size / 2**20:.1f} MiB; the limit is "
                f"{MAX_DECK_BYTES // 2**20} MiB)",
                source,
            )
        with target.open("rb") as handle:
            data = handle.read(MAX_DECK_BYTES + 1)
    except FileNotFoundError:
        raise DeckParseError("no such file", source) from None
    except PermissionError:
        raise DeckParseError("permission denied", source) from None
    except IsADirectoryError:
        raise DeckParseError("is a directory, not a deck file", source) from None
    except OSError as error:
        raise DeckParseError(f"cannot read: {error.strerror or error}", source) from None
    if len(data) > MAX_DECK_BYTES:
        raise DeckParseError(f"file too large (limit {MAX_DECK_BYTES // 2**20} MiB)", source)
    return decode(data, source)


def decode(data: bytes, source: str) -> str:
    """UTF-8 text of ``data``; binary data and bad bytes are errors naming the line."""
    if not data.strip():
        raise DeckParseError("the deck is empty", source)
    nul = data.find(b"\x00", 0, 65536)
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
    """Lines split on ``\\n``, ``\\r\\n`` or ``\\r`` only (so line numbers match editors)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.split("\n")
