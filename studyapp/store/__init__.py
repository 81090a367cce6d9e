"""Persistence: the one engine factory, the SQLModel schema and its migrations.

Nothing here opens a database at import time; SQLAlchemy loads only when a module that needs
it is imported (``engine``, ``schema``, ``migrations``).
"""
