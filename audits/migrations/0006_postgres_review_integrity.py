"""The review's tenancy rules, held by PostgreSQL as well as the services.

- Composite foreign keys: a review, a moderation and a return for changes
  belong to the same partnership as their submission; a meeting to the same
  partnership as its cycle.
- Triggers: a moderation's theme comes from the submission's own question
  set; a meeting only discusses returns of its own cycle.

On SQLite (the zero-set-up demo) the services enforce the same rules.
"""

from django.db import migrations

FORWARD = """
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

BACKWARD = """
DROP TRIGGER IF EXISTS meeting_submission_in_cycle ON audits_reviewmeeting_submissions;
DROP FUNCTION IF EXISTS s11_meeting_submission_in_cycle();
DROP TRIGGER IF EXISTS moderation_theme_in_set ON audits_thememoderation;
DROP FUNCTION IF EXISTS s11_moderation_theme_in_set();
ALTER TABLE audits_reviewmeeting DROP CONSTRAINT IF EXISTS meeting_cycle_same_partnership;
ALTER TABLE audits_returnforchanges DROP CONSTRAINT IF EXISTS return_submission_same_partnership;
ALTER TABLE audits_thememoderation DROP CONSTRAINT IF EXISTS moderation_submission_same_partnership;
ALTER TABLE audits_submissionreview DROP CONSTRAINT IF EXISTS review_submission_same_partnership;
"""


def _run(schema_editor, sql):
    # A plain cursor, not schema_editor.execute: the SQL holds literal % signs.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_review")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
