"""Persistence: every query studyapp runs, one style, typed rows, SQLite and PostgreSQL alike.

- ``rows``: each table defined once, as its typed row (a ``NamedTuple``); ``table`` makes
  the rest from it (SQL text, conversions both ways); ``schema``: the SQLAlchemy tables
  made from them (creation, migrations);
- ``sql``: ``Db`` (one connection path) and ``Query`` (SQL text with ``:name`` parameters;
  rows in, rows out);
- one module per concern, functions taking and returning rows: ``decks``, ``cards``,
  ``reviews``, ``runs``, ``stats``, ``imports``, ``export``;
- ``engine``: ``make_engine``/``connect_sqlite`` (the same pragmas on every connection) and
  ``resolve_db_url``; ``migrations``: schema version, migrations, the read-only checks of a
  file before anything touches it;
- ``checkpoint``: WAL checkpoints off the answer path; ``errors``: ``StoreError`` and the one
  line that says why a database can't be used.

Nothing here opens a database at import time; SQLAlchemy loads only inside the functions
that need it (and when ``schema`` is imported). The store never decides: scheduling and
policy live in ``studyapp.study``.
"""
