"""``service.imports``: deck files and Anki packages into the store, as transactions.

The CLI and the UI import through this part only (nobody else is handed the service's
context); each method writes through ``Context.write``:

- :meth:`ImportsPart.parsed`: a deck already parsed (``studyapp.deckfmt``), one transaction;
- :meth:`ImportsPart.text`: ``studyapp import FILE`` of a text deck: its copy kept in the
  user decks folder, the deck and the copy committed together (:mod:`import_text`);
- :meth:`ImportsPart.package`: an Anki package with its history and media, in short
  transactions (:mod:`import_apkg`).

Bundled and user decks are synced by ``service.decks`` (a file imported by its source).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.study.views import ImportReport, PackageReport

if TYPE_CHECKING:
    from studyapp.deckfmt import ParsedDeck
    from studyapp.deckfmt.apkg import AnkiPackage
    from studyapp.study.context import Context


class ImportsPart:
    """``service.imports``: ``parsed``, ``text``, ``package``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def parsed(self, parsed: ParsedDeck, *, source: str | None = None) -> ImportReport:
        """Add or update a deck from an already parsed deck (its source: ``parsed/<file>``
        unless given). Re-importing never duplicates cards (see :mod:`importer`)."""
        from studyapp.study.importer import upsert_deck

        with self.ctx.write() as q:
            return upsert_deck(q, parsed, source or f"parsed/{parsed.source}", parsed.source, None)

    def text(
        self,
        path: str | Path,
        *,
        name: str | None = None,
        replace: bool = False,
        fmt: str = "auto",
        decks_dir: Path | None = None,
    ) -> ImportReport:
        """Copy a text deck into the user decks folder (``decks_dir``: elsewhere) and store
        it as ``user/<name>``; see :func:`studyapp.study.import_text.import_text_deck`."""
        from studyapp.paths import user_decks_dir
        from studyapp.study.import_text import import_text_deck

        folder = decks_dir or user_decks_dir()
        return import_text_deck(self.ctx, Path(path), folder, name=name, replace=replace, fmt=fmt)

    def package(
        self,
        path: str | Path,
        *,
        media_dir: Path | None = None,
        on_wait: Callable[[str], None] | None = None,
        package: AnkiPackage | None = None,
        batch: int | None = None,
    ) -> PackageReport:
        """Import an Anki package (``package``: already read, so a bad one is refused before
        the database opens); media go to ``media_dir`` (default: the data dir's ``media``);
        ``on_wait`` hears once that another writer holds the database. See
        :func:`studyapp.study.import_apkg.import_package`."""
        from studyapp.paths import data_dir
        from studyapp.study.import_apkg import import_package

        folder = media_dir or data_dir() / "media"
        return import_package(self.ctx, path, folder, batch=batch, on_wait=on_wait, package=package)
