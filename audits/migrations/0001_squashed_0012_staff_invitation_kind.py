"""The audits app's schema up to 0012, squashed from seventeen migrations
(five sibling 0005s and four empty merges) into one.

Schema first, then the PostgreSQL-only integrity steps the old chain ran
(0002, 0004, 0005_question_sets, 0005_pdf, 0006 x2), in their old order, against the final tables; none
depends on a column that a later migration removed, and a fresh PostgreSQL
schema from this file matches the one from the old chain (compared with
pg_dump --schema-only when it was squashed). A database that applied the old
chain is marked as having applied this one.
"""

import audits.models
import audits.models.pdf
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models



# From 0002_postgres_integrity: Integrity rules PostgreSQL can hold for us and SQLite cannot.
INTEGRITY_FORWARD = """
ALTER TABLE audits_auditcycle
  ADD CONSTRAINT cycle_question_set_same_partnership
  FOREIGN KEY (question_set_id, partnership_id)
  REFERENCES themes_questionset (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_submission
  ADD CONSTRAINT submission_cycle_same_partnership
  FOREIGN KEY (cycle_id, partnership_id)
  REFERENCES audits_auditcycle (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_submission
  ADD CONSTRAINT submission_agency_same_partnership
  FOREIGN KEY (agency_id, partnership_id)
  REFERENCES partnerships_agency (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_submission
  ADD CONSTRAINT submission_question_set_same_partnership
  FOREIGN KEY (question_set_id, partnership_id)
  REFERENCES themes_questionset (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_auditevent
  ADD CONSTRAINT audit_event_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;

CREATE FUNCTION s11_answer_question_in_set() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM themes_question q
    JOIN themes_theme t ON t.id = q.theme_id
    JOIN audits_submission s ON s.question_set_id = t.question_set_id
    WHERE q.id = NEW.question_id AND s.id = NEW.submission_id
  ) THEN
    RAISE EXCEPTION 'answer % refers to a question outside its submission''s question set', NEW.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER answer_question_in_set
  BEFORE INSERT OR UPDATE OF question_id, submission_id ON audits_answer
  FOR EACH ROW EXECUTE FUNCTION s11_answer_question_in_set();

CREATE FUNCTION s11_theme_response_theme_in_set() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM themes_theme t
    JOIN audits_submission s ON s.question_set_id = t.question_set_id
    WHERE t.id = NEW.theme_id AND s.id = NEW.submission_id
  ) THEN
    RAISE EXCEPTION 'theme response % refers to a theme outside its submission''s question set', NEW.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER theme_response_theme_in_set
  BEFORE INSERT OR UPDATE OF theme_id, submission_id ON audits_themeresponse
  FOR EACH ROW EXECUTE FUNCTION s11_theme_response_theme_in_set();

-- The audit log is append-only. The one update allowed is the actor being
-- cleared when a staff account is deleted (the name and email stay).
-- Deleting needs an explicit, transaction-local purge setting.
CREATE FUNCTION s11_audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON audits_auditevent
  FOR EACH ROW EXECUTE FUNCTION s11_audit_event_append_only();
"""

INTEGRITY_BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audits_auditevent;
DROP FUNCTION IF EXISTS s11_audit_event_append_only();
DROP TRIGGER IF EXISTS theme_response_theme_in_set ON audits_themeresponse;
DROP FUNCTION IF EXISTS s11_theme_response_theme_in_set();
DROP TRIGGER IF EXISTS answer_question_in_set ON audits_answer;
DROP FUNCTION IF EXISTS s11_answer_question_in_set();
ALTER TABLE audits_auditevent DROP CONSTRAINT IF EXISTS audit_event_submission_same_partnership;
ALTER TABLE audits_submission DROP CONSTRAINT IF EXISTS submission_question_set_same_partnership;
ALTER TABLE audits_submission DROP CONSTRAINT IF EXISTS submission_agency_same_partnership;
ALTER TABLE audits_submission DROP CONSTRAINT IF EXISTS submission_cycle_same_partnership;
ALTER TABLE audits_auditcycle DROP CONSTRAINT IF EXISTS cycle_question_set_same_partnership;
"""

# From 0004_postgres_submission_lock: The database refuses changes to a submitted return.
SUBMISSION_LOCK_FORWARD = """
CREATE FUNCTION s11_refuse_if_submitted() RETURNS trigger AS $$
DECLARE
  sub_id bigint;
BEGIN
  -- A deliberate purge (deleting a whole partnership) sets this locally.
  IF coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    sub_id := OLD.submission_id;
  ELSE
    sub_id := NEW.submission_id;
  END IF;
  IF EXISTS (SELECT 1 FROM audits_submission WHERE id = sub_id AND status = 'submitted') THEN
    RAISE EXCEPTION 'submission % is submitted and locked', sub_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.submission_id <> NEW.submission_id AND EXISTS (
      SELECT 1 FROM audits_submission WHERE id = OLD.submission_id AND status = 'submitted') THEN
    RAISE EXCEPTION 'submission % is submitted and locked', OLD.submission_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER answer_locked BEFORE INSERT OR UPDATE OR DELETE ON audits_answer
  FOR EACH ROW EXECUTE FUNCTION s11_refuse_if_submitted();
CREATE TRIGGER theme_response_locked BEFORE INSERT OR UPDATE OR DELETE ON audits_themeresponse
  FOR EACH ROW EXECUTE FUNCTION s11_refuse_if_submitted();
CREATE TRIGGER evidence_locked BEFORE INSERT OR UPDATE OR DELETE ON audits_evidence
  FOR EACH ROW EXECUTE FUNCTION s11_refuse_if_submitted();

CREATE FUNCTION s11_submission_content_locked() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'submitted' AND NEW.status = 'submitted' AND (
       NEW.cycle_id, NEW.agency_id, NEW.question_set_id, NEW.reference, NEW.submitted_at,
       NEW.submitted_by_name, NEW.submitted_by_email, NEW.signed_off_by_name,
       NEW.signed_off_by_role
     ) IS DISTINCT FROM (
       OLD.cycle_id, OLD.agency_id, OLD.question_set_id, OLD.reference, OLD.submitted_at,
       OLD.submitted_by_name, OLD.submitted_by_email, OLD.signed_off_by_name,
       OLD.signed_off_by_role
     ) THEN
    RAISE EXCEPTION 'submission % is submitted and locked', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER submission_content_locked BEFORE UPDATE ON audits_submission
  FOR EACH ROW EXECUTE FUNCTION s11_submission_content_locked();
"""

SUBMISSION_LOCK_BACKWARD = """
DROP TRIGGER IF EXISTS submission_content_locked ON audits_submission;
DROP FUNCTION IF EXISTS s11_submission_content_locked();
DROP TRIGGER IF EXISTS evidence_locked ON audits_evidence;
DROP TRIGGER IF EXISTS theme_response_locked ON audits_themeresponse;
DROP TRIGGER IF EXISTS answer_locked ON audits_answer;
DROP FUNCTION IF EXISTS s11_refuse_if_submitted();
"""

# From 0006_postgres_review_integrity: The review's tenancy rules, held by PostgreSQL as well as the services.
REVIEW_INTEGRITY_FORWARD = """
ALTER TABLE audits_submissionreview
  ADD CONSTRAINT review_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_thememoderation
  ADD CONSTRAINT moderation_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_returnforchanges
  ADD CONSTRAINT return_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_reviewmeeting
  ADD CONSTRAINT meeting_cycle_same_partnership
  FOREIGN KEY (cycle_id, partnership_id)
  REFERENCES audits_auditcycle (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;

CREATE FUNCTION s11_moderation_theme_in_set() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM themes_theme t
    JOIN audits_submission s ON s.question_set_id = t.question_set_id
    WHERE t.id = NEW.theme_id AND s.id = NEW.submission_id
  ) THEN
    RAISE EXCEPTION 'moderation % refers to a theme outside its submission''s question set', NEW.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_theme_in_set
  BEFORE INSERT OR UPDATE OF theme_id, submission_id ON audits_thememoderation
  FOR EACH ROW EXECUTE FUNCTION s11_moderation_theme_in_set();

CREATE FUNCTION s11_meeting_submission_in_cycle() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM audits_reviewmeeting m
    JOIN audits_submission s ON s.cycle_id = m.cycle_id
    WHERE m.id = NEW.reviewmeeting_id AND s.id = NEW.submission_id
  ) THEN
    RAISE EXCEPTION 'meeting % cannot discuss a return of another cycle', NEW.reviewmeeting_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER meeting_submission_in_cycle
  BEFORE INSERT OR UPDATE ON audits_reviewmeeting_submissions
  FOR EACH ROW EXECUTE FUNCTION s11_meeting_submission_in_cycle();
"""

REVIEW_INTEGRITY_BACKWARD = """
DROP TRIGGER IF EXISTS meeting_submission_in_cycle ON audits_reviewmeeting_submissions;
DROP FUNCTION IF EXISTS s11_meeting_submission_in_cycle();
DROP TRIGGER IF EXISTS moderation_theme_in_set ON audits_thememoderation;
DROP FUNCTION IF EXISTS s11_moderation_theme_in_set();
ALTER TABLE audits_reviewmeeting DROP CONSTRAINT IF EXISTS meeting_cycle_same_partnership;
ALTER TABLE audits_returnforchanges DROP CONSTRAINT IF EXISTS return_submission_same_partnership;
ALTER TABLE audits_thememoderation DROP CONSTRAINT IF EXISTS moderation_submission_same_partnership;
ALTER TABLE audits_submissionreview DROP CONSTRAINT IF EXISTS review_submission_same_partnership;
"""

# From 0006_postgres_actions: Action plans: what PostgreSQL holds for us (SQLite relies on the services).
ACTIONS_FORWARD = """
ALTER TABLE audits_actionitem
  ADD CONSTRAINT action_item_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_actionupdate
  ADD CONSTRAINT action_update_item_same_partnership
  FOREIGN KEY (item_id, partnership_id)
  REFERENCES audits_actionitem (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_actionupdaterequest
  ADD CONSTRAINT action_update_request_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;

CREATE FUNCTION s11_action_item_rules() RETURNS trigger AS $$
DECLARE
  sub audits_submission%ROWTYPE;
BEGIN
  IF coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP <> 'DELETE' AND NOT EXISTS (
    SELECT 1 FROM themes_theme t
    JOIN audits_submission s ON s.question_set_id = t.question_set_id
    WHERE t.id = NEW.theme_id AND s.id = NEW.submission_id
  ) THEN
    RAISE EXCEPTION 'action item % refers to a theme outside its submission''s question set', NEW.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO sub FROM audits_submission WHERE id = NEW.submission_id;
    IF sub.status = 'submitted' AND NEW.created_at <= sub.submitted_at THEN
      RAISE EXCEPTION 'submission % is submitted: a new action item must be dated after it', sub.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
  END IF;
  SELECT * INTO sub FROM audits_submission WHERE id = OLD.submission_id;
  IF sub.status = 'submitted' AND OLD.created_at <= sub.submitted_at THEN
    IF TG_OP = 'DELETE' OR (
         NEW.submission_id, NEW.partnership_id, NEW.theme_id, NEW.action, NEW.lead_person,
         NEW.target_date, NEW.success_criteria, NEW.expected_outcome, NEW.impact_measure,
         NEW.created_at, NEW.created_by_name, NEW.created_by_email
       ) IS DISTINCT FROM (
         OLD.submission_id, OLD.partnership_id, OLD.theme_id, OLD.action, OLD.lead_person,
         OLD.target_date, OLD.success_criteria, OLD.expected_outcome, OLD.impact_measure,
         OLD.created_at, OLD.created_by_name, OLD.created_by_email
       ) THEN
      RAISE EXCEPTION 'action item % is part of submitted return %', OLD.id, sub.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER action_item_rules BEFORE INSERT OR UPDATE OR DELETE ON audits_actionitem
  FOR EACH ROW EXECUTE FUNCTION s11_action_item_rules();

CREATE FUNCTION s11_action_update_append_only() RETURNS trigger AS $$
BEGIN
  -- The services never remove an item that has updates, so only a purge
  -- deletes one.
  IF TG_OP = 'DELETE' AND coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'action plan updates are append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER action_update_append_only BEFORE UPDATE OR DELETE ON audits_actionupdate
  FOR EACH ROW EXECUTE FUNCTION s11_action_update_append_only();
"""

ACTIONS_BACKWARD = """
DROP TRIGGER IF EXISTS action_update_append_only ON audits_actionupdate;
DROP FUNCTION IF EXISTS s11_action_update_append_only();
DROP TRIGGER IF EXISTS action_item_rules ON audits_actionitem;
DROP FUNCTION IF EXISTS s11_action_item_rules();
ALTER TABLE audits_actionupdaterequest DROP CONSTRAINT IF EXISTS action_update_request_submission_same_partnership;
ALTER TABLE audits_actionupdate DROP CONSTRAINT IF EXISTS action_update_item_same_partnership;
ALTER TABLE audits_actionitem DROP CONSTRAINT IF EXISTS action_item_submission_same_partnership;
"""

# From 0005_question_sets: a rule's cycle, question set and agency all belong to the rule's partnership.
CYCLE_QUESTION_SETS_FORWARD = """
ALTER TABLE audits_cyclequestionset
  ADD CONSTRAINT cycle_question_set_cycle_same_partnership
  FOREIGN KEY (cycle_id, partnership_id)
  REFERENCES audits_auditcycle (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_cyclequestionset
  ADD CONSTRAINT cycle_question_set_set_same_partnership
  FOREIGN KEY (question_set_id, partnership_id)
  REFERENCES themes_questionset (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE audits_cyclequestionset
  ADD CONSTRAINT cycle_question_set_agency_same_partnership
  FOREIGN KEY (agency_id, partnership_id)
  REFERENCES partnerships_agency (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
"""

CYCLE_QUESTION_SETS_BACKWARD = """
ALTER TABLE audits_cyclequestionset DROP CONSTRAINT IF EXISTS cycle_question_set_agency_same_partnership;
ALTER TABLE audits_cyclequestionset DROP CONSTRAINT IF EXISTS cycle_question_set_set_same_partnership;
ALTER TABLE audits_cyclequestionset DROP CONSTRAINT IF EXISTS cycle_question_set_cycle_same_partnership;
"""

# From 0005_pdf: a PDF row's submission belongs to the row's partnership.
SUBMISSION_PDF_FORWARD = """
ALTER TABLE audits_submissionpdf
  ADD CONSTRAINT submission_pdf_submission_same_partnership
  FOREIGN KEY (submission_id, partnership_id)
  REFERENCES audits_submission (id, partnership_id) DEFERRABLE INITIALLY DEFERRED;
"""

SUBMISSION_PDF_BACKWARD = "ALTER TABLE audits_submissionpdf DROP CONSTRAINT submission_pdf_submission_same_partnership;"


def _postgres_sql(forward: str, backward: str) -> migrations.RunPython:
    def run(sql):
        def apply(apps, schema_editor):
            # A plain cursor, not schema_editor.execute: the SQL holds literal % signs
            # (RAISE placeholders) that must not be read as query parameters.
            if schema_editor.connection.vendor == "postgresql":
                with schema_editor.connection.cursor() as cursor:
                    cursor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward), elidable=False)


class Migration(migrations.Migration):
    replaces = [
        ("audits", "0001_initial"),
        ("audits", "0002_postgres_integrity"),
        ("audits", "0003_journey"),
        ("audits", "0004_postgres_submission_lock"),
        ("audits", "0005_actions"),
        ("audits", "0005_cycles"),
        ("audits", "0005_pdf"),
        ("audits", "0005_question_sets"),
        ("audits", "0005_review"),
        ("audits", "0006_postgres_actions"),
        ("audits", "0006_postgres_review_integrity"),
        ("audits", "0007_merge_20261123_1625"),
        ("audits", "0008_outbound_email_kinds"),
        ("audits", "0009_merge_0005_question_sets_0008_outbound_email_kinds"),
        ("audits", "0010_merge_20261123_1633"),
        ("audits", "0011_merge_0005_pdf_0010_merge_20261123_1633"),
        ("audits", "0012_staff_invitation_kind"),
    ]

    initial = True

    dependencies = [
        ('partnerships', '0002_reserved_slugs'),
        ('themes', '0002_local_questions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCycle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('slug', models.SlugField(help_text="Used in the cycle's web address.", max_length=80)),
                ('opens_at', models.DateTimeField()),
                ('closes_at', models.DateTimeField()),
                ('incomplete_policy', models.CharField(choices=[('default_red', 'Allow submission; give each incomplete theme a default Red'), ('block', 'Block submission until every question is answered')], default='default_red', max_length=20)),
                ('link_grace_days', models.PositiveSmallIntegerField(default=14, help_text='How many days after the cycle closes resume links keep working (for agencies given an extension, and to download their copy).')),
                ('expected_minutes', models.PositiveSmallIntegerField(default=90, help_text='Roughly how long a return takes, shown on the start page.')),
                ('action_items_required', models.BooleanField(default=False, help_text='Each theme rated Amber or Red needs at least one action item before the return can be submitted.')),
                ('action_update_months', models.PositiveSmallIntegerField(default=6, help_text='Ask agencies for an action plan update this many months after they submit, and every this many months after that (0: never ask).')),
                ('agency_scope', models.CharField(choices=[('all', 'Every agency'), ('sector', 'Agencies in chosen sectors'), ('locality', 'Agencies in chosen localities'), ('chosen', 'Agencies chosen one by one')], default='all', max_length=10)),
                ('scope_sectors', models.JSONField(blank=True, default=list)),
                ('reminder_days', models.JSONField(blank=True, default=audits.models.default_reminder_days, help_text='Days before the deadline on which agencies that have not submitted are reminded.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('chosen_agencies', models.ManyToManyField(blank=True, related_name='+', to='partnerships.agency')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cycles', to='partnerships.partnership')),
                ('previous_cycle', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='next_cycles', to='audits.auditcycle')),
                ('question_set', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cycles', to='themes.questionset')),
                ('scope_localities', models.ManyToManyField(blank=True, related_name='+', to='partnerships.locality')),
            ],
            options={
                'ordering': ['-opens_at'],
            },
        ),
        migrations.CreateModel(
            name='CycleQuestionSet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sector', models.CharField(blank=True, choices=[('local_authority', 'Local authority or district council'), ('nhs', 'NHS organisation'), ('police', 'Police'), ('btp', 'British Transport Police'), ('probation', 'Probation Service'), ('prison', 'Prison or young offender institution'), ('stc', 'Secure training centre'), ('secure_college', 'Secure college'), ('youth_justice', 'Youth justice service'), ('fire', 'Fire and rescue service'), ('education', 'Education'), ('early_years', 'Early years and childcare'), ('voluntary', 'Voluntary, community or faith organisation'), ('sport', 'Sport and leisure'), ('private', 'Private or commissioned provider'), ('other', 'Other')], max_length=30)),
                ('statutory_group', models.CharField(blank=True, choices=[('statutory', 'Statutory partners'), ('non_statutory', 'Agencies taking part by choice (not statutory)')], max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='question_set_rules', to='partnerships.agency')),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='question_set_rules', to='audits.auditcycle')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('question_set', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cycle_assignments', to='themes.questionset')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='ReviewMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('assurance', 'Assurance meeting'), ('scrutiny', 'Scrutiny panel')], default='assurance', max_length=20)),
                ('held_on', models.DateField(verbose_name='Date of the meeting')),
                ('panel_members', models.TextField(help_text='One person a line, with their role.')),
                ('notes', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='audits.auditcycle')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
            ],
            options={
                'ordering': ['-held_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='MeetingAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('action', models.TextField()),
                ('owner', models.CharField(max_length=200)),
                ('due_on', models.DateField(verbose_name='Due date')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='audits.reviewmeeting')),
            ],
            options={
                'ordering': ['order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Submission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=40, unique=True)),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('submitted', 'Submitted'), ('returned', 'Returned for changes')], default='not_started', max_length=20)),
                ('submitted_at', models.DateTimeField(blank=True, null=True)),
                ('submitted_by_name', models.CharField(blank=True, max_length=200)),
                ('submitted_by_email', models.EmailField(blank=True, max_length=254)),
                ('signed_off_by_name', models.CharField(blank=True, max_length=200)),
                ('signed_off_by_role', models.CharField(blank=True, max_length=200)),
                ('extended_until', models.DateTimeField(blank=True, help_text='A deadline extension for this agency only.', null=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='submissions', to='partnerships.agency')),
                ('carried_from', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='audits.submission')),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='submissions', to='audits.auditcycle')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('question_set', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='submissions', to='themes.questionset')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='reviewmeeting',
            name='submissions',
            field=models.ManyToManyField(related_name='meetings', to='audits.submission'),
        ),
        migrations.CreateModel(
            name='ReturnForChanges',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField()),
                ('submission_version', models.PositiveIntegerField()),
                ('resubmit_by', models.DateTimeField(blank=True, null=True)),
                ('returned_at', models.DateTimeField()),
                ('returned_by_name', models.CharField(blank=True, max_length=200)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('returned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='returns_for_changes', to='audits.submission')),
            ],
            options={
                'verbose_name_plural': 'returns for changes',
                'ordering': ['-returned_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ResumeLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ('name', models.CharField(max_length=200)),
                ('email', models.EmailField(max_length=254)),
                ('expires_at', models.DateTimeField()),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resume_links', to='audits.submission')),
            ],
            options={
                'ordering': ['-created_at'],
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
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Evidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('file', 'File'), ('link', 'Link')], max_length=4)),
                ('token', models.CharField(max_length=32, unique=True)),
                ('url', models.URLField(blank=True, max_length=1000)),
                ('title', models.CharField(blank=True, max_length=300)),
                ('file', models.FileField(blank=True, max_length=300, upload_to=audits.models.evidence_upload_to)),
                ('original_name', models.CharField(blank=True, max_length=255)),
                ('content_type', models.CharField(blank=True, max_length=120)),
                ('size', models.PositiveBigIntegerField(default=0)),
                ('sha256', models.CharField(blank=True, max_length=64)),
                ('staged', models.BooleanField(default=False)),
                ('added_by_name', models.CharField(blank=True, max_length=200)),
                ('added_by_email', models.EmailField(blank=True, max_length=254)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('theme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='themes.theme')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='audits.submission')),
            ],
            options={
                'verbose_name_plural': 'evidence',
                'ordering': ['created_at', 'id'],
            },
        ),
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
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Answer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('na', 'Not applicable')], max_length=3)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='answers', to='themes.question')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='audits.submission')),
            ],
        ),
        migrations.CreateModel(
            name='ActionUpdateRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField()),
                ('due_at', models.DateTimeField()),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('reminded_at', models.DateTimeField(blank=True, null=True)),
                ('recipients', models.JSONField(blank=True, default=list)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='action_update_requests', to='audits.submission')),
            ],
            options={
                'ordering': ['submission', 'number'],
            },
        ),
        migrations.CreateModel(
            name='ActionItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.TextField()),
                ('lead_person', models.CharField(max_length=200)),
                ('target_date', models.DateField()),
                ('success_criteria', models.TextField()),
                ('expected_outcome', models.TextField(blank=True)),
                ('impact_measure', models.TextField(blank=True)),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('done', 'Done')], default='not_started', max_length=20)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('created_by_name', models.CharField(blank=True, max_length=200)),
                ('created_by_email', models.EmailField(blank=True, max_length=254)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('theme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='themes.theme')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='action_items', to='audits.submission')),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SubmissionPdf',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(help_text='1 for the first submission, 2 for the next, …')),
                ('submission_version', models.PositiveIntegerField(help_text="The submission's edit counter when it was submitted.")),
                ('snapshot', models.JSONField(help_text='What was submitted, as the PDF shows it.')),
                ('file', models.FileField(blank=True, max_length=300, upload_to=audits.models.pdf.submission_pdf_upload_to)),
                ('sha256', models.CharField(blank=True, max_length=64)),
                ('size', models.PositiveBigIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('built_at', models.DateTimeField(blank=True, null=True)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pdfs', to='audits.submission')),
            ],
            options={
                'verbose_name': 'submission PDF',
                'ordering': ['submission_id', 'version'],
            },
        ),
        migrations.CreateModel(
            name='SubmissionReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(blank=True, choices=[('assured', 'Assured'), ('further_evidence', 'Further evidence requested'), ('scrutiny_panel', 'Invited to scrutiny panel')], max_length=20)),
                ('message', models.TextField(blank=True, help_text='Sent to the agency with the outcome.')),
                ('evaluated_at', models.DateTimeField(blank=True, null=True)),
                ('evaluated_by_name', models.CharField(blank=True, max_length=200)),
                ('evaluated_version', models.PositiveIntegerField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('evaluated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('submission', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='review', to='audits.submission')),
            ],
        ),
        migrations.CreateModel(
            name='ThemeModeration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rag', models.CharField(choices=[('red', 'Red'), ('amber', 'Amber'), ('green', 'Green')], max_length=10, verbose_name='Moderated RAG')),
                ('comment', models.TextField(blank=True, verbose_name='Reviewer comment')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('updated_by_name', models.CharField(blank=True, max_length=200)),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='moderations', to='audits.submission')),
                ('theme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='themes.theme')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['theme__order'],
            },
        ),
        migrations.CreateModel(
            name='ThemeResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rag', models.CharField(blank=True, choices=[('red', 'Red'), ('amber', 'Amber'), ('green', 'Green')], max_length=10, verbose_name='RAG self-rating')),
                ('rag_defaulted', models.BooleanField(default=False, help_text='Rated Red on submission because questions were left unanswered.')),
                ('comments', models.TextField(blank=True)),
                ('carried_forward', models.BooleanField(default=False)),
                ('version', models.PositiveIntegerField(default=0)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('updated_by_name', models.CharField(blank=True, max_length=200)),
                ('updated_by_email', models.EmailField(blank=True, max_length=254)),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='theme_responses', to='audits.submission')),
                ('theme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='themes.theme')),
            ],
            options={
                'ordering': ['theme_id'],
            },
        ),
        migrations.CreateModel(
            name='ActionUpdate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('progress', models.TextField()),
                ('status_before', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('done', 'Done')], max_length=20)),
                ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('done', 'Done')], max_length=20)),
                ('actor_name', models.CharField(blank=True, max_length=200)),
                ('actor_email', models.EmailField(blank=True, max_length=254)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='updates', to='audits.actionitem')),
                ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partnerships.partnership')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'in_progress', 'done']), ('status_before__in', ['not_started', 'in_progress', 'done'])), name='action_update_status_valid')],
            },
        ),
        migrations.AddConstraint(
            model_name='auditcycle',
            constraint=models.UniqueConstraint(fields=('partnership', 'slug'), name='cycle_unique_slug'),
        ),
        migrations.AddConstraint(
            model_name='auditcycle',
            constraint=models.UniqueConstraint(fields=('id', 'partnership'), name='cycle_id_partnership'),
        ),
        migrations.AddConstraint(
            model_name='auditcycle',
            constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='cycle_closes_after_opens'),
        ),
        migrations.AddConstraint(
            model_name='auditcycle',
            constraint=models.CheckConstraint(condition=models.Q(('incomplete_policy__in', ['default_red', 'block'])), name='cycle_incomplete_policy_valid'),
        ),
        migrations.AddConstraint(
            model_name='auditcycle',
            constraint=models.CheckConstraint(condition=models.Q(('agency_scope__in', ['all', 'sector', 'locality', 'chosen'])), name='cycle_agency_scope_valid'),
        ),
        migrations.AddConstraint(
            model_name='cyclequestionset',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('agency__isnull', False), ('sector', ''), ('statutory_group', '')), models.Q(('agency__isnull', True), ('statutory_group', ''), models.Q(('sector', ''), _negated=True)), models.Q(('agency__isnull', True), ('sector', ''), models.Q(('statutory_group', ''), _negated=True)), _connector='OR'), name='cycle_question_set_one_group'),
        ),
        migrations.AddConstraint(
            model_name='cyclequestionset',
            constraint=models.UniqueConstraint(condition=models.Q(('agency__isnull', False)), fields=('cycle', 'agency'), name='cycle_question_set_unique_agency'),
        ),
        migrations.AddConstraint(
            model_name='cyclequestionset',
            constraint=models.UniqueConstraint(condition=models.Q(('sector', ''), _negated=True), fields=('cycle', 'sector'), name='cycle_question_set_unique_sector'),
        ),
        migrations.AddConstraint(
            model_name='cyclequestionset',
            constraint=models.UniqueConstraint(condition=models.Q(('statutory_group', ''), _negated=True), fields=('cycle', 'statutory_group'), name='cycle_question_set_unique_statutory_group'),
        ),
        migrations.AddConstraint(
            model_name='cyclequestionset',
            constraint=models.CheckConstraint(condition=models.Q(('sector', ''), ('sector__in', ['local_authority', 'nhs', 'police', 'btp', 'probation', 'prison', 'stc', 'secure_college', 'youth_justice', 'fire', 'education', 'early_years', 'voluntary', 'sport', 'private', 'other']), _connector='OR'), name='cycle_question_set_sector_valid'),
        ),
        migrations.AddConstraint(
            model_name='cyclequestionset',
            constraint=models.CheckConstraint(condition=models.Q(('statutory_group', ''), ('statutory_group__in', ['statutory', 'non_statutory']), _connector='OR'), name='cycle_question_set_statutory_group_valid'),
        ),
        migrations.AddConstraint(
            model_name='submission',
            constraint=models.UniqueConstraint(fields=('cycle', 'agency'), name='submission_unique_agency'),
        ),
        migrations.AddConstraint(
            model_name='submission',
            constraint=models.UniqueConstraint(fields=('id', 'partnership'), name='submission_id_partnership'),
        ),
        migrations.AddConstraint(
            model_name='submission',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'in_progress', 'submitted', 'returned'])), name='submission_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='submission',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'submitted'), _negated=True), ('submitted_at__isnull', False), _connector='OR'), name='submission_submitted_has_date'),
        ),
        migrations.AddConstraint(
            model_name='reviewmeeting',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['assurance', 'scrutiny'])), name='meeting_kind_valid'),
        ),
        migrations.AddIndex(
            model_name='resumelink',
            index=models.Index(fields=['submission', 'email'], name='audits_resu_submiss_836895_idx'),
        ),
        migrations.AddIndex(
            model_name='outboundemail',
            index=models.Index(fields=['status', 'not_before'], name='audits_outb_status_39a9de_idx'),
        ),
        migrations.AddConstraint(
            model_name='outboundemail',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outbound_email_sent_has_date'),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'file'), models.Q(('file', ''), _negated=True)), models.Q(('kind', 'link'), models.Q(('url', ''), _negated=True)), _connector='OR'), name='evidence_file_or_link'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['partnership', '-created_at'], name='audits_audi_partner_0c2321_idx'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.UniqueConstraint(fields=('submission', 'question'), name='answer_unique'),
        ),
        migrations.AddConstraint(
            model_name='answer',
            constraint=models.CheckConstraint(condition=models.Q(('value__in', ['yes', 'no', 'na'])), name='answer_value_valid'),
        ),
        migrations.AddConstraint(
            model_name='actionupdaterequest',
            constraint=models.UniqueConstraint(fields=('submission', 'number'), name='action_update_request_unique'),
        ),
        migrations.AddIndex(
            model_name='actionitem',
            index=models.Index(fields=['submission', 'theme'], name='audits_acti_submiss_263ba2_idx'),
        ),
        migrations.AddConstraint(
            model_name='actionitem',
            constraint=models.UniqueConstraint(fields=('id', 'partnership'), name='action_item_id_partnership'),
        ),
        migrations.AddConstraint(
            model_name='actionitem',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'in_progress', 'done'])), name='action_item_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='submissionpdf',
            constraint=models.UniqueConstraint(fields=('submission', 'version'), name='submission_pdf_unique_version'),
        ),
        migrations.AddConstraint(
            model_name='submissionpdf',
            constraint=models.UniqueConstraint(fields=('submission', 'submission_version'), name='submission_pdf_unique_submit'),
        ),
        migrations.AddConstraint(
            model_name='submissionpdf',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='submission_pdf_version_positive'),
        ),
        migrations.AddConstraint(
            model_name='submissionreview',
            constraint=models.CheckConstraint(condition=models.Q(('outcome__in', ['', 'assured', 'further_evidence', 'scrutiny_panel'])), name='review_outcome_valid'),
        ),
        migrations.AddConstraint(
            model_name='submissionreview',
            constraint=models.CheckConstraint(condition=models.Q(('evaluated_at__isnull', True), models.Q(('outcome', ''), _negated=True), _connector='OR'), name='review_evaluated_has_outcome'),
        ),
        migrations.AddConstraint(
            model_name='thememoderation',
            constraint=models.UniqueConstraint(fields=('submission', 'theme'), name='moderation_unique_theme'),
        ),
        migrations.AddConstraint(
            model_name='thememoderation',
            constraint=models.CheckConstraint(condition=models.Q(('rag__in', ['red', 'amber', 'green'])), name='moderation_rag_valid'),
        ),
        migrations.AddConstraint(
            model_name='themeresponse',
            constraint=models.UniqueConstraint(fields=('submission', 'theme'), name='theme_response_unique'),
        ),
        migrations.AddConstraint(
            model_name='themeresponse',
            constraint=models.CheckConstraint(condition=models.Q(('rag__in', ['', 'red', 'amber', 'green'])), name='theme_response_rag_valid'),
        ),
        _postgres_sql(INTEGRITY_FORWARD, INTEGRITY_BACKWARD),
        _postgres_sql(SUBMISSION_LOCK_FORWARD, SUBMISSION_LOCK_BACKWARD),
        _postgres_sql(CYCLE_QUESTION_SETS_FORWARD, CYCLE_QUESTION_SETS_BACKWARD),
        _postgres_sql(SUBMISSION_PDF_FORWARD, SUBMISSION_PDF_BACKWARD),
        _postgres_sql(REVIEW_INTEGRITY_FORWARD, REVIEW_INTEGRITY_BACKWARD),
        _postgres_sql(ACTIONS_FORWARD, ACTIONS_BACKWARD),
    ]
