"""``studyapp exam DECK DATE``: set (or with ``none`` clear) a deck's exam date."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from studyapp.cli._study import friendly_errors
from studyapp.cli.errors import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "exam",
        help="set a deck's exam date (exam mode), or clear it with 'none'",
        description="Exam mode: nothing is scheduled past the exam, the cards due before it "
        "are spread over the days left, lowest retrievability first.",
    )
    parser.add_argument("deck", help="deck name or id")
    parser.add_argument("date", help="exam date YYYY-MM-DD, or 'none' to clear")
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._study import find_deck, open_service

    if args.date.lower() in ("none", "clear", "off"):
        when = None
    else:
        try:
            when = date.fromisoformat(args.date)
        except ValueError:
            raise CliError(f"bad date {args.date!r}: use YYYY-MM-DD or 'none'") from None
    with open_service(args) as service:
        deck_id = find_deck(service, args.deck)
        summary = service.decks.set_exam(deck_id, when)
        plan = service.decks.exam_plan(deck_id)
    if when is None:
        print(f"{summary.name}: exam date cleared")
        return 0
    print(f"{summary.name}: exam on {when.isoformat()} ({summary.days_to_exam} days)")
    if summary.predicted_exam_recall is not None:
        print(f"predicted recall on exam day: {summary.predicted_exam_recall:.0%}")
    if plan:
        print("reviews per day: " + ", ".join(f"{d:%m-%d} {n}" for d, n in plan))
    return 0
