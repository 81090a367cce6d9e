"""Copying a package's media into a folder we are given, without trusting any name in it.

Names were validated when the package was read (one plain file name each). Writing never
follows a link: each file goes to a fresh temp file opened with ``O_EXCL | O_NOFOLLOW`` and is
renamed over the target (a rename replaces a link, never writes through it). Sizes are capped
while streaming, per file and for the package (:class:`container.Budget`, at most
``MAX_MEDIA_TOTAL_BYTES`` in all). On any failure the files this call created are removed.

Names are shared by every package imported into one folder, so a file is kept by content, as
Anki does: a name already holding the same bytes is kept; one holding other bytes (an earlier
package's picture) is left alone and the new file goes to ``name-<sha256[:8]>.ext`` instead,
reported in ``renamed`` so the importer rewrites the cards that refer to it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path
from typing import IO, BinaryIO, cast

from studyapp.deckfmt.apkg import container
from studyapp.deckfmt.apkg.model import MediaFile, PackageError

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def extract_media(
    package_path: str | Path, media: list[MediaFile], folder: str | Path,
    renamed: dict[str, str] | None = None,
) -> int:  # fmt: skip
    """Copy ``media`` (from :func:`read_package`) into ``folder``; returns bytes written.
    ``renamed`` receives ``{name in the package: name written}`` for the files stored under
    a content name because ``folder`` held other bytes under theirs."""
    source, folder = str(package_path), Path(os.path.abspath(folder))
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise PackageError(f"media folder {folder} is a link or not a folder", source)
    folder.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    total = 0
    size = os.path.getsize(package_path)
    budget = container.Budget(size, source, container.MAX_MEDIA_TOTAL_BYTES)
    try:
        with zipfile.ZipFile(package_path) as archive:
            for item in media:
                container.check_media_name(item.name, source)
                total += _copy_one(archive, item, folder, source, created, renamed, budget)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return total


def _copy_one(
    archive: zipfile.ZipFile, item: MediaFile, folder: Path, source: str, created: list[Path],
    renamed: dict[str, str] | None, budget: container.Budget,
) -> int:  # fmt: skip
    target = folder / item.name
    if Path(os.path.normpath(target)).parent != folder:  # the leaf is never resolved
        raise PackageError(f"media name {item.name!r} leaves the media folder", source)
    existing = _lstat(target)
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise PackageError(f"media name {item.name!r} is a folder in {folder}", source)
    info = container.member_info(archive, item.member, container.MAX_MEDIA_FILE_BYTES, source)
    limit = container.member_limit(info, container.MAX_MEDIA_FILE_BYTES)
    temp = folder / f".{item.name[:200]}.{os.getpid()}.part"
    fd = os.open(temp, _FLAGS, 0o600)
    written = 0
    try:
        with os.fdopen(fd, "wb") as raw, container.open_media(archive, item) as reader:
            out = _Hashing(raw)
            written = container.copy_capped(
                reader, cast(IO[bytes], out), limit, item.member, source, budget
            )
        digest = out.sha.hexdigest()
        if existing is not None and stat.S_ISREG(existing.st_mode):
            if _digest(target) == digest:  # the same file: nothing to write
                temp.unlink()
                return 0
            stem, dot, ext = item.name.rpartition(".")
            stem, ext = (stem, dot + ext) if stem else (item.name, "")
            name = f"{stem[: 240 - len(ext)]}-{digest[:8]}{ext}"
            if renamed is not None:
                renamed[item.name] = name
            target = folder / name
            existing = _lstat(target)
            if (
                existing is not None
                and stat.S_ISREG(existing.st_mode)
                and (_digest(target) == digest)
            ):  # imported before under its content name
                temp.unlink()
                return 0
        os.replace(temp, target)
    except PackageError:
        temp.unlink(missing_ok=True)
        raise
    except Exception as error:
        temp.unlink(missing_ok=True)
        raise PackageError(f"cannot copy media {item.name!r}: {error}", source) from None
    if existing is None:
        created.append(target)
    return written


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


class _Hashing:
    """A binary writer that hashes what passes through it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.sha = out, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        return self.out.write(data)
