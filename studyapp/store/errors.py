"""The store's one error type."""


class StoreError(Exception):
    """The database can't be used (corrupt, foreign, newer schema, unreachable server).

    The message is one line naming the database; the file is never modified.
    """
