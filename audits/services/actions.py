"""Action plans: action items on a return's themes, progress updates, and
the six-monthly (per cycle) requests for an update.

While the return can be edited, items are added, changed and removed
freely. Once it is submitted, the items it was submitted with are part of
the record: they change only through progress updates (status and what was
done), kept as an append-only history. The agency may still add new items,
and change or remove those until the first update is recorded on them.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from partnerships.models import Partnership
from themes.models import Theme

from .. import policy
from ..models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdateRequest,
    NotificationKind,
    Submission,
    SubmissionStatus,
)
from ..selectors.actions import submissions_due_for_action_updates
from .emails import submission_email_context, submission_email_recipients
from .links import resume_link_create
from .notifications import staff_notification_queue

TEXT_MAX = 5000
LEAD_MAX = 200
# A fresh link in an update request keeps working this long.
UPDATE_LINK_DAYS = 60
# The reminder follows a request with no update this many days later.
REMINDER_AFTER_DAYS = 14


class ActionPlanClosedError(DomainError):
    """The action plan cannot be changed now."""


@dataclass(frozen=True)
class ActionItemData:
    action: str
    lead_person: str
    target_date: date
    success_criteria: str
    expected_outcome: str = ""
    impact_measure: str = ""

    def cleaned(self) -> "ActionItemData":
        return ActionItemData(
            action=(self.action or "").strip(),
            lead_person=" ".join((self.lead_person or "").split()),
            target_date=self.target_date,
            success_criteria=(self.success_criteria or "").strip(),
            expected_outcome=(self.expected_outcome or "").strip(),
            impact_measure=(self.impact_measure or "").strip(),
        )


def action_item_rules_check(
    *, data: ActionItemData, today: date | None = None, was: date | None = None
) -> dict:
    """The rules for an action item, shared by the form and the service.
    Returns field → message. `was` is the item's saved target date: an
    unchanged date may be in the past (the item is then overdue)."""
    today = today or timezone.localdate()
    data = data.cleaned()
    errors = {}
    if not data.action:
        errors["action"] = "Enter the action"
    elif len(data.action) > TEXT_MAX:
        errors["action"] = "The action must be 5,000 characters or fewer"
    if not data.lead_person:
        errors["lead_person"] = "Enter the name or role of the lead person"
    elif len(data.lead_person) > LEAD_MAX:
        errors["lead_person"] = "The lead person must be 200 characters or fewer"
    if not isinstance(data.target_date, date):
        errors["target_date"] = "Enter the date the action is due"
    elif data.target_date != was and data.target_date < today:
        errors["target_date"] = "The date the action is due must be today or in the future"
    elif data.target_date.year > today.year + 10:
        errors["target_date"] = "The date the action is due must be within the next 10 years"
    if not data.success_criteria:
        errors["success_criteria"] = "Enter the success criteria"
    elif len(data.success_criteria) > TEXT_MAX:
        errors["success_criteria"] = "The success criteria must be 5,000 characters or fewer"
    for name, label in (("expected_outcome", "expected outcome"), ("impact_measure", "impact measure")):
        if len(getattr(data, name)) > TEXT_MAX:
            errors[name] = f"The {label} must be 5,000 characters or fewer"
    return errors


def _lock(submission: Submission) -> Submission:
    # Orders this write with a concurrent submit, as theme saves do.
    return (
        Submission.objects.select_for_update()
        .select_related("cycle", "partnership", "agency")
        .get(pk=submission.pk)
    )


def _touch(submission: Submission, editable: bool) -> None:
    """A change to an editable return makes open check-answers pages stale."""
    if not editable:
        return
    update = {"version": F("version") + 1, "updated_at": timezone.now()}
    if submission.status == SubmissionStatus.NOT_STARTED:
        update["status"] = SubmissionStatus.IN_PROGRESS
    Submission.objects.filter(pk=submission.pk).update(**update)


def _tell_staff(*, submission: Submission, event_key: str, summary: str, actor: Actor) -> None:
    """A change to a submitted return's action plan is news to staff (while
    the return is being written, it is not): those who want it are told,
    not the member of staff who made it."""
    staff_notification_queue(
        partnership=submission.partnership,
        kind=NotificationKind.ACTION_PLAN,
        submission=submission,
        event_key=event_key,
        summary=summary,
        path=reverse(
            "staff_action_plan",
            kwargs={"partnership_slug": submission.partnership.slug, "reference": submission.reference},
        ),
        exclude_user_id=actor.user.pk if actor.user is not None else None,
    )


def _validate(data: ActionItemData, was: date | None = None) -> ActionItemData:
    errors = action_item_rules_check(data=data, was=was)
    if errors:
        raise DomainError(next(iter(errors.values())))
    return data.cleaned()


@transaction.atomic
def action_item_add(
    *, submission: Submission, theme: Theme, data: ActionItemData, actor: Actor
) -> ActionItem:
    submission = _lock(submission)
    policy.may_add_action(submission).refuse(ActionPlanClosedError)
    editable = bool(policy.may_edit(submission))
    if theme.question_set_id != submission.question_set_id:
        raise DomainError("That theme is not part of this return.")
    data = _validate(data)
    item = ActionItem.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        theme=theme,
        action=data.action,
        lead_person=data.lead_person,
        target_date=data.target_date,
        success_criteria=data.success_criteria,
        expected_outcome=data.expected_outcome,
        impact_measure=data.impact_measure,
        created_by_name=actor.name,
        created_by_email=actor.email,
    )
    _touch(submission, editable)
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="action.added",
        submission=submission,
        obj=item,
        detail={"theme": theme.title, "action": data.action[:200], "after_submit": not editable},
    )
    if not editable:
        _tell_staff(
            submission=submission,
            event_key=f"action-added:{item.pk}",
            summary=f"Added an action to its action plan ({theme.title})",
            actor=actor,
        )
    return item


@transaction.atomic
def action_item_change(*, item: ActionItem, data: ActionItemData, actor: Actor) -> ActionItem:
    submission = _lock(item.submission)
    item = (
        ActionItem.objects.select_for_update().select_related("theme").get(pk=item.pk, submission=submission)
    )
    item.submission = submission
    policy.may_change_action(item).refuse(ActionPlanClosedError)
    data = _validate(data, was=item.target_date)
    before = {f: getattr(item, f) for f in ActionItemData.__dataclass_fields__}
    for name, value in data.__dict__.items():
        setattr(item, name, value)
    item.save(update_fields=[*ActionItemData.__dataclass_fields__, "updated_at"])
    editable = bool(policy.may_edit(submission))
    _touch(submission, editable)
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="action.changed",
        submission=submission,
        obj=item,
        detail={
            "theme": item.theme.title,
            "changed": sorted(k for k, v in before.items() if getattr(item, k) != v),
        },
    )
    if not editable:
        _tell_staff(
            submission=submission,
            event_key=f"action-changed:{item.pk}:{item.updated_at.isoformat()}",
            summary=f"Changed an action on its action plan ({item.theme.title})",
            actor=actor,
        )
    return item


@transaction.atomic
def action_item_remove(*, item: ActionItem, actor: Actor) -> None:
    submission = _lock(item.submission)
    item = (
        ActionItem.objects.select_for_update().select_related("theme").get(pk=item.pk, submission=submission)
    )
    item.submission = submission
    policy.may_remove_action(item).refuse(ActionPlanClosedError)
    detail = {"theme": item.theme.title, "action": item.action[:200]}
    pk = item.pk
    item.delete()
    editable = bool(policy.may_edit(submission))
    _touch(submission, editable)
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="action.removed",
        submission=submission,
        detail={**detail, "item": pk},
    )
    if not editable:
        _tell_staff(
            submission=submission,
            event_key=f"action-removed:{pk}",
            summary=f"Removed an action from its action plan ({detail['theme']})",
            actor=actor,
        )


@transaction.atomic
def action_update_record(*, item: ActionItem, progress: str, status: str, actor: Actor) -> ActionUpdate:
    """Record progress on an item of a submitted return and set its status."""
    submission = _lock(item.submission)
    item = (
        ActionItem.objects.select_for_update().select_related("theme").get(pk=item.pk, submission=submission)
    )
    policy.may_update_actions(submission).refuse(ActionPlanClosedError)
    progress = (progress or "").strip()
    if not progress:
        raise DomainError("Enter what has been done")
    if len(progress) > TEXT_MAX:
        raise DomainError("What has been done must be 5,000 characters or fewer")
    if status not in ActionStatus.values:
        raise DomainError("Select the status of the action")
    update = ActionUpdate.objects.create(
        partnership_id=submission.partnership_id,
        item=item,
        progress=progress,
        status_before=item.status,
        status=status,
        actor_name=actor.name,
        actor_email=actor.email,
    )
    if item.status != status:
        item.status = status
        item.save(update_fields=["status", "updated_at"])
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="action.progress_recorded",
        submission=submission,
        obj=item,
        detail={"theme": item.theme.title, "status": [update.status_before, status]},
    )
    _tell_staff(
        submission=submission,
        event_key=f"action-update:{update.pk}",
        summary=f"Recorded progress on an action ({item.theme.title}): {ActionStatus(status).label}",
        actor=actor,
    )
    return update


# --- requests for updates ---------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` later in the UK (the last day of
    a shorter month when the day does not exist)."""
    local = timezone.localtime(moment)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    naive = local.replace(tzinfo=None).replace(year=year, month=month, day=day)
    return timezone.make_aware(naive)


def action_update_number_due(*, submission: Submission, now=None) -> tuple[int, datetime | None]:
    """The latest request number due by `now` and when it fell due (0, None
    before the first)."""
    now = now or timezone.now()
    months = submission.cycle.action_update_months
    if not months or submission.submitted_at is None:
        return 0, None
    number, due = 0, None
    while True:
        candidate = add_months(submission.submitted_at, months * (number + 1))
        if candidate > now:
            return number, due
        number, due = number + 1, candidate


def _queue_with_link(*, submission, request, kind, template, key, name, email, context, now) -> bool:
    if OutboundEmail.objects.filter(dedupe_key=key).exists():
        return False
    link, _ = resume_link_create(submission=submission, name=name or email, email=email)
    expires = max(link.expires_at, now + timedelta(days=UPDATE_LINK_DAYS))
    if expires != link.expires_at:
        link.expires_at = expires
        link.save(update_fields=["expires_at"])
    outbound_email_queue(
        partnership=submission.partnership,
        kind=kind,
        to_email=email,
        to_name=name,
        template=template,
        context={**context, "link_expires": expires.isoformat()},
        dedupe_key=key,
        submission=submission,
        resume_link=link,
    )
    return True


def _email_context(submission: Submission, request: ActionUpdateRequest, now) -> dict:
    items = list(submission.action_items.values_list("status", "target_date"))
    today = timezone.localdate(now)
    return submission_email_context(
        submission,
        submitted_at=submission.submitted_at.isoformat(),
        number=request.number,
        open_items=sum(1 for status, _ in items if status != ActionStatus.DONE),
        overdue_items=sum(1 for status, d in items if status != ActionStatus.DONE and d < today),
        respond_by=(request.requested_at + timedelta(days=REMINDER_AFTER_DAYS)).isoformat(),
    )


@transaction.atomic
def action_update_request_send(*, submission: Submission, now=None) -> ActionUpdateRequest | None:
    """Ask the agency for an update if one is due and not yet asked for.
    Idempotent: a request number is asked for once, each email once."""
    now = now or timezone.now()
    submission = _lock(submission)
    number, due_at = action_update_number_due(submission=submission, now=now)
    if not number or submission.status != SubmissionStatus.SUBMITTED:
        return None
    request, created = ActionUpdateRequest.objects.get_or_create(
        submission=submission,
        number=number,
        defaults={"partnership_id": submission.partnership_id, "due_at": due_at, "requested_at": now},
    )
    if not created:
        return None
    context = _email_context(submission, request, now)
    recipients = submission_email_recipients(submission=submission)
    for name, email in recipients:
        _queue_with_link(
            submission=submission,
            request=request,
            kind=OutboundEmail.Kind.ACTION_UPDATE,
            template="action_update",
            key=f"action-update:{submission.pk}:{number}:{email}",
            name=name,
            email=email,
            context=context,
            now=now,
        )
    request.recipients = [r.email for r in recipients]
    request.save(update_fields=["recipients"])
    audit_event_record(
        partnership=submission.partnership,
        actor=SYSTEM,
        verb="action.update_requested",
        submission=submission,
        obj=request,
        detail={"number": number, "to": request.recipients},
    )
    return request


@transaction.atomic
def action_update_reminder_send(*, request: ActionUpdateRequest, now=None) -> bool:
    """Remind the agency of a request it has not answered after
    REMINDER_AFTER_DAYS. Once per request; not if an update came, nor if a
    later request has been made."""
    now = now or timezone.now()
    submission = _lock(request.submission)
    request = ActionUpdateRequest.objects.select_for_update().get(pk=request.pk)
    if request.reminded_at is not None or now < request.requested_at + timedelta(days=REMINDER_AFTER_DAYS):
        return False
    if submission.status != SubmissionStatus.SUBMITTED:
        return False
    if ActionUpdateRequest.objects.filter(submission=submission, number__gt=request.number).exists():
        return False
    if ActionUpdate.objects.filter(
        item__submission=submission, created_at__gte=request.requested_at
    ).exists():
        return False
    if not submission.action_items.exclude(status=ActionStatus.DONE).exists():
        return False
    context = {**_email_context(submission, request, now), "requested_at": request.requested_at.isoformat()}
    for name, email in submission_email_recipients(submission=submission):
        _queue_with_link(
            submission=submission,
            request=request,
            kind=OutboundEmail.Kind.ACTION_UPDATE_REMINDER,
            template="action_update_reminder",
            key=f"action-update-reminder:{submission.pk}:{request.number}:{email}",
            name=name,
            email=email,
            context=context,
            now=now,
        )
    request.reminded_at = now
    request.save(update_fields=["reminded_at"])
    audit_event_record(
        partnership=submission.partnership,
        actor=SYSTEM,
        verb="action.update_reminded",
        submission=submission,
        obj=request,
        detail={"number": request.number},
    )
    return True


def action_update_schedule_run(*, now=None) -> tuple[int, int]:
    """The periodic task: every partnership's due requests and reminders.
    Returns (requests made, reminders sent). Each return is its own
    transaction, so one failure does not hold up the rest."""
    now = now or timezone.now()
    requested = reminded = 0
    for partnership in Partnership.objects.order_by("pk"):
        for submission in submissions_due_for_action_updates(partnership=partnership):
            if action_update_request_send(submission=submission, now=now):
                requested += 1
        pending = ActionUpdateRequest.objects.filter(
            partnership=partnership,
            reminded_at__isnull=True,
            requested_at__lte=now - timedelta(days=REMINDER_AFTER_DAYS),
            submission__status=SubmissionStatus.SUBMITTED,
        ).select_related("submission")
        for request in pending:
            if action_update_reminder_send(request=request, now=now):
                reminded += 1
    return requested, reminded
