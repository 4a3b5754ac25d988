"""Setting up audit cycles: who takes part, dates, reminders, deadline
extensions, and starting a cycle from the previous one with each agency's
last answers carried forward."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.audit import audit_event_record
from core.dates import UK
from core.domain import SYSTEM, Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from core.outbox import outbound_email_cancel
from partnerships.models import Agency, Locality, Partnership, Sector
from themes.models import QuestionSet

from ..models import (
    AgencyScope,
    AuditCycle,
    CycleQuestionSet,
    IncompletePolicy,
    ResumeLink,
    Submission,
    SubmissionStatus,
)
from ..models.question_sets import matching_rules
from ..selectors.scope import cycle_participants, scope_agencies
from .carry_forward import submission_carry_forward, submission_last_answered
from .core import submission_reference_new, submission_references_follow_cycle
from .deadline_notices import deadline_notices_write
from .links import link_expiry
from .question_sets import RuleChoice, cycle_question_set_rules_create, cycle_unstarted_returns_follow_rules

MAX_REMINDER_DAYS = 365


@dataclass
class CycleSettings:
    """What a partnership admin chooses for a cycle."""

    title: str
    question_set: QuestionSet
    opens_at: datetime
    closes_at: datetime
    incomplete_policy: str = IncompletePolicy.DEFAULT_RED
    link_grace_days: int = 14
    reminder_days: list[int] = field(default_factory=lambda: [14, 7, 2, 1])
    agency_scope: str = AgencyScope.ALL
    scope_sectors: list[str] = field(default_factory=list)
    scope_localities: list[Locality] = field(default_factory=list)
    chosen_agencies: list[Agency] = field(default_factory=list)
    expected_minutes: int = 90
    action_items_required: bool = False
    action_update_months: int = 6
    # A UK date; None for no target.
    evaluations_due_on: date | None = None


EVALUATIONS_DUE_ERROR = "The date evaluations are due by must be on or after the day the cycle closes"


def evaluation_earliest(closes_at: datetime) -> date:
    """The earliest date evaluations may be due: the UK day the cycle closes."""
    return timezone.localtime(closes_at, UK).date()


def _validate(partnership: Partnership, s: CycleSettings) -> None:
    if not s.title.strip():
        raise DomainError("Enter a title for the cycle")
    if s.question_set.partnership_id != partnership.pk:
        raise DomainError("That question set belongs to another partnership.")
    if s.question_set.status != QuestionSet.Status.PUBLISHED:
        raise DomainError("Publish the question set before a cycle uses it.")
    if s.closes_at <= s.opens_at:
        raise DomainError("The closing date must be after the opening date")
    if s.evaluations_due_on is not None and s.evaluations_due_on < evaluation_earliest(s.closes_at):
        error = DomainError(EVALUATIONS_DUE_ERROR)
        error.field = "evaluations_due_on"  # core.views.form_post puts it there
        raise error
    if s.incomplete_policy not in IncompletePolicy.values:
        raise DomainError("Choose what happens to incomplete themes")
    if not 0 <= s.link_grace_days <= 365:
        raise DomainError("The link grace period must be between 0 and 365 days")
    if any(not isinstance(d, int) or not 1 <= d <= MAX_REMINDER_DAYS for d in s.reminder_days):
        raise DomainError(f"Reminder days must be whole numbers from 1 to {MAX_REMINDER_DAYS}")
    if s.agency_scope not in AgencyScope.values:
        raise DomainError("Choose which agencies take part")
    if s.agency_scope == AgencyScope.SECTOR and not s.scope_sectors:
        raise DomainError("Choose at least one sector")
    if any(sector not in Sector.values for sector in s.scope_sectors):
        raise DomainError("Choose sectors from the list")
    if s.agency_scope == AgencyScope.LOCALITY and not s.scope_localities:
        raise DomainError("Choose at least one locality")
    if s.agency_scope == AgencyScope.CHOSEN and not s.chosen_agencies:
        raise DomainError("Choose at least one agency")
    for row in [*s.scope_localities, *s.chosen_agencies]:
        if row.partnership_id != partnership.pk:
            raise DomainError("Choose localities and agencies of this partnership.")
    agencies = scope_agencies(
        partnership_id=partnership.pk,
        scope=s.agency_scope,
        sectors=s.scope_sectors,
        locality_ids=[loc.pk for loc in s.scope_localities],
        agency_ids=[a.pk for a in s.chosen_agencies],
    )
    if not agencies.exists():
        raise DomainError("No active agency matches that choice. Choose others")


def _apply(cycle: AuditCycle, s: CycleSettings) -> None:
    cycle.title = s.title.strip()
    cycle.question_set = s.question_set
    cycle.opens_at = s.opens_at
    cycle.closes_at = s.closes_at
    cycle.incomplete_policy = s.incomplete_policy
    cycle.link_grace_days = s.link_grace_days
    cycle.reminder_days = sorted(set(s.reminder_days), reverse=True)
    cycle.agency_scope = s.agency_scope
    cycle.scope_sectors = list(s.scope_sectors) if s.agency_scope == AgencyScope.SECTOR else []
    cycle.expected_minutes = s.expected_minutes
    cycle.action_items_required = s.action_items_required
    cycle.action_update_months = s.action_update_months
    cycle.evaluations_due_on = s.evaluations_due_on


def _apply_m2m(cycle: AuditCycle, s: CycleSettings) -> None:
    cycle.scope_localities.set(s.scope_localities if s.agency_scope == AgencyScope.LOCALITY else [])
    cycle.chosen_agencies.set(s.chosen_agencies if s.agency_scope == AgencyScope.CHOSEN else [])


def _settings_detail(cycle: AuditCycle) -> dict:
    return {
        "title": cycle.title,
        "question_set": str(cycle.question_set),
        "opens_at": cycle.opens_at.isoformat(),
        "closes_at": cycle.closes_at.isoformat(),
        "incomplete_policy": cycle.incomplete_policy,
        "link_grace_days": cycle.link_grace_days,
        "reminder_days": cycle.reminder_days,
        "agency_scope": cycle.agency_scope,
        "scope_sectors": cycle.scope_sectors,
        "action_items_required": cycle.action_items_required,
        "action_update_months": cycle.action_update_months,
        "evaluations_due_on": cycle.evaluations_due_on.isoformat() if cycle.evaluations_due_on else None,
    }


@transaction.atomic
def cycle_setup_create(
    *,
    partnership: Partnership,
    slug: str,
    settings: CycleSettings,
    actor: Actor,
    previous=None,
    rules: list[RuleChoice] = (),
) -> AuditCycle:
    """A new cycle, with its question-set rules for groups of agencies. Its
    returns are made when it opens (or now, if it is open already: after
    the rules, so each return is on its group's set); invitations go out on
    the next reminders run after it opens."""
    _validate(partnership, settings)
    if AuditCycle.objects.filter(partnership=partnership, slug=slug).exists():
        raise DomainError("Another cycle already uses that web address. Choose another")
    cycle = AuditCycle(partnership=partnership, slug=slug, previous_cycle=previous)
    _apply(cycle, settings)
    cycle.save()
    _apply_m2m(cycle, settings)
    cycle_question_set_rules_create(cycle=cycle, rules=list(rules), actor=actor)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="cycle.created",
        obj=cycle,
        detail={**_settings_detail(cycle), "previous_cycle": previous.slug if previous else None},
    )
    if cycle.opens_at <= timezone.now():
        cycle_submissions_ensure(cycle=cycle)
    return cycle


@transaction.atomic
def cycle_setup_update(*, cycle: AuditCycle, settings: CycleSettings, actor: Actor) -> AuditCycle:
    """Change a cycle's settings. Once it has opened, its question set and
    opening time are fixed, and its closing time moves only by an extension
    (with a reason on the record)."""
    cycle = AuditCycle.objects.select_for_update().get(pk=cycle.pk)
    _validate(cycle.partnership, settings)
    opened = cycle.opens_at <= timezone.now()
    if opened:
        if settings.question_set.pk != cycle.question_set_id:
            raise DomainError("The cycle has opened, so its question set cannot change")
        if settings.opens_at != cycle.opens_at:
            raise DomainError("The cycle has opened, so its opening date cannot change")
        if settings.closes_at != cycle.closes_at:
            raise DomainError("The cycle has opened: extend the deadline to change its closing date")
    default_changed = settings.question_set.pk != cycle.question_set_id
    before = _settings_detail(cycle)
    _apply(cycle, settings)
    cycle.save()
    _apply_m2m(cycle, settings)
    after = _settings_detail(cycle)
    detail = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if default_changed:
        # Returns nobody has started on the old default move to the new one
        # (carried answers carried again); those a group rule gave another set keep it.
        cycle_unstarted_returns_follow_rules(cycle=cycle, actor=actor)
    # Returns made ahead of the opening (carried forward) carry the year it now opens in.
    if not opened and (renamed := submission_references_follow_cycle(cycle=cycle)):
        detail["references_renamed"] = renamed
    audit_event_record(
        partnership=cycle.partnership, actor=actor, verb="cycle.updated", obj=cycle, detail=detail
    )
    if opened:
        cycle_submissions_ensure(cycle=cycle)
    return cycle


def cycle_submissions_ensure(*, cycle: AuditCycle, actor: Actor | None = None) -> int:
    """Give every agency taking part a return in the cycle (in bulk: a
    partnership may have thousands). Returns how many were made."""
    actor = actor or SYSTEM
    with transaction.atomic():
        have = set(Submission.objects.filter(cycle=cycle).values_list("agency_id", flat=True))
        missing = [
            a
            for a in cycle_participants(cycle=cycle).only("pk", "sector", "is_statutory")
            if a.pk not in have
        ]
        if not missing:
            return 0
        # Each return on the set its agency answers: the cycle's own, or the
        # one a rule gives its group (as when an agency starts one itself).
        rules = list(CycleQuestionSet.objects.filter(cycle=cycle))

        def set_for(agency):
            matching = matching_rules(rules, agency)
            return matching[0].question_set_id if matching else cycle.question_set_id

        rows = [
            Submission(
                partnership_id=cycle.partnership_id,
                cycle=cycle,
                agency_id=agency.pk,
                question_set_id=set_for(agency),
                reference=submission_reference_new(cycle=cycle),
            )
            for agency in missing
        ]
        # Another process may make some of them at the same moment: the
        # (cycle, agency) constraint keeps one, and only ours get an event.
        Submission.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        made = list(
            Submission.objects.filter(cycle=cycle, reference__in=[r.reference for r in rows]).values_list(
                "pk", flat=True
            )
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    partnership_id=cycle.partnership_id,
                    submission_id=pk,
                    actor=actor.user,
                    actor_name=actor.name,
                    actor_email=actor.email,
                    verb="submission.created",
                    object_type="audits.submission",
                    object_id=str(pk),
                )
                for pk in made
            ],
            batch_size=500,
        )
        return len(made)


DEADLINE_EMAIL_KINDS = (OutboundEmail.Kind.REMINDER, OutboundEmail.Kind.OVERDUE)


def _after_deadline_moved(submissions: QuerySet[Submission], reason: str) -> None:
    """Cancel the unsent reminders keyed on the old deadline (the next
    reminders run writes them for the new one) and keep resume links
    working until the new deadline plus the grace period."""
    outbound_email_cancel(submissions=submissions.values("pk"), kinds=DEADLINE_EMAIL_KINDS, reason=reason)
    for submission in submissions.select_related("cycle"):
        ResumeLink.objects.filter(submission=submission, revoked_at__isnull=True).update(
            expires_at=link_expiry(submission)
        )


@transaction.atomic
def cycle_deadline_extend(*, cycle: AuditCycle, closes_at: datetime, reason: str, actor: Actor) -> AuditCycle:
    """Move the whole cycle's deadline later, with a reason on the record."""
    cycle = AuditCycle.objects.select_for_update().get(pk=cycle.pk)
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter the reason for the extension")
    if closes_at <= cycle.closes_at:
        raise DomainError("The new closing date must be later than the current one")
    if closes_at <= timezone.now():
        raise DomainError("The new closing date must be in the future")
    before = cycle.closes_at
    # Agencies whose own extension still runs past the new date keep it.
    affected = Submission.objects.filter(cycle=cycle).filter(
        Q(extended_until__isnull=True) | Q(extended_until__lt=closes_at)
    )
    affected_ids = list(affected.values_list("pk", flat=True))
    cycle.closes_at = closes_at
    cycle.save(update_fields=["closes_at"])
    _after_deadline_moved(
        Submission.objects.filter(pk__in=affected_ids),
        f"The deadline moved from {before.isoformat()} to {closes_at.isoformat()}.",
    )
    # Every agency taking part with a return still to send whose deadline moved is told.
    to_tell = Submission.objects.filter(
        pk__in=affected_ids, agency__in=cycle_participants(cycle=cycle).values("pk")
    ).exclude(status=SubmissionStatus.SUBMITTED)
    notified = deadline_notices_write(submission_ids=list(to_tell.values_list("pk", flat=True)))
    audit_event_record(
        partnership=cycle.partnership,
        actor=actor,
        verb="cycle.deadline_extended",
        obj=cycle,
        detail={
            "from": before.isoformat(),
            "to": closes_at.isoformat(),
            "reason": reason,
            "emails_written": notified,
        },
    )
    return cycle


@transaction.atomic
def submission_deadline_extend(
    *, submission: Submission, until: datetime, reason: str, actor: Actor
) -> Submission:
    """Give one agency a later deadline than the cycle's, with a reason on
    the record."""
    submission = Submission.objects.select_for_update().select_related("cycle").get(pk=submission.pk)
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter the reason for the extension")
    if submission.status == SubmissionStatus.SUBMITTED:
        raise DomainError("This return has been submitted, so it needs no extension")
    if until <= submission.cycle.closes_at:
        raise DomainError("The new deadline must be after the cycle closes")
    if until <= timezone.now():
        raise DomainError("The new deadline must be in the future")
    before = submission.deadline
    if until == before:
        raise DomainError("That is the agency's deadline already. Enter a different date")
    submission.extended_until = until
    submission.save(update_fields=["extended_until", "updated_at"])
    _after_deadline_moved(
        Submission.objects.filter(pk=submission.pk),
        f"The deadline moved from {before.isoformat()} to {until.isoformat()}.",
    )
    notified = deadline_notices_write(submission_ids=[submission.pk])
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="submission.deadline_extended",
        submission=submission,
        obj=submission,
        detail={
            "from": before.isoformat(),
            "to": until.isoformat(),
            "reason": reason,
            "emails_written": notified,
        },
    )
    return submission


def previous_rules_forward(*, previous: AuditCycle) -> list[RuleChoice]:
    """`previous`'s question-set rules as a new cycle would start with them:
    each on the newest published version of its set (by name)."""
    newest = {}
    for question_set in QuestionSet.objects.filter(
        partnership_id=previous.partnership_id, status=QuestionSet.Status.PUBLISHED
    ).order_by("name", "-version"):
        newest.setdefault(question_set.name, question_set)
    # A rule for an agency no longer active, or for a set with no published
    # version left, is not carried.
    return [
        RuleChoice(
            question_set=newest[rule.question_set.name],
            agency=rule.agency,
            sector=rule.sector,
            statutory_group=rule.statutory_group,
        )
        for rule in CycleQuestionSet.objects.filter(cycle=previous).select_related("question_set", "agency")
        if rule.question_set.name in newest and not (rule.agency_id and not rule.agency.is_active)
    ]


@transaction.atomic
def cycle_start_from_previous(
    *,
    previous: AuditCycle,
    slug: str,
    settings: CycleSettings,
    actor: Actor,
    carry_answers: bool = True,
    rules: list[RuleChoice] | None = None,
) -> AuditCycle:
    """A new cycle for the same agencies as `previous`, with each agency's
    last answers carried forward as a starting point (unless told not to).
    Its question-set rules are `rules` (as the admin edited them on the
    form), or else `previous`'s, each on the newest published version of its
    set; they are in place before any return is made, so each return starts
    on its group's set. Previous returns are left exactly as they were."""
    if settings.opens_at <= previous.opens_at:
        raise DomainError("The new cycle must open after the previous one opened")
    # The same agencies: the previous cycle's scope, or, if it has chosen
    # agencies, the same list.
    settings.agency_scope = previous.agency_scope
    settings.scope_sectors = list(previous.scope_sectors)
    settings.scope_localities = list(previous.scope_localities.all())
    settings.chosen_agencies = list(previous.chosen_agencies.all())
    if rules is None:
        rules = previous_rules_forward(previous=previous)
    cycle = cycle_setup_create(
        partnership=previous.partnership,
        slug=slug,
        settings=settings,
        actor=actor,
        previous=previous,
        rules=rules,
    )
    # Returns are made now, not at opening, so they can hold last cycle's answers.
    cycle_submissions_ensure(cycle=cycle, actor=actor)
    carried = 0
    if carry_answers:
        for submission in Submission.objects.filter(cycle=cycle).select_related("partnership"):
            source = submission_last_answered(submission.agency_id, cycle)
            if source is not None:
                submission_carry_forward(submission=submission, source=source, actor=actor)
                carried += 1
    audit_event_record(
        partnership=cycle.partnership,
        actor=actor,
        verb="cycle.started_from_previous",
        obj=cycle,
        detail={"previous": previous.slug, "returns_carried_forward": carried},
    )
    return cycle


__all__ = [
    "EVALUATIONS_DUE_ERROR",
    "CycleSettings",
    "RuleChoice",
    "cycle_deadline_extend",
    "cycle_setup_create",
    "cycle_setup_update",
    "cycle_start_from_previous",
    "cycle_submissions_ensure",
    "evaluation_earliest",
    "previous_rules_forward",
    "submission_carry_forward",
    "submission_deadline_extend",
]
