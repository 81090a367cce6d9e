"""The one user-facing error: a failure the user can act on, said in one line.

Any layer may raise it (the app when its database can't open, a command on a bad option);
the command line prints it as ``studyapp: error: <message>`` and exits with ``exit_code``
(``studyapp.cli.errors.CliError`` is this class).
"""


class UserError(Exception):
    """A user-facing error: printed as one line on stderr, exit code ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
