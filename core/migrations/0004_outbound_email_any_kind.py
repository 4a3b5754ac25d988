from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """An email about no partnership (a staff account's password reset), and
    kinds that the app sending them registers (core/emails.py) rather than
    a list fixed here."""

    dependencies = [
        ("core", "0003_outbound_email_registration_kind"),
        ("partnerships", "0002_reserved_slugs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboundemail",
            name="partnership",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnerships.partnership",
            ),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(max_length=20),
        ),
    ]
