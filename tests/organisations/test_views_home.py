"""The organisation's home: every return of its linked agencies across
partnerships and cycles (closed ones too), and nothing else: not another
organisation's, not to partnership staff or contacts who are not members."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import ActionItem, ActionUpdate, ReviewOutcome, SubmissionStatus
from audits.services import submission_submit
from audits.services.review import review_evaluation_confirm, review_outcome_save
from core.domain import Actor
from partnerships.models import StaffRole
from tests.factories import AuditCycleFactory, SubmissionFactory, submission_complete
from tests.staff import staff_client

from .support import member_client, org_world

pytestmark = pytest.mark.django_db


def _closed_return(w, n: int = 0):
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=w.worlds.b.partnership,
        question_set=w.worlds.b.question_set,
        title="Section 11 audit 2024",
        slug=f"s11-2024-{n}",
        opens_at=now - timedelta(days=700),
        closes_at=now - timedelta(days=600),
    )
    return SubmissionFactory(cycle=cycle, agency=w.worlds.b.agency, status=SubmissionStatus.SUBMITTED)


def test_home_lists_returns_across_partnerships_and_a_closed_cycle():
    w = org_world()
    closed = _closed_return(w)
    item = ActionItem.objects.create(
        partnership=closed.partnership,
        submission=closed,
        theme=closed.question_set.themes.first(),
        action="Train every custody officer",
        lead_person="Chief Inspector",
        target_date=timezone.now().date(),
        success_criteria="All trained",
    )
    ActionUpdate.objects.create(
        partnership=closed.partnership,
        item=item,
        progress="Half the officers trained",
        status_before="not_started",
        status="in_progress",
        actor_name="Pat Member",
    )
    body = member_client(w.member.email).get(reverse("organisation_home", args=[w.org.pk])).content.decode()
    for submission in (w.worlds.a.submission, w.worlds.b.submission, closed):
        assert submission.reference in body
    assert "Partnership ALPHA" in body and "Partnership BRAVO" in body
    assert "Section 11 audit 2024" in body and "The audit has closed." in body
    assert "Half the officers trained" in body
    # Another organisation's return in the same partnership is not there.
    assert w.other_submission.reference not in body


def test_the_confirmed_outcome_and_last_saved_by_are_shown():
    w = org_world()
    submission = w.worlds.a.submission
    submission_complete(submission, actor=Actor(name="Jo Saver", email="jo@northshire-police.example"))
    submission.refresh_from_db()
    submission = submission_submit(
        submission=submission,
        submitted_by=Actor(name="Jo", email="jo@northshire-police.example"),
        signed_off_by_name="Chief",
        signed_off_by_role="Chief Constable",
        expected_version=submission.version,
    )
    client = member_client(w.member.email)
    home = reverse("organisation_home", args=[w.org.pk])
    body = client.get(home).content.decode()
    assert "Jo Saver" in body and "Not confirmed yet" in body
    reviewer = Actor(name="Rev", email="rev@alpha.example")
    review_outcome_save(
        submission=submission, outcome=ReviewOutcome.ASSURED, message="Well done", actor=reviewer
    )
    review_evaluation_confirm(submission=submission, actor=reviewer)
    assert ReviewOutcome.ASSURED.label in client.get(home).content.decode()


def test_a_member_of_one_organisation_never_reaches_anothers_returns():
    w = org_world()
    client = member_client(w.member.email)
    assert client.get(reverse("organisation_home", args=[w.other_org.pk])).status_code == 404
    url = reverse("organisation_return_open", args=[w.org.pk, w.other_submission.pk])
    assert client.post(url).status_code == 404
    url = reverse("organisation_return_pdf", args=[w.org.pk, w.other_submission.pk, 1])
    assert client.get(url).status_code == 404


def test_opening_a_return_works_through_the_agency_journey_and_stays_on_that_return():
    w = org_world()
    client = member_client(w.member.email)
    response = client.post(reverse("organisation_return_open", args=[w.org.pk, w.worlds.b.submission.pk]))
    bravo = w.worlds.b.partnership.slug
    assert response["Location"] == reverse("task_list", kwargs={"partnership_slug": bravo})
    assert w.worlds.b.submission.reference in client.get(response["Location"]).content.decode()
    # The agency session is for bravo's return only: alpha's journey is not open.
    alpha_tasks = reverse("task_list", kwargs={"partnership_slug": w.worlds.a.partnership.slug})
    assert client.get(alpha_tasks).status_code == 302
    # A closed cycle's return cannot be opened for changes.
    closed = _closed_return(w)
    response = client.post(reverse("organisation_return_open", args=[w.org.pk, closed.pk]))
    assert response["Location"] == reverse("organisation_home", args=[w.org.pk])


def test_partnership_staff_see_nothing_of_the_organisation():
    w = org_world()
    staff = staff_client(Client(), w.worlds.a.partnership, StaffRole.ADMIN)
    # Signed in, but not a member: as if there were no such organisation.
    assert staff.get(reverse("organisation_home", args=[w.org.pk])).status_code == 404
    # Alpha's staff cannot reach bravo's return, linked to the same organisation.
    url = reverse(
        "staff_return_review",
        kwargs={
            "partnership_slug": w.worlds.a.partnership.slug,
            "reference": w.worlds.b.submission.reference,
        },
    )
    assert staff.get(url).status_code == 404


def test_home_query_budget(django_assert_max_num_queries):
    w = org_world()
    for n in range(3):
        _closed_return(w, n)
    client = member_client(w.member.email)
    client.get(reverse("organisation_home", args=[w.org.pk]))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("organisation_home", args=[w.org.pk]))
    assert response.status_code == 200
