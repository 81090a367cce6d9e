"""``studyapp exam DECK [DATE] [--at HH:MM] [--json]``: a deck's exam date, plan and figure.

Without DATE it prints the plan; with a date it sets it first (``none`` clears it).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from studyapp.cli._study import friendly_errors
from studyapp.cli.errors import CliError
from studyapp.textsafe import escape_controls

if TYPE_CHECKING:
    from studyapp.study.views import ExamPlan

CLEAR_WORDS = ("none", "clear", "off")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "exam",
        help="a deck's exam plan; set its exam date (exam mode), or clear it with 'none'",
        description="Exam mode, through exam day: nothing is due after the exam; final "
        "reviews are spread over the last days under the deck's daily limits; the plan says "
        "what each day will offer, and the figure what share of the deck you can expect to "
        "recall at the exam.",
    )
    parser.add_argument("deck", help="deck name or id")
    parser.add_argument(
        "date", nargs="?", help="exam date YYYY-MM-DD, or 'none' to clear (omit: show the plan)"
    )
    parser.add_argument("--at", metavar="HH:MM", help="the exam's time of day (default 09:00)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._study import find_deck, open_service

    when: date | None = None
    clear = args.date is not None and args.date.lower() in CLEAR_WORDS
    if args.date is not None and not clear:
        try:
            when = date.fromisoformat(args.date)
        except ValueError:
            raise CliError(f"bad date {args.date!r}: use YYYY-MM-DD or 'none'") from None
    with open_service(args) as service:
        deck_id = find_deck(service, args.deck)
        if clear:
            summary = service.decks.set_exam(deck_id, None)
            print(f"{escape_controls(summary.name)}: exam date cleared")
            return 0
        if when is not None or args.at is not None:
            current = service.decks.get(deck_id).exam_date
            if when is None and current is None:
                raise CliError("--at needs an exam date: studyapp exam DECK YYYY-MM-DD --at HH:MM")
            service.decks.set_exam(deck_id, when or current, args.at)
        plan = service.decks.exam_plan(deck_id)
        name = service.decks.get(deck_id).name
    if plan is None:
        hint = f"studyapp exam {args.deck} YYYY-MM-DD"
        raise CliError(f"{name} has no exam date: set one with {hint}")
    if args.json:
        print(json.dumps(as_json(plan), indent=2))
    else:
        print("\n".join(lines(plan, args.deck)))
    return 0


def as_json(plan: ExamPlan) -> dict[str, Any]:
    figure = plan.figure
    return {
        "deck_id": plan.deck_id,
        "deck": plan.deck_name,
        "exam_date": figure.exam_date.isoformat(),
        "exam_time": figure.exam_time,
        "days_left": plan.days_left,
        "exam_mode": plan.active,
        "figure": {
            "recall": figure.recall,
            "cards": figure.cards,
            "unseen": figure.unseen,
            "past": figure.past,
            "assumes": figure.assumption(),
        },
        "review_limit": plan.review_limit,
        "new_limit": plan.new_limit,
        "days": [{"day": d.day.isoformat(), "reviews": d.reviews, "new": d.new} for d in plan.days],
        "unseen_after": plan.unseen_after,
        "late_reviews": plan.late_reviews,
        "problems": list(plan.problems),
    }


def lines(plan: ExamPlan, deck_arg: str) -> list[str]:
    """The plan as the terminal shows it."""
    from studyapp.study.exam import CLEAR_OFFER

    figure = plan.figure
    left = plan.days_left
    if left > 1:
        when = f"in {left} days"
    elif left == 1:
        when = "tomorrow"
    elif left == 0:
        when = "today"
    else:
        when = f"{-left} day{'s' * (left != -1)} ago"
    out = [
        f"{escape_controls(plan.deck_name)}: exam on {figure.exam_date.isoformat()} at "
        f"{figure.exam_time} ({when})",
        figure.headline(),
        f"  {figure.assumption()}",
    ]
    if not plan.active:
        out.append(f"{CLEAR_OFFER} (studyapp exam {deck_arg} none)")
        return out
    if plan.days:
        out.append(
            f"plan (daily limits {plan.new_limit} new, {plan.review_limit} reviews; "
            "today: still to do):"
        )
        out.append(f"  {'day':<16} {'reviews':>7} {'new':>5}")
        last = len(plan.days) - 1
        for i, day in enumerate(plan.days):
            tag = "today" if i == 0 else "exam" if i == last and left > 0 else ""
            if i == 0 and left == 0:
                tag = "today, exam"
            label = f"{day.day:%a %m-%d} {tag}".rstrip()
            out.append(f"  {label:<16} {day.reviews:>7} {day.new:>5}")
    elif figure.past:
        out.append("the exam has taken place; exam mode ends with the day")
    for problem in plan.problems:
        out.append(f"can't be kept: {problem}")
    return out
