"""A cycle at a glance: the dashboard (progress, per agency, per locality),
the RAG heatmap (agencies × themes) and the per-question table. All three
are read-only GET pages narrowed by the same filter form."""

from urllib.parse import quote

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from partnerships.permissions import Perm
from partnerships.selectors import locality_list
from partnerships.staff import staff_required

from ...forms.dashboard import CycleFilterForm, HeatmapFilterForm
from ...selectors import cycle_get
from ...selectors.dashboard import (
    Rating,
    cycle_agency_rows,
    cycle_heatmap,
    cycle_locality_progress,
    cycle_question_table,
    cycle_status_counts,
)

# The review part's page for one return (returns/<reference>/).
REVIEW_URL_NAME = "staff_return_review"


def _link_to_reviews(partnership, rows) -> None:
    """Give each row that has a return the address of its review page,
    when that page exists. One reverse() for all the rows: hundreds of them
    add up."""
    marker = "S11-REFERENCE-MARKER"
    try:
        pattern = reverse(REVIEW_URL_NAME, kwargs={"partnership_slug": partnership.slug, "reference": marker})
    except NoReverseMatch:
        return
    for row in rows:
        if row.reference:
            row.review_url = pattern.replace(marker, quote(row.reference, safe=""))


def _page(request, cycle_slug, form_class=CycleFilterForm):
    cycle = cycle_get(partnership=request.partnership, slug=cycle_slug)
    localities = list(locality_list(partnership=request.partnership))
    # An empty query string is an unbound form: no errors, no filters.
    form = form_class(request.GET or None, localities=localities)
    return cycle, form


@staff_required(Perm.VIEW)
def cycle_dashboard(request, cycle_slug):
    cycle, form = _page(request, cycle_slug)
    filters = form.filters()
    kwargs = {"partnership": request.partnership, "cycle": cycle, "filters": filters}
    rows = cycle_agency_rows(**kwargs)
    _link_to_reviews(request.partnership, rows)
    return render(
        request,
        "staff/dashboard/dashboard.html",
        {
            "cycle": cycle,
            "form": form,
            "filters": filters,
            "status_counts": cycle_status_counts(**kwargs),
            "rows": rows,
            "remindable": any(row.can_remind for row in rows),
            "localities": cycle_locality_progress(**kwargs),
            "current": "dashboard",
        },
    )


@staff_required(Perm.VIEW)
def cycle_heatmap_view(request, cycle_slug):
    cycle, form = _page(request, cycle_slug, HeatmapFilterForm)
    rating = form.rating_shown()
    groups = cycle_heatmap(
        partnership=request.partnership, cycle=cycle, filters=form.filters(), rating=rating
    )
    for group in groups:
        _link_to_reviews(request.partnership, group.rows)
    return render(
        request,
        "staff/dashboard/heatmap.html",
        {
            "cycle": cycle,
            "form": form,
            "groups": groups,
            "grouped": len(groups) > 1,
            "rating": rating,
            "rating_label": Rating(rating).label,
            "moderated": rating == Rating.MODERATED,
            "current": "heatmap",
        },
    )


@staff_required(Perm.VIEW)
def cycle_questions(request, cycle_slug):
    cycle, form = _page(request, cycle_slug)
    tables = cycle_question_table(partnership=request.partnership, cycle=cycle, filters=form.filters())
    return render(
        request,
        "staff/dashboard/questions.html",
        {
            "cycle": cycle,
            "form": form,
            "tables": tables,
            "grouped": len(tables) > 1,
            "current": "questions",
        },
    )
