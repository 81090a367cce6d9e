"""The one error type command handlers raise for a clean, one-line failure."""


class CliError(Exception):
    """A user-facing error: printed as one line on stderr, exit code ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
