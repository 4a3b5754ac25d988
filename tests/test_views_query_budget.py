"""The main page of every app of the staff workspace, and the agency's
pages not counted in tests/audits/test_views_query_budget.py, stay within
the ten queries of a working page (issue 20), the same for a partnership of
10 agencies answering 2 themes × 3 questions as for 700 answering 10 × 12:
so no page's queries grow with the partnership or the question set. Pages
counted elsewhere (the dashboard, heatmap, questions, review, cycle pages,
reports) are not repeated here. Counted as a running server sees them, the
page requested once before (tests/audits/test_views_query_budget.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Submission, SubmissionStatus
from audits.services.links import resume_link_create
from bench.dashboard import populate
from partnerships.models import StaffRole
from tests.audits.test_views_query_budget import BUDGET, _count
from tests.factories import PartnershipFactory
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


def _counts(partnership, cycle) -> dict[str, int]:
    returns = Submission.objects.filter(cycle=cycle).order_by("pk")
    submitted = returns.filter(status=SubmissionStatus.SUBMITTED).first()
    agency = submitted.agency
    client = staff_client(Client(), partnership, StaffRole.ADMIN)

    def page(name, **kwargs):
        return staff_url(partnership, name, **kwargs)

    pages = {
        "staff home": page("staff_home"),
        "agencies": page("staff_agencies"),
        "an agency": page("staff_agency_detail", agency_id=agency.pk),
        "an agency's organisation": page("staff_agency_organisation", agency_id=agency.pk),
        "localities": page("staff_localities"),
        "staff members": page("staff_members"),
        "question sets": page("staff_question_sets"),
        "a question set": page("staff_question_set", pk=cycle.question_set_id),
        "cycles": page("staff_cycle_admin_list"),
        "cycles shared with us": page("staff_shared_cycles"),
        "review queue": page("staff_review_queue"),
        "a cycle's action plans": page("staff_action_plans_cycle", cycle_slug=cycle.slug),
        "a return's action plan": page("staff_action_plan", reference=submitted.reference),
        "a return's history": page("staff_return_history", reference=submitted.reference),
        "exports": page("staff_cycle_export", cycle_slug=cycle.slug),
        "summary report": page("staff_cycle_report", cycle_slug=cycle.slug),
        "comparison with last cycle": page("staff_cycle_compare", cycle_slug=cycle.slug),
        "meetings": page("staff_cycle_meetings", cycle_slug=cycle.slug),
        "practitioners' survey set-up": page("staff_survey_setup", cycle_slug=cycle.slug),
        "notifications": page("staff_notification_preferences"),
        "data and retention": page("staff_data"),
        "guidance": page("staff_guidance"),
    }
    counts = {label: _count(client, "get", url) for label, url in pages.items()}

    in_progress = returns.filter(status=SubmissionStatus.IN_PROGRESS).first()
    agency_client = Client()
    _, link = resume_link_create(submission=in_progress, name="Sam", email="sam@agency.example", mint=True)
    assert agency_client.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    counts["agency: action plan"] = _count(
        agency_client, "get", reverse("action_plan", kwargs={"partnership_slug": partnership.slug})
    )
    return counts


def test_the_main_pages_of_every_app_stay_within_ten_queries_for_10_and_700_agencies():
    small = PartnershipFactory(slug="small")
    large = PartnershipFactory(slug="large")
    few = _counts(small, populate(small, agencies=10, themes=2, questions=3, localities=2))
    many = _counts(large, populate(large, agencies=700, themes=10, questions=12, localities=4))

    assert few == many, (few, many)
    assert max(many.values()) <= BUDGET, many
