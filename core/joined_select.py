"""A select of one row and its to-one relations whose SQL is built once.

Django's ORM compiles a queryset's SQL on every evaluation: for a row with
four `select_related` tables and two `Exists` annotations that is about
3 ms of CPU, far more than PostgreSQL takes to answer it (docs/performance.md,
issue 20). A query that runs on every request of a journey can instead be
written once as a `JoinedSelect`: its SQL is made from the models' `_meta`
the first time it runs (so it follows the models' fields), and each row is
turned into model instances with `Model.from_db` and the database backend's
converters, as the ORM would, related objects cached on their parents as
`select_related` leaves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db import connections
from django.db.models import Model


@dataclass(frozen=True)
class _Part:
    path: str  # "" for the base model, "submission__cycle" for a relation, "@name" for a row beside
    model: type[Model]
    alias: str
    attnames: tuple[str, ...]
    converters: tuple  # per column: a list of (converter, expression)
    pk_index: int


class JoinedSelect:
    """`JoinedSelect(ResumeLink, ["submission__cycle", …], flags={…},
    where="{base}.id = %s")`. `flags` are named boolean SQL expressions
    (an EXISTS) set on the base object as attributes; `{base}` in them and in
    `where` is the base table's alias. Nullable relations are LEFT JOINed,
    and their object is None when the row has none.

    `beside` names rows of other models that are not a relation of the base
    (at most one each): `{"response": (ThemeResponse, "{row}.submission_id =
    {base}.id AND {row}.theme_id = %s")}` LEFT JOINs the table on that
    condition and sets the object (or None) as `base.response`. Their
    parameters come before `where`'s. `for_update` locks the base row
    (`FOR UPDATE OF` it, where the database has row locks: not SQLite, as
    the ORM's `select_for_update`)."""

    def __init__(
        self,
        model: type[Model],
        related: list[str],
        *,
        where: str,
        flags: dict[str, str] | None = None,
        beside: dict[str, tuple[type[Model], str]] | None = None,
        for_update: bool = False,
        using: str = "default",
    ):
        self.model = model
        self.related = related
        self.where = where
        self.flags = flags or {}
        self.beside = beside or {}
        self.for_update = for_update
        self.using = using

    @cached_property
    def _compiled(self) -> tuple[str, list[_Part]]:
        connection = connections[self.using]
        qn = connection.ops.quote_name
        parts = [self._part("", self.model, "t0", connection)]
        joins = []
        by_path = {"": parts[0]}
        for n, path in enumerate(self.related, start=1):
            parent_path, _, name = path.rpartition("__")
            parent = by_path[parent_path]
            field = parent.model._meta.get_field(name)
            alias = f"t{n}"
            part = self._part(path, field.related_model, alias, connection)
            join = "LEFT OUTER JOIN" if field.null else "INNER JOIN"
            target = field.target_field.column
            joins.append(
                f"{join} {qn(part.model._meta.db_table)} {alias}"
                f" ON {alias}.{qn(target)} = {parent.alias}.{qn(field.column)}"
            )
            parts.append(part)
            by_path[path] = part
        for n, (name, (model, condition)) in enumerate(self.beside.items(), start=len(parts)):
            alias = f"t{n}"
            parts.append(self._part(f"@{name}", model, alias, connection))
            on = condition.format(base="t0", row=alias)
            joins.append(f"LEFT OUTER JOIN {qn(model._meta.db_table)} {alias} ON {on}")
        columns = [f"{p.alias}.{qn(f.column)}" for p in parts for f in p.model._meta.concrete_fields]
        columns += [f"({sql.format(base='t0')})" for sql in self.flags.values()]
        # Made only from the models' metadata and the SQL fragments the code
        # passes in, never from input; the values are parameters.
        table = qn(self.model._meta.db_table)
        where = self.where.format(base="t0")
        sql = f"SELECT {', '.join(columns)} FROM {table} t0 {' '.join(joins)} WHERE {where}"  # noqa: S608
        if self.for_update and connection.features.has_select_for_update_of:
            sql += " FOR UPDATE OF t0"
        return sql, parts

    @staticmethod
    def _part(path, model, alias, connection) -> _Part:
        fields = model._meta.concrete_fields
        converters = []
        for field in fields:
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            converters.append(tuple((c, column) for c in found))
        attnames = tuple(f.attname for f in fields)
        return _Part(path, model, alias, attnames, tuple(converters), attnames.index(model._meta.pk.attname))

    def get(self, params: list) -> Model | None:
        """The first row matching `where` with `params`, or None."""
        sql, parts = self._compiled
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        objects = {}
        start = 0
        for part in parts:
            values = list(row[start : start + len(part.attnames)])
            start += len(part.attnames)
            for i, converters in enumerate(part.converters):
                for converter, column in converters:
                    values[i] = converter(values[i], column, connection)
            obj = (
                None
                if values[part.pk_index] is None
                else part.model.from_db(self.using, part.attnames, values)
            )
            objects[part.path] = obj
            if part.path.startswith("@"):
                continue
            if part.path:
                parent_path, _, name = part.path.rpartition("__")
                parent = objects[parent_path]
                if parent is not None:
                    parent._meta.get_field(name).set_cached_value(parent, obj)
        base = objects[""]
        for name in self.beside:
            setattr(base, name, objects[f"@{name}"])
        for name, value in zip(self.flags, row[start:], strict=True):
            setattr(base, name, bool(value))
        return base
