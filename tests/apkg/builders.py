"""Anki packages made by Anki itself (the ``anki`` package), for the reader's tests.

``build_collection`` fills a fresh collection with every case the reader handles; each note's
expected card texts live in :data:`EXPECTED` so the tests compare against what a student
should read, not against the reader's own output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HISTORY_START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
HISTORY = [(0, 3, 0), (1, 3, 1), (3, 3, 1), (10, 1, 1), (10, 3, 2)]
"""(day offset, ease, revlog type): learn Good, review Good x2, lapse Again, relearn Good."""


@dataclass(frozen=True)
class Expected:
    notetype: str
    deck: str
    tags: tuple[str, ...]
    cards: tuple[tuple[str, str], ...]
    """(front, back) per card ordinal."""


ANSWER = "A VAE learns p(x); a Wasserstein critic\nExtra"
EXPECTED: dict[str, Expected] = {
    "basic": Expected(
        "Basic", "Generative::VAE", ("kl", "vae"),
        (("What does the KL term regularise?", "The posterior towards the prior"),),
    ),
    "html": Expected(
        "Basic", "Generative::VAE", ("html",),
        (("Two losses &amp; a trick", "Losses:\n- reconstruction\n- KL\nthen x² and H₂O"),),
    ),
    "math": Expected(
        "Basic", "Generative::GAN", ("math",),
        (("The GAN objective?", "min_G max_D V(D, G)"),),
    ),
    "reversed": Expected(
        "Basic (and reversed card)", "Generative::GAN", (),
        (("Mode collapse", "The generator covers few modes"),
         ("The generator covers few modes", "Mode collapse")),
    ),
    "cloze": Expected(
        "Cloze", "Generative", ("cloze",),
        (("A [model] learns p(x); a Wasserstein critic", ANSWER),
         ("A VAE learns p(x); a [...] critic", ANSWER)),
    ),
    "media": Expected(
        "Basic", "Generative::GAN", (),
        (("Which picture?", "[image: sample.png]"),),
    ),
}  # fmt: skip


def _fields(key: str) -> dict[str, str]:
    return {
        "basic": {"Front": "What does the KL term <i>regularise</i>?",
                  "Back": "The posterior towards the prior"},
        "html": {"Front": "Two losses &amp;amp; a <b>trick</b>",
                 "Back": "Losses:<ul><li>reconstruction</li><li>KL</li></ul>"
                         "then x<sup>2</sup> and H<sub>2</sub>O"},
        "math": {"Front": "The GAN objective?", "Back": r"\(\min_G \max_D V(D, G)\)"},
        "reversed": {"Front": "Mode collapse", "Back": "The generator covers few modes"},
        "cloze": {"Text": "A {{c1::VAE::model}} learns p(x); a {{c2::Wasserstein}} critic",
                  "Back Extra": "Extra"},
        "media": {"Front": "Which picture?", "Back": '<img src="sample.png">'},
    }[key]  # fmt: skip


def build_collection(folder: Path) -> tuple[Any, dict[str, int]]:
    """A fresh Anki collection holding :data:`EXPECTED`; returns it and note ids by key."""
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    media = folder / "sample.png"
    media.write_bytes(PNG)
    assert col.media.add_file(str(media)) == "sample.png"
    ids = {}
    for key, expected in EXPECTED.items():
        note = col.new_note(col.models.by_name(expected.notetype))
        for name, value in _fields(key).items():
            note[name] = value
        note.tags = list(expected.tags)
        col.add_note(note, col.decks.id(expected.deck))
        ids[key] = note.id
    card_id = col.db.scalar("SELECT id FROM cards WHERE nid = ?", ids["basic"])
    for index, (day, ease, kind) in enumerate(HISTORY):
        at = HISTORY_START + timedelta(days=day, minutes=index)
        col.db.execute(
            "INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, 2500, 6000, ?)",
            int(at.timestamp() * 1000),
            card_id,
            ease,
            1,
            0,
            kind,
        )
    col.db.execute("UPDATE cards SET type = 2, queue = 2, ivl = 3, reps = 5, lapses = 1 "
                   "WHERE id = ?", card_id)  # fmt: skip
    suspended = col.db.scalar("SELECT id FROM cards WHERE nid = ?", ids["math"])
    col.db.execute("UPDATE cards SET queue = -1 WHERE id = ?", suspended)
    return col, ids


def export_package(col: Any, out: Path, legacy: bool) -> Path:
    """``col``'s whole content as an .apkg (legacy schema 11 or current anki21b)."""
    from anki.collection import ExportAnkiPackageOptions
    from anki.import_export_pb2 import ExportLimit

    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_media=True, legacy=legacy, with_deck_configs=True
    )
    col.export_anki_package(out_path=str(out), options=options, limit=ExportLimit())
    return out


def import_into_fresh(package: Path, folder: Path) -> Any:
    """A fresh Anki collection with ``package`` imported, scheduling included."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
    )
    col.import_anki_package(request)
    return col
