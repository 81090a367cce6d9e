"""``studyapp serve``: the app in a web browser, through textual-serve.

Each browser tab gets its own app process (``python -m studyapp --db DB``), all on the
configured database, so a class can share one PostgreSQL server. Loopback by default: the
app has no login, so serving it beyond this machine is the user's explicit choice.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import Any

from studyapp.cli.errors import CliError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the app to web browsers (one app process per tab)",
        description=(
            "Serve the app to web browsers with textual-serve: each tab runs its own app "
            "process on the configured database (--db, $STUDYAPP_DB or the default)."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--public-url", metavar="URL", help="the URL browsers use, if not http://HOST:PORT"
    )
    parser.set_defaults(handler=handle)


def app_command(db: str | None) -> str:
    """The shell command textual-serve runs for each browser tab."""
    words = [sys.executable, "-m", "studyapp"]
    if db:
        words += ["--db", db if "://" in db else os.path.abspath(db)]
    return shlex.join(words)


def handle(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise CliError(f"--port must be in 1-65535, got {args.port}")
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CliError(
            "textual-serve is not installed: pip install textual-serve (or pip install -e .)"
        ) from None
    db = args.db or os.environ.get("STUDYAPP_DB")
    server = Server(
        app_command(db),
        host=args.host,
        port=args.port,
        title="studyapp",
        public_url=args.public_url,
    )
    server.serve()
    return 0
