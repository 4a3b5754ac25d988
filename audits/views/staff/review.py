"""Reviewing one return: reading it, moderating its themes, the outcome and
its confirmation, returning it for changes, its links, evidence and history;
and the assurance and scrutiny meetings of a cycle.

Anyone on the partnership's staff may read (Perm.VIEW); changing anything
needs Perm.REVIEW. Every page names the return by its reference and fetches
it through the partnership, so another partnership's reference is a 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.domain import DomainError
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required
from themes.selectors import question_set_structure

from ... import policy
from ...access import cycle_access, submission_access
from ...forms.evaluation import EvidenceRequestForm
from ...forms.review import (
    ACTION_ROWS,
    ActionFormSet,
    ConfirmForm,
    MeetingForm,
    ModerationForm,
    OutcomeForm,
    ReturnForm,
)
from ...models import AnswerValue, MeetingAction, Rag, ReviewOutcome, SubmissionStatus
from ...models.review import OUTCOME_HINTS
from ...selectors import meetings as meeting_selectors
from ...selectors import review as review_selectors
from ...selectors.actions import action_item_list, action_plans_for_submissions
from ...selectors.benchmark import agency_benchmark
from ...selectors.evaluation import evidence_request_list, review_challenges
from ...selectors.queue import review_theme_position
from ...services.downloads import download_record, evidence_download_detail
from ...services.emails import submission_email_recipients
from ...services.evidence_requests import evaluation_confirm_with_request
from ...services.links import resume_link_revoke
from ...services.review import (
    StaleReviewError,
    meeting_save,
    moderations_state,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from ..evidence import evidence_file_response


def _review_url(request, submission, anchor=""):
    return _url(request, "staff_return_review", reference=submission.reference) + anchor


def _submission(request, reference):
    return submission_access(
        partnership=request.partnership, reference=reference, annotate=review_selectors.REVIEW_PAGE_FLAGS
    )


def _refused(request, submission, why_not):
    """A POST the return's state no longer allows (someone else confirmed
    or returned it meanwhile): back to the review page, saying why."""
    messages.error(request, why_not)
    return redirect(_review_url(request, submission))


def _review_state(submission) -> dict:
    """What the reviewer may do with the return now, and why not: the rules
    of audits/policy.py, which the review services apply too."""
    review = submission.review_or_none
    reviewable = policy.may_review(submission, review)
    returnable = policy.may_return(submission)
    return {
        "review": review,
        "confirmed": bool(review and review.is_confirmed),
        "reviewable": bool(reviewable),
        "returnable": bool(returnable),
        "why_not": reviewable.why_not,
        "why_not_return": returnable.why_not,
    }


# --- the review page ----------------------------------------------------------


@staff_required(Perm.VIEW)
def review(request, reference):
    submission = _submission(request, reference)
    partnership = submission.partnership
    sections = review_selectors.review_sections(partnership=partnership, submission=submission)
    current_return = None
    returns = []
    if submission.has_returns_for_changes:
        returns = review_selectors.return_for_changes_list(partnership=partnership, submission=submission)
    if submission.status == SubmissionStatus.RETURNED and returns:
        current_return = returns[0]
    action_items = action_item_list(submission=submission) if submission.has_action_items else []
    benchmark = None
    if submission.status == SubmissionStatus.SUBMITTED:
        # The page's own ratings, so the comparison costs no query while the
        # cycle's distribution is in the cache.
        own = {
            s.theme.key: (s.response.rag if s.response else "", s.moderation.rag if s.moderation else "")
            for s in sections
        }
        benchmark = agency_benchmark(
            partnership=partnership,
            cycle=submission.cycle,
            agency=submission.agency,
            own=own,
            question_set_id=submission.question_set_id,
        )
    challenges = review_challenges(partnership=partnership, submission=submission)
    evidence_requests = evidence_request_list(partnership=partnership, submission=submission)
    return render(
        request,
        "staff/review/review.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "sections": sections,
            "moderated": sum(1 for s in sections if s.moderation),
            # Where "Moderate theme by theme" starts: the first theme not moderated yet.
            "first_to_moderate": next(
                (s.theme for s in sections if not s.moderation), sections[0].theme if sections else None
            ),
            "action_items": action_items,
            "benchmark": benchmark,
            "actions_overdue": sum(1 for item in action_items if item.overdue),
            "links": review_selectors.resume_link_list(partnership=partnership, submission=submission),
            "returns": returns,
            "current_return": current_return,
            "meetings": review_selectors.meeting_list_for_submission(
                partnership=partnership, submission=submission
            )
            if submission.in_meetings
            else [],
            "answer_labels": dict(AnswerValue.choices),
            "now": timezone.now(),
            "today": timezone.localdate(),
            "challenges": challenges,
            "evidence_requests": evidence_requests,
            "may_request_evidence": bool(policy.may_request_evidence(submission)),
            "challenges_open": [c for c in challenges if c.status == "open"],
            **_review_state(submission),
        },
    )


# --- moderation ---------------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def moderate(request, reference, theme_key):
    submission = _submission(request, reference)
    section = review_selectors.review_theme_get(
        partnership=submission.partnership, submission=submission, key=theme_key
    )
    state = _review_state(submission)
    position = review_theme_position(
        partnership=submission.partnership, submission=submission, theme=section.theme
    )
    moderation = section.moderation
    initial = {"rag": moderation.rag, "comment": moderation.comment} if moderation else {}
    initial["version"] = moderation.version if moderation else 0
    form = ModerationForm(request.POST or None, initial=initial)
    if request.method == "POST" and not state["reviewable"]:
        return _refused(request, submission, state["why_not"])
    theme = section.theme

    def page(form, conflict=None):
        return render(
            request,
            "staff/review/moderate.html",
            {
                "submission": submission,
                "cycle": submission.cycle,
                "agency": submission.agency,
                "section": section,
                "theme": theme,
                "form": form,
                # Green first, as on the agency's own theme page.
                "rag_options": [
                    (value, label, theme.descriptor(value)) for value, label in reversed(Rag.choices)
                ],
                "answer_labels": dict(AnswerValue.choices),
                "conflict": conflict,
                "position": position,
                **state,
            },
        )

    if done := form_post(
        request,
        form,
        lambda data: theme_moderation_save(
            submission=submission,
            theme=theme,
            rag=data["rag"],
            comment=data["comment"],
            actor=request.staff_actor,
            expected_version=data["version"],
        ),
        done=lambda _: (
            f"{theme.title} moderated as {Rag(form.cleaned_data['rag']).label}",
            _after_theme(request, submission, position)
            if request.POST.get("then") == "next"
            else _review_url(request, submission, f"#theme-{theme.key}"),
        ),
        refused=lambda exc: _stale_page(page, exc, ModerationForm, request.POST, form, MODERATION_FIELDS),
    ):
        return done
    return page(form)


MODERATION_FIELDS = [("rag", "Moderated RAG rating", dict(Rag.choices)), ("comment", "Reviewer comment", {})]
OUTCOME_FIELDS = [
    ("outcome", "Outcome", dict(ReviewOutcome.choices)),
    ("message", "Message to the agency", {}),
]


def _stale_page(page, exc, form_class, data, form, fields):
    """Saved by someone else since this reviewer opened the page: the page
    again, with what they saved beside what this reviewer typed, and the form
    carrying the version now shown. Any other refusal goes on the form."""
    if not isinstance(exc, StaleReviewError):
        return None
    return page(_form_at_version(form_class, data, exc.current), _stale_conflict(exc, form, fields))


def _after_theme(request, submission, position) -> str:
    """ "Save and next theme": the next theme's moderation, or after the last
    one the outcome (which leads on to confirming)."""
    if position.next is not None:
        return _url(
            request, "staff_return_moderate", reference=submission.reference, theme_key=position.next.key
        )
    return _url(request, "staff_return_outcome", reference=submission.reference)


def _stale_conflict(exc, form, fields) -> dict:
    """What another reviewer saved, beside what this one typed, for the
    "saved after you opened it" banner (the same as the agency's theme page)."""
    current = exc.current
    rows = []
    for name, label, labels in fields:
        theirs = (getattr(current, name, "") or "") if current is not None else ""
        yours = form.cleaned_data.get(name) or ""
        if theirs.strip() != yours.strip():
            rows.append((label, labels.get(theirs, theirs) or "None", labels.get(yours, yours) or "None"))
    return {
        "who": getattr(current, "updated_by_name", "") or "Someone else",
        "what": exc.what,
        "when": getattr(current, "updated_at", None),
        "rows": rows,
        "column": "What",
    }


def _form_at_version(form_class, data, current):
    """The form as the reviewer typed it, now carrying the version they have
    been shown, so saving again keeps theirs."""
    data = data.copy()
    data["version"] = str(current.version if current is not None else 0)
    form = form_class(data)
    form.is_valid()
    return form


# --- the evaluation -----------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def outcome(request, reference):
    submission = _submission(request, reference)
    state = _review_state(submission)
    review = state["review"]
    initial = {"outcome": review.outcome, "message": review.message} if review else {}
    initial["version"] = review.version if review else 0
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and not state["reviewable"]:
        return _refused(request, submission, state["why_not"])

    def page(form, conflict=None):
        return render(
            request,
            "staff/review/outcome.html",
            {
                "submission": submission,
                "cycle": submission.cycle,
                "agency": submission.agency,
                "form": form,
                "outcome_options": [
                    (value, label, OUTCOME_HINTS[value]) for value, label in ReviewOutcome.choices
                ],
                "conflict": conflict,
                **state,
            },
        )

    if done := form_post(
        request,
        form,
        lambda data: review_outcome_save(
            submission=submission,
            outcome=data["outcome"],
            message=data["message"],
            actor=request.staff_actor,
            expected_version=data["version"],
        ),
        done=lambda _: ("", _url(request, "staff_return_confirm", reference=submission.reference)),
        refused=lambda exc: _stale_page(page, exc, OutcomeForm, request.POST, form, OUTCOME_FIELDS),
    ):
        return done
    return page(form)


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def confirm(request, reference):
    submission = _submission(request, reference)
    state = _review_state(submission)
    review = state["review"]
    if request.method == "POST" and not state["reviewable"]:
        return _refused(request, submission, state["why_not"])
    if state["reviewable"] and not (review and review.outcome):
        messages.info(request, "Choose an outcome and write a message to the agency first")
        return redirect(_url(request, "staff_return_outcome", reference=submission.reference))
    # With an outcome of Further evidence requested, the page can ask for
    # the evidence too (optional): confirmed and requested in one step.
    # Bound on every POST: a confirmation with nothing asked for posts no
    # fields of it at all.
    request_form = None
    if state["reviewable"] and review and review.outcome == ReviewOutcome.FURTHER_EVIDENCE:
        # Bound on every POST: a confirmation with nothing asked for posts
        # no fields at all.
        request_form = EvidenceRequestForm(
            request.POST if request.method == "POST" else None,
            submission=submission,
            themes=_themes(submission),
            optional=True,
        )
    sections = review_selectors.review_sections(partnership=submission.partnership, submission=submission)
    unmoderated = [s.theme for s in sections if s.moderation is None]
    shown = {
        "version": review.version if review else 0,
        "moderations": moderations_state(s.moderation for s in sections if s.moderation),
    }
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, unmoderated=len(unmoderated), initial=shown
    )
    stale = None
    request_ok = request_form is None or request.method != "POST" or request_form.is_valid()
    if request.method == "POST" and form.is_valid() and request_ok:
        try:
            evaluation_confirm_with_request(
                submission=submission,
                actor=request.staff_actor,
                request=request_form.request_data() if request_form is not None else None,
                expected_version=form.cleaned_data["version"],
                expected_moderations=form.cleaned_data["moderations"],
            )
        except StaleReviewError as exc:
            # The page again, as it stands now, carrying the versions now shown.
            stale = f"{exc} Check the evaluation below again before you confirm it."
            ticked = request.POST.get("without_moderation", "")
            form = ConfirmForm({**shown, "without_moderation": ticked}, unmoderated=len(unmoderated))
            form.is_valid()
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(_url(request, "staff_return_confirm", reference=submission.reference))
        else:
            messages.success(request, f"Evaluation confirmed and emailed to {submission.agency.name}")
            return redirect(_review_url(request, submission))
    if stale:
        form.add_error(None, stale)
    return render(
        request,
        "staff/review/confirm.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "sections": sections,
            "unmoderated": unmoderated,
            "form": form,
            "forms": [request_form] if request_form is not None else [],
            "recipients": submission_email_recipients(submission=submission),
            "request_form": request_form,
            **state,
        },
    )


def _themes(submission):
    return question_set_structure(
        partnership=submission.partnership_id, question_set_id=submission.question_set_id
    ).themes


# --- return for changes -------------------------------------------------------


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def send_back(request, reference):
    submission = _submission(request, reference)
    state = _review_state(submission)
    form = ReturnForm(request.POST or None, submission=submission)
    if request.method == "POST" and not state["returnable"]:
        return _refused(request, submission, state["why_not_return"])
    if done := form_post(
        request,
        form,
        lambda data: submission_return(
            submission=submission,
            reason=data["reason"],
            resubmit_by=data["resubmit_by"],
            actor=request.staff_actor,
        ),
        done=lambda _: (
            f"Return sent back to {submission.agency.name} for changes",
            _review_url(request, submission),
        ),
    ):
        return done
    return render(
        request,
        "staff/review/return.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "form": form,
            "recipients": submission_email_recipients(submission=submission),
            **state,
        },
    )


# --- links, evidence, history -------------------------------------------------


@staff_required(Perm.REVIEW)
@require_POST
def link_revoke(request, reference, link_id):
    submission = submission_access(partnership=request.partnership, reference=reference)
    link = review_selectors.resume_link_get(
        partnership=submission.partnership, submission=submission, pk=link_id
    )
    resume_link_revoke(link=link, actor=request.staff_actor)
    messages.success(request, f"The link of {link.name or link.email} ({link.email}) no longer works")
    return redirect(_review_url(request, submission, "#links"))


@staff_required(Perm.VIEW)
def evidence_download(request, reference, token):
    submission = submission_access(partnership=request.partnership, reference=reference)
    item = review_selectors.review_evidence_get(
        partnership=submission.partnership, submission=submission, token=token
    )
    download_record(
        partnership=submission.partnership,
        actor=request.staff_actor,
        what="evidence",
        submission=submission,
        obj=item,
        detail=evidence_download_detail(item),
    )
    return evidence_file_response(item)


@staff_required(Perm.VIEW)
def history(request, reference):
    submission = _submission(request, reference)
    return render(
        request,
        "staff/review/history.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "entries": review_selectors.submission_history(
                partnership=submission.partnership, submission=submission
            ),
        },
    )


# --- meetings -----------------------------------------------------------------


def _cycle(request, cycle_slug):
    return cycle_access(partnership=request.partnership, slug=cycle_slug)


@staff_required(Perm.VIEW)
def meeting_list(request, cycle_slug):
    cycle = _cycle(request, cycle_slug)
    return render(
        request,
        "staff/review/meeting_list.html",
        {
            "cycle": cycle,
            "meetings": review_selectors.meeting_list(partnership=cycle.partnership, cycle=cycle),
            "escalations": meeting_selectors.cycle_escalations(partnership=cycle.partnership, cycle=cycle),
        },
    )


@staff_required(Perm.VIEW)
def meeting_detail(request, cycle_slug, meeting_id):
    cycle = _cycle(request, cycle_slug)
    meeting = review_selectors.meeting_get(partnership=cycle.partnership, cycle=cycle, pk=meeting_id)
    plans = action_plans_for_submissions(
        partnership=cycle.partnership, submissions=list(meeting.submissions.all())
    )
    panel = meeting_selectors.meeting_panel(partnership=cycle.partnership, meeting=meeting)
    return render(
        request,
        "staff/review/meeting_detail.html",
        {
            "cycle": cycle,
            "meeting": meeting,
            "plans": plans,
            "panel": [(member, member.access_until(meeting)) for member in panel],
            "to_invite": [
                m for m in panel if m.revoked_at is None and m.invited_sequence != meeting.sequence
            ],
            "escalations": meeting_selectors.meeting_escalations(
                partnership=cycle.partnership, meeting=meeting
            ),
            "action_statuses": MeetingAction.Status.choices,
            "now": timezone.now(),
        },
    )


def _posted_initial(data) -> tuple[dict, list[dict]]:
    """What was typed, as initial values: "Add another action" shows the page
    again with one more row and no error messages."""
    meeting = {
        "kind": data.get("kind", ""),
        "held_on": [data.get(f"held_on_{i}", "") for i in range(3)],
        "submissions": data.getlist("submissions"),
        "panel_members": data.get("panel_members", ""),
        "notes": data.get("notes", ""),
    }
    try:
        rows = min(int(data.get("actions-TOTAL_FORMS", 0)), ActionFormSet.max_num)
    except ValueError:
        rows = 0
    actions = [
        {
            "action": data.get(f"actions-{i}-action", ""),
            "owner": data.get(f"actions-{i}-owner", ""),
            "due_on": [data.get(f"actions-{i}-due_on_{p}", "") for p in range(3)],
        }
        for i in range(rows)
    ]
    if len(actions) < ActionFormSet.max_num:
        actions.append({})
    return meeting, actions


def _meeting_form(request, cycle, meeting=None):
    partnership = cycle.partnership
    choices = review_selectors.meeting_submission_choices(partnership=partnership, cycle=cycle)
    if meeting is not None:
        # A return discussed before may since have been returned and be
        # in progress again: keep it selectable.
        chosen = [s for s in meeting.submissions.all() if s not in choices]
        choices = sorted(choices + chosen, key=lambda s: s.agency.name)
    if request.method == "POST" and "add_action" in request.POST:
        initial, rows = _posted_initial(request.POST)
        return (
            MeetingForm(initial=initial, submissions=choices),
            ActionFormSet(initial=rows, prefix="actions"),
        )
    if request.method == "POST":
        return (
            MeetingForm(request.POST, submissions=choices),
            ActionFormSet(request.POST, prefix="actions"),
        )
    if meeting is not None:
        initial = {
            "kind": meeting.kind,
            "held_on": meeting.held_on,
            "submissions": [str(s.pk) for s in meeting.submissions.all()],
            "panel_members": meeting.panel_members,
            "notes": meeting.notes,
        }
        rows = [{"action": a.action, "owner": a.owner, "due_on": a.due_on} for a in meeting.actions.all()]
        rows.append({})
    else:
        wanted = request.GET.get("return", "")
        initial = {"submissions": [str(s.pk) for s in choices if s.reference == wanted]}
        rows = [{}] * ACTION_ROWS
    return (
        MeetingForm(initial=initial, submissions=choices),
        ActionFormSet(initial=rows, prefix="actions"),
    )


def _meeting_edit(request, cycle, meeting=None):
    # An "add another action" POST makes unbound forms: shown again, not saved.
    form, actions = _meeting_form(request, cycle, meeting)
    if done := form_post(
        request,
        form,
        lambda data: meeting_save(
            partnership=cycle.partnership,
            cycle=cycle,
            meeting=meeting,
            kind=data["kind"],
            held_on=data["held_on"],
            panel_members=data["panel_members"],
            notes=data["notes"],
            submissions=data["submissions"],
            actions=[a for a in (f.agreed_action() for f in actions.forms) if a is not None],
            actor=request.staff_actor,
        ),
        done=lambda saved: (
            f"{saved.get_kind_display()} saved",
            _url(request, "staff_cycle_meeting", cycle_slug=cycle.slug, meeting_id=saved.pk),
        ),
        formsets=[actions],
    ):
        return done
    return render(
        request,
        "staff/review/meeting_form.html",
        {
            "cycle": cycle,
            "meeting": meeting,
            "form": form,
            "actions": actions,
            "forms": actions,
            "kind_options": form.fields["kind"].choices,
        },
    )


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def meeting_create(request, cycle_slug):
    return _meeting_edit(request, _cycle(request, cycle_slug))


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def meeting_edit(request, cycle_slug, meeting_id):
    cycle = _cycle(request, cycle_slug)
    meeting = review_selectors.meeting_get(partnership=cycle.partnership, cycle=cycle, pk=meeting_id)
    return _meeting_edit(request, cycle, meeting)
