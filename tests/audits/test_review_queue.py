"""The review queue (issue 14 item 5): an evaluation due date per cycle, the
queue of returns awaiting review / the agency / overdue with its filters and
pages, assigning a return to a reviewer, moderating theme by theme, and
confirming with a warning for unmoderated themes and a version check."""

from datetime import date, timedelta

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.models import (
    AuditCycle,
    EvidenceRequest,
    Rag,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
)
from audits.services.assignment import review_assign
from audits.services.evidence_requests import (
    EvidenceRequestData,
    evaluation_confirm_with_request,
    supplementary_evidence_add,
)
from audits.services.review import (
    StaleReviewError,
    moderations_state,
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from core.domain import Actor, DomainError
from core.models import AuditEvent
from partnerships.models import StaffMembership, StaffRole
from tests.factories import AgencyFactory, SubmissionFactory, two_partnerships
from tests.staff import staff_client, staff_url, staff_user

from .review_support import reviewer_actor, submit, submitted_world
from .test_cycles import _cycle_post, _dt

pytestmark = pytest.mark.django_db

RITA = Actor(name="Rita Reviewer", email="rita@alpha.example")


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return submitted_world(world.a)


def membership_of(client, partnership):
    return StaffMembership.objects.get(user=client.user, partnership=partnership)


def text(response) -> str:
    return response.content.decode()


def url(a, name, **kwargs):
    return staff_url(a.partnership, name, reference=a.submission.reference, **kwargs)


def themes(a):
    return list(a.question_set.themes.order_by("order"))


# --- the evaluation due date ---------------------------------------------------------


def test_a_cycle_gets_an_evaluation_due_date_on_create_and_edit(world):
    admin = staff_client(Client(), world.a.partnership, StaffRole.ADMIN)
    create = staff_url(world.a.partnership, "staff_cycle_admin_create")
    response = admin.post(
        create,
        _cycle_post(world, evaluations_due_on_0="31", evaluations_due_on_1="8", evaluations_due_on_2="2027"),
    )
    assert response.status_code == 302
    cycle = AuditCycle.objects.get(slug="section-11-audit-2027")
    assert cycle.evaluations_due_on == date(2027, 8, 31)
    assert "Tuesday 31 August 2027" in text(admin.get(response["Location"]))

    # Before the cycle closes: refused inline, with what was typed kept.
    edit = staff_url(world.a.partnership, "staff_cycle_admin_edit", cycle_slug=cycle.slug)
    response = admin.post(
        edit,
        _cycle_post(world, evaluations_due_on_0="1", evaluations_due_on_1="6", evaluations_due_on_2="2027"),
    )
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "The date evaluations are due by must be on or after the day the cycle closes" in page
    assert 'name="evaluations_due_on_1" type="text" value="6"' in page or 'value="6"' in page
    cycle.refresh_from_db()
    assert cycle.evaluations_due_on == date(2027, 8, 31)

    # Cleared: no due date.
    response = admin.post(edit, _cycle_post(world))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.evaluations_due_on is None


def test_an_opened_cycle_can_still_have_its_evaluation_date_set(world):
    admin = staff_client(Client(), world.a.partnership, StaffRole.ADMIN)
    cycle = world.a.cycle  # open now
    closes = timezone.localtime(cycle.closes_at).date()
    data = _cycle_post(world, title=cycle.title)
    for key in [k for k in data if k.startswith(("opens_at", "closes_at", "question_set"))]:
        del data[key]
    too_early = closes - timedelta(days=1)
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_edit", cycle_slug=cycle.slug),
        {
            **data,
            "evaluations_due_on_0": str(too_early.day),
            "evaluations_due_on_1": str(too_early.month),
            "evaluations_due_on_2": str(too_early.year),
        },
    )
    assert response.status_code == 200
    assert "must be on or after the day the cycle closes" in text(response)
    later = closes + timedelta(days=60)
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_edit", cycle_slug=cycle.slug),
        {
            **data,
            "evaluations_due_on_0": str(later.day),
            "evaluations_due_on_1": str(later.month),
            "evaluations_due_on_2": str(later.year),
        },
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.evaluations_due_on == later


def test_the_next_cycle_form_takes_an_evaluation_due_date(world):
    admin = staff_client(Client(), world.a.partnership, StaffRole.ADMIN)
    response = admin.post(
        staff_url(world.a.partnership, "staff_cycle_admin_next", cycle_slug=world.a.cycle.slug),
        {
            "title": "Section 11 audit 2028",
            "slug": "",
            "question_set": str(world.a.question_set.pk),
            **_dt("opens_at", "1 4 2028 9am"),
            **_dt("closes_at", "30 6 2028 5pm"),
            "evaluations_due_on_0": "15",
            "evaluations_due_on_1": "9",
            "evaluations_due_on_2": "2028",
            "reminder_days": "14",
            "action_items_required": "no",
            "action_update_months": "6",
            "carry_answers": "no",
        },
    )
    assert response.status_code == 302, text(response)
    assert AuditCycle.objects.get(slug="section-11-audit-2028").evaluations_due_on == date(2028, 9, 15)


# --- the queue -----------------------------------------------------------------------


def _queue(client, partnership, query=""):
    return client.get(staff_url(partnership, "staff_review_queue") + query)


def test_the_queue_holds_returns_awaiting_review_and_the_agency_and_says_which_are_overdue(world, a):
    reviewer = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    returned = SubmissionFactory(
        cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, name="Returned Co")
    )
    submitted_world_return(returned)
    submission_return(submission=returned, reason="More evidence", actor=RITA)
    evaluated = SubmissionFactory(
        cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, name="Done Co")
    )
    submitted_world_return(evaluated)
    review_outcome_save(submission=evaluated, outcome=ReviewOutcome.ASSURED, message="Thanks", actor=RITA)
    review_evaluation_confirm(submission=evaluated, actor=RITA)
    SubmissionFactory(cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, name="Not Started Co"))
    submitted_world(world.b)  # another partnership's return

    page = text(_queue(reviewer, a.partnership))
    assert a.agency.name in page and "Returned Co" in page
    assert "Done Co" not in page and "Not Started Co" not in page and world.b.agency.name not in page
    assert "Awaiting review" in page and "Awaiting the agency" in page
    assert "Overdue" not in page

    AuditCycle.objects.filter(pk=a.cycle.pk).update(
        evaluations_due_on=timezone.localdate() - timedelta(days=1)
    )
    overdue = text(_queue(reviewer, a.partnership, "?state=overdue"))
    assert a.agency.name in overdue and "Returned Co" not in overdue
    assert "Overdue" in overdue
    agency = text(_queue(reviewer, a.partnership, "?state=agency"))
    assert "Returned Co" in agency and a.agency.name not in agency


def test_a_return_with_evidence_asked_for_awaits_the_agency_until_it_is_sent(a):
    reviewer = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.FURTHER_EVIDENCE, message="Send more", actor=RITA
    )
    due = timezone.localdate() + timedelta(days=5)
    evaluation_confirm_with_request(
        submission=a.submission,
        actor=RITA,
        request=EvidenceRequestData(themes=themes(a)[:1], what="The training log", due_on=due),
    )
    # Evaluated, so no longer awaiting review; the next move is the agency's.
    assert a.agency.name not in text(_queue(reviewer, a.partnership, "?state=review"))
    waiting = text(_queue(reviewer, a.partnership, "?state=agency"))
    assert a.agency.name in waiting and "Evidence asked for by" in waiting
    assert "Evidence overdue" not in waiting
    assert a.agency.name in text(_queue(reviewer, a.partnership))

    EvidenceRequest.objects.filter(submission=a.submission).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    assert "Evidence overdue" in text(_queue(reviewer, a.partnership, "?state=agency"))

    request = EvidenceRequest.objects.get(submission=a.submission)
    supplementary_evidence_add(
        request=request, theme=themes(a)[0], url="https://example.org/log", title="Log", actor=RITA
    )
    assert a.agency.name not in text(_queue(reviewer, a.partnership, "?state=agency"))
    assert a.agency.name not in text(_queue(reviewer, a.partnership))


def submitted_world_return(submission):
    from tests.factories import submission_complete

    submission_complete(submission)
    submit(submission)
    submission.refresh_from_db()


def test_assigned_to_me_and_not_assigned(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    me = membership_of(client, a.partnership)
    other = SubmissionFactory(cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, name="Other Co"))
    submitted_world_return(other)
    review_assign(submission=a.submission, assignee=me, actor=RITA)

    mine = text(_queue(client, a.partnership, "?assigned=me"))
    assert a.agency.name in mine and "Other Co" not in mine
    assert ">You" in mine or "You\n" in mine or "You<" in mine
    nobody = text(_queue(client, a.partnership, "?assigned=nobody"))
    assert "Other Co" in nobody and a.agency.name not in nobody


def test_bad_filters_get_an_error_and_the_rest_still_applies(world, a):
    client = staff_client(Client(), a.partnership, StaffRole.READ_ONLY)
    response = _queue(client, a.partnership, f"?cycle={world.b.cycle.pk}&state=sideways&assigned=me")
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "Select a cycle from the list" in page
    assert "Select which returns to show" in page
    # A read-only member sees the queue but no Assign links.
    assert "/assign/" not in text(_queue(client, a.partnership))


def test_the_queue_is_paginated_and_keeps_its_filters(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    for n in range(30):
        s = SubmissionFactory(
            cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, name=f"Agency {n:02}")
        )
        Submission.objects.filter(pk=s.pk).update(
            status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
        )
    first = text(_queue(client, a.partnership, "?state=review"))
    assert "31 returns (page 1 of 2)" in first
    assert "?state=review&amp;page=2" in first
    second = text(_queue(client, a.partnership, "?state=review&page=2"))
    assert "(page 2 of 2)" in second


@pytest.mark.parametrize("returns", [3, 60])
def test_the_queue_takes_at_most_ten_queries(a, returns):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    me = membership_of(client, a.partnership)
    for n in range(returns):
        s = SubmissionFactory(
            cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership, name=f"Agency {n:02}")
        )
        Submission.objects.filter(pk=s.pk).update(
            status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
        )
        if n % 2:
            review_assign(submission=s, assignee=me, actor=RITA)
    for query in ("", "?state=overdue&assigned=me", f"?cycle={a.cycle.pk}&page=2"):
        target = staff_url(a.partnership, "staff_review_queue") + query
        client.get(target)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        assert len(queries) <= 10, [q["sql"] for q in queries]


# --- assignment --------------------------------------------------------------------


def test_a_reviewer_assigns_a_return_to_themselves_and_back_to_the_queue(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    me = membership_of(client, a.partnership)
    back = staff_url(a.partnership, "staff_review_queue") + "?assigned=me"
    page = client.get(url(a, "staff_return_assign") + "?next=" + back)
    assert page.status_code == 200
    response = client.post(url(a, "staff_return_assign"), {"reviewer": str(me.pk), "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert SubmissionReview.objects.get(submission=a.submission).assigned_to == me
    event = AuditEvent.objects.get(verb="review.assigned")
    assert event.detail["to"] == me.name
    assert "is assigned to you" in text(client.get(back, follow=True)) or a.agency.name in text(
        client.get(back)
    )

    # An outside next= is ignored.
    response = client.post(
        url(a, "staff_return_assign"), {"reviewer": "nobody", "next": "https://evil.example/"}
    )
    assert response["Location"] == url(a, "staff_return_review")
    assert SubmissionReview.objects.get(submission=a.submission).assigned_to is None


def test_only_this_partnerships_reviewers_may_be_assigned(world, a):
    client = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    reader = StaffMembership.objects.get(user=staff_user(a.partnership, StaffRole.READ_ONLY))
    outsider = StaffMembership.objects.get(user=staff_user(world.b.partnership, StaffRole.REVIEWER))
    for pk in (reader.pk, outsider.pk, "x" * 300, ""):
        response = client.post(url(a, "staff_return_assign"), {"reviewer": str(pk)})
        assert response.status_code == 200
        assert "There is a problem" in text(response)
    assert not SubmissionReview.objects.filter(assigned_to__isnull=False).exists()
    with pytest.raises(DomainError):
        review_assign(submission=a.submission, assignee=outsider, actor=RITA)
    with pytest.raises(DomainError):
        review_assign(submission=a.submission, assignee=reader, actor=RITA)


def test_the_review_page_names_the_reviewer_within_its_query_budget(a, django_assert_max_num_queries):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    other = StaffMembership.objects.get(user=staff_user(a.partnership, StaffRole.REVIEWER))
    other.display_name = "Priya Reviewer"
    other.save()
    review_assign(submission=a.submission, assignee=other, actor=RITA)
    client.get(url(a, "staff_return_review"))
    with django_assert_max_num_queries(10):
        page = text(client.get(url(a, "staff_return_review")))
    assert "Priya Reviewer" in page
    assert "Moderate theme by theme" in page


# --- moderating theme by theme --------------------------------------------------------


def test_save_and_next_theme_moves_through_the_themes_then_to_the_outcome(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    all_themes = themes(a)
    first = client.get(url(a, "staff_return_moderate", theme_key=all_themes[0].key))
    page = text(first)
    assert f"Theme 1 of {len(all_themes)}" in page
    assert "What the agency said" in page
    assert "Save and next theme" in page
    question = all_themes[0].questions.order_by("order").first()
    assert question.text in page  # the answers beside the form, not hidden
    for number, theme in enumerate(all_themes):
        response = client.post(
            url(a, "staff_return_moderate", theme_key=theme.key),
            {"rag": "amber", "comment": f"Theme {number}", "version": "0", "then": "next"},
        )
        assert response.status_code == 302
        if number + 1 < len(all_themes):
            assert response["Location"] == url(
                a, "staff_return_moderate", theme_key=all_themes[number + 1].key
            )
        else:
            assert response["Location"] == url(a, "staff_return_outcome")
    assert ThemeModeration.objects.filter(submission=a.submission).count() == len(all_themes)
    last = text(client.get(url(a, "staff_return_moderate", theme_key=all_themes[-1].key)))
    assert "Save and choose the outcome" in last


# --- confirming ----------------------------------------------------------------------


def _confirm_form(client, a) -> dict:
    import re

    page = text(client.get(url(a, "staff_return_confirm")))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    moderations = re.search(r'name="moderations" value="([^"]*)"', page).group(1)
    return {"version": version, "moderations": moderations}


def test_confirming_with_unmoderated_themes_asks_first(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    actor = reviewer_actor(client.user)
    first = themes(a)[0]
    theme_moderation_save(submission=a.submission, theme=first, rag=Rag.AMBER, comment="", actor=actor)
    review_outcome_save(submission=a.submission, outcome=ReviewOutcome.ASSURED, message="Thanks", actor=actor)
    page = text(client.get(url(a, "staff_return_confirm")))
    unmoderated = len(themes(a)) - 1
    assert f"{unmoderated} of {len(themes(a))} themes are not moderated" in page
    assert f"Moderate {themes(a)[1].title}" in page

    form = _confirm_form(client, a)
    response = client.post(url(a, "staff_return_confirm"), form)
    assert response.status_code == 200
    assert '<a href="#id_without_moderation">Moderate every theme, or tick the box' in text(response)
    assert SubmissionReview.objects.get().evaluated_at is None

    response = client.post(url(a, "staff_return_confirm"), {**form, "without_moderation": "on"})
    assert response.status_code == 302
    assert SubmissionReview.objects.get().evaluated_at is not None


def test_every_theme_moderated_needs_no_tick(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    actor = reviewer_actor(client.user)
    for theme in themes(a):
        theme_moderation_save(submission=a.submission, theme=theme, rag=Rag.GREEN, comment="", actor=actor)
    review_outcome_save(submission=a.submission, outcome=ReviewOutcome.ASSURED, message="Thanks", actor=actor)
    form = _confirm_form(client, a)
    assert "not moderated" not in text(client.get(url(a, "staff_return_confirm")))
    assert client.post(url(a, "staff_return_confirm"), form).status_code == 302
    assert SubmissionReview.objects.get().evaluated_at is not None


def test_an_outcome_changed_after_the_confirm_page_loaded_is_not_confirmed(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    actor = reviewer_actor(client.user)
    review_outcome_save(submission=a.submission, outcome=ReviewOutcome.ASSURED, message="Thanks", actor=actor)
    form = _confirm_form(client, a)
    # Another reviewer changes the outcome meanwhile.
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.SCRUTINY_PANEL, message="Come to the panel", actor=RITA
    )
    response = client.post(url(a, "staff_return_confirm"), {**form, "without_moderation": "on"})
    assert response.status_code == 200
    page = text(response)
    assert "Rita Reviewer changed the outcome after you opened this page" in page
    assert "Invited to scrutiny panel" in page  # what stands now
    assert SubmissionReview.objects.get().evaluated_at is None
    # Confirming again from the page as it now stands works.
    again = _confirm_form(client, a)
    assert (
        client.post(url(a, "staff_return_confirm"), {**again, "without_moderation": "on"}).status_code == 302
    )
    review = SubmissionReview.objects.get()
    assert review.evaluated_at is not None and review.outcome == ReviewOutcome.SCRUTINY_PANEL


def test_a_moderation_changed_after_the_confirm_page_loaded_is_not_confirmed(a):
    actor = Actor(name="Me", email="me@alpha.example")
    first = themes(a)[0]
    theme_moderation_save(submission=a.submission, theme=first, rag=Rag.GREEN, comment="", actor=actor)
    review = review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.ASSURED, message="m", actor=actor
    )
    shown = moderations_state(ThemeModeration.objects.filter(submission=a.submission))
    theme_moderation_save(submission=a.submission, theme=first, rag=Rag.RED, comment="", actor=RITA)
    with pytest.raises(StaleReviewError, match="Rita Reviewer changed a theme's moderation"):
        review_evaluation_confirm(
            submission=a.submission, actor=actor, expected_version=review.version, expected_moderations=shown
        )
    # A theme moderated for the first time since counts too.
    shown = moderations_state(ThemeModeration.objects.filter(submission=a.submission))
    theme_moderation_save(submission=a.submission, theme=themes(a)[1], rag=Rag.RED, comment="", actor=RITA)
    with pytest.raises(StaleReviewError):
        review_evaluation_confirm(
            submission=a.submission, actor=actor, expected_version=review.version, expected_moderations=shown
        )
    assert SubmissionReview.objects.get().evaluated_at is None


def test_a_stale_or_mangled_confirm_page_is_refused(a):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.ASSURED, message="m", actor=reviewer_actor(client.user)
    )
    for data in ({}, {"version": "x"}, {"version": "-1"}, {"version": "1", "moderations": "y" * 3000}):
        response = client.post(url(a, "staff_return_confirm"), {**data, "without_moderation": "on"})
        assert response.status_code == 200
        assert "This page is out of date" in text(response)
    assert SubmissionReview.objects.get().evaluated_at is None
