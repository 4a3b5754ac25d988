"""Let the retention job blank contributors' names and emails on returns that
are submitted (and so locked) and on the append-only audit log.

The database refuses those updates (audits' triggers). This replaces the
trigger functions with the same rules plus one narrow allowance: inside a
transaction that has run `SET LOCAL s11portal.anonymise = 'on'` (only
lifecycle.services.cycle_anonymise does), an UPDATE may change the named
personal-data columns of a row, and only to blank; every other column must
stay as it was. On the audit log the actor may be cleared and keys removed
from the detail (never added or changed). Deleting is still refused.

Reversing restores nothing: without this migration nothing sets the
setting, so the extra allowance is never used.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION s11_anonymising(old_row jsonb, new_row jsonb, cols text[]) RETURNS boolean AS $$
  SELECT coalesce(current_setting('s11portal.anonymise', true), '') = 'on'
     AND (old_row - cols) = (new_row - cols)
     AND NOT EXISTS (
       SELECT 1 FROM unnest(cols) AS c WHERE coalesce(new_row ->> c, '') <> ''
     )
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION s11_audit_event_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
      RETURN NEW;
    END IF;
    -- Anonymising: the actor blanked, keys only removed from the detail.
    IF OLD.detail @> NEW.detail AND s11_anonymising(
         to_jsonb(OLD) - 'detail', to_jsonb(NEW) - 'detail',
         ARRAY['actor_id', 'actor_name', 'actor_email']) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION s11_refuse_if_submitted() RETURNS trigger AS $$
DECLARE
  sub_id bigint;
BEGIN
  -- A deliberate purge (deleting a whole partnership) sets this locally.
  IF coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND (
       (TG_TABLE_NAME = 'audits_themeresponse' AND s11_anonymising(
          to_jsonb(OLD), to_jsonb(NEW), ARRAY['updated_by_name', 'updated_by_email']))
    OR (TG_TABLE_NAME = 'audits_evidence' AND s11_anonymising(
          to_jsonb(OLD), to_jsonb(NEW), ARRAY['added_by_name', 'added_by_email']))
  ) THEN
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

CREATE OR REPLACE FUNCTION s11_submission_content_locked() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'submitted' AND NEW.status = 'submitted' AND (
       NEW.cycle_id, NEW.agency_id, NEW.question_set_id, NEW.reference, NEW.submitted_at,
       NEW.submitted_by_name, NEW.submitted_by_email, NEW.signed_off_by_name,
       NEW.signed_off_by_role
     ) IS DISTINCT FROM (
       OLD.cycle_id, OLD.agency_id, OLD.question_set_id, OLD.reference, OLD.submitted_at,
       OLD.submitted_by_name, OLD.submitted_by_email, OLD.signed_off_by_name,
       OLD.signed_off_by_role
     ) AND NOT s11_anonymising(
       to_jsonb(OLD), to_jsonb(NEW),
       ARRAY['submitted_by_name', 'submitted_by_email', 'signed_off_by_name'])
  THEN
    RAISE EXCEPTION 'submission % is submitted and locked', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION s11_action_item_rules() RETURNS trigger AS $$
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
  IF TG_OP = 'UPDATE' AND s11_anonymising(
       to_jsonb(OLD), to_jsonb(NEW), ARRAY['created_by_name', 'created_by_email']) THEN
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

CREATE OR REPLACE FUNCTION s11_action_update_append_only() RETURNS trigger AS $$
BEGIN
  -- The services never remove an item that has updates, so only a purge
  -- deletes one.
  IF TG_OP = 'DELETE' AND coalesce(current_setting('s11portal.purge', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND s11_anonymising(to_jsonb(OLD), to_jsonb(NEW), ARRAY['actor_name', 'actor_email']) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'action plan updates are append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    # A plain cursor: the SQL holds literal % signs (RAISE placeholders).
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0001_initial"),
        ("audits", "0014_drop_redundant_submission_indexes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
