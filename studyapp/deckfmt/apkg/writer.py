"""The Anki package writer: a collection in Anki's legacy schema 11, zipped with its media.

The reader's twin (:mod:`studyapp.deckfmt.apkg`): it knows Anki's tables, never ours. Each
card becomes a "Basic" note (fields HTML-escaped: card text is data) whose GUID is stable
(:func:`note_guid`). Scheduling is carried where the format allows: card
type/queue/due/interval/lapses, FSRS memory state in ``cards.data`` (``s``, ``d``, ``dr``,
read by Anki 23.10+), suspension, and the review log. Revlog ids (Anki's answer time in ms,
the table's primary key) are assigned in time order as ``max(previous + 1, time_ms)``:
unique by construction, and the count returned is the rows the collection actually took.
The caller hands decks, cards and answers in the shapes below (the store's rows have them)
and owns the files' safety (temp names, renames; which existing files it may replace:
:func:`holds_collection`).
"""

from __future__ import annotations

import hashlib
import html
import json
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
"""A card's state as the caller stores it (1-3 as ``fsrs.State``; Anki's card types too)."""


class DeckOut(Protocol):
    """A deck to write (``studyapp.store.rows.DeckRow`` has these)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def desired_retention(self) -> float: ...
    @property
    def new_limit(self) -> int: ...
    @property
    def review_limit(self) -> int: ...


class CardOut(Protocol):
    """A card to write (``studyapp.store.rows.CardRow`` has these)."""

    @property
    def id(self) -> int: ...
    @property
    def deck_id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def front(self) -> str: ...
    @property
    def back(self) -> str: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def flags(self) -> Sequence[str]: ...
    @property
    def state(self) -> int: ...
    @property
    def due(self) -> datetime | None: ...
    @property
    def last_review(self) -> datetime | None: ...
    @property
    def stability(self) -> float | None: ...
    @property
    def difficulty(self) -> float | None: ...
    @property
    def reps(self) -> int: ...
    @property
    def lapses(self) -> int: ...
    @property
    def suspended(self) -> bool: ...
    @property
    def buried_until(self) -> datetime | None: ...


class AnswerOut(Protocol):
    """A scheduled answer to write (``studyapp.store.rows.LogRow`` has these)."""

    @property
    def card_id(self) -> int: ...
    @property
    def reviewed_at(self) -> datetime: ...
    @property
    def rating(self) -> int: ...
    @property
    def duration_ms(self) -> int: ...
    @property
    def state_before(self) -> int: ...
    @property
    def due_after(self) -> datetime | None: ...


SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null,
  scm integer not null, ver integer not null, dty integer not null, usn integer not null,
  ls integer not null, conf text not null, models text not null, decks text not null,
  dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null,
  mod integer not null, usn integer not null, tags text not null, flds text not null,
  sfld integer not null, csum integer not null, flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null,
  ord integer not null, mod integer not null, usn integer not null, type integer not null,
  queue integer not null, due integer not null, ivl integer not null, factor integer not null,
  reps integer not null, lapses integer not null, left integer not null, odue integer not null,
  odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null,
  ease integer not null, ivl integer not null, lastIvl integer not null,
  factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
"""
MODEL_ID = 1_700_000_000_001
MODEL_NAME = "Basic (studyapp)"
"""The note type of every note an export writes."""
CSS = ".card { font-family: arial; font-size: 20px; text-align: left; }"
ANKI_TYPE = {NEW: 0, LEARNING: 1, REVIEW: 2, RELEARNING: 3}
CARD_SLOTS = "?, ?, ?, 0, ?, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?"
REVLOG_TYPE = {NEW: 0, LEARNING: 0, REVIEW: 1, RELEARNING: 2}


def _field(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def note_guid(source: str, key: str) -> str:
    """The GUID of the note written for the card ``key`` of the deck ``source``: the same in
    every export of every data dir holding that card (bundled decks: the same deck files),
    so an import recognises it (``studyapp.study.import_apkg``) instead of doubling it."""
    text = f"studyapp:{source}/{key}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def anki_deck_name(name: str) -> str:
    """A deck's name as an export writes it (``::`` would nest it in Anki)."""
    return name.replace("::", ":")


def _csum(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def _model(now_s: int) -> dict[str, Any]:
    def fld(name: str, ord_: int) -> dict[str, Any]:
        return {"name": name, "ord": ord_, "sticky": False, "rtl": False, "font": "Arial",
                "size": 20, "media": []}  # fmt: skip

    return {
        "id": MODEL_ID, "name": MODEL_NAME, "type": 0, "mod": now_s, "usn": -1,
        "sortf": 0, "did": 1, "flds": [fld("Front", 0), fld("Back", 1)],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}",
                   "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}", "did": None,
                   "bqfmt": "", "bafmt": ""}],
        "css": CSS, "latexPre": "", "latexPost": "", "latexsvg": False,
        "req": [[0, "any", [0]]], "tags": [], "vers": [],
    }  # fmt: skip


def _deck(deck_id: int, name: str, now_s: int, conf: int = 1) -> dict[str, Any]:
    return {
        "id": deck_id, "name": name, "mod": now_s, "usn": -1, "lrnToday": [0, 0],
        "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0], "collapsed": False,
        "browserCollapsed": False, "desc": "", "dyn": 0, "conf": conf, "extendNew": 0,
        "extendRev": 0,
    }  # fmt: skip


def _dconf(conf_id: int, name: str, now_s: int, retention: float, new: int, rev: int) -> dict:
    return {
        "id": conf_id, "name": name, "mod": now_s, "usn": -1, "maxTaken": 60, "autoplay": True,
        "timer": 0, "replayq": True, "dyn": False, "desiredRetention": retention,
        "new": {"delays": [1.0, 10.0], "ints": [1, 4, 0], "initialFactor": 2500, "order": 1,
                "perDay": new, "bury": False},
        "rev": {"perDay": rev, "ease4": 1.3, "maxIvl": 36500, "hardFactor": 1.2, "bury": False},
        "lapse": {"delays": [10.0], "mult": 0.0, "minInt": 1, "leechFails": 8,
                  "leechAction": 0},
    }  # fmt: skip


def aware(value: datetime | None) -> datetime | None:
    """A stored time as aware UTC (naive ones are UTC)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def holds_collection(path: Path) -> bool:
    """True for a zip holding an Anki collection: a package an export may replace."""
    from studyapp.deckfmt.apkg.container import COLLECTIONS

    try:
        with zipfile.ZipFile(path) as archive:
            return any(name in COLLECTIONS for name in archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def write_package(collection: Path, target: Path) -> None:
    """Zip ``collection`` (written by :func:`write_collection`) into the package ``target``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(collection, "collection.anki2")
        archive.writestr("media", "{}")


def write_collection(
    target: Path, decks: Sequence[DeckOut], cards: Sequence[CardOut],
    reviews: Iterable[AnswerOut], now: datetime,
) -> tuple[int, int]:  # fmt: skip
    """Write the schema 11 collection; returns (notes, review rows written)."""
    now_s = int(now.timestamp())
    crt_day = (now - timedelta(days=3650)).date()
    crt = int(datetime(crt_day.year, crt_day.month, crt_day.day, 4).timestamp())
    anki_deck = {d.id: 1_700_000_000_000 + d.id * 1000 for d in decks}
    deck_json: dict[str, Any] = {"1": _deck(1, "Default", now_s)}
    dconf_json: dict[str, Any] = {"1": _dconf(1, "Default", now_s, 0.9, 20, 200)}
    for d in decks:
        did = anki_deck[d.id]
        deck_json[str(did)] = _deck(did, anki_deck_name(d.name), now_s, conf=did)
        dconf_json[str(did)] = _dconf(did, d.name, now_s, d.desired_retention, d.new_limit,
                                      d.review_limit)  # fmt: skip
    conf = {"nextPos": 1, "estTimes": True, "activeDecks": [1], "sortType": "noteFld",
            "timeLim": 0, "sortBackwards": False, "addToCur": True, "curDeck": 1,
            "newSpread": 0, "dueCounts": True, "curModel": MODEL_ID, "collapseTime": 1200,
            "fsrs": True}  # fmt: skip
    retention = {d.id: d.desired_retention for d in decks}
    sources = {d.id: d.source for d in decks}
    base_id = now_s * 1000
    db = sqlite3.connect(target)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
            (crt, now_s * 1000, now_s * 1000, json.dumps(conf),
             json.dumps({str(MODEL_ID): _model(now_s)}), json.dumps(deck_json),
             json.dumps(dconf_json)),
        )  # fmt: skip
        note_rows, card_rows = [], []
        for position, card in enumerate(cards, 1):
            nid = base_id + card.id
            tags = " ".join(t.replace(" ", "_") for t in card.tags)
            note_rows.append(
                (nid, note_guid(sources[card.deck_id], card.key), MODEL_ID, now_s,
                 f" {tags} " if tags else "", f"{_field(card.front)}\x1f{_field(card.back)}",
                 card.front, _csum(card.front))
            )  # fmt: skip
            card_rows.append(
                (nid, nid, anki_deck[card.deck_id], now_s, *_schedule(card, crt_day, position),
                 card.reps, card.lapses, 1 if "marked" in card.flags else 0,
                 _memory(card, retention[card.deck_id]))
            )  # fmt: skip
        db.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')", note_rows)
        db.executemany(f"INSERT INTO cards VALUES ({CARD_SLOTS})", card_rows)
        before = db.total_changes
        db.executemany(
            "INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, 2500, ?, ?)",
            _revlog_rows(reviews, base_id),
        )
        written = db.total_changes - before
        db.commit()
    finally:
        db.close()
    return len(note_rows), written


def _revlog_rows(reviews: Iterable[AnswerOut], base_id: int) -> Iterator[tuple[Any, ...]]:
    """Revlog rows in time order; ids ``max(previous + 1, time_ms)`` never collide."""
    last_id = 0
    last_ivl: dict[int, int] = {}
    for log in reviews:
        stamp = int(aware(log.reviewed_at).timestamp() * 1000)  # type: ignore[union-attr]
        last_id = max(last_id + 1, stamp)
        ivl = _revlog_ivl(log)
        yield (last_id, base_id + log.card_id, log.rating, ivl, last_ivl.get(log.card_id, 0),
               min(log.duration_ms, 60_000), REVLOG_TYPE.get(log.state_before, 1))  # fmt: skip
        last_ivl[log.card_id] = ivl


def _schedule(card: CardOut, crt_day: date, position: int) -> tuple[int, int, int, int, int]:
    """(type, queue, due, ivl, factor) of an Anki card for this card's state."""
    kind = ANKI_TYPE.get(card.state, 0)
    due_at = aware(card.due)
    factor = 2500 if card.state != NEW else 0
    if card.state == NEW or due_at is None:
        kind, queue, due, ivl = 0, 0, position, 0
    elif card.state == REVIEW:
        last = aware(card.last_review) or due_at
        ivl = max(1, (due_at - last).days)
        queue, due = 2, (due_at.date() - crt_day).days
    else:  # learning / relearning: intraday, due is a unix timestamp
        queue, due, ivl = 1, int(due_at.timestamp()), 0
    if card.suspended:
        queue = -1
    elif card.buried_until is not None:
        queue = -3
    return kind, queue, due, ivl, factor


def _memory(card: CardOut, retention: float) -> str:
    if card.stability is None or card.difficulty is None:
        return ""
    return json.dumps(
        {"s": round(card.stability, 4), "d": round(card.difficulty, 4), "dr": retention}
    )


def _revlog_ivl(log: AnswerOut) -> int:
    """Anki's revlog interval: days when positive, seconds when negative (learning steps)."""
    due, at = aware(log.due_after), aware(log.reviewed_at)
    if due is None or at is None:
        return 0
    seconds = (due - at).total_seconds()
    return int(seconds // 86400) if seconds >= 86400 else -int(seconds)
