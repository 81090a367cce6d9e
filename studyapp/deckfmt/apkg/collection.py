"""Reading an Anki collection database (schema 11 JSON tables or schema 18 tables) with sqlite3.

Only a read-only connection to a private temp copy is opened. Note types, decks, notes, cards
and the review log are read in a handful of full-table queries (no per-note query), then each
card is rendered from its template (see :mod:`render`).

The database is the package author's, so before any query :func:`check_schema` refuses what
Anki never writes and what could make a plain ``SELECT`` run code: views (a recursive view
as ``revlog`` filled a disk), virtual tables and generated columns. Then a progress handler
stops any statement past a time budget (``READ_BUDGET_S`` plus ``READ_S_PER_MIB`` per MiB of
collection), and no string or blob may exceed ``MAX_VALUE_BYTES``. Values of the wrong type
(an integer ``flds``, ``models`` stored as a list) are a corrupt collection, one line.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studyapp.deckfmt.apkg.container import protobuf_fields
from studyapp.deckfmt.apkg.model import (
    LATEST_SCHEMA,
    OLDEST_SCHEMA,
    AnkiCard,
    AnkiReview,
    PackageError,
)
from studyapp.deckfmt.apkg.render import clear_cache, html_to_text, render_card
from studyapp.textsafe import strip_controls

CLOZE_KIND = 1
SUSPENDED_QUEUE = -1
LAST_REVIEW_MS = 221_845_392_000_000
"""9000-01-01 in ms: a later answer time (revlog id) is corrupt, not history."""
READ_BUDGET_S = 30.0
READ_S_PER_MIB = 1.0
"""Reading may take READ_BUDGET_S + READ_S_PER_MIB x the collection's MiB, no more."""
PROGRESS_EVERY = 10_000
"""SQLite virtual-machine steps between two checks of the time budget."""
MAX_VALUE_BYTES = 64 << 20
"""Longest string or blob SQLite may make (a field, ``col.models``): SQLITE_LIMIT_LENGTH."""
TABLES = ("col", "notes", "cards", "revlog", "notetypes", "fields", "templates", "decks")
"""What the reader queries: each must be a plain table (the last four: schema 15+ only)."""


@dataclass(frozen=True, slots=True)
class Notetype:
    name: str
    cloze: bool
    fields: list[str]
    templates: dict[int, tuple[str, str]]
    """ord -> (question format, answer format)."""


def read_collection(path: Path, source: str) -> tuple[int, list[AnkiCard], list[str], int | None]:
    """(schema version, cards in note order, deck names, day rollover hour or None) of the
    collection at ``path``."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise PackageError(f"corrupt collection ({error})", source) from None
    db.create_collation("unicase", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    budget_s = READ_BUDGET_S + READ_S_PER_MIB * path.stat().st_size / 2**20
    deadline = time.monotonic() + budget_s
    db.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_EVERY)
    clear_cache()
    try:
        check_schema(db, source)
        return _read(db, source)
    except PackageError:
        raise
    except sqlite3.OperationalError as error:
        if time.monotonic() > deadline:
            raise PackageError(
                f"reading the collection took longer than its {budget_s:.0f} s budget "
                f"({READ_BUDGET_S:.0f} s + {READ_S_PER_MIB:.0f} s per MiB); stopped",
                source,
            ) from None
        raise PackageError(f"corrupt collection ({error})", source) from None
    except sqlite3.Error as error:
        raise PackageError(f"corrupt collection ({error})", source) from None
    except (ValueError, KeyError, TypeError, OverflowError, AttributeError, IndexError) as error:
        raise PackageError(
            f"corrupt collection ({type(error).__name__}: {error})", source
        ) from None
    finally:
        db.close()
        clear_cache()


def check_schema(db: sqlite3.Connection, source: str) -> None:
    """Refuse views, virtual tables and generated columns: Anki writes none, and each lets
    a plain ``SELECT`` on the package's database run the package author's SQL."""
    rows = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    for kind, name, sql in rows:
        text = str(sql or "").lstrip().upper()
        if kind == "view" or (kind == "table" and text.startswith("CREATE VIRTUAL")):
            what = "an SQL view" if kind == "view" else "a virtual table"
            raise PackageError(
                f"the collection holds {what} ({str(name)!r}), which Anki never writes; refused",
                source,
            )
    tables = {name for kind, name, _ in rows if kind == "table"}
    for table in TABLES:
        if table not in tables:
            continue
        for column in db.execute(f"PRAGMA table_xinfo({table})"):  # names from TABLES only
            if column[6] in (2, 3):  # hidden: 2 virtual generated, 3 stored generated
                raise PackageError(
                    f"the collection's {table} table has a generated column "
                    f"({str(column[1])!r}), which Anki never writes; refused",
                    source,
                )


def _read(db: sqlite3.Connection, source: str) -> tuple[int, list[AnkiCard], list[str], int | None]:
    row = db.execute("SELECT ver FROM col").fetchone()
    if row is None:
        raise PackageError("corrupt collection (no col row)", source)
    version = int(row[0])
    if version > LATEST_SCHEMA:
        raise PackageError(
            f"collection schema {version} is newer than this studyapp reads "
            f"({OLDEST_SCHEMA}-{LATEST_SCHEMA}); export from Anki with 'Support older Anki "
            "versions' checked",
            source,
        )
    if version < OLDEST_SCHEMA:
        raise PackageError(f"collection schema {version} is too old to read", source)
    if version >= 15 and _has_table(db, "notetypes"):
        notetypes, decks = _notetypes_v18(db, source), _decks_v18(db)
    else:
        notetypes, decks = _notetypes_v11(db), _decks_v11(db)
    reviews = _reviews(db)
    notes = {}
    for nid, guid, mid, tags, flds in db.execute("SELECT id, guid, mid, tags, flds FROM notes"):
        if not isinstance(tags, str) or not isinstance(flds, str):
            bad = "tags" if not isinstance(tags, str) else "flds"
            raise PackageError(f"corrupt collection (note {nid}: {bad} is not text)", source)
        notes[nid] = (guid, mid, tags, flds)
    cards: list[AnkiCard] = []
    used_decks: set[str] = set()
    query = "SELECT id, nid, did, ord, queue, odid FROM cards ORDER BY nid, ord"
    for position, (cid, nid, did, ord_, queue, odid) in enumerate(db.execute(query), 1):
        note = notes.get(nid)
        if note is None:
            continue  # an orphan card: Anki's check database would delete it too
        guid, mid, tags, flds = note
        notetype = notetypes.get(mid)
        if notetype is None:
            raise PackageError(f"note {nid} uses note type {mid}, which is missing", source)
        deck = strip_controls(decks.get(odid or did) or decks.get(did) or "Default")
        used_decks.add(deck)
        front, back, media = _card_text(notetype, flds.split("\x1f"), ord_)
        cards.append(
            AnkiCard(
                front=strip_controls(front), back=strip_controls(back), line=position,
                tags=[strip_controls(tag) for tag in tags.split()], guid=guid, ord=ord_,
                deck=deck, notetype=notetype.name, suspended=queue == SUSPENDED_QUEUE,
                reviews=reviews.get(cid, []), media=media,
            )
        )  # fmt: skip
    return version, cards, sorted(used_decks), _rollover(db)


def _rollover(db: sqlite3.Connection) -> int | None:
    """The collection's "next day starts at" hour (its ``rollover`` config: a whole
    collection carries it, an .apkg export does not); None when absent or not an hour."""
    try:
        if _has_table(db, "config"):
            row = db.execute("SELECT val FROM config WHERE key = 'rollover'").fetchone()
            value = json.loads(bytes(row[0])) if row is not None else None
        else:
            conf = db.execute("SELECT conf FROM col").fetchone()[0]
            value = json.loads(conf).get("rollover") if conf else None
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        return None
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23
    return value if ok else None


def _card_text(notetype: Notetype, values: list[str], ord_: int) -> tuple[str, str, list[str]]:
    fields = dict(zip(notetype.fields, values, strict=False))
    if notetype.cloze:
        qfmt, afmt = notetype.templates.get(0) or ("{{cloze:Text}}", "{{cloze:Text}}")
        return render_card(qfmt, afmt, fields, ord_ + 1)
    template = notetype.templates.get(ord_)
    if template is not None:
        front, back, media = render_card(*template, fields, None)
        if front.strip():
            return front, back, media
    # an unknown layout: the first field is the question, the rest the answer
    media = []
    front = html_to_text(values[0] if values else "", media)
    back = "\n".join(t for t in (html_to_text(v, media) for v in values[1:]) if t)
    return front, back, media


def _reviews(db: sqlite3.Connection) -> dict[int, list[AnkiReview]]:
    """Each card's log, oldest first: read in id (rowid) order, a plain table scan, so each
    card's list comes out in order without a sort or an index walk."""
    out: dict[int, list[AnkiReview]] = {}
    query = "SELECT id, cid, ease, ivl, factor, time, type FROM revlog ORDER BY id"
    make, stamp = tuple.__new__, datetime.fromtimestamp  # AnkiReview(...) without its wrapper
    for rid, cid, ease, ivl, factor, taken, kind in db.execute(query):
        if rid > LAST_REVIEW_MS:  # its next due date would be past year 9999
            raise ValueError(f"review log id {rid} is past year 9000")
        review = make(AnkiReview, (  # at, rating, kind, duration_ms, interval, factor
            stamp(rid / 1000, UTC), int(ease), int(kind), max(0, int(taken)), int(ivl),
            int(factor),
        ))  # fmt: skip
        bucket = out.get(cid)
        if bucket is None:
            out[cid] = [review]
        else:
            bucket.append(review)
    return out


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return db.execute(query, (name,)).fetchone() is not None


def _json_object(db: sqlite3.Connection, column: str) -> dict[str, dict[str, object]]:
    """``col.<column>`` (``models``, ``decks``): a JSON object of objects, else corrupt."""
    (text,) = db.execute(f"SELECT {column} FROM col").fetchone()  # column: ours, not input
    value = json.loads(text)
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError(f"col.{column} is not a JSON object of objects")
    return value


def _notetypes_v11(db: sqlite3.Connection) -> dict[int, Notetype]:
    out = {}
    models: dict[str, Any] = _json_object(db, "models")
    for key, model in models.items():
        fields = [f["name"] for f in sorted(model.get("flds", []), key=lambda f: f["ord"])]
        templates = {int(t["ord"]): (t["qfmt"], t["afmt"]) for t in model.get("tmpls", [])}
        out[int(key)] = Notetype(
            strip_controls(str(model["name"])), model.get("type") == CLOZE_KIND, fields, templates
        )
    return out


def _decks_v11(db: sqlite3.Connection) -> dict[int, str]:
    return {int(key): str(deck["name"]) for key, deck in _json_object(db, "decks").items()}


def _notetypes_v18(db: sqlite3.Connection, source: str) -> dict[int, Notetype]:
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, dict[int, tuple[str, str]]] = {}
    for ntid, ord_, config in db.execute("SELECT ntid, ord, config FROM templates"):
        parts = protobuf_fields(config, source, "template")
        qfmt = _text(parts, 1)
        templates.setdefault(ntid, {})[ord_] = (qfmt, _text(parts, 2))
    out = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        parts = protobuf_fields(config, source, "note type")
        kind = next((v for n, v in parts if n == 1 and isinstance(v, int)), 0)
        out[ntid] = Notetype(
            strip_controls(str(name)), kind == CLOZE_KIND, fields.get(ntid, []),
            templates.get(ntid, {}),
        )  # fmt: skip
    return out


def _text(parts: list[tuple[int, int | bytes]], number: int) -> str:
    value = next((v for n, v in parts if n == number and isinstance(v, bytes)), b"")
    return value.decode("utf-8", "replace")


def _decks_v18(db: sqlite3.Connection) -> dict[int, str]:
    return {
        did: name.replace("\x1f", "::") for did, name in db.execute("SELECT id, name FROM decks")
    }
