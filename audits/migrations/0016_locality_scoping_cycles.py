# The reverse name only (no SQL): partnerships counts the cycles that choose a
# locality without importing audits.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0015_move_auditevent_outboundemail_to_core'),
        ('partnerships', '0003_staff_invitations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditcycle',
            name='scope_localities',
            field=models.ManyToManyField(blank=True, related_name='scoping_cycles', to='partnerships.locality'),
        ),
    ]
