"""``studyapp serve``: the app in a web browser, through textual-serve.

Each browser tab gets its own app process (``python -m studyapp --db DB``), all on the
configured database, so a class can share one PostgreSQL server. The app has no login of
its own, so the server guards the door (the rules are the pure functions below; the aiohttp
side is :mod:`studyapp.cli._serve_app`):

- a token made per run is part of the URL printed at start, like Jupyter's: the page and
  its websocket answer only with it (403 otherwise);
- the websocket's ``Origin`` must be the page's own (the ``Host`` the browser asked, or
  ``--public-url``): a page on another site gets 403, reads nothing, writes nothing;
- on a loopback address the ``Host`` header must name this machine (DNS rebinding);
- at most ``--max-sessions`` app processes at once (503 past it), client messages of at
  most 64 KiB, and an app process ends with its connection (asked to quit, then SIGTERM,
  then SIGKILL);
- loopback by default; any other address prints a warning, and the page builds its
  websocket URL from the address the browser used, never ``ws://0.0.0.0``.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import shlex
import sys
from typing import Any
from urllib.parse import urlsplit

from studyapp.cli.errors import CliError

DEFAULT_MAX_SESSIONS = 8
MAX_MESSAGE_BYTES = 64 << 10
"""Largest websocket message a browser may send (a key press is ~20 bytes, a paste more)."""
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the app to web browsers (one app process per tab)",
        description=(
            "Serve the app to web browsers with textual-serve: each tab runs its own app "
            "process on the configured database (--db, $STUDYAPP_DB or the default). "
            "Open the URL printed at start: it carries this run's token."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--public-url", metavar="URL", help="the URL browsers use, if not http://HOST:PORT"
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"most app processes at once (default {DEFAULT_MAX_SESSIONS})",
    )
    parser.set_defaults(handler=handle)


def app_command(db: str | None) -> str:
    """The command textual-serve runs for each browser tab."""
    words = [sys.executable, "-m", "studyapp"]
    if db:
        words += ["--db", db if "://" in db else os.path.abspath(db)]
    return shlex.join(words)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or a name) is this machine only."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """The warning printed when ``--host`` reaches beyond this machine, else None."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}: anyone who can reach this machine and has the URL "
        "(with its token) can study and write to the database; the connection is not "
        "encrypted (put a TLS proxy in front and pass --public-url)"
    )


def host_allowed(host_header: str, bind_host: str, public_url: str | None) -> bool:
    """A request's ``Host`` is fine unless we listen on loopback and it names another
    machine (a DNS-rebinding page reaches us under its own name)."""
    if not is_loopback(bind_host):
        return True
    name = urlsplit(f"//{host_header}").hostname or ""
    public = urlsplit(public_url).hostname if public_url else None
    return is_loopback(name) or name == public


def origin_allowed(origin: str | None, host_header: str, public_url: str | None) -> bool:
    """A websocket's ``Origin`` is the page's own: the host the browser asked (same
    ``host:port``), or ``--public-url``'s. No Origin (not a browser) is refused too."""
    if not origin:
        return False
    asked = urlsplit(origin)
    if asked.scheme not in ("http", "https") or not asked.netloc:
        return False
    if asked.netloc.lower() == host_header.lower():
        return True
    if public_url:
        public = urlsplit(public_url)
        return (asked.scheme, asked.netloc.lower()) == (public.scheme, public.netloc.lower())
    return False


def token_matches(given: str | None, token: str) -> bool:
    """Constant-time comparison of a request's token with this run's."""
    return given is not None and secrets.compare_digest(given.encode(), token.encode())


def page_websocket_url(host_header: str, secure: bool, token: str, public_url: str | None) -> str:
    """The websocket URL the page gives the browser: where the browser found the page
    (``--public-url`` when set), so never ``ws://0.0.0.0``."""
    if public_url:
        public = urlsplit(public_url)
        scheme = "wss" if public.scheme == "https" else "ws"
        base = f"{scheme}://{public.netloc}{public.path.rstrip('/')}"
    else:
        base = f"{'wss' if secure else 'ws'}://{host_header}"
    return f"{base}/ws/{token}"


def start_urls(host: str, port: int, token: str, public_url: str | None) -> list[str]:
    """The URLs to print at start, each with the token (loopback first)."""
    if public_url:
        return [f"{public_url.rstrip('/')}/?token={token}"]
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        shown = f"[{host}]"
    urls = [f"http://{shown}:{port}/?token={token}"]
    if host in ("0.0.0.0", "::"):
        import socket

        urls.append(f"http://{socket.gethostname()}:{port}/?token={token}")
    return urls


def handle(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise CliError(f"--port must be in 1-65535, got {args.port}")
    if args.max_sessions < 1:
        raise CliError(f"--max-sessions must be at least 1, got {args.max_sessions}")
    try:
        from studyapp.cli._serve_app import StudyServer
    except ImportError:
        raise CliError(
            "textual-serve is not installed: pip install textual-serve (or pip install -e .)"
        ) from None
    db = args.db or os.environ.get("STUDYAPP_DB")
    token = secrets.token_urlsafe(24)
    server = StudyServer(
        app_command(db),
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        token=token,
        max_sessions=args.max_sessions,
    )
    for url in start_urls(args.host, args.port, token, args.public_url):
        print(f"studyapp serve: open {url}", flush=True)
    print(f"  one app per tab, at most {args.max_sessions} at once; Ctrl+C stops", flush=True)
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    server.serve()
    return 0
