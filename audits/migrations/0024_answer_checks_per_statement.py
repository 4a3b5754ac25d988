"""On PostgreSQL, the two checks on a return's answers (the return is not
submitted; the question is in the return's question set) run once per
statement over the rows it wrote, instead of once per row. A theme's save
writes its answers in one statement, so this is one check of 12 rows
instead of 24 trigger calls each running its own query (about 0.5 ms of
PostgreSQL's CPU a save, docs/performance.md). The refusals are the same:
any row of a submitted return, or with a question outside its set, and the
whole statement is undone; a partnership purge still passes.

AFTER ... FOR EACH STATEMENT with transition tables: one trigger per event,
as PostgreSQL allows transition tables only on single-event triggers."""

from django.db import migrations

PER_STATEMENT = """
CREATE FUNCTION s11_answers_checked() RETURNS trigger AS $$
DECLARE
  bad record;
BEGIN
  IF coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    SELECT s.id INTO bad FROM audits_submission s
      WHERE s.status = 'submitted' AND s.id IN (SELECT submission_id FROM old_rows) LIMIT 1;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT s.id INTO bad FROM audits_submission s
      WHERE s.status = 'submitted'
        AND s.id IN (SELECT submission_id FROM new_rows UNION SELECT submission_id FROM old_rows)
      LIMIT 1;
  ELSE
    SELECT s.id INTO bad FROM audits_submission s
      WHERE s.status = 'submitted' AND s.id IN (SELECT submission_id FROM new_rows) LIMIT 1;
  END IF;
  IF FOUND THEN
    RAISE EXCEPTION 'submission % is submitted and locked', bad.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP <> 'DELETE' THEN
    SELECT n.id INTO bad FROM new_rows n
      WHERE NOT EXISTS (
        SELECT 1 FROM themes_question q
        JOIN themes_theme t ON t.id = q.theme_id
        JOIN audits_submission s ON s.question_set_id = t.question_set_id
        WHERE q.id = n.question_id AND s.id = n.submission_id)
      LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'answer % refers to a question outside its submission''s question set', bad.id
        USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER answer_locked ON audits_answer;
DROP TRIGGER answer_question_in_set ON audits_answer;
CREATE TRIGGER answers_checked_insert AFTER INSERT ON audits_answer
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION s11_answers_checked();
CREATE TRIGGER answers_checked_update AFTER UPDATE ON audits_answer
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION s11_answers_checked();
CREATE TRIGGER answers_checked_delete AFTER DELETE ON audits_answer
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION s11_answers_checked();
"""

PER_ROW = """
DROP TRIGGER answers_checked_delete ON audits_answer;
DROP TRIGGER answers_checked_update ON audits_answer;
DROP TRIGGER answers_checked_insert ON audits_answer;
DROP FUNCTION s11_answers_checked();
CREATE TRIGGER answer_question_in_set
  BEFORE INSERT OR UPDATE OF question_id, submission_id ON audits_answer
  FOR EACH ROW EXECUTE FUNCTION s11_answer_question_in_set();
CREATE TRIGGER answer_locked BEFORE INSERT OR UPDATE OR DELETE ON audits_answer
  FOR EACH ROW EXECUTE FUNCTION s11_refuse_if_submitted();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audits", "0023_meeting_schedule_panel")]

    operations = [migrations.RunPython(_run(PER_STATEMENT), _run(PER_ROW), elidable=False)]
