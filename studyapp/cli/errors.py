"""The one error type command handlers raise for a clean, one-line failure."""

from studyapp.errors import UserError

CliError = UserError
"""A user-facing error: printed as one line on stderr, exit code ``exit_code`` (the app's one
:class:`~studyapp.errors.UserError`, so the layers below the CLI raise it too)."""

__all__ = ["CliError"]
