"""Integrity rules PostgreSQL can hold for us and SQLite cannot.

- Composite foreign keys: a cycle's question set, and a submission's cycle,
  agency and question set, all belong to the same partnership as the row.
- Triggers: an answer's question and a theme response's theme come from the
  submission's own question set; the audit log is append-only.

On SQLite (the zero-set-up demo) the services enforce the same rules.
"""

from django.db import migrations

FORWARD = """
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

BACKWARD = """
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


def _run(schema_editor, sql):
    # A plain cursor, not schema_editor.execute: the SQL holds literal % signs
    # (RAISE placeholders) that must not be read as query parameters.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0001_initial"),
        ("themes", "0001_initial"),
        ("partnerships", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
