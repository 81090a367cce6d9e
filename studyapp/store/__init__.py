"""Persistence: the one engine factory, the SQLModel schema and its migrations.

- ``engine``: ``make_engine``/``connect_sqlite`` (the same pragmas on every connection) and
  ``resolve_db_url``;
- ``schema``: the SQLModel tables; ``migrations``: schema version, migrations, file checks;
- ``sql``: plain SQL for the review path (no SQLAlchemy import on SQLite files);
- ``checkpoint``: WAL checkpoints off the answer path; ``errors``: ``StoreError``.

Nothing here opens a database at import time; SQLAlchemy loads only inside the functions
that need it (and when ``schema`` is imported).
"""
