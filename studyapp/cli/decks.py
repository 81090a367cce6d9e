"""``studyapp decks``: the bundled lecture decks and the user's decks, with card counts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from studyapp.cli.deck import write


def register(subparsers: Any) -> None:
    decks = subparsers.add_parser(
        "decks",
        help="list bundled and user decks with their card counts",
        description="List the bundled decks and your own decks (files in the user decks "
        "directory) with their format and card counts.",
    )
    decks.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    decks.set_defaults(handler=run_decks)


def deck_files(directory: Path) -> list[Path]:
    """Regular, non-hidden files of ``directory``, sorted; none if it does not exist."""
    if not directory.is_dir():
        return []
    return sorted(
        path for path in directory.iterdir() if path.is_file() and not path.name.startswith(".")
    )


def describe(path: Path, origin: str) -> dict[str, Any]:
    from studyapp.deckfmt import ANSWER_MISSING, DeckParseError, parse_file

    row: dict[str, Any] = {"origin": origin, "path": str(path)}
    try:
        deck = parse_file(path)
    except DeckParseError as error:
        row.update(name=path.stem, format=None, cards=0, answer_missing=0, error=str(error))
        return row
    missing = sum(ANSWER_MISSING in card.flags for card in deck.cards)
    row.update(name=deck.name, format=deck.format, cards=len(deck.cards), answer_missing=missing)
    row["error"] = None
    return row


def stored_names(args: argparse.Namespace) -> dict[str, str]:
    """Deck names by source as the database has them (empty when it can't be opened)."""
    from studyapp.cli._study import open_service
    from studyapp.cli.errors import CliError

    try:
        with open_service(args, sync=False) as service:
            return {deck.source: deck.name for deck in service.decks.list()}
    except CliError:
        return {}


def run_decks(args: argparse.Namespace) -> int:
    from studyapp.paths import bundled_decks_dir, user_decks_dir

    bundled_dir, user_dir = bundled_decks_dir(), user_decks_dir()
    rows = [describe(path, "bundled") for path in deck_files(bundled_dir)]
    rows += [describe(path, "user") for path in deck_files(user_dir)]
    if any(row["origin"] == "user" for row in rows):
        names = stored_names(args)  # ``import --as NAME`` named the deck, not its file
        for row in rows:
            if row["origin"] == "user" and not row["error"]:
                row["name"] = names.get(f"user/{Path(row['path']).name}", row["name"])
    if args.json:
        payload = {"bundled_dir": str(bundled_dir), "user_dir": str(user_dir), "decks": rows}
        write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    out = []
    for origin, directory in (("bundled", bundled_dir), ("user", user_dir)):
        mine = [row for row in rows if row["origin"] == origin]
        out.append(f"{origin.capitalize()} decks ({directory}):")
        if not mine:
            out.append("  (none)")
        for row in mine:
            if row["error"]:
                out.append(f"  {'-':>5}  {Path(row['path']).name}: {row['error']}")
                continue
            extra = f", {row['answer_missing']} answer missing" if row["answer_missing"] else ""
            out.append(
                f"  {row['cards']:>5}  {row['name']}  ({row['format']}{extra})  "
                f"{Path(row['path']).name}"
            )
        out.append("")
    total = sum(row["cards"] for row in rows)
    out.append(f"{len(rows)} decks, {total} cards")
    write("\n".join(out) + "\n")
    return 0
