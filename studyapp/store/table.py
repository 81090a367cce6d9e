"""One definition per table: a ``NamedTuple`` row type, and the :class:`Table` made from it.

A row type's fields are its table's columns, in order, with their Python types and the
values a new row starts with. :class:`Table` reads that once and gives the rest: the
``SELECT`` text, how each column reads back from SQLite and from PostgreSQL (aware UTC
datetimes, dates, bools, JSON lists as tuples, JSON objects as dicts), the ``INSERT`` and
``UPDATE`` texts, and (:mod:`studyapp.store.schema`) the SQLAlchemy table that creates and
migrates it. Parameters convert by their Python type (:func:`sqlite_value`,
:func:`pg_value`), so no column is ever converted by its name.

Nothing here imports SQLAlchemy: a current SQLite file opens and reviews without it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Generic, NamedTuple, TypeVar

R = TypeVar("R", bound=tuple[Any, ...])
Reader = Callable[[Any], Any]

KINDS = ("int", "float", "str", "bool", "datetime", "date", "list", "dict")
"""How a column is stored: ``list`` (a tuple in Python) and ``dict`` are JSON."""
QUOTED = frozenset({"key"})
"""Column names that are SQL keywords, written in double quotes."""


class Column(NamedTuple):
    """One column: its name, kind (:data:`KINDS`), nullability and a new row's value."""

    table: str
    name: str
    kind: str
    nullable: bool
    default: Any

    @property
    def sql(self) -> str:
        """The name as SQL text (quoted when it is a keyword)."""
        return f'"{self.name}"' if self.name in QUOTED else self.name


class Index(NamedTuple):
    """An index; ``where``: a boolean column, true on every row indexed (a partial index)."""

    name: str
    columns: tuple[str, ...]
    where: str | None = None


def _kind(table: str, name: str, annotation: object) -> tuple[str, bool]:
    """``(kind, nullable)`` of a field annotated ``int``, ``datetime | None``, ``tuple[str,
    ...]``, ``dict[str, Any] | None``... (annotations are strings: see ``__future__``)."""
    text = str(getattr(annotation, "__forward_arg__", annotation)).replace(" ", "")
    nullable = text.endswith("|None")
    base = text.removesuffix("|None")
    if base in KINDS[:6]:
        return base, nullable
    if base.startswith("tuple["):
        return "list", nullable
    if base.startswith("dict["):
        return "dict", nullable
    raise TypeError(f"{table}.{name}: no column kind for {annotation!r}")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_datetime(value: str) -> datetime:
    """Stored UTC text as an aware datetime (the suffix is parsed in C: 5x a ``replace``)."""
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:  # an offset or a bare date already in the text
        return _aware(datetime.fromisoformat(value))


def _json_list(value: Any) -> tuple[Any, ...]:
    return tuple(json.loads(value) if isinstance(value, str | bytes) else value)


def _json_dict(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


READERS: dict[str, dict[str, Reader]] = {
    "sqlite": {
        "datetime": read_datetime,
        "date": date.fromisoformat,
        "bool": bool,
        "list": _json_list,
        "dict": json.loads,
    },
    "postgresql": {"datetime": _aware, "list": _json_list, "dict": _json_dict, "bool": bool},
}
"""How a value of each kind reads back, per database (kinds absent here come as they are)."""


def sqlite_value(value: Any) -> Any:
    """A parameter as SQLite stores it (UTC text datetimes, ISO dates, JSON text)."""
    if isinstance(value, datetime):
        zone = value.tzinfo
        if zone is not None and zone is not UTC:
            value = value.astimezone(UTC)
        return value.isoformat(sep=" ", timespec="microseconds")[:26]  # no "+00:00"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    return value


def pg_value(value: Any) -> Any:
    """A parameter for PostgreSQL: aware UTC datetimes (``timestamptz`` columns), JSON text."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, list | dict | tuple):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    return value


class Table(Generic[R]):
    """A table made from its row type (see the module docstring).

    ``key``: the primary key (an ``id`` made by the database unless it is a text key);
    ``references``: ``{column: "table.column"}`` (``"... ON DELETE SET NULL"`` allowed);
    ``created``: a datetime column stamped with the time of insert when left None.
    """

    def __init__(
        self,
        name: str,
        row: type[R],
        *,
        key: str = "id",
        indexes: Sequence[Index] = (),
        unique: Mapping[str, tuple[str, ...]] | None = None,
        references: Mapping[str, str] | None = None,
        created: str | None = None,
    ) -> None:
        self.name = name
        self.row = row
        self.key = key
        self.indexes = tuple(indexes)
        self.unique = dict(unique or {})
        self.references = dict(references or {})
        self.created = created
        spec: Any = row
        defaults: dict[str, Any] = spec._field_defaults
        notes: dict[str, Any] = spec.__annotations__
        columns = []
        for field in spec._fields:
            kind, nullable = _kind(name, field, notes[field])
            if field == created:
                nullable = False  # None only until the insert stamps it
            columns.append(Column(name, field, kind, nullable, defaults.get(field)))
        self.columns: tuple[Column, ...] = tuple(columns)
        self.names: tuple[str, ...] = spec._fields
        self._by_name = {column.name: column for column in columns}
        self.generated = key == "id" and self._by_name[key].kind == "int"
        """The database makes the key (an insert leaves it out)."""
        listed = ", ".join(f"{name}.{column.sql}" for column in columns)
        self.select = f"SELECT {listed} FROM {name}"
        """Every column, qualified with the table's name (so a query may join)."""
        self._plans = {db: self.plan(db, columns) for db in READERS}
        self._updates: dict[tuple[str, ...], str] = {}
        written = [c for c in columns if not (self.generated and c.name == key)]
        self.inserted = tuple(c.name for c in written)
        """The columns an insert writes (all but a generated key), in order."""
        marks = ", ".join(f":{c.name}" for c in written)
        self.insert_sql = (
            f"INSERT INTO {name} ({', '.join(c.sql for c in written)}) VALUES ({marks})"
        )

    def __getitem__(self, name: str) -> Column:
        """The column called ``name`` (KeyError when the table has none)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"{self.name} has no column {name!r}") from None

    def __repr__(self) -> str:
        return f"Table({self.name!r})"

    @staticmethod
    def plan(db: str, columns: Iterable[Column | None]) -> tuple[tuple[int, Reader], ...]:
        """``(position, reader)`` of the ``columns`` that convert when read from ``db``
        (None: a value of no column, a count, read as it comes)."""
        readers = READERS[db]
        found = ((i, c and readers.get(c.kind)) for i, c in enumerate(columns))
        return tuple((i, read) for i, read in found if read is not None)

    def read(self, db: str, values: Sequence[Any]) -> R:
        """A row of :attr:`select` from ``db`` (``sqlite`` or ``postgresql``) as the row type."""
        plan = self._plans[db]
        if plan:
            values = list(values)
            for i, read in plan:
                value = values[i]
                if value is not None:
                    values[i] = read(value)
        return self.row._make(values)  # type: ignore[attr-defined, no-any-return]

    def params(self, row: R, now: datetime | None = None) -> dict[str, Any]:
        """The insert's parameters of ``row`` (a None ``created`` column gets ``now``)."""
        values = dict(zip(self.names, row, strict=True))
        if self.generated:
            del values[self.key]
        if self.created is not None and values[self.created] is None:
            values[self.created] = now or datetime.now(UTC)
        return values

    def changes(self, old: R, new: R) -> dict[str, Any]:
        """The columns whose values differ from ``old`` to ``new``."""
        return {
            name: after
            for name, before, after in zip(self.names, old, new, strict=True)
            if before != after
        }

    def update_sql(self, names: tuple[str, ...]) -> str:
        """``UPDATE ... SET`` of ``names`` for the row whose key is ``:row_key`` (made once)."""
        sql = self._updates.get(names)
        if sql is None:
            sets = ", ".join(f"{self[n].sql} = :{n}" for n in names)
            sql = f"UPDATE {self.name} SET {sets} WHERE {self[self.key].sql} = :row_key"
            self._updates[names] = sql
        return sql
