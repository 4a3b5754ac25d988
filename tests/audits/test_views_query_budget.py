"""At most ten queries on every page an agency or a reviewer uses most, and
on saving a theme, whatever the size of the question set or of the
partnership: 10 agencies answering 2 themes × 3 questions against 700
agencies answering 10 themes × 12 (issue 20; docs/performance.md).

Counted as a running server sees them: the partnership and the question
sets are kept in the process (core/process_cache.py), so each page is
requested once before it is counted. The savepoints the test's own
transaction adds around a save are not counted (a server opens that
transaction with BEGIN, which Django does not log).
"""

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Submission, SubmissionStatus, ThemeResponse
from audits.services.links import resume_link_create
from bench.dashboard import populate
from partnerships.models import StaffRole
from tests.factories import PartnershipFactory
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

BUDGET = 10


def _count(client, method, url, data=None, status=200):
    """Queries of one request, the page having been requested once before."""
    if method == "get":
        client.get(url)
    reset_queries()  # request_started clears the log; start empty so the count is this request's
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return sum(1 for q in queries if "SAVEPOINT" not in q["sql"])


def _staff_counts(partnership, cycle, role=StaffRole.REVIEWER) -> dict[str, int]:
    # A locality lead (of every locality here) reads through the same
    # narrowing as any member, plus their localities': no more queries.
    client = staff_client(Client(), partnership, role)
    submitted = Submission.objects.filter(cycle=cycle, status=SubmissionStatus.SUBMITTED).first()
    locality = partnership.localities.order_by("pk").first()

    def page(name, query=""):
        return staff_url(partnership, name, cycle_slug=cycle.slug) + query

    pages = {
        "dashboard": page("staff_cycle_dashboard"),
        "dashboard, filtered": page("staff_cycle_dashboard", f"?locality={locality.pk}&status=in_progress"),
        "dashboard, page 2": page("staff_cycle_dashboard", "?page=2"),
        "heatmap": page("staff_cycle_heatmap"),
        "heatmap, moderated": page("staff_cycle_heatmap", "?rating=moderated"),
        "answers by question": page("staff_cycle_questions"),
        "review": staff_url(partnership, "staff_return_review", reference=submitted.reference),
    }
    return {label: _count(client, "get", url) for label, url in pages.items()}


def _agency_counts(partnership, cycle) -> dict[str, int]:
    submission = (
        Submission.objects.filter(cycle=cycle, status=SubmissionStatus.IN_PROGRESS).order_by("pk").first()
    )
    client = Client()
    _, link = resume_link_create(submission=submission, name="Sam", email="sam@agency.example", mint=True)
    assert client.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    theme = submission.question_set.themes.order_by("order").last()
    response = ThemeResponse.objects.filter(submission=submission, theme=theme).first()
    version = response.version if response else 0
    data = {"version": version, "rag": "green", "comments": "", "action": "continue"}
    data.update({f"q_{q.pk}": "yes" for q in theme.questions.all()})

    def url(name, **kwargs):
        return reverse(name, kwargs={"partnership_slug": partnership.slug, **kwargs})

    return {
        "save a theme": _count(client, "post", url("theme", theme_key=theme.key), data, status=302),
        "task list": _count(client, "get", url("task_list")),
        "theme page": _count(client, "get", url("theme", theme_key=theme.key)),
        "check answers": _count(client, "get", url("check_answers")),
    }


def test_pages_stay_within_ten_queries_for_10_and_700_agencies():
    small = PartnershipFactory(slug="small")
    large = PartnershipFactory(slug="large")
    small_cycle = populate(small, agencies=10, themes=2, questions=3, localities=2)
    large_cycle = populate(large, agencies=700, themes=10, questions=12, localities=4)

    few = {**_staff_counts(small, small_cycle), **_agency_counts(small, small_cycle)}
    many = {**_staff_counts(large, large_cycle), **_agency_counts(large, large_cycle)}
    lead = _staff_counts(large, large_cycle, StaffRole.LOCALITY_LEAD)

    assert few == many, (few, many)
    assert max(many.values()) <= BUDGET, many
    assert lead == {label: many[label] for label in lead}, (lead, many)


def _review_full(partnership, cycle) -> int:
    """The review page of a submitted return with evidence (a file and a
    link), moderated themes, action items and a practitioners' survey with
    replies."""
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from audits.models import ActionItem, Evidence, ThemeModeration
    from surveys.services import survey_create
    from tests.surveys.helpers import ADMIN, link_of, replies_add

    submission = Submission.objects.filter(cycle=cycle, status=SubmissionStatus.SUBMITTED).first()
    themes = list(submission.question_set.themes.order_by("order"))
    # Evidence is added while the return is open (the database refuses it
    # on a submitted one), then the return is submitted again.
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.IN_PROGRESS)
    for theme in themes:
        Evidence.objects.create(
            submission=submission,
            theme=theme,
            kind="link",
            url="https://example.org/p",
            token=uuid.uuid4().hex,
        )
        Evidence.objects.create(
            submission=submission,
            theme=theme,
            kind="file",
            file=f"evidence/{uuid.uuid4().hex}.pdf",
            original_name="policy.pdf",
            token=uuid.uuid4().hex,
        )
    Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SUBMITTED)
    for theme in themes:
        ThemeModeration.objects.create(
            partnership=partnership, submission=submission, theme=theme, rag="amber"
        )
        for _ in range(2):
            ActionItem.objects.create(
                partnership=partnership,
                submission=submission,
                theme=theme,
                action="Train & <brief> staff",
                lead_person="Pat",
                target_date=(timezone.now() + timedelta(days=30)).date(),
                success_criteria="All trained",
            )
    survey = survey_create(
        partnership=partnership,
        cycle=cycle,
        library_key="practitioners",
        disagreement_threshold=25,
        actor=ADMIN,
    )
    replies_add(link_of(survey, submission.agency), agreeing=4, disagreeing=2)
    client = staff_client(Client(), partnership, StaffRole.REVIEWER)
    heatmap = staff_url(partnership, "staff_cycle_heatmap", cycle_slug=cycle.slug)
    return {
        "review": _count(
            client, "get", staff_url(partnership, "staff_return_review", reference=submission.reference)
        ),
        # The practitioners' survey's overlay on the heatmap (surveys'
        # survey_heatmap_overlay tag), agencies not started shown too.
        "heatmap, survey overlay": _count(client, "get", heatmap + "?survey=on&show_not_started=on"),
    }


def test_the_review_page_with_evidence_moderations_actions_and_a_survey_stays_within_ten_queries():
    small = PartnershipFactory(slug="small")
    large = PartnershipFactory(slug="large")
    small_cycle = populate(small, agencies=10, themes=2, questions=3, localities=2)
    large_cycle = populate(large, agencies=700, themes=10, questions=12, localities=4)

    few, many = _review_full(small, small_cycle), _review_full(large, large_cycle)

    assert few == many, (few, many)
    assert max(many.values()) <= BUDGET, many
