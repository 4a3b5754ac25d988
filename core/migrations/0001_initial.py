"""AuditEvent and OutboundEmail move here from audits without touching the
database: their tables keep their names (audits_auditevent,
audits_outboundemail) and with them the PostgreSQL triggers and constraints
of the audits migrations (squashed into audits 0001). Only Django's state changes (the
models leave audits' state in audits 0015); content types and with them any
permissions follow the models to this app."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["auditevent", "outboundemail"]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="audits", model__in=MOVED).update(app_label="core")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model__in=MOVED).update(app_label="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0001_squashed_0012_staff_invitation_kind'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('partnerships', '0002_reserved_slugs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(content_types_follow, content_types_return)],
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('actor_name', models.CharField(blank=True, max_length=200)),
                        ('actor_email', models.EmailField(blank=True, max_length=254)),
                        ('verb', models.CharField(max_length=60)),
                        ('object_type', models.CharField(blank=True, max_length=60)),
                        ('object_id', models.CharField(blank=True, max_length=60)),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                        ('submission', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='audits.submission')),
                    ],
                    options={
                        'db_table': 'audits_auditevent',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['partnership', '-created_at'], name='audits_audi_partner_0c2321_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='OutboundEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('link', 'Link to a return'), ('progression', 'Self-assessment progression'), ('receipt', 'Submission receipt'), ('invitation', 'Invitation'), ('reminder', 'Deadline reminder'), ('overdue', 'Overdue notice'), ('action_update', 'Action plan update request'), ('action_reminder', 'Action plan update reminder'), ('outcome', 'Evaluation outcome'), ('returned', 'Returned for changes'), ('staff_invitation', 'Staff invitation')], max_length=20)),
                        ('dedupe_key', models.CharField(max_length=200, unique=True)),
                        ('to_name', models.CharField(blank=True, max_length=200)),
                        ('to_email', models.EmailField(max_length=254)),
                        ('template', models.CharField(max_length=100)),
                        ('context', models.JSONField(blank=True, default=dict)),
                        ('message_id', models.CharField(max_length=200, unique=True)),
                        ('status', models.CharField(choices=[('pending', 'Waiting to send'), ('sent', 'Sent'), ('cancelled', 'Cancelled'), ('failed', 'Failed')], default='pending', max_length=10)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('lease_until', models.DateTimeField(blank=True, null=True)),
                        ('not_before', models.DateTimeField(default=django.utils.timezone.now)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('subject', models.CharField(blank=True, max_length=300)),
                        ('last_error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                        ('resume_link', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='audits.resumelink')),
                        ('submission', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='emails', to='audits.submission')),
                    ],
                    options={
                        'db_table': 'audits_outboundemail',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['status', 'not_before'], name='audits_outb_status_39a9de_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outbound_email_sent_has_date')],
                    },
                ),
            ],
        ),
    ]
