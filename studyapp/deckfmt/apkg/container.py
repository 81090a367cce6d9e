"""The zip around a collection: members checked, sizes capped, the collection copied out.

Limits, each refusal naming the figure: the collection inflates to at most 512 MiB, one media
file to 256 MiB and all media together to 2 GiB; no member inflates more than 100x its
compressed size (1 MiB always allowed), and a whole package no more than 100x its own size
(64 MiB always allowed). Only stored and deflated members are read (Anki writes nothing else;
a bzip2 member inflates a whole block at once, 3.9 GB from 1.5 KB). Sizes are checked twice:
the sizes the zip declares, before anything is inflated, and the bytes actually inflated while
streaming (zipfile stops at the declared size; a zstd stream inside declares nothing).

Media names are untrusted and must be one plain file name. ``meta`` (package version) and
``media`` (a JSON map in legacy packages, a zstd protobuf ``MediaEntries`` in current ones)
are decoded here without the ``anki`` package.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import IO

from studyapp.deckfmt.apkg.model import MediaFile, PackageError

MAX_COLLECTION_BYTES = 512 << 20
"""Largest collection database (inflated) read."""
MAX_MEDIA_FILE_BYTES = 256 << 20
MAX_MEDIA_TOTAL_BYTES = 2 << 30
MAX_RATIO = 100
"""Most a member may inflate (x its compressed size), and a package (x its file size)."""
MEMBER_FLOOR_BYTES = 1 << 20
"""A member may always inflate to this much, whatever its ratio."""
PACKAGE_FLOOR_BYTES = 64 << 20
"""A package may always inflate to this much in all, whatever its ratio."""
READ_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
MAX_MEMBERS = 200_000
MAX_META_BYTES = 64 << 20
"""Largest ``media``/``meta`` index (inflated)."""
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
"""Preferred first: current packages also hold a stub ``collection.anki2`` for old Ankis."""
LATEST_PACKAGE_VERSION = 3
CHUNK = 1 << 20
_BAD_NAME = re.compile(r"[\x00-\x1f/\\]|^[A-Za-z]:|^\.\.?$")


def open_zip(path: Path, source: str) -> zipfile.ZipFile:
    """The package's zip, its member count and declared sizes checked."""
    if not zipfile.is_zipfile(path):
        raise PackageError("not an Anki package (not a zip archive)", source)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PackageError(f"not a readable zip archive ({error})", source) from None
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise PackageError(f"too many zip members ({len(infos)} > {MAX_MEMBERS})", source)
    return archive


def package_version(archive: zipfile.ZipFile, source: str) -> int:
    """``meta``'s version (1-3), 0 when absent; a newer one is refused."""
    if "meta" not in archive.namelist():
        return 0
    data = read_member(archive, "meta", MAX_META_BYTES, source)
    fields = _protobuf_fields(data, source, "meta")
    version = int(next((v for n, v in fields if n == 1 and isinstance(v, int)), 0))
    if version > LATEST_PACKAGE_VERSION:
        raise PackageError(
            f"package version {version} is newer than this studyapp reads (up to "
            f"{LATEST_PACKAGE_VERSION}); export it from Anki with 'Support older Anki versions'",
            source,
        )
    return version


def pick_collection(archive: zipfile.ZipFile, source: str) -> str:
    names = set(archive.namelist())
    for name in COLLECTIONS:
        if name in names:
            return name
    raise PackageError("no collection in the package (collection.anki2/.anki21/.anki21b)", source)


def size_text(size: int) -> str:
    """``size`` bytes for an error message: ``912 bytes``, ``1.5 KiB``, ``2,048.0 MiB``."""
    if size < 1 << 10:
        return f"{size} bytes"
    if size < 1 << 20:
        return f"{size / 2**10:.1f} KiB"
    return f"{size / 2**20:,.1f} MiB"


class Budget:
    """What one package may inflate to in all: ``MAX_RATIO`` x its file size, at least
    ``PACKAGE_FLOOR_BYTES``, at most ``cap``; checked on declared sizes, then while streaming."""

    def __init__(self, package_bytes: int, source: str, cap: int | None = None) -> None:
        self.package_bytes, self.source, self.used = package_bytes, source, 0
        self.limit = max(PACKAGE_FLOOR_BYTES, MAX_RATIO * package_bytes)
        self.rule = f"{MAX_RATIO}x the package, at least {size_text(PACKAGE_FLOOR_BYTES)}"
        if cap is not None and cap < self.limit:
            self.limit, self.rule = cap, f"{self.rule}, at most {size_text(cap)}"

    def check(self, total: int, what: str) -> None:
        """Refuse ``total`` bytes (``what``: "media files declare", ...) past the limit."""
        if total > self.limit:
            raise PackageError(
                f"{what} {size_text(total)} from a {size_text(self.package_bytes)} package, "
                f"past the limit of {size_text(self.limit)} ({self.rule}): a zip bomb?",
                self.source,
            )

    def take(self, size: int, member: str) -> None:
        """Count ``size`` more bytes inflated from ``member``."""
        self.used += size
        if self.used > self.limit:
            self.check(self.used, f"inflating {member}: the package reached")


def copy_collection(
    archive: zipfile.ZipFile, member: str, target: Path, source: str, budget: Budget
) -> None:
    """Inflate ``member`` (and un-zstd ``.anki21b``) into ``target``, capped in size."""
    info = member_info(archive, member, MAX_COLLECTION_BYTES, source)
    limit = member_limit(info, MAX_COLLECTION_BYTES)
    try:
        with archive.open(info) as raw, target.open("wb") as out:
            if member.endswith("b"):
                import zstandard

                reader = zstandard.ZstdDecompressor().stream_reader(raw)
                _copy_capped(reader, out, limit, member, source, budget)
            else:
                _copy_capped(raw, out, limit, member, source, budget)
    except PackageError:
        raise
    except Exception as error:  # zlib.error, zstd.ZstdError, BadZipFile, EOFError: corrupt
        raise PackageError(f"corrupt {member} ({type(error).__name__}: {error})", source) from None


def media_files(archive: zipfile.ZipFile, zstd: bool, source: str) -> list[MediaFile]:
    """The media index, every name validated and every member's declared size capped."""
    if "media" not in archive.namelist():
        return []
    data = read_member(archive, "media", MAX_META_BYTES, source)
    pairs = _media_entries(data, source) if zstd else _legacy_media(data, source)
    files, total, seen = [], 0, set()
    for member, name in pairs:
        check_media_name(name, source)
        if name in seen:
            raise PackageError(f"media name {name!r} appears twice", source)
        seen.add(name)
        info = member_info(archive, member, MAX_MEDIA_FILE_BYTES, source)
        total += info.file_size
        if total > MAX_MEDIA_TOTAL_BYTES:
            raise PackageError(
                f"media files declare more than {size_text(MAX_MEDIA_TOTAL_BYTES)}, the limit",
                source,
            )
        files.append(MediaFile(name, member, info.file_size, compressed=zstd))
    return files


def check_media_name(name: str, source: str) -> None:
    """Refuse any name that is not one plain file name (``..``, ``/``, ``C:``, NUL, ...)."""
    if not name or len(name) > 255 or _BAD_NAME.search(name) or name != name.strip(" "):
        raise PackageError(f"unsafe media file name {name!r} (must be a plain file name)", source)


def read_member(archive: zipfile.ZipFile, member: str, limit: int, source: str) -> bytes:
    info = member_info(archive, member, limit, source)
    try:
        with archive.open(info) as raw:
            data = raw.read(limit + 1)
    except Exception as error:
        raise PackageError(f"corrupt {member} ({type(error).__name__}: {error})", source) from None
    if len(data) > limit:
        raise PackageError(
            f"{member} inflates past the {size_text(limit)} limit (zip bomb?)", source
        )
    return data


def member_limit(info: zipfile.ZipInfo, limit: int) -> int:
    """Most ``info``'s bytes may inflate to, streaming (a zstd stream inside included):
    ``limit``, and ``MAX_RATIO`` x its compressed size (``MEMBER_FLOOR_BYTES`` at least)."""
    return min(limit, max(MEMBER_FLOOR_BYTES, MAX_RATIO * info.compress_size))


def open_media(archive: zipfile.ZipFile, media: MediaFile) -> IO[bytes]:
    raw = archive.open(media.member)
    if not media.compressed:
        return raw
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)  # type: ignore[return-value]


def copy_capped(
    reader: IO[bytes], out: IO[bytes], limit: int, member: str, source: str, budget: Budget
) -> int:
    return _copy_capped(reader, out, limit, member, source, budget)


def _copy_capped(
    reader: IO[bytes], out: IO[bytes], limit: int, member: str, source: str, budget: Budget
) -> int:
    written = 0
    while chunk := reader.read(CHUNK):
        written += len(chunk)
        if written > limit:
            raise PackageError(
                f"{member} inflates past {size_text(limit)}, its limit ({MAX_RATIO}x its "
                f"compressed size, at least {size_text(MEMBER_FLOOR_BYTES)}): a zip bomb?",
                source,
            )
        budget.take(len(chunk), member)
        out.write(chunk)
    return written


def member_info(archive: zipfile.ZipFile, member: str, limit: int, source: str) -> zipfile.ZipInfo:
    """``member``'s entry, its method and declared size and ratio checked before reading."""
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise PackageError(
            f"the package lists {member!r} but does not contain it", source
        ) from None
    if info.compress_type not in READ_METHODS:
        method = METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise PackageError(
            f"{member} is compressed with {method}; Anki writes only stored or deflate members",
            source,
        )
    if info.file_size > limit:
        raise PackageError(
            f"{member} declares {info.file_size:,} bytes, past the {size_text(limit)} limit", source
        )
    if info.file_size > member_limit(info, limit):
        raise PackageError(
            f"{member} declares {size_text(info.file_size)} from {info.compress_size:,} bytes "
            f"({info.file_size // max(1, info.compress_size):,}x), past the limit of "
            f"{MAX_RATIO}x (at least {size_text(MEMBER_FLOOR_BYTES)}): a zip bomb?",
            source,
        )
    return info


def _legacy_media(data: bytes, source: str) -> list[tuple[str, str]]:
    try:
        mapping = json.loads(data.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageError("corrupt media index (not JSON)", source) from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise PackageError("corrupt media index (not a name map)", source)
    return [(str(member), name) for member, name in mapping.items()]


def _media_entries(data: bytes, source: str) -> list[tuple[str, str]]:
    import zstandard

    try:
        raw = zstandard.ZstdDecompressor().stream_reader(data).read(MAX_META_BYTES + 1)
    except zstandard.ZstdError:
        raise PackageError("corrupt media index (zstd)", source) from None
    if len(raw) > MAX_META_BYTES:
        raise PackageError("media index inflates past its limit (zip bomb?)", source)
    pairs = []
    entries = [v for n, v in _protobuf_fields(raw, source, "media") if n == 1]
    for index, value in enumerate(entries):
        if not isinstance(value, bytes):
            raise PackageError("corrupt media index (entry)", source)
        entry = _protobuf_fields(value, source, "media")
        name = next((v for n, v in entry if n == 1 and isinstance(v, bytes)), b"")
        legacy = next((v for n, v in entry if n == 255 and isinstance(v, int)), None)
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            raise PackageError("corrupt media index (name not UTF-8)", source) from None
        pairs.append((str(index if legacy is None else legacy), text))
    return pairs


def _protobuf_fields(data: bytes, source: str, what: str) -> list[tuple[int, int | bytes]]:
    """Top-level (field number, value) pairs of a protobuf message: varints and bytes only."""
    out: list[tuple[int, int | bytes]] = []
    pos, end = 0, len(data)
    try:
        while pos < end:
            key, pos = _varint(data, pos)
            number, wire = key >> 3, key & 7
            if wire == 0:
                value, pos = _varint(data, pos)
                out.append((number, value))
            elif wire == 2:
                size, pos = _varint(data, pos)
                if pos + size > end:
                    raise IndexError
                out.append((number, data[pos : pos + size]))
                pos += size
            elif wire in (1, 5):
                pos += 8 if wire == 1 else 4
            else:
                raise IndexError
    except IndexError:
        raise PackageError(f"corrupt {what} (protobuf)", source) from None
    return out


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise IndexError


def protobuf_fields(data: bytes, source: str, what: str) -> list[tuple[int, int | bytes]]:
    """Public for the collection reader (notetype and template configs)."""
    return _protobuf_fields(data, source, what)
