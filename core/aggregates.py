"""Aggregates the service needs on PostgreSQL and on the zero-set-up SQLite
demo alike."""

from django.db.models import Aggregate, JSONField


class JSONList(Aggregate):
    """The group's values as one JSON list: jsonb_agg on PostgreSQL,
    json_group_array on SQLite (django.contrib.postgres's JSONBAgg exists on
    PostgreSQL only, and the demo runs on SQLite)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)
