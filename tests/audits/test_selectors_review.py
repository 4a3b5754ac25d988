"""Every selector of the review keeps to its partnership: asked with one
partnership and another's row, it answers "not found" (or nothing)."""

import pytest
from django.http import Http404

from audits.models import Rag, ReviewMeeting, ReviewOutcome
from audits.selectors import review as sel
from audits.services import resume_link_create
from audits.services.review import (
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from tests.factories import SubmissionFactory, two_partnerships
from tests.staff import staff_user

from .review_support import reviewer_actor, submitted_world

pytestmark = pytest.mark.django_db

COVERED = {
    "review_sections",
    "review_theme_get",
    "resume_link_list",
    "resume_link_get",
    "review_evidence_get",
    "return_for_changes_list",
    "return_for_changes_current",
    "submission_list_with_review",
    "cycle_review_counts",
    "submission_history",
    "meeting_list",
    "meeting_list_for_submission",
    "meeting_get",
    "meeting_submission_choices",
}


@pytest.fixture
def world():
    worlds = two_partnerships()
    for w in worlds:
        submitted_world(w)
        actor = reviewer_actor(staff_user(w.partnership))
        theme = w.question_set.themes.order_by("order").first()
        theme_moderation_save(submission=w.submission, theme=theme, rag=Rag.AMBER, comment="", actor=actor)
        w.meeting = ReviewMeeting.objects.create(
            partnership=w.partnership, cycle=w.cycle, held_on=w.cycle.opens_at.date(), panel_members="Chair"
        )
        w.meeting.submissions.add(w.submission)
        w.link, _ = resume_link_create(submission=w.submission, name="Sam", email=w.contact.email)
        w.actor = actor
    return worlds


@pytest.mark.parametrize(
    "call",
    [
        lambda p, s: sel.review_sections(partnership=p, submission=s),
        lambda p, s: sel.review_theme_get(partnership=p, submission=s, key="theme-1"),
        lambda p, s: sel.resume_link_list(partnership=p, submission=s),
        lambda p, s: sel.resume_link_get(partnership=p, submission=s, pk=s.resume_links.first().pk),
        lambda p, s: sel.review_evidence_get(partnership=p, submission=s, token="x"),
        lambda p, s: sel.return_for_changes_list(partnership=p, submission=s),
        lambda p, s: sel.return_for_changes_current(partnership=p, submission=s),
        lambda p, s: sel.submission_history(partnership=p, submission=s),
        lambda p, s: sel.meeting_list_for_submission(partnership=p, submission=s),
    ],
    ids=[
        "review_sections",
        "review_theme_get",
        "resume_link_list",
        "resume_link_get",
        "review_evidence_get",
        "return_for_changes_list",
        "return_for_changes_current",
        "submission_history",
        "meeting_list_for_submission",
    ],
)
def test_submission_selectors_refuse_another_partnerships_return(world, call):
    a, b = world
    with pytest.raises(Http404):
        call(a.partnership, b.submission)


def test_review_sections_hold_the_returns_own_moderation(world):
    a, _ = world
    sections = sel.review_sections(partnership=a.partnership, submission=a.submission)
    assert [s.moderation.rag if s.moderation else None for s in sections] == ["amber", None, None]
    assert sections[0].differs  # the agency rated it Green


def test_resume_link_get_refuses_a_link_of_another_return(world):
    a, b = world
    with pytest.raises(Http404):
        sel.resume_link_get(partnership=a.partnership, submission=a.submission, pk=b.link.pk)
    assert sel.resume_link_get(partnership=a.partnership, submission=a.submission, pk=a.link.pk) == a.link
    assert b.link not in sel.resume_link_list(partnership=a.partnership, submission=a.submission)


def test_history_holds_only_the_returns_events(world):
    a, _ = world
    entries = sel.submission_history(partnership=a.partnership, submission=a.submission)
    assert {e.event.submission_id for e in entries} == {a.submission.pk}
    assert any("Moderated" in e.what for e in entries)


def test_return_for_changes_selectors_see_only_their_return(world):
    a, b = world
    submission_return(submission=b.submission, reason="B's reason", actor=b.actor)
    submission_return(submission=a.submission, reason="A's reason", actor=a.actor)
    a.submission.refresh_from_db()
    current = sel.return_for_changes_current(partnership=a.partnership, submission=a.submission)
    assert current.reason == "A's reason"
    assert [
        r.reason for r in sel.return_for_changes_list(partnership=a.partnership, submission=a.submission)
    ] == ["A's reason"]


@pytest.mark.parametrize(
    "call",
    [
        lambda p, c: sel.submission_list_with_review(partnership=p, cycle=c),
        lambda p, c: sel.cycle_review_counts(partnership=p, cycle=c),
        lambda p, c: sel.meeting_list(partnership=p, cycle=c),
        lambda p, c: sel.meeting_submission_choices(partnership=p, cycle=c),
    ],
    ids=["submission_list_with_review", "cycle_review_counts", "meeting_list", "meeting_submission_choices"],
)
def test_cycle_selectors_refuse_another_partnerships_cycle(world, call):
    a, b = world
    with pytest.raises(Http404):
        call(a.partnership, b.cycle)


def test_submission_list_with_review_annotates_the_evaluation(world):
    a, _ = world
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.ASSURED, message="Thanks", actor=a.actor
    )
    review_evaluation_confirm(submission=a.submission, actor=a.actor)
    other = SubmissionFactory(cycle=a.cycle)

    rows = {s.pk: s for s in sel.submission_list_with_review(partnership=a.partnership)}

    assert set(rows) == {a.submission.pk, other.pk}
    assert rows[a.submission.pk].evaluated_at is not None
    assert rows[a.submission.pk].outcome == "assured"
    assert rows[a.submission.pk].themes_moderated == 1
    assert rows[other.pk].evaluated_at is None
    assert sel.cycle_review_counts(partnership=a.partnership, cycle=a.cycle) == {
        "submitted": 1,
        "evaluated": 1,
        "returned": 0,
    }


def test_meeting_selectors_see_only_their_partnership(world):
    a, b = world
    assert sel.meeting_list(partnership=a.partnership, cycle=a.cycle) == [a.meeting]
    assert sel.meeting_list_for_submission(partnership=a.partnership, submission=a.submission) == [a.meeting]
    assert sel.meeting_get(partnership=a.partnership, cycle=a.cycle, pk=a.meeting.pk) == a.meeting
    with pytest.raises(Http404):
        sel.meeting_get(partnership=a.partnership, cycle=a.cycle, pk=b.meeting.pk)
    assert sel.meeting_submission_choices(partnership=a.partnership, cycle=a.cycle) == [a.submission]
