"""Action plans: what PostgreSQL holds for us (SQLite relies on the services).

- Composite foreign keys: an action item, update or update request belongs to
  the partnership of its submission (or item).
- An action item's theme is one of its submission's question set.
- While a return is submitted, the action items it was submitted with
  (created before submitted_at) cannot be deleted, and only their status may
  change (by a progress update); items added afterwards must be dated after
  submission.
- Progress updates are append-only.

A deliberate purge (`SET LOCAL s11portal.purge = 'on'`) may delete anything.
"""

from django.db import migrations

FORWARD = """
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

BACKWARD = """
DROP TRIGGER IF EXISTS action_update_append_only ON audits_actionupdate;
DROP FUNCTION IF EXISTS s11_action_update_append_only();
DROP TRIGGER IF EXISTS action_item_rules ON audits_actionitem;
DROP FUNCTION IF EXISTS s11_action_item_rules();
ALTER TABLE audits_actionupdaterequest DROP CONSTRAINT IF EXISTS action_update_request_submission_same_partnership;
ALTER TABLE audits_actionupdate DROP CONSTRAINT IF EXISTS action_update_item_same_partnership;
ALTER TABLE audits_actionitem DROP CONSTRAINT IF EXISTS action_item_submission_same_partnership;
"""


def _run(schema_editor, sql):
    # A plain cursor: the SQL holds literal % signs (RAISE placeholders).
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_actions")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
