"""The agency's action plan: items per theme while the return is editable,
progress updates (and new items) after it is submitted, and the plan as PDF
or spreadsheet. Every view needs the agency session (agency_required), and
reaches only that session's return."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.domain import DomainError
from core.views import form_post
from partnerships.middleware import partnership_reverse as _url

from .. import policy
from ..exports.actions import XLSX_TYPE, action_plan_pdf, action_plans_xlsx, export_filename, plan_ratings
from ..forms.actions import ActionItemForm, ActionUpdateForm
from ..selectors import submission_theme_get
from ..selectors.actions import AgencyPlan, action_item_get, action_plan
from ..selectors.meetings import meeting_actions_for_submission
from ..services.actions import (
    action_item_add,
    action_item_change,
    action_item_remove,
    action_update_record,
)
from ..services.downloads import download_record
from .agency_session import agency_required


def _context(access, **extra):
    submission = access.submission
    can_add = policy.may_add_action(submission)
    return {
        "access": access,
        "submission": submission,
        "cycle": submission.cycle,
        "agency": submission.agency,
        "can_add": bool(can_add),
        "editable": bool(policy.may_edit(submission)),
        "why_not": can_add.why_not,
        "can_update": bool(policy.may_update_actions(submission)),
        **extra,
    }


def _back(request, item_or_theme_key):
    """Where to go after a change: the theme page while the return is
    editable (the items are part of it), the plan page afterwards."""
    return_to = request.POST.get("return_to") or request.GET.get("return_to")
    if return_to == "theme" and item_or_theme_key:
        return _url(request, "theme", theme_key=item_or_theme_key) + "#action-plan"
    return _url(request, "action_plan") + "#main-content"


@agency_required
def plan(request, access):
    themes = action_plan(submission=access.submission)
    for theme_plan in themes:
        for item in theme_plan.items:
            item.can_change = bool(policy.may_change_action(item))
    return render(
        request,
        "audits/actions/plan.html",
        _context(
            access,
            themes=themes,
            overdue=sum(p.overdue for p in themes),
            total=sum(len(p.items) for p in themes),
            meeting_actions=meeting_actions_for_submission(
                partnership=request.partnership, submission=access.submission
            ),
        ),
    )


@agency_required
@require_http_methods(["GET", "POST"])
def item_add(request, access, theme_key):
    submission = access.submission
    theme = submission_theme_get(submission=submission, key=theme_key)
    can_add = policy.may_add_action(submission)
    if not can_add:
        messages.error(request, can_add.why_not)
        return redirect(_url(request, "action_plan"))
    form = ActionItemForm(request.POST or None)
    if done := form_post(
        request,
        form,
        lambda data: action_item_add(
            submission=submission, theme=theme, data=form.data_object(), actor=access.actor
        ),
        done=lambda _: (f"Action added to {theme.title}", _back(request, theme.key)),
    ):
        return done
    return render(
        request,
        "audits/actions/item_form.html",
        _context(access, form=form, theme=theme, item=None, return_to=request.GET.get("return_to", "")),
    )


@agency_required
@require_http_methods(["GET", "POST"])
def item_change(request, access, item_id):
    submission = access.submission
    item = action_item_get(submission=submission, pk=item_id)
    may_change = policy.may_change_action(item)
    if not may_change:
        messages.error(request, may_change.why_not)
        return redirect(_url(request, "action_plan"))
    form = ActionItemForm(
        request.POST or None,
        saved_target_date=item.target_date,
        initial={
            "action": item.action,
            "lead_person": item.lead_person,
            "target_date": item.target_date,
            "success_criteria": item.success_criteria,
            "expected_outcome": item.expected_outcome,
            "impact_measure": item.impact_measure,
        },
    )
    if done := form_post(
        request,
        form,
        lambda data: action_item_change(item=item, data=form.data_object(), actor=access.actor),
        done=lambda _: ("Action changed", _back(request, item.theme.key)),
    ):
        return done
    return render(
        request,
        "audits/actions/item_form.html",
        _context(access, form=form, theme=item.theme, item=item, return_to=request.GET.get("return_to", "")),
    )


@agency_required
@require_http_methods(["GET", "POST"])
def item_remove(request, access, item_id):
    item = action_item_get(submission=access.submission, pk=item_id)
    may_remove = policy.may_remove_action(item)
    if not may_remove:
        messages.error(request, may_remove.why_not)
        return redirect(_url(request, "action_plan"))
    if request.method == "POST":
        try:
            action_item_remove(item=item, actor=access.actor)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Action removed")
        return redirect(_back(request, item.theme.key))
    return render(
        request,
        "audits/actions/item_remove.html",
        _context(access, item=item, theme=item.theme, return_to=request.GET.get("return_to", "")),
    )


@agency_required
@require_http_methods(["GET", "POST"])
def item_progress(request, access, item_id):
    submission = access.submission
    item = action_item_get(submission=submission, pk=item_id)
    may_update = policy.may_update_actions(submission)
    if not may_update:
        messages.error(request, may_update.why_not)
        return redirect(_url(request, "action_plan"))
    form = ActionUpdateForm(request.POST or None, initial={"status": item.status})
    if done := form_post(
        request,
        form,
        lambda data: action_update_record(
            item=item, progress=data["progress"], status=data["status"], actor=access.actor
        ),
        done=lambda _: ("Progress recorded", _url(request, "action_plan") + f"#item-{item.pk}"),
    ):
        return done
    return render(
        request,
        "audits/actions/progress_form.html",
        _context(access, form=form, item=item, theme=item.theme, updates=list(item.updates.all())),
    )


@agency_required
def export_pdf(request, access):
    submission = access.submission
    themes = action_plan(submission=submission)
    data = action_plan_pdf(submission=submission, themes=themes)
    download_record(
        partnership=request.partnership, actor=access.actor, what="action_plan_pdf", submission=submission
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(submission, "pdf")}"'
    return response


@agency_required
def export_xlsx(request, access):
    submission = access.submission
    themes = action_plan(submission=submission)
    items = [item for p in themes for item in p.items]
    data = action_plans_xlsx(plans=[AgencyPlan(submission, items)], ratings=plan_ratings(themes, submission))
    download_record(
        partnership=request.partnership, actor=access.actor, what="action_plan_xlsx", submission=submission
    )
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(submission, "xlsx")}"'
    return response
