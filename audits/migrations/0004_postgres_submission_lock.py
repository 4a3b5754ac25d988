"""The database refuses changes to a submitted return.

While a submission's status is 'submitted', no answer, theme response or
evidence row of it may be inserted, updated or deleted, and the submission's
own content columns may not change. Only a change of status away from
'submitted' (the partnership's "return for changes") unlocks it. The services
refuse first with a message for people; this is the backstop for any other
path (a bug, a shell, a script).
"""

from django.db import migrations

FORWARD = """
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

BACKWARD = """
DROP TRIGGER IF EXISTS submission_content_locked ON audits_submission;
DROP FUNCTION IF EXISTS s11_submission_content_locked();
DROP TRIGGER IF EXISTS evidence_locked ON audits_evidence;
DROP TRIGGER IF EXISTS theme_response_locked ON audits_themeresponse;
DROP TRIGGER IF EXISTS answer_locked ON audits_answer;
DROP FUNCTION IF EXISTS s11_refuse_if_submitted();
"""


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_journey")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
