"""Copying a package's media into a folder we are given, without trusting any name in it.

Names were validated when the package was read (one plain file name each). Writing never
follows a link: each file goes to a fresh temp file opened with ``O_EXCL | O_NOFOLLOW`` and is
renamed over the target (a rename replaces a link, never writes through it). Sizes are capped
while streaming. On any failure the files this call created are removed.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from studyapp.deckfmt.apkg import container
from studyapp.deckfmt.apkg.model import MediaFile, PackageError

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


def extract_media(package_path: str | Path, media: list[MediaFile], folder: str | Path) -> int:
    """Copy ``media`` (from :func:`read_package`) into ``folder``; returns bytes written."""
    source, folder = str(package_path), Path(os.path.abspath(folder))
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise PackageError(f"media folder {folder} is a link or not a folder", source)
    folder.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    total = 0
    try:
        with zipfile.ZipFile(package_path) as archive:
            for item in media:
                container.check_media_name(item.name, source)
                total += _copy_one(archive, item, folder, source, created)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return total


def _copy_one(
    archive: zipfile.ZipFile, item: MediaFile, folder: Path, source: str, created: list[Path]
) -> int:
    target = folder / item.name
    if Path(os.path.normpath(target)).parent != folder:  # the leaf is never resolved
        raise PackageError(f"media name {item.name!r} leaves the media folder", source)
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise PackageError(f"media name {item.name!r} is a folder in {folder}", source)
    temp = folder / f".{item.name[:200]}.{os.getpid()}.part"
    fd = os.open(temp, _FLAGS, 0o600)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, container.open_media(archive, item) as reader:
            written = container.copy_capped(
                reader, out, container.MAX_MEDIA_FILE_BYTES, item.member, source
            )
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
