"""``studyapp import FILE`` for a text deck: a private copy in the data dir, stored safely.

A deck's identity is its name in the data dir (``user/<name>``) *and* the file it came from:
importing a different file with the same base name updates that deck only when it is a
version of it (the same deck name, and half the cards of the larger of the two in common);
otherwise it is refused, saying what each holds, with the ways out ``--as NAME`` (a new deck,
named NAME everywhere) and ``--replace`` (the old cards retire, history kept), so unrelated
cards are never merged and no card retires without being asked. The report names the file
a deck updated from elsewhere came from before (``earlier``). The copy is written to a temp
file next to its target (never through a link, with the source's mode) and renamed over it
in the same breath as the database commit, with SIGTERM held: a killed import leaves no copy
for the next start to import again, only a temp file that the next import or start sweeps.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.store import decks as store_decks
from studyapp.store import imports as store_imports
from studyapp.study.errors import StudyError
from studyapp.study.identity import card_keys, same_deck
from studyapp.study.import_files import (
    removed_on_exit,
    signals_held,
    sweep_stale,
    temp_path,
    write_new,
)
from studyapp.study.importer import FileFacts, upsert_deck
from studyapp.study.views import ImportReport
from studyapp.textsafe import strip_controls

if TYPE_CHECKING:
    from studyapp.store.rows import DeckRow
    from studyapp.study.context import Context

_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def deck_file_name(source: Path, wanted: str | None) -> str:
    """The copy's file name: ``wanted`` (``--as``; the source's suffix added) or the source's."""
    name = source.name if wanted is None else wanted.strip()
    if wanted is not None and not Path(name).suffix:
        name += source.suffix
    if not name or name.startswith(".") or _BAD_NAME.search(name) or len(name) > 200:
        if wanted is None:
            raise StudyError(
                f"{name!r}: not a usable deck file name (control characters, a leading dot or "
                "over 200 characters); import it with --as NAME"
            )
        raise StudyError(f"{wanted!r}: not a usable deck name (one plain file name)")
    return name


def import_text_deck(
    ctx: Context, source: Path, decks_dir: Path, *, name: str | None = None,
    replace: bool = False, fmt: str = "auto",
) -> ImportReport:  # fmt: skip
    """Copy ``source`` into ``decks_dir`` and store its deck (see the module docstring)."""
    from studyapp.deckfmt import parse_text
    from studyapp.deckfmt.source import MAX_DECK_BYTES, decode, read_bytes

    data = read_bytes(source)
    if len(data) > MAX_DECK_BYTES:
        from studyapp.deckfmt import DeckParseError

        raise DeckParseError(f"file too large (limit {MAX_DECK_BYTES // 2**20} MiB)", str(source))
    parsed = parse_text(decode(data, str(source)), fmt, str(source))
    mode = stat.S_IMODE(os.stat(source).st_mode)
    decks_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale(decks_dir)
    target = decks_dir / deck_file_name(source, name)
    deck_source = f"user/{target.name}"
    origin = str(source.resolve())
    meta = FileFacts(hashlib.sha256(data).hexdigest(), len(data), os.stat(source).st_mtime)
    keys = card_keys([(c.front, c.back) for c in parsed.cards])
    given = _given_name(name, source)
    earlier = ""
    with ctx.read() as q:
        deck = store_decks.by_source(q, deck_source)
        known_origin = store_imports.origin(q, deck_source) if deck is not None else None
        if deck is not None and not replace:
            if known_origin == origin and deck.file_hash == meta.file_hash and target.is_file():
                return ImportReport(deck.id, deck.name, deck_source, str(target), skipped=True)
            if known_origin != origin:
                stored = store_imports.card_keys_of_deck(q, deck.id)
                named = given or store_imports.given_name(q, deck_source) or parsed.name
                if named != deck.name or not same_deck(stored, keys):
                    shared = sum(1 for key in keys if key in stored)
                    counts = (len(stored), len(keys), shared, named)
                    raise StudyError(_collision(source, target.name, deck, known_origin, counts))
                earlier = known_origin or ""
    same_file = target.exists() and os.path.samefile(source, target)
    temp = temp_path(target, "import")
    with removed_on_exit([temp]):
        if not same_file:
            write_new(temp, data, mode)
        with signals_held(), ctx.write() as q:
            if given is not None:
                store_imports.set_given_name(q, deck_source, given)
            report = upsert_deck(q, parsed, deck_source, str(target), meta, match=not replace)
            store_imports.set_origin(q, deck_source, origin)
            if not same_file:
                os.replace(temp, target)
    return report._replace(earlier=earlier)


def _given_name(wanted: str | None, source: Path) -> str | None:
    """The deck name ``--as NAME`` gives: NAME, less the source's suffix if it ends so."""
    if wanted is None:
        return None
    name, suffix = wanted.strip(), source.suffix
    if suffix and name.lower().endswith(suffix.lower()) and len(name) > len(suffix):
        name = name[: -len(suffix)]
    return strip_controls(name)


def _collision(
    source: Path, name: str, deck: DeckRow, known_origin: str | None,
    counts: tuple[int, int, int, str],
) -> str:  # fmt: skip
    """Why a file from elsewhere is not taken as a version of the stored deck, and the ways
    out (``counts``: the deck's cards, the file's, those in common, the file's deck name)."""
    stored, new, shared, named = counts
    came = f"from {known_origin}" if known_origin else "earlier"
    other = f"deck {named!r}, " if named != deck.name else ""
    return (
        f"{source}: a different file named {name} was imported {came} (deck {deck.name!r}, "
        f"{stored} cards; this file: {other}{new} cards, {shared} in common); import this one "
        "as a new deck with --as NAME, or retire that deck's cards with --replace"
    )
