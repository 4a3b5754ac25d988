"""Setting up audit cycles (partnership admins, under setup/cycles/…), the
emails each agency was sent, and "send a reminder now" (reviewers)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.domain import DomainError
from core.models import OutboundEmail
from core.views import form_post, safe_next_url
from partnerships.middleware import partnership_reverse as _url
from partnerships.models import Sector
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...access import submission_access
from ...forms.cycles import CycleForm, ExtendForm, NextCycleForm
from ...models import AgencyScope, SubmissionStatus
from ...selectors import cycles as selectors
from ...selectors.question_sets import cycle_question_set_rule_list
from ...selectors.staff import cycle_list_with_counts
from ...services.cycles import (
    cycle_deadline_extend,
    cycle_setup_create,
    cycle_setup_update,
    cycle_start_from_previous,
    submission_deadline_extend,
)
from ...services.reminders import (
    REMINDER_NOW_INTERVAL,
    invitation_resend,
    reminder_schedule,
    reminder_send_now,
)


def _form_choices(request):
    p = request.partnership
    return {
        "question_sets": list(selectors.question_set_published_list(partnership=p)),
        "localities": list(selectors.locality_choice_list(partnership=p)),
        "agencies": list(selectors.agency_choice_list(partnership=p)),
    }


def _form_context(form, **extra):
    return {
        "form": form,
        "scope_choices": AgencyScope.choices,
        "sector_choices": Sector.choices,
        **extra,
    }


def _cycle_url(request, cycle) -> str:
    return _url(request, "staff_cycle_admin_detail", cycle_slug=cycle.slug)


@staff_required(Perm.MANAGE)
def cycle_list(request):
    cycles = cycle_list_with_counts(partnership=request.partnership)
    return render(request, "staff/cycles/list.html", {"cycles": cycles})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_create(request):
    form = CycleForm(request.POST or None, **_form_choices(request))
    if done := form_post(
        request,
        form,
        lambda data: cycle_setup_create(
            partnership=request.partnership,
            slug=data["slug"],
            settings=form.to_settings(),
            actor=request.staff_actor,
        ),
        done=lambda cycle: (f"{cycle.title} created", _cycle_url(request, cycle)),
    ):
        return done
    return render(request, "staff/cycles/form.html", _form_context(form, creating=True))


@staff_required(Perm.MANAGE)
def cycle_detail(request, cycle_slug):
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    participants = selectors.cycle_participant_rows(partnership=request.partnership, cycle=cycle)
    return render(
        request,
        "staff/cycles/detail.html",
        {
            "cycle": cycle,
            "participants": participants,
            "schedule": reminder_schedule(cycle=cycle, deadline=cycle.closes_at),
            "extensions": selectors.cycle_deadline_events(partnership=request.partnership, cycle=cycle),
            "has_opened": cycle.opens_at <= timezone.now(),
            "sector_labels": [Sector(s).label for s in cycle.scope_sectors if s in Sector.values],
        },
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_edit(request, cycle_slug):
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    locked = cycle.opens_at <= timezone.now()
    form = CycleForm(
        request.POST or None,
        initial=CycleForm.initial_for(cycle),
        locked=locked,
        creating=False,
        **_form_choices(request),
    )
    if done := form_post(
        request,
        form,
        lambda data: cycle_setup_update(
            cycle=cycle, settings=form.to_settings(cycle), actor=request.staff_actor
        ),
        done=lambda _: (f"{cycle.title} updated", _cycle_url(request, cycle)),
    ):
        return done
    return render(
        request, "staff/cycles/form.html", _form_context(form, creating=False, cycle=cycle, locked=locked)
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_extend(request, cycle_slug):
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    form = ExtendForm(request.POST or None, initial={"deadline": cycle.closes_at})
    if done := form_post(
        request,
        form,
        lambda data: cycle_deadline_extend(
            cycle=cycle, closes_at=data["deadline"], reason=data["reason"], actor=request.staff_actor
        ),
        done=lambda _: (
            "Deadline extended. Agencies that have not submitted will be emailed the new date, and "
            "reminders will follow it.",
            _cycle_url(request, cycle),
        ),
        error_field="deadline",
    ):
        return done
    return render(request, "staff/cycles/extend.html", {"form": form, "cycle": cycle, "submission": None})


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_extend_agency(request, cycle_slug, reference):
    """One agency's own deadline, reached from its row on the cycle's pages
    (set-up, progress, overdue, emails): back there afterwards (`next`)."""
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    submission = submission_access(partnership=request.partnership, cycle=cycle, reference=reference)
    back = safe_next_url(
        request,
        fallback=_url(request, "staff_cycle_emails_agency", cycle_slug=cycle.slug, reference=reference),
        within=f"/{request.partnership.slug}/staff/",
    )
    form = ExtendForm(request.POST or None, initial={"deadline": submission.deadline})
    if done := form_post(
        request,
        form,
        lambda data: submission_deadline_extend(
            submission=submission, until=data["deadline"], reason=data["reason"], actor=request.staff_actor
        ),
        done=lambda _: (
            f"Deadline extended for {submission.agency.name}. Its contacts will be emailed the new date.",
            back,
        ),
        error_field="deadline",
    ):
        return done
    return render(
        request,
        "staff/cycles/extend.html",
        {"form": form, "cycle": cycle, "submission": submission, "back": back},
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_next(request, cycle_slug):
    """Start the next cycle: its settings, then its question-set rules
    (last cycle's, on the newest version of each set, to keep, change or
    drop, and one more to add), all in place before its returns are made."""
    previous = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    choices = {
        "question_sets": list(selectors.question_set_published_list(partnership=request.partnership)),
        "agencies": list(selectors.agency_choice_list(partnership=request.partnership)),
    }
    newer = [q for q in choices["question_sets"] if q.name == previous.question_set.name]
    previous_rules = cycle_question_set_rule_list(partnership=request.partnership, cycle=previous)
    form = NextCycleForm(
        request.POST or None,
        question_sets=choices["question_sets"],
        previous_rules=previous_rules,
        agencies=choices["agencies"],
        initial={
            "question_set": str((newer[0] if newer else previous.question_set).pk),
            "reminder_days": ", ".join(str(d) for d in previous.reminder_days),
            "action_items_required": "yes" if previous.action_items_required else "no",
            "action_update_months": previous.action_update_months,
            "carry_answers": "yes",
        },
    )
    if done := form_post(
        request,
        form,
        lambda data: cycle_start_from_previous(
            previous=previous,
            slug=data["slug"],
            settings=form.to_settings(previous),
            actor=request.staff_actor,
            carry_answers=data["carry_answers"] == "yes",
            rules=form.to_rules(),
        ),
        done=lambda cycle: (f"{cycle.title} created from {previous.title}", _cycle_url(request, cycle)),
    ):
        return done
    return render(request, "staff/cycles/next.html", {"form": form, "previous": previous})


@staff_required(Perm.MANAGE)
@require_POST
def cycle_invitation_resend(request, cycle_slug, reference):
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    submission = submission_access(partnership=request.partnership, cycle=cycle, reference=reference)
    try:
        count = invitation_resend(submission=submission, actor=request.staff_actor)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Invitation sent again to {count} contact{'s' if count != 1 else ''} at "
            f"{submission.agency.name}",
        )
    return redirect(_url(request, "staff_cycle_emails_agency", cycle_slug=cycle.slug, reference=reference))


@staff_required(Perm.VIEW)
def cycle_emails(request, cycle_slug):
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    rows = list(selectors.cycle_email_rows(partnership=request.partnership, cycle=cycle))
    return render(
        request,
        "staff/cycles/emails.html",
        {"cycle": cycle, "rows": rows, "submitted": SubmissionStatus.SUBMITTED},
    )


@staff_required(Perm.VIEW)
def cycle_agency_emails(request, cycle_slug, reference):
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    submission = submission_access(partnership=request.partnership, cycle=cycle, reference=reference)
    return render(
        request,
        "staff/cycles/agency_emails.html",
        {
            "cycle": cycle,
            "submission": submission,
            "contacts": list(submission.agency.contacts.all()),
            "emails": selectors.submission_email_list(partnership=request.partnership, submission=submission),
            "statuses": OutboundEmail.Status,
        },
    )


def _names(submissions) -> str:
    return ", ".join(s.agency.name for s in submissions)


def _agencies(count: int) -> str:
    return f"{count} agenc{'ies' if count != 1 else 'y'}"


def reminder_now_message(result, now=None) -> tuple[bool, str]:
    """(anything sent, what the banner says): exactly what went and what
    did not, and why."""
    now = now or timezone.now()
    parts = []
    before = [s for s in result.sent if s not in result.overdue]
    if before:
        parts.append(f"Reminder sent to {_agencies(len(before))}: {_names(before)}.")
    if result.overdue:
        parts.append(
            f"Overdue reminder sent to {_agencies(len(result.overdue))} past their deadline: "
            f"{_names(result.overdue)}."
        )
    for submission, at in result.recent:
        minutes = max(int((now - at).total_seconds() // 60), 0)
        ago = f"{minutes} minute{'s' if minutes != 1 else ''} ago" if minutes else "less than a minute ago"
        parts.append(
            f"Nothing sent to {submission.agency.name}: a reminder went {ago}, and we send one at most every "
            f"{result.interval_minutes} minutes."
        )
    if result.submitted:
        parts.append(f"Nothing sent to {_names(result.submitted)}: submitted already.")
    if result.no_contacts:
        parts.append(f"Nothing sent to {_names(result.no_contacts)}: no contacts. Add one to the agency.")
    if not result.sent:
        parts.insert(0, "No reminder was sent.")
    return bool(result.sent), " ".join(parts)


@staff_required(Perm.VIEW)
def cycle_overdue(request, cycle_slug):
    """Returns not submitted by their deadline (their own extension
    included), to chase: a reminder now for one agency or for those ticked,
    and, for admins, an extension."""
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    rows = selectors.cycle_overdue_rows(partnership=request.partnership, cycle=cycle)
    return render(
        request,
        "staff/cycles/overdue.html",
        {
            "cycle": cycle,
            "rows": rows,
            "now": timezone.now(),
            "interval_minutes": REMINDER_NOW_INTERVAL.total_seconds() // 60,
        },
    )


@staff_required(Perm.REVIEW)
@require_POST
def cycle_remind(request, cycle_slug):
    """Send a reminder now to the chosen agencies (`agency` ids, or the one
    row's button, `only`), then go back to the page the form was on (`next`,
    a staff page of this partnership), with a notification banner that says
    what went and what did not."""
    cycle = selectors.cycle_admin_get(partnership=request.partnership, slug=cycle_slug)
    back = safe_next_url(
        request,
        fallback=_url(request, "staff_cycle_emails", cycle_slug=cycle.slug),
        within=f"/{request.partnership.slug}/staff/",
    )
    # A row's own button sends to that agency alone, whatever is ticked.
    chosen = request.POST.getlist("only")[:1] or request.POST.getlist("agency")
    # Ids only: "²" is a digit to str.isdigit() but not to int(), and a huge number overflows the column.
    raw_ids = [v for v in chosen if v.isascii() and v.isdigit() and len(v) <= 18]
    submissions = selectors.cycle_submissions_by_agency(
        partnership=request.partnership, cycle=cycle, agency_ids=raw_ids
    )
    if not submissions:
        messages.error(request, "Select at least one agency to remind", extra_tags="field:remind-agencies")
        return redirect(back)
    try:
        result = reminder_send_now(cycle=cycle, submissions=submissions, actor=request.staff_actor)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    sent, text = reminder_now_message(result)
    # Nothing sent is not a mistake on the form: an "Important" banner, not an error.
    (messages.success if sent else messages.info)(request, text)
    return redirect(back)
