"""AuditEvent and OutboundEmail now live in core (core 0001). This removes
them from audits' state only: the tables, their triggers and constraints stay
as they are, now owned by core under the same names."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0014_drop_redundant_submission_indexes'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='AuditEvent'),
                migrations.DeleteModel(name='OutboundEmail'),
            ],
        ),
    ]
