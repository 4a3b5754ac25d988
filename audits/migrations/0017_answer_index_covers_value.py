"""On PostgreSQL, the answer's unique constraint also carries the value in
its index (INCLUDE), so counting a cycle's answers by question is an
index-only scan. Django's state keeps the plain two-column constraint (see
the model): SQLite cannot hold a unique constraint with non-key columns and
would drop it, and ON CONFLICT (submission_id, question_id) needs it on both.
"""

from django.db import migrations

COVERING = """
ALTER TABLE audits_answer DROP CONSTRAINT answer_unique;
ALTER TABLE audits_answer ADD CONSTRAINT answer_unique UNIQUE (submission_id, question_id) INCLUDE (value);
"""

PLAIN = """
ALTER TABLE audits_answer DROP CONSTRAINT answer_unique;
ALTER TABLE audits_answer ADD CONSTRAINT answer_unique UNIQUE (submission_id, question_id);
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0016_locality_scoping_cycles"),
        ("themes", "0002_local_questions"),
    ]

    operations = [migrations.RunPython(_run(COVERING), _run(PLAIN), elidable=False)]
