"""Launch the TUI from the command line (placeholder until the app lands)."""

from __future__ import annotations

import argparse


def launch(args: argparse.Namespace) -> int:
    from studyapp.ui.app import run_app

    return run_app(args)
