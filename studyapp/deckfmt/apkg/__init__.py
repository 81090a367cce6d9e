"""Anki packages (``.apkg``, ``.colpkg``) -> :class:`AnkiPackage`, without running Anki.

``read_package(path)`` reads a package of any generation (legacy ``collection.anki2`` and
``collection.anki21``, current zstd ``collection.anki21b``) from a private temp copy with a
read-only sqlite3 connection, and returns every card rendered as terminal text with its
identity (note GUID + ordinal), deck path, tags, suspension and review log, plus the media
index. It writes nothing of ours but its temp copy, in the data dir's temp folder and
removed however reading ends (:mod:`.tempdir`). ``extract_media(path, package.media,
folder)`` then copies the media safely. Every size is capped (:mod:`.container`) and a
collection is read only when it holds plain tables, within a time budget
(:mod:`.collection`). Any bad package raises :class:`PackageError` (a ``DeckParseError``:
one line naming the file and the figure that was past its limit), before anything is written.

For the importer (one transaction): group ``package.cards`` by ``card.deck``; key each card by
``card.identity``; rebuild its schedule with ``studyapp.study.history.replay(card.reviews)``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studyapp.deckfmt.apkg.model import (
    FORMAT_NAME,
    AnkiCard,
    AnkiPackage,
    AnkiReview,
    MediaFile,
    PackageError,
)

SUFFIXES = (".apkg", ".colpkg")
MAX_PACKAGE_BYTES = 8 << 30
DESCRIPTION = "Anki package (.apkg/.colpkg): notes, cards, decks, tags, media and review history"

__all__ = [
    "DESCRIPTION",
    "FORMAT",
    "FORMAT_NAME",
    "SUFFIXES",
    "AnkiCard",
    "AnkiPackage",
    "AnkiReview",
    "MediaFile",
    "PackageError",
    "extract_media",
    "is_package",
    "paused_gc",
    "read_package",
]


def is_package(path: str | Path) -> bool:
    """True for a ``.apkg``/``.colpkg`` name or a file starting with the zip signature."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(4)
    except OSError:
        head = b""
    return sniff_file(Path(path), head) >= 0.5


def sniff_file(path: Path, head: bytes) -> float:
    """1 for a zip named ``.apkg``/``.colpkg``; 0.9 for the name alone (refused later if not
    a zip, with a clear error); 0.3 for any other zip."""
    named = path.suffix.lower() in SUFFIXES
    zipped = head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06")
    if named:
        return 1.0 if zipped else 0.9
    return 0.3 if zipped else 0.0


def extract_media(
    package_path: str | Path, media: list[MediaFile], folder: str | Path,
    renamed: dict[str, str] | None = None,
) -> int:  # fmt: skip
    """Copy ``media`` into ``folder`` safely, by content (``renamed``: names changed because
    the folder held other bytes under them); see :mod:`studyapp.deckfmt.apkg.media`."""
    from studyapp.deckfmt.apkg.media import extract_media as extract

    return extract(package_path, media, folder, renamed)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector off for a while (it is put back as it was): reading and
    storing a package allocate 10^6 objects and no cycles, and each collection would walk
    them all again, for ~10% of the time. At the end what was allocated meanwhile joins the
    oldest generation (``freeze`` then ``unfreeze``: two list splices), so the first young
    collection after the pause does not walk it all either (~0.3 s per 10^6 objects); the
    next full collection still looks at whatever of it is alive then."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def read_package(path: str | Path, temp_root: Path | None = None) -> AnkiPackage:
    """Read the package at ``path``; raises :class:`PackageError` for anything unreadable.
    ``temp_root``: where the private temp folder goes (default: the data dir's ``tmp``)."""
    with paused_gc():
        return _read_package(path, temp_root)


def _read_package(path: str | Path, temp_root: Path | None) -> AnkiPackage:
    source = str(path)
    path = Path(path)
    try:
        info = path.stat()
    except OSError as error:
        raise PackageError(f"cannot read the package ({error.strerror})", source) from None
    if not path.is_file():
        raise PackageError("not a regular file", source)
    from studyapp.deckfmt.apkg import container
    from studyapp.deckfmt.apkg.tempdir import reading_folder
    from studyapp.textsafe import strip_controls

    if info.st_size > MAX_PACKAGE_BYTES:
        raise PackageError(f"larger than {MAX_PACKAGE_BYTES >> 20} MiB", source)
    budget = container.Budget(info.st_size, source)
    with container.open_zip(path, source) as archive:
        container.package_version(archive, source)
        member = container.pick_collection(archive, source)
        media = container.media_files(archive, member.endswith("b"), source)
        found = container.member_info(archive, member, container.MAX_COLLECTION_BYTES, source)
        declared = found.file_size + sum(m.size for m in media)
        budget.check(declared, "its collection and media files declare")
        with reading_folder(temp_root) as folder:
            copy = folder / "collection.sqlite"
            container.copy_collection(archive, member, copy, source, budget)
            _check_sqlite(copy, member, source)
            from studyapp.deckfmt.apkg.collection import read_collection

            schema, cards, decks, rollover = read_collection(copy, source)
    stem = strip_controls(path.stem).strip() or "Untitled package"  # a file name: a way in
    name = decks[0].split("::")[0] if len({d.split("::")[0] for d in decks}) == 1 else stem
    return AnkiPackage(
        name=name, format=FORMAT_NAME, source=source, cards=list(cards), schema=schema,
        collection=member, decks=decks, media=media, rollover=rollover,
    )  # fmt: skip


def _check_sqlite(copy: Path, member: str, source: str) -> None:
    with copy.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise PackageError(f"corrupt collection ({member} is not an SQLite database)", source)


def _format() -> object:
    from studyapp.deckfmt.registry import FileFormat

    return FileFormat(FORMAT_NAME, DESCRIPTION, sniff_file, read_package)


FORMAT = _format()
