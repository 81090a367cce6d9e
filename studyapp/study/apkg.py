"""Export to an Anki package: a zip of ``collection.anki2`` (legacy schema 11) and ``media``.

Each card becomes a "Basic" note (fields HTML-escaped: card text is data). Scheduling is
carried where the format allows: card type/queue/due/interval/lapses, FSRS memory state in
``cards.data`` (``s``, ``d``, ``dr``, read by Anki 23.10+), suspension, and the review log.
"""

from __future__ import annotations

import hashlib
import html
import json
import sqlite3
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyapp.study.clock import aware
from studyapp.study.scheduling import LEARNING, NEW, RELEARNING, REVIEW
from studyapp.study.views import ExportReport

if TYPE_CHECKING:
    from sqlmodel import Session

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
CSS = ".card { font-family: arial; font-size: 20px; text-align: left; }"
ANKI_TYPE = {NEW: 0, LEARNING: 1, REVIEW: 2, RELEARNING: 3}
CARD_SLOTS = "?, ?, ?, 0, ?, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?"
REVLOG_TYPE = {NEW: 0, LEARNING: 0, REVIEW: 1, RELEARNING: 2}


def _field(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _guid(key: str) -> str:
    return hashlib.sha1(f"studyapp:{key}".encode(), usedforsecurity=False).hexdigest()[:10]


def _csum(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def _model(now_s: int) -> dict[str, Any]:
    def fld(name: str, ord_: int) -> dict[str, Any]:
        return {"name": name, "ord": ord_, "sticky": False, "rtl": False, "font": "Arial",
                "size": 20, "media": []}  # fmt: skip

    return {
        "id": MODEL_ID, "name": "Basic (studyapp)", "type": 0, "mod": now_s, "usn": -1,
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


def write_apkg(session: Session, path: Path, deck_id: int | None, now: datetime) -> ExportReport:
    """Write the package for one deck or all decks; returns what it holds."""
    from sqlmodel import col, select

    from studyapp.store.schema import Card, Deck, ReviewLog

    decks = list(session.exec(select(Deck).order_by(col(Deck.id))).all())
    if deck_id is not None:
        decks = [d for d in decks if d.id == deck_id]
    now_s = int(now.timestamp())
    crt_day = (now - timedelta(days=3650)).date()
    crt = int(datetime(crt_day.year, crt_day.month, crt_day.day, 4).timestamp())
    anki_deck = {d.id: 1_700_000_000_000 + int(d.id or 0) * 1000 for d in decks}
    deck_json: dict[str, Any] = {"1": _deck(1, "Default", now_s)}
    dconf_json: dict[str, Any] = {"1": _dconf(1, "Default", now_s, 0.9, 20, 200)}
    for d in decks:
        did = anki_deck[d.id]
        deck_json[str(did)] = _deck(did, d.name.replace("::", ":"), now_s, conf=did)
        dconf_json[str(did)] = _dconf(did, d.name, now_s, d.desired_retention, d.new_limit,
                                      d.review_limit)  # fmt: skip
    conf = {"nextPos": 1, "estTimes": True, "activeDecks": [1], "sortType": "noteFld",
            "timeLim": 0, "sortBackwards": False, "addToCur": True, "curDeck": 1,
            "newSpread": 0, "dueCounts": True, "curModel": MODEL_ID, "collapseTime": 1200,
            "fsrs": True}  # fmt: skip

    path.parent.mkdir(parents=True, exist_ok=True)
    notes = reviews = 0
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "collection.anki2"
        db = sqlite3.connect(db_path)
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
            (crt, now_s * 1000, now_s * 1000, json.dumps(conf),
             json.dumps({str(MODEL_ID): _model(now_s)}), json.dumps(deck_json),
             json.dumps(dconf_json)),
        )  # fmt: skip
        base_id = now_s * 1000
        for d in decks:
            cards = session.exec(
                select(Card).where(col(Card.deck_id) == d.id, col(Card.removed) == False)  # noqa: E712
                .order_by(col(Card.position), col(Card.id))  # type: ignore[arg-type]
            ).all()  # fmt: skip
            for card in cards:
                assert card.id is not None
                notes += 1
                nid = cid = base_id + card.id
                front, back = _field(card.front), _field(card.back)
                tags = " ".join(t.replace(" ", "_") for t in (card.tags or []))
                db.execute(
                    "INSERT INTO notes VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
                    (nid, _guid(f"{d.source}/{card.key}"), MODEL_ID, now_s,
                     f" {tags} " if tags else "", f"{front}\x1f{back}", card.front,
                     _csum(card.front)),
                )  # fmt: skip
                db.execute(
                    f"INSERT INTO cards VALUES ({CARD_SLOTS})",
                    (cid, nid, anki_deck[d.id], now_s, *_schedule(card, crt_day, notes),
                     card.reps, card.lapses, 1 if "marked" in (card.flags or []) else 0,
                     _memory(card, d.desired_retention)),
                )  # fmt: skip
                logs = session.exec(
                    select(ReviewLog)
                    .where(col(ReviewLog.card_id) == card.id, col(ReviewLog.kind) == "review")
                    .order_by(col(ReviewLog.reviewed_at), col(ReviewLog.id))  # type: ignore[arg-type]
                ).all()  # fmt: skip
                last_ivl = 0
                for log in logs:
                    reviews += 1
                    ivl = _revlog_ivl(log)
                    stamp = int(aware(log.reviewed_at).timestamp() * 1000)  # type: ignore[union-attr]
                    db.execute(
                        "INSERT OR IGNORE INTO revlog VALUES (?, ?, -1, ?, ?, ?, 2500, ?, ?)",
                        (stamp + (log.id or 0) % 1000, cid, log.rating, ivl, last_ivl,
                         min(log.duration_ms, 60_000), REVLOG_TYPE.get(log.state_before, 1)),
                    )  # fmt: skip
                    last_ivl = ivl
        db.commit()
        db.close()
        tmp_zip = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
        tmp_zip.replace(path)
    return ExportReport(path=str(path), decks=len(decks), notes=notes, reviews=reviews)


def _schedule(card: Any, crt_day: date, position: int) -> tuple[int, int, int, int, int]:
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


def _memory(card: Any, retention: float) -> str:
    if card.stability is None or card.difficulty is None:
        return ""
    return json.dumps(
        {"s": round(card.stability, 4), "d": round(card.difficulty, 4), "dr": retention}
    )


def _revlog_ivl(log: Any) -> int:
    """Anki's revlog interval: days when positive, seconds when negative (learning steps)."""
    due, at = aware(log.due_after), aware(log.reviewed_at)
    if due is None or at is None:
        return 0
    seconds = (due - at).total_seconds()
    return int(seconds // 86400) if seconds >= 86400 else -int(seconds)
