"""The SQLAlchemy tables that create and migrate the database, made from :mod:`rows`.

Each column's SQL type follows its kind (datetimes with their time zone, lists and dicts as
JSON); keys, references, unique constraints and indexes come from the :class:`Table`. Only
migrations import this module (it loads SQLAlchemy).

Card states: 0 new, 1 learning, 2 review, 3 relearning (1-3 are ``fsrs.State`` values).
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.types import TypeEngine

from studyapp.store.migrations import SCHEMA_VERSION  # noqa: F401  (re-exported)
from studyapp.store.rows import TABLES
from studyapp.store.table import Table

SQL_TYPES: dict[str, type[TypeEngine]] = {  # type: ignore[type-arg]
    "int": Integer,
    "float": Float,
    "str": String,
    "bool": Boolean,
    "datetime": DateTime,
    "date": Date,
    "list": JSON,
    "dict": JSON,
}


def _column(table: Table, name: str) -> Column:  # type: ignore[type-arg]
    column = table[name]
    args: list[ForeignKey] = []
    target = table.references.get(name)
    if target is not None:
        ref, _, rule = target.partition(" ON DELETE ")
        args.append(ForeignKey(ref, ondelete=rule or None))
    kind = DateTime(timezone=True) if column.kind == "datetime" else SQL_TYPES[column.kind]()
    return Column(
        name,
        kind,
        *args,
        primary_key=name == table.key,
        nullable=column.nullable,
    )


def _table(table: Table, metadata: MetaData) -> SqlTable:
    columns = [_column(table, name) for name in table.names]
    constraints = [UniqueConstraint(*cols, name=n) for n, cols in table.unique.items()]
    made = SqlTable(table.name, metadata, *columns, *constraints)
    for index in table.indexes:
        partial = {}
        if index.where is not None:
            partial = {
                "sqlite_where": text(f"{index.where} = 1"),
                "postgresql_where": text(index.where),
            }
        Index(index.name, *(made.c[c] for c in index.columns), **partial)  # type: ignore[arg-type]
    return made


@lru_cache(maxsize=1)
def metadata() -> MetaData:
    """Every studyapp table, in :data:`studyapp.store.rows.TABLES` order."""
    made = MetaData()
    for table in TABLES:
        _table(table, made)
    return made


def sql_table(name: str) -> SqlTable:
    """One table (``metadata().tables[name]``)."""
    return metadata().tables[name]
