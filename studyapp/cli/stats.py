"""``studyapp stats [--json]``: reviews in total and today; per deck the counts the app shows
(new within today's limit / learning due today / review due), from ``service.decks()``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from studyapp.cli._study import friendly_errors


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="reviews in total and today, cards due per deck",
        description="Print review totals, today's reviews and the cards due per deck.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._study import open_service
    from studyapp.study.views import NOT_MEASURED

    with open_service(args) as service:
        stats = service.stats()
        decks = service.decks()
    payload: dict[str, Any] = {
        "reviews_total": stats.reviews_total,
        "reviews_today": stats.reviews_today,
        "cards_total": stats.cards_total,
        "true_retention": stats.true_retention,
        "desired_retention": round(stats.desired_retention, 4),
        "button_counts": {str(k): v for k, v in stats.button_counts.items()},
        "decks": [
            {
                "id": d.id,
                "name": d.name,
                "new": d.new,
                "learning": d.learning,
                "due": d.due,
                "reviewed_today": d.reviewed_today,
                "cards": d.total,
                "exam_date": d.exam_date.isoformat() if d.exam_date else None,
                "exam_recall": d.exam.recall if d.exam else None,
                "exam_unseen": d.exam.unseen if d.exam else None,
            }
            for d in decks
        ],
    }
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    retention = (
        f"{stats.true_retention:.1%}"
        if stats.true_retention is not None
        else f"{NOT_MEASURED} (no reviews of review cards yet)"
    )
    print(f"reviews: {stats.reviews_total} total, {stats.reviews_today} today")
    print(f"retention: true {retention}, desired {stats.desired_retention:.0%}")
    if not decks:
        print("no decks")
        return 0
    from studyapp.textsafe import strip_controls

    width = max(len(strip_controls(d.name)) for d in decks)
    print(f"{'deck':<{width}}  {'new':>5}  {'learn':>5}  {'due':>5}  {'cards':>5}")
    for deck in payload["decks"]:
        print(
            f"{strip_controls(deck['name']):<{width}}  {deck['new']:>5}  {deck['learning']:>5}  "
            f"{deck['due']:>5}  {deck['cards']:>5}"
        )
    return 0
