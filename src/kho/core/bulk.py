"""Insert many new rows of one model like ``bulk_create`` does, with the SQL text built once per batch size.

A package import inserts thousands of documents of some 75 columns each, and an accession event per
document into the audit log. ``QuerySet.bulk_create`` prepares every value the right way but then
assembles the statement value by value through generic compiler code, which costs more than preparing
the values and running the query together. :func:`insert_new` prepares each
value exactly as ``bulk_create`` does (``field.pre_save(obj, add=True)`` then ``field.get_db_prep_save``),
reuses one ``INSERT ... VALUES (...), ... RETURNING`` text per batch size and sets the returned primary
keys on the instances, so the stored rows are the same (``tests/packages/test_import_rows.py`` compares
both on SQLite and PostgreSQL). Anything it does not handle the same way (no ``RETURNING`` for many rows,
a field with its own placeholder, an instance with a key set already) goes to ``bulk_create`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, router, transaction
from django.db.models import AutoField, Field, Model

__all__ = ["insert_new"]

M = TypeVar("M", bound=Model)
_MAX_PARAMS = 65535


def insert_new(objs: Sequence[M]) -> list[M]:
    """Insert new instances of one model (no primary key set yet) and set their keys; return them.

    Same rows as ``Model.objects.bulk_create(objs)`` (no signals either); must run in the caller's
    transaction like any write of an import.
    """
    if not objs:
        return []
    model = type(objs[0])
    opts = model._meta
    fields: list[Field[Any, Any]] = [
        f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)
    ]
    alias = router.db_for_write(model)
    connection = connections[alias]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or any(hasattr(f, "get_placeholder") for f in fields)
        or any(obj.pk is not None or type(obj) is not model for obj in objs)
    ):
        return list(model._default_manager.using(alias).bulk_create(objs))
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
    returning = opts.db_returning_fields
    # bulk_create's batch size, at most what one statement can bind on any backend (PostgreSQL: 65535).
    size = max(min(connection.ops.bulk_batch_size(fields, objs), _MAX_PARAMS // len(fields)), 1)
    statements: dict[int, str] = {}
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in batch for f in fields]  # noqa: FBT003 - Django's signature
            sql = statements.get(len(batch)) or statements.setdefault(
                len(batch), _insert_sql(opts.db_table, fields, returning, len(batch), connection)
            )
            cursor.execute(sql, params)
            for obj, row in zip(batch, cursor.fetchall(), strict=True):
                for field, value in zip(returning, row, strict=True):
                    setattr(obj, field.attname, _from_db(field, value, connection))
                obj._state.adding = False
                obj._state.db = alias
    return list(objs)


def _insert_sql(table: str, fields: Sequence[Field[Any, Any]], returning: Sequence[Field[Any, Any]], rows: int,
                connection: Any) -> str:  # fmt: skip
    """``INSERT INTO table (columns) VALUES (%s, ...), ... RETURNING columns`` for ``rows`` rows."""
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = connection.ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * rows)
    assert values.endswith(row), values  # noqa: S101 - bulk_insert_sql is "VALUES (%s, ...), ..." on both
    columns = ", ".join(quote(f.column) for f in fields)
    back, _params = connection.ops.return_insert_columns(returning)
    return f"INSERT INTO {quote(table)} ({columns}) {values} {back}"


def _from_db(field: Field[Any, Any], value: Any, connection: Any) -> Any:
    """A returned value as Django's insert path converts it (backend converters, then the field's)."""
    column = field.get_col(field.model._meta.db_table)
    for converter in (*connection.ops.get_db_converters(column), *column.get_db_converters(connection)):
        value = converter(value, column, connection)
    return value
