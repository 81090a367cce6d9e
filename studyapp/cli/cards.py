"""``studyapp cards [DECK] [--json]``: every card with its question, deck, state, how often
it was answered (graded predictions included) and its experiment links: what the browser
shows, for scripts and for checking an import (``service.cards.listing``)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from studyapp.cli._study import friendly_errors
from studyapp.cli.deck import write

if TYPE_CHECKING:
    from studyapp.study.views import ListedCard

QUESTION_WIDTH = 60
"""Characters of a question the table shows (``--json`` gives it whole)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "cards",
        help="list cards with their state, answers and experiment links",
        description="List the cards of DECK (every deck without it): question, deck, state, "
        "answers given (reviews, quiz answers and graded experiment predictions) and the "
        "experiments each card links to.",
    )
    parser.add_argument("deck", nargs="?", metavar="DECK", help="deck id, name or name prefix")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(handler=run)


def card_json(listed: ListedCard) -> dict[str, Any]:
    """One card of the ``--json`` output."""
    card = listed.card
    return {
        "id": card.id,
        "deck": card.deck_name,
        "question": card.front,
        "state": card.state,
        "suspended": card.suspended,
        "answers": listed.answers,
        "predictions": listed.predictions,
        "experiments": list(card.experiments),
    }


def table(cards: list[ListedCard]) -> str:
    """The cards as lines of text: id, deck, state, answers, links, then the question."""
    lines = [f"{'id':>6}  {'deck':<14} {'state':<10} {'answers':>7}  {'experiments':<20} question"]
    for listed in cards:
        card = listed.card
        state = card.state + (" (S)" if card.suspended else "")
        answers = f"{listed.answers}" + (f" ({listed.predictions}p)" if listed.predictions else "")
        links = ", ".join(card.experiments) or "-"
        question = " ".join(card.front.split())
        if len(question) > QUESTION_WIDTH:
            question = question[: QUESTION_WIDTH - 1] + "…"
        deck = card.deck_name if len(card.deck_name) <= 14 else card.deck_name[:13] + "…"
        lines.append(f"{card.id:>6}  {deck:<14} {state:<10} {answers:>7}  {links:<20} {question}")
    total = sum(listed.answers for listed in cards)
    predictions = sum(listed.predictions for listed in cards)
    lines.append(
        f"{len(cards)} cards; {total} answers, {predictions} of them graded experiment "
        "predictions (2p: 2 predictions)"
    )
    return "\n".join(lines) + "\n"


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._study import find_deck, open_service

    with open_service(args) as service:
        deck_id = find_deck(service, args.deck) if args.deck else None
        cards = service.cards.listing(deck_id)
    if args.json:
        payload = {"deck": args.deck, "cards": [card_json(listed) for listed in cards]}
        write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    write(table(cards))
    return 0
