"""Action plans in the staff workspace: a cycle's plans with filters, one
agency's plan with its history, and the exports. Perm.VIEW throughout:
reading plans is every role's work."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...access import cycle_access, submission_access
from ...exports.actions import XLSX_TYPE, action_plan_pdf, action_plans_xlsx, export_filename, plan_ratings
from ...selectors.actions import (
    AgencyPlan,
    PlanFilters,
    action_plan,
    action_plan_ratings,
    cycle_action_plan_filter_options,
    cycle_action_plans,
    cycle_latest_with_plans,
)
from ...selectors.meetings import meeting_actions_for_submission
from ...services.downloads import download_record


@staff_required(Perm.VIEW)
def latest(request):
    cycle = cycle_latest_with_plans(partnership=request.partnership)
    if cycle is not None:
        return redirect(
            "staff_action_plans_cycle", partnership_slug=request.partnership.slug, cycle_slug=cycle.slug
        )
    return render(request, "staff/actions/no_cycles.html")


def _int(value):
    return int(value) if value and str(value).isdigit() else None


def _filters(request, options) -> PlanFilters:
    """Read the filters from the query string; a value that is not one of
    the choices is ignored rather than an error."""
    theme = request.GET.get("theme", "")
    locality = _int(request.GET.get("locality"))
    agency = _int(request.GET.get("agency"))
    return PlanFilters(
        overdue=request.GET.get("overdue") == "1",
        theme=theme if theme in {t.key for t in options["themes"]} else "",
        locality=locality if locality in {loc.pk for loc in options["localities"]} else None,
        agency=agency if agency in {a.pk for a in options["agencies"]} else None,
    )


@staff_required(Perm.VIEW)
def cycle_plans(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    options = cycle_action_plan_filter_options(partnership=cycle.partnership, cycle=cycle)
    filters = _filters(request, options)
    plans = cycle_action_plans(partnership=cycle.partnership, cycle=cycle, filters=filters)
    return render(
        request,
        "staff/actions/cycle_plans.html",
        {
            "cycle": cycle,
            "plans": plans,
            "filters": filters,
            "options": options,
            "filtered": filters != PlanFilters(),
            "item_count": sum(len(p.items) for p in plans),
            "overdue_count": sum(p.overdue for p in plans),
            "query": request.GET.urlencode(),
        },
    )


@staff_required(Perm.VIEW)
def cycle_plans_xlsx(request, cycle_slug):
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    options = cycle_action_plan_filter_options(partnership=cycle.partnership, cycle=cycle)
    plans = cycle_action_plans(partnership=cycle.partnership, cycle=cycle, filters=_filters(request, options))
    data = action_plans_xlsx(
        plans=plans, ratings=action_plan_ratings(partnership=cycle.partnership, plans=plans)
    )
    download_record(
        partnership=cycle.partnership,
        actor=request.staff_actor,
        what="cycle_action_plans_xlsx",
        obj=cycle,
        detail={"cycle": cycle.slug, "query": request.GET.urlencode()},
    )
    response = HttpResponse(data, content_type=XLSX_TYPE)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="action-plans-{cycle.slug}-{stamp}.xlsx"'
    return response


@staff_required(Perm.VIEW)
def plan(request, reference):
    submission = submission_access(partnership=request.partnership, reference=reference)
    themes = action_plan(submission=submission)
    items = [item for p in themes for item in p.items]
    return render(
        request,
        "staff/actions/plan.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "themes": themes,
            "items": items,
            "overdue": sum(p.overdue for p in themes),
            "missing": [p.theme for p in themes if p.needs_actions and not p.items],
            "requests": list(submission.action_update_requests.order_by("number")),
            "meeting_actions": meeting_actions_for_submission(
                partnership=request.partnership, submission=submission
            ),
        },
    )


@staff_required(Perm.VIEW)
def plan_pdf(request, reference):
    submission = submission_access(partnership=request.partnership, reference=reference)
    data = action_plan_pdf(submission=submission, themes=action_plan(submission=submission))
    download_record(
        partnership=submission.partnership,
        actor=request.staff_actor,
        what="action_plan_pdf",
        submission=submission,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(submission, "pdf")}"'
    return response


@staff_required(Perm.VIEW)
def plan_xlsx(request, reference):
    submission = submission_access(partnership=request.partnership, reference=reference)
    themes = action_plan(submission=submission)
    data = action_plans_xlsx(
        plans=[AgencyPlan(submission, [i for p in themes for i in p.items])],
        ratings=plan_ratings(themes, submission),
    )
    download_record(
        partnership=submission.partnership,
        actor=request.staff_actor,
        what="action_plan_xlsx",
        submission=submission,
    )
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(submission, "xlsx")}"'
    return response
