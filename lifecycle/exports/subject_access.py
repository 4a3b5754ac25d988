"""A subject-access export (UK GDPR article 15): everything one partnership
holds about one email address, as sections of rows. Read-only; the service
that hands it out (lifecycle.services.subject_access_export) audits it."""

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from audits.models import (
    ActionItem,
    ActionUpdate,
    Evidence,
    MeetingAction,
    PanelMember,
    ResumeLink,
    Submission,
    ThemeResponse,
)
from core.models import AuditEvent, OutboundEmail
from core.spreadsheets import spreadsheet_row
from partnerships.models import AgencyContact, Partnership, StaffInvitation, StaffMembership


def _rows(qs, fields: list[str]) -> list[dict]:
    return [dict(zip(fields, values, strict=True)) for values in qs.values_list(*fields)]


def subject_access_sections(*, partnership: Partnership, email: str) -> dict[str, list[dict]]:
    """Section name → rows, each row a dict of plain values. The email is
    matched without regard to case."""
    email = email.strip()
    links = ResumeLink.objects.filter(partnership=partnership, email__iexact=email)
    names = {n.strip().lower() for n in links.values_list("name", flat=True) if n.strip()}
    contributed = Q(submitted_by_email__iexact=email) | Q(
        pk__in=ResumeLink.objects.filter(partnership=partnership, email__iexact=email).values("submission")
    )
    for model, field in (
        (ThemeResponse, "updated_by_email"),
        (Evidence, "added_by_email"),
        (ActionItem, "created_by_email"),
    ):
        contributed |= Q(pk__in=model.objects.filter(**{f"{field}__iexact": email}).values("submission"))
    contributed |= Q(
        pk__in=ActionUpdate.objects.filter(partnership=partnership, actor_email__iexact=email).values(
            "item__submission"
        )
    )
    submissions = Submission.objects.filter(contributed, partnership=partnership).order_by("pk")
    led = Q(created_by_email__iexact=email)
    for name in names:
        led |= Q(lead_person__iexact=name)
    sections = {
        "returns_contributed_to": _rows(
            submissions,
            ["reference", "agency__name", "cycle__title", "status", "submitted_at", "submitted_by_name",
             "submitted_by_email", "signed_off_by_name", "signed_off_by_role"],
        ),
        "theme_pages_saved": _rows(
            ThemeResponse.objects.filter(submission__partnership=partnership, updated_by_email__iexact=email),
            ["submission__reference", "theme__title", "rag", "updated_by_name", "updated_by_email"],
        ),
        "evidence_added": _rows(
            Evidence.objects.filter(submission__partnership=partnership, added_by_email__iexact=email),
            ["submission__reference", "theme__title", "kind", "original_name", "title", "url", "size",
             "added_by_name", "added_by_email"],
        ),
        "resume_links": _rows(
            links.order_by("created_at"),
            ["submission__reference", "name", "email", "created_at", "expires_at", "last_used_at",
             "revoked_at"],
        ),
        "action_items_added_or_led": _rows(
            ActionItem.objects.filter(led, partnership=partnership).order_by("pk"),
            ["submission__reference", "theme__title", "action", "lead_person", "target_date", "status",
             "created_by_name", "created_by_email", "created_at"],
        ),
        "action_updates_recorded": _rows(
            ActionUpdate.objects.filter(partnership=partnership, actor_email__iexact=email).order_by("pk"),
            ["item__submission__reference", "item__action", "progress", "status", "actor_name",
             "actor_email", "created_at"],
        ),
        "emails_sent": _rows(
            OutboundEmail.objects.filter(partnership=partnership, to_email__iexact=email).order_by("pk"),
            ["kind", "to_name", "to_email", "subject", "status", "created_at", "sent_at", "context"],
        ),
        "history_entries": _rows(
            AuditEvent.objects.filter(partnership=partnership, actor_email__iexact=email).order_by(
                "created_at", "pk"
            ),
            ["created_at", "verb", "submission__reference", "actor_name", "actor_email", "detail"],
        ),
        "meeting_panels": _rows(
            PanelMember.objects.filter(partnership=partnership, email__iexact=email).order_by("pk"),
            ["meeting__cycle__title", "meeting__kind", "meeting__held_on", "name", "role", "email",
             "attendance", "created_at", "last_used_at", "revoked_at"],
        ),
        "meeting_actions_owned": _rows(
            MeetingAction.objects.filter(
                meeting__partnership=partnership, owner_email__iexact=email
            ).order_by("pk"),
            ["meeting__cycle__title", "meeting__held_on", "action", "owner", "owner_email", "due_on",
             "status"],
        ),
        "agency_contacts": _rows(
            AgencyContact.objects.filter(agency__partnership=partnership, email__iexact=email),
            ["agency__name", "name", "email", "job_title", "is_primary"],
        ),
        "staff_membership": _rows(
            StaffMembership.objects.filter(partnership=partnership, user__email__iexact=email),
            ["user__email", "display_name", "role", "created_at", "last_seen_at"],
        ),
        "staff_invitations": _rows(
            StaffInvitation.objects.filter(partnership=partnership, email__iexact=email),
            ["email", "full_name", "role", "created_at", "expires_at", "accepted_at"],
        ),
    }  # fmt: skip
    return sections


def _cell(value):
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return "" if value is None else value


def sections_zip(sections: dict[str, list[dict]], *, about: dict) -> bytes:
    """One JSON file with everything, and a CSV per section (an empty file
    for an empty section). Every CSV cell goes through the spreadsheet guard."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "everything.json",
            json.dumps({"about": about, **sections}, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for name, rows in sections.items():
            text = io.StringIO()
            writer = csv.writer(text)
            if rows:
                writer.writerow(rows[0].keys())
                writer.writerows(spreadsheet_row(_cell(v) for v in row.values()) for row in rows)
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()
