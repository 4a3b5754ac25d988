"""A cycle at a glance: the dashboard (progress, per agency, per locality),
the RAG heatmap (agencies × themes) and the per-question table. All three
are read-only GET pages narrowed by the same filter form."""

from urllib.parse import quote

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from partnerships.permissions import Perm
from partnerships.selectors import locality_list_kept
from partnerships.staff import staff_required

from ...access import cycle_access
from ...forms.dashboard import CycleFilterForm, HeatmapFilterForm
from ...selectors.dashboard import (
    Rating,
    cycle_heatmap,
    cycle_question_table,
)
from ...selectors.dashboard import cycle_dashboard as cycle_dashboard_read

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
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    # The cycle's own partnership's: another's, for a cycle shared with this one.
    localities = list(locality_list_kept(partnership=cycle.partnership))
    # An empty query string is an unbound form: no errors, no filters.
    # The page number is not a filter.
    query = request.GET.copy()
    query.pop("page", None)
    form = form_class(query or None, localities=localities)
    return cycle, form, localities


AGENCIES_PER_PAGE = 100


@staff_required(Perm.VIEW)
def cycle_dashboard(request, cycle_slug):
    cycle, form, localities = _page(request, cycle_slug)
    filters = form.filters()
    chosen = next((lo.name for lo in localities if lo.pk == filters.locality_id), "")
    dashboard = cycle_dashboard_read(
        partnership=cycle.partnership, cycle=cycle, filters=filters, locality_name=chosen
    )
    # The agency table a page at a time: a partnership of 700 agencies is
    # 700 rows of HTML otherwise. Counts and the locality table cover all.
    page = Paginator(dashboard.rows, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _link_to_reviews(request.partnership, rows)
    return render(
        request,
        "staff/dashboard/dashboard.html",
        {
            "cycle": cycle,
            "form": form,
            "filters": filters,
            "status_counts": dashboard.status_counts,
            "rows": rows,
            "agency_count": len(dashboard.rows),
            "page": page,
            "pages": _pagination(request, page),
            "remindable": any(row.can_remind for row in rows),
            "localities": dashboard.localities,
            "current": "dashboard",
        },
    )


def _pagination(request, page) -> dict | None:
    """GOV.UK pagination links that keep the filters: None on one page."""
    if page.paginator.num_pages < 2:
        return None
    query = request.GET.copy()

    def href(number):
        query["page"] = number
        return "?" + query.urlencode()

    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "items": [
            {"number": n, "href": href(n), "current": n == page.number} for n in page.paginator.page_range
        ],
    }


@staff_required(Perm.VIEW)
def cycle_heatmap_view(request, cycle_slug):
    cycle, form, _ = _page(request, cycle_slug, HeatmapFilterForm)
    rating = form.rating_shown()
    hide_not_started = form.hides_not_started()
    groups = cycle_heatmap(
        partnership=cycle.partnership,
        cycle=cycle,
        filters=form.filters(),
        rating=rating,
        hide_not_started=hide_not_started,
    )
    for group in groups:
        _link_to_reviews(request.partnership, group.rows)
    # The same page with the agencies not started shown: the filters kept.
    query = request.GET.copy()
    query["show_not_started"] = "on"
    return render(
        request,
        "staff/dashboard/heatmap.html",
        {
            "cycle": cycle,
            "form": form,
            "groups": groups,
            "grouped": len(groups) > 1,
            "not_started_hidden": sum(group.not_started_hidden for group in groups),
            "show_not_started_url": "?" + query.urlencode(),
            "rating": rating,
            "rating_label": Rating(rating).label,
            "moderated": rating == Rating.MODERATED,
            # The practitioners' survey's overlay: the template's tag adds it
            # (surveys sits above this app).
            "show_survey": form.shows_survey(),
            "current": "heatmap",
        },
    )


@staff_required(Perm.VIEW)
def cycle_questions(request, cycle_slug):
    cycle, form, _ = _page(request, cycle_slug)
    tables = cycle_question_table(partnership=cycle.partnership, cycle=cycle, filters=form.filters())
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
