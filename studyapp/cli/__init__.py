"""The ``studyapp`` command line.

Each subcommand lives in its own module in this package and exposes
``register(subparsers)``, which adds its parser and sets ``handler=`` to a function
``(args) -> int``. Modules are discovered here, so adding a command touches no other file.
``--db`` is accepted before the command and after it (on every command's own parser too).
Command modules must stay light at import time: heavy imports (torch, textual, sqlmodel)
go inside the handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from studyapp import __version__
from studyapp.cli.errors import CliError
from studyapp.store.errors import NO_MEMORY, os_reason

DESCRIPTION = """\
Spaced-repetition study of deep generative models (VAEs, GANs, WGANs, autoencoders),
with PyTorch mini-experiments that show each concept.

Run without a command to open the app on the bundled lecture decks."""

EXIT_CODES = """\
exit status:
  0    done
  1    an error, said in one line on stderr with the file and what to do
       (bad deck file or option, unusable database, read-only folder, full disk,
       out of memory)
  2    bad command line (usage)
  70   internal error: a bug (set STUDYAPP_DEBUG=1 for the traceback)
  130  interrupted (Ctrl+C)"""


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole parser; ``commands=False`` leaves the subcommands out (a faster app launch)."""
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    _add_db_option(parser, default=None)
    if not commands:
        return parser
    import importlib
    import pkgutil  # the subcommands' discovery: not on the app's launch

    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "errors":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    for command in _command_parsers(parser):
        _add_db_option(command, default=argparse.SUPPRESS)
    return parser


def _add_db_option(parser: argparse.ArgumentParser, default: object) -> None:
    """``--db``; on a command's parser its default is SUPPRESS, so ``studyapp --db X stats``
    keeps X (a command's parser would otherwise set ``db`` back to None)."""
    if any("--db" in action.option_strings for action in parser._actions):
        return  # a command that declares its own
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="database file or URL (default: $STUDYAPP_DB, else the user data dir)",
    )


def _command_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command's parser below ``parser`` (``deck``, then ``deck parse``, ...)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases share a parser
                found += [child, *_command_parsers(child)]
    return found


def _only_db_option(words: Sequence[str]) -> bool:
    """True when the words only pick a database: the app launches, no command is needed."""
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word == "--db" and rest:
            rest.pop(0)
        elif not word.startswith("--db="):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``studyapp`` console script."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(commands=not _only_db_option(words)).parse_args(words)
    handler = getattr(args, "handler", None)
    try:
        if args.db:
            from studyapp.cli._checks import check_parent_folder

            check_parent_folder(args.db, "--db")
        if handler is None:
            from studyapp.ui.launch import launch

            return launch(args)
        return int(handler(args) or 0)
    except CliError as error:
        _error_line(f"studyapp: error: {error}")
        return error.exit_code
    except KeyboardInterrupt:
        print("studyapp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except MemoryError:
        _error_line(f"studyapp: error: {NO_MEMORY} (or use smaller settings)")
        return 1
    except OSError as error:  # a file or folder the command needed (read-only, full disk...)
        where = f"{error.filename}: " if error.filename else ""
        _error_line(f"studyapp: error: {where}{os_reason(error)}")
        return 1
    except Exception as error:  # last resort: one clear line, never a traceback
        if os.environ.get("STUDYAPP_DEBUG"):
            raise
        _error_line(
            f"studyapp: internal error: {type(error).__name__}: {error} "
            "(set STUDYAPP_DEBUG=1 for the traceback)"
        )
        return 70


def _error_line(text: str) -> None:
    """``text`` on stderr, any control character in it (a hostile file name) escaped."""
    from studyapp.textsafe import escape_controls

    print(escape_controls(text), file=sys.stderr)
