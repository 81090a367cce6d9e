"""``studyapp optimize [DECK]``: fit FSRS parameters to your review log."""

from __future__ import annotations

import argparse
from typing import Any

from studyapp.cli._study import friendly_errors
from studyapp.cli.errors import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "optimize",
        help="fit FSRS parameters to the review log (shows log loss before/after)",
        description="Fit the FSRS scheduler's parameters to your review history "
        "(needs torch; refuses when the log is too small).",
    )
    parser.add_argument("deck", nargs="?", help="only this deck (name or id); default all")
    parser.add_argument("--dry-run", action="store_true", help="report without applying")
    parser.set_defaults(handler=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    from studyapp.cli._study import find_deck, open_service

    with open_service(args) as service:
        deck_id = find_deck(service, args.deck) if args.deck else None
        report = service.fsrs.optimize(deck_id, apply=not args.dry_run)
    if report.loss_before is not None and report.loss_after is not None:
        print(f"log loss: {report.loss_before:.4f} before, {report.loss_after:.4f} after")
    if report.applied:
        print(f"applied: {report.reason}")
        return 0
    if report.parameters is not None:
        print(report.reason)
        return 0
    raise CliError(report.reason)
