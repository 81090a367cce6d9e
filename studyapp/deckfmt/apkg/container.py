"""The zip around a collection: members checked, sizes capped, the collection copied out.

Sizes are checked twice: the sizes the zip declares, and the bytes actually inflated while
streaming (a forged header cannot slip a bomb past). Media names are untrusted and must be one
plain file name. ``meta`` (package version) and ``media`` (a JSON map in legacy packages, a
zstd protobuf ``MediaEntries`` in current ones) are decoded here without the ``anki`` package.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import IO

from studyapp.deckfmt.apkg.model import MediaFile, PackageError

MAX_COLLECTION_BYTES = 2 << 30
"""Largest collection database (inflated) read."""
MAX_MEDIA_FILE_BYTES = 256 << 20
MAX_MEDIA_TOTAL_BYTES = 4 << 30
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


def copy_collection(archive: zipfile.ZipFile, member: str, target: Path, source: str) -> None:
    """Inflate ``member`` (and un-zstd ``.anki21b``) into ``target``, capped in size."""
    info = _info(archive, member, MAX_COLLECTION_BYTES, source)
    try:
        with archive.open(info) as raw, target.open("wb") as out:
            if member.endswith("b"):
                import zstandard

                reader = zstandard.ZstdDecompressor().stream_reader(raw)
                _copy_capped(reader, out, MAX_COLLECTION_BYTES, member, source)
            else:
                _copy_capped(raw, out, MAX_COLLECTION_BYTES, member, source)
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
        info = _info(archive, member, MAX_MEDIA_FILE_BYTES, source)
        total += info.file_size
        if total > MAX_MEDIA_TOTAL_BYTES:
            raise PackageError(f"media larger than {MAX_MEDIA_TOTAL_BYTES >> 20} MiB", source)
        files.append(MediaFile(name, member, info.file_size, compressed=zstd))
    return files


def check_media_name(name: str, source: str) -> None:
    """Refuse any name that is not one plain file name (``..``, ``/``, ``C:``, NUL, ...)."""
    if not name or len(name) > 255 or _BAD_NAME.search(name) or name != name.strip(" "):
        raise PackageError(f"unsafe media file name {name!r} (must be a plain file name)", source)


def read_member(archive: zipfile.ZipFile, member: str, limit: int, source: str) -> bytes:
    info = _info(archive, member, limit, source)
    try:
        with archive.open(info) as raw:
            data = raw.read(limit + 1)
    except Exception as error:
        raise PackageError(f"corrupt {member} ({type(error).__name__}: {error})", source) from None
    if len(data) > limit:
        raise PackageError(f"{member} inflates past {limit >> 20} MiB (zip bomb?)", source)
    return data


def open_media(archive: zipfile.ZipFile, media: MediaFile) -> IO[bytes]:
    raw = archive.open(media.member)
    if not media.compressed:
        return raw
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)  # type: ignore[return-value]


def copy_capped(reader: IO[bytes], out: IO[bytes], limit: int, member: str, source: str) -> int:
    return _copy_capped(reader, out, limit, member, source)


def _copy_capped(reader: IO[bytes], out: IO[bytes], limit: int, member: str, source: str) -> int:
    written = 0
    while chunk := reader.read(CHUNK):
        written += len(chunk)
        if written > limit:
            raise PackageError(f"{member} inflates past {limit >> 20} MiB (zip bomb?)", source)
        out.write(chunk)
    return written


def _info(archive: zipfile.ZipFile, member: str, limit: int, source: str) -> zipfile.ZipInfo:
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise PackageError(
            f"the package lists {member!r} but does not contain it", source
        ) from None
    if info.file_size > limit:
        raise PackageError(
            f"{member} declares {info.file_size} bytes, past the {limit >> 20} MiB limit", source
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
