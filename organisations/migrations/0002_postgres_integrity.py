"""What PostgreSQL holds for us (SQLite relies on the services): an agency
link's partnership is its agency's, so a link is always about one
partnership's row."""

from django.db import migrations

FORWARD = """
ALTER TABLE organisations_agencylink
  ADD CONSTRAINT agency_link_agency_same_partnership
  FOREIGN KEY (agency_id, partnership_id)
  REFERENCES partnerships_agency (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
"""
BACKWARD = "ALTER TABLE organisations_agencylink DROP CONSTRAINT agency_link_agency_same_partnership;"


def _postgres_sql(sql: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(_postgres_sql(FORWARD), _postgres_sql(BACKWARD), elidable=False)]
