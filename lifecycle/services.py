"""Writes for the data lifecycle: a partnership's retention policy,
anonymising the personal data of cycles past it (run daily by Celery beat:
lifecycle.tasks.retention_run), the subject-access export, and offboarding
(export, then delete, a whole partnership)."""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from audits.models import AuditCycle, Submission
from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from partnerships.models import Partnership
from themes.models import QuestionSet

from .exports.offboarding import partnership_counts, partnership_export_write, partnership_storage_names
from .exports.subject_access import sections_zip, subject_access_sections
from .models import CycleAnonymisation, PartnershipDeletion, RetentionPolicy
from .selectors import (
    PERSONAL_DETAIL_KEYS,
    cycle_personal_data,
    cycles_due,
    retention_policy_get,
    years_before,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def retention_policy_save(
    *, partnership: Partnership, years: int, keep_submitted_pdfs: bool, actor: Actor
) -> RetentionPolicy:
    if not 1 <= years <= 50:
        raise DomainError("The retention period must be between 1 and 50 years.")
    policy, _ = RetentionPolicy.objects.select_for_update().get_or_create(partnership=partnership)
    before = {"years": policy.years, "keep_submitted_pdfs": policy.keep_submitted_pdfs}
    policy.years = years
    policy.keep_submitted_pdfs = keep_submitted_pdfs
    policy.save(update_fields=["years", "keep_submitted_pdfs", "updated_at"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="retention.policy_saved",
        obj=policy,
        detail={"before": before, "years": years, "keep_submitted_pdfs": keep_submitted_pdfs},
    )
    return policy


def _allow_anonymising(on: bool) -> None:
    # Transaction-local: the database's locks on submitted returns and on the
    # audit log let a row's personal-data columns be blanked, nothing else
    # (lifecycle/migrations/0002_anonymise_setting.py).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.anonymise', %s, true)", ["on" if on else "off"])


@transaction.atomic
def cycle_anonymise(
    *, partnership: Partnership, cycle: AuditCycle, keep_pdfs: bool, actor: Actor = SYSTEM, now=None
) -> dict[str, int]:
    """Blank the names and emails of everyone who worked on the cycle's
    returns (agencies' contributors, and the staff who reviewed them and sat
    on its meetings), delete its resume links (and its submitted PDFs unless kept),
    blank its emails' recipients and content and its history's actors.
    Answers, ratings, comments, evidence files, action plans and every
    figure stay. Writes what it did to the audit log; returns the counts."""
    if cycle.partnership_id != partnership.pk:
        raise DomainError("That cycle belongs to another partnership.")
    cycle = AuditCycle.objects.select_for_update().get(pk=cycle.pk)
    if CycleAnonymisation.objects.filter(cycle=cycle).exists():
        raise DomainError("That cycle has been anonymised already.")
    rows = cycle_personal_data(partnership=partnership, cycle=cycle, keep_pdfs=keep_pdfs)
    counts: dict[str, int] = {}
    _allow_anonymising(True)
    counts["submissions"] = rows["submissions"].update(
        submitted_by_name="", submitted_by_email="", signed_off_by_name=""
    )
    counts["theme_responses"] = rows["theme_responses"].update(updated_by_name="", updated_by_email="")
    counts["evidence"] = rows["evidence"].update(added_by_name="", added_by_email="")
    counts["action_items"] = rows["action_items"].update(created_by_name="", created_by_email="")
    counts["action_updates"] = rows["action_updates"].update(actor_name="", actor_email="")
    counts["action_update_requests"] = rows["action_update_requests"].update(recipients=[])
    counts["reviews"] = rows["reviews"].update(evaluated_by=None, evaluated_by_name="", updated_by_name="")
    counts["moderations"] = rows["moderations"].update(updated_by=None, updated_by_name="")
    counts["returns_for_changes"] = rows["returns_for_changes"].update(returned_by=None, returned_by_name="")
    counts["meetings"] = rows["meetings"].update(created_by=None, panel_members="")
    counts["meeting_actions"] = rows["meeting_actions"].update(owner="", owner_email="")
    counts["panel_members"] = rows["panel_members"].delete()[0]
    counts["escalations"] = rows["escalations"].update(created_by=None, created_by_name="")
    pack_names = [p.file.name for p in rows["meeting_packs"].only("pk", "file") if p.file]
    counts["meeting_packs"] = rows["meeting_packs"].delete()[0]
    counts["challenges"] = rows["challenges"].update(
        opened_by_name="", opened_by_email="", resolved_by=None, resolved_by_name=""
    )
    counts["challenge_messages"] = rows["challenge_messages"].update(
        author_name="", author_email="", author_user=None
    )
    counts["evidence_requests"] = rows["evidence_requests"].update(requested_by=None, requested_by_name="")
    counts["supplementary_evidence"] = rows["supplementary_evidence"].update(
        added_by_name="", added_by_email=""
    )
    counts["resume_links"] = rows["resume_links"].delete()[0]
    emails = rows["emails"]
    emails.filter(status=OutboundEmail.Status.PENDING).update(status=OutboundEmail.Status.CANCELLED)
    counts["emails"] = emails.update(to_name="", to_email="", context={}, last_error="")
    events = rows["audit_events"]
    counts["audit_events"] = 0
    for event in events.filter(detail__has_any_keys=PERSONAL_DETAIL_KEYS).only("pk", "detail"):
        detail = {k: v for k, v in event.detail.items() if k not in PERSONAL_DETAIL_KEYS}
        counts["audit_events"] += AuditEvent.objects.filter(pk=event.pk).update(
            actor=None, actor_name="", actor_email="", detail=detail
        )
    counts["audit_events"] += events.update(actor=None, actor_name="", actor_email="")
    pdf_names = [p.file.name for p in rows["submitted_pdfs"].only("pk", "file") if p.file]
    counts["submitted_pdfs"] = rows["submitted_pdfs"].delete()[0]
    _allow_anonymising(False)
    if pdf_names or pack_names:
        files = pdf_names + pack_names
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    CycleAnonymisation.objects.create(
        partnership=partnership, cycle=cycle, anonymised_at=now or timezone.now(), counts=counts
    )
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="retention.cycle_anonymised",
        obj=cycle,
        detail={"cycle": cycle.slug, "counts": counts, "submitted_pdfs_kept": keep_pdfs},
    )
    return counts


def retention_run(*, now=None) -> dict[str, dict[str, int]]:
    """Anonymise every cycle, of every partnership, past its partnership's
    retention period: each cycle in a transaction of its own. Returns the
    counts by "partnership-slug/cycle-slug"."""
    now = now or timezone.now()
    done = {}
    for partnership in Partnership.objects.order_by("pk"):
        policy = retention_policy_get(partnership=partnership)
        for cycle in cycles_due(partnership=partnership, policy=policy, now=now):
            done[f"{partnership.slug}/{cycle.slug}"] = cycle_anonymise(
                partnership=partnership, cycle=cycle, keep_pdfs=policy.keep_submitted_pdfs, now=now
            )
        emails = returnless_emails_anonymise(partnership=partnership, years=policy.years, now=now)
        if emails:
            done[f"{partnership.slug}/emails"] = {"emails": emails}
    return done


@transaction.atomic
def returnless_emails_anonymise(*, partnership: Partnership, years: int, now=None) -> int:
    """Emails about no return (contact-form messages, registration links,
    staff invitations) older than the retention period: recipients and
    content blanked, on the audit log. Returns how many."""
    cutoff = years_before(now or timezone.now(), years)
    emails = OutboundEmail.objects.filter(
        partnership=partnership, submission__isnull=True, created_at__lte=cutoff
    ).exclude(to_name="", to_email="", context={}, last_error="")
    emails.filter(status=OutboundEmail.Status.PENDING).update(status=OutboundEmail.Status.CANCELLED)
    count = emails.update(to_name="", to_email="", context={}, last_error="")
    if count:
        audit_event_record(
            partnership=partnership,
            actor=SYSTEM,
            verb="retention.emails_anonymised",
            detail={"emails": count, "older_than_years": years},
        )
    return count


@transaction.atomic
def subject_access_export(*, partnership: Partnership, email: str, actor: Actor) -> bytes:
    """The ZIP of everything the partnership holds about `email`, with the
    request on the audit log (who asked, about whom, how much was found)."""
    sections = subject_access_sections(partnership=partnership, email=email)
    counts = {name: len(rows) for name, rows in sections.items()}
    produced_at = timezone.now()
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="subject_access.exported",
        detail={"about": email.strip().lower(), "counts": counts},
    )
    about = {
        "partnership": partnership.name,
        "email": email.strip(),
        "produced_at": produced_at.isoformat(),
        "produced_by": actor.name or actor.email,
    }
    return sections_zip(sections, about=about)


# --- offboarding ----------------------------------------------------------------

EXPORT_FRESH = timedelta(hours=24)
EXPORTED_VERB = "partnership.exported"


def partnership_export(*, partnership: Partnership, actor: Actor, target) -> dict[str, int]:
    """Write everything the partnership holds, as a ZIP, to `target`, and
    record the export on its audit log (the deletion asks for one)."""
    counts = partnership_export_write(partnership, target)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb=EXPORTED_VERB,
        obj=partnership,
        detail={"rows": sum(counts.values())},
    )
    return counts


class PartnershipNameMismatchError(DomainError):
    def __init__(self):
        super().__init__("Enter the partnership's name exactly as it is shown")


class PartnershipNotExportedError(DomainError):
    def __init__(self):
        super().__init__("Download the partnership's data before you delete it (in the last 24 hours)")


@transaction.atomic
def partnership_delete(
    *, partnership: Partnership, confirm_name: str, actor: Actor, now=None
) -> PartnershipDeletion:
    """Delete the partnership and every row it holds, and its files once
    this commits. Refused unless `confirm_name` is its name and its data was
    exported in the last day. On PostgreSQL the locks on submitted returns
    and the audit log let go only under the transaction-local purge setting."""
    now = now or timezone.now()
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if confirm_name.strip() != partnership.name:
        raise PartnershipNameMismatchError()
    exported = (
        AuditEvent.objects.filter(
            partnership=partnership, verb=EXPORTED_VERB, created_at__gte=now - EXPORT_FRESH
        )
        .order_by("-created_at")
        .first()
    )
    if exported is None:
        raise PartnershipNotExportedError()
    counts = partnership_counts(partnership)
    files = partnership_storage_names(partnership)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.purge', 'on', true)")
    # In an order that no PROTECT foreign key refuses: what points at
    # question sets, themes and questions goes before them.
    AuditEvent.objects.filter(partnership=partnership).delete()
    OutboundEmail.objects.filter(partnership=partnership).delete()
    Submission.objects.filter(partnership=partnership).delete()
    AuditCycle.objects.filter(partnership=partnership).delete()
    question_sets = QuestionSet.objects.filter(partnership=partnership)
    question_sets.update(previous_version=None)
    question_sets.delete()
    partnership.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.purge', 'off', true)")
    record = PartnershipDeletion.objects.create(
        partnership_pk=exported.partnership_id,
        name=partnership.name,
        slug=partnership.slug,
        deleted_at=now,
        deleted_by_email=actor.email,
        exported_at=exported.created_at,
        counts=counts,
        files=len(files),
    )
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    logger.warning(
        "Partnership deleted",
        extra={"partnership": record.slug, "by": actor.email, "rows": sum(counts.values())},
    )
    return record
