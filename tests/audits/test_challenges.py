"""Issue 14 item 2: the agency responds to or challenges a confirmed
evaluation, per theme or as a whole; the partnership replies and gives its
final word, changing the moderated rating or not, with a reason; all of it
on the record (history, the submitted PDF's later versions) and the agency
emailed when the partnership writes."""

import pytest
from django.db import IntegrityError, transaction

from audits import policy
from audits.exports.pdf import submission_pdf_html
from audits.models import (
    Challenge,
    ChallengeMessage,
    ChallengeStatus,
    Rag,
    ReviewOutcome,
    SubmissionPdf,
    ThemeModeration,
)
from audits.services.challenges import (
    ChallengeClosedError,
    challenge_message_add,
    challenge_open,
    challenge_resolve,
)
from audits.services.review import (
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from tests.factories import two_partnerships
from tests.staff import staff_user

from .review_support import reviewer_actor, submitted_world

pytestmark = pytest.mark.django_db

AGENCY = Actor(name="Sam Agency", email="sam@alpha-council.example")


@pytest.fixture
def a():
    return submitted_world(two_partnerships().a)


def themes(w):
    return list(w.question_set.themes.order_by("order"))


def confirm(w, *, moderate: str | None = Rag.AMBER):
    actor = reviewer_actor(staff_user(w.partnership))
    if moderate:
        theme_moderation_save(
            submission=w.submission, theme=themes(w)[0], rag=moderate, comment="Old log", actor=actor
        )
    review_outcome_save(
        submission=w.submission, outcome=ReviewOutcome.FURTHER_EVIDENCE, message="Send more", actor=actor
    )
    review_evaluation_confirm(submission=w.submission, actor=actor)
    return actor


def test_nothing_can_be_challenged_before_the_evaluation_is_confirmed(a):
    with pytest.raises(DomainError, match="once the partnership has confirmed"):
        challenge_open(submission=a.submission, theme=themes(a)[0], body="We disagree", actor=AGENCY)
    assert not Challenge.objects.exists()


def test_a_theme_challenge_is_opened_answered_and_resolved_with_a_changed_rating(a):
    reviewer = confirm(a)
    theme = themes(a)[0]
    challenge = challenge_open(submission=a.submission, theme=theme, body="Our log is current.", actor=AGENCY)
    assert (challenge.status, challenge.subject) == (ChallengeStatus.OPEN, theme.title)

    challenge_message_add(challenge=challenge, body="Please attach it.", actor=reviewer, from_agency=False)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.ANSWERED
    # The agency is emailed the reply, with a link back into the return.
    email = OutboundEmail.objects.get(kind="challenge_reply", to_email=a.contact.email)
    assert email.context["message"] == "Please attach it." and email.resume_link_id

    challenge_message_add(challenge=challenge, body="Attached.", actor=AGENCY, from_agency=True)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN

    challenge_resolve(
        challenge=challenge, reason="The log is current.", rag=Rag.GREEN, change_rating=True, actor=reviewer
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.RESOLVED
    assert (challenge.rag_before, challenge.rag_after, challenge.rating_changed) == ("amber", "green", True)
    moderation = ThemeModeration.objects.get(submission=a.submission, theme=theme)
    assert moderation.rag == Rag.GREEN
    assert [m.body for m in challenge.messages.all()] == [
        "Our log is current.",
        "Please attach it.",
        "Attached.",
    ]
    verbs = list(
        AuditEvent.objects.filter(submission=a.submission, verb__startswith="challenge.").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == sorted(
        ["challenge.opened", "challenge.replied", "challenge.replied", "challenge.resolved"]
    )
    assert OutboundEmail.objects.filter(kind="challenge_reply", context__what="resolved").exists()

    # Closed: neither side writes on it again.
    assert not policy.may_add_to_challenge(challenge)
    with pytest.raises(ChallengeClosedError):
        challenge_message_add(challenge=challenge, body="More", actor=AGENCY, from_agency=True)
    with pytest.raises(ChallengeClosedError):
        challenge_resolve(challenge=challenge, reason="Again", actor=reviewer)


def test_the_final_word_may_keep_the_rating_with_a_reason(a):
    reviewer = confirm(a)
    theme = themes(a)[0]
    challenge = challenge_open(submission=a.submission, theme=theme, body="We disagree", actor=AGENCY)
    with pytest.raises(DomainError, match="Enter the reason"):
        challenge_resolve(challenge=challenge, reason="  ", actor=reviewer)
    with pytest.raises(DomainError, match="already Amber"):
        challenge_resolve(challenge=challenge, reason="x", rag=Rag.AMBER, change_rating=True, actor=reviewer)
    challenge_resolve(challenge=challenge, reason="The policy is still in draft.", actor=reviewer)
    challenge.refresh_from_db()
    assert (challenge.rating_changed, challenge.rag_before, challenge.rag_after) == (False, "amber", "amber")
    assert ThemeModeration.objects.get(submission=a.submission, theme=theme).rag == Rag.AMBER


def test_an_unmoderated_theme_changed_on_challenge_gets_a_moderation(a):
    reviewer = confirm(a, moderate=None)
    theme = themes(a)[1]
    challenge = challenge_open(submission=a.submission, theme=theme, body="Green is right", actor=AGENCY)
    challenge_resolve(
        challenge=challenge, reason="On reflection, Amber", rag=Rag.AMBER, change_rating=True, actor=reviewer
    )
    challenge.refresh_from_db()
    assert (challenge.rag_before, challenge.rag_after) == ("green", "amber")  # from the agency's own rating
    assert ThemeModeration.objects.get(submission=a.submission, theme=theme).rag == Rag.AMBER


def test_a_challenge_of_the_whole_evaluation_has_no_rating_to_change(a):
    reviewer = confirm(a)
    challenge = challenge_open(
        submission=a.submission, theme=None, body="The outcome is unfair", actor=AGENCY
    )
    assert challenge.subject == "The evaluation as a whole"
    with pytest.raises(DomainError, match="no rating to change"):
        challenge_resolve(challenge=challenge, reason="x", rag=Rag.GREEN, change_rating=True, actor=reviewer)
    challenge_resolve(challenge=challenge, reason="The evidence was missing.", actor=reviewer)
    challenge.refresh_from_db()
    assert challenge.is_resolved and not challenge.rating_changed


def test_one_open_challenge_a_theme_at_a_time(a):
    reviewer = confirm(a)
    theme = themes(a)[0]
    first = challenge_open(submission=a.submission, theme=theme, body="One", actor=AGENCY)
    with pytest.raises(DomainError, match="already challenged"):
        challenge_open(submission=a.submission, theme=theme, body="Two", actor=AGENCY)
    challenge_open(submission=a.submission, theme=themes(a)[1], body="Another theme", actor=AGENCY)
    challenge_resolve(challenge=first, reason="Kept", actor=reviewer)
    challenge_open(submission=a.submission, theme=theme, body="Something new", actor=AGENCY)
    assert Challenge.objects.filter(submission=a.submission, theme=theme).count() == 2


def test_a_theme_of_another_question_set_is_refused():
    worlds = two_partnerships()
    a, b = submitted_world(worlds.a), submitted_world(worlds.b)
    confirm(a)
    with pytest.raises(DomainError, match="not part of this return"):
        challenge_open(submission=a.submission, theme=themes(b)[0], body="x", actor=AGENCY)


def test_a_return_sent_back_for_changes_cannot_be_challenged(a):
    reviewer = confirm(a)
    submission_return(submission=a.submission, reason="Add the log", actor=reviewer)
    a.submission.refresh_from_db()
    with pytest.raises(DomainError, match="once the partnership has confirmed"):
        challenge_open(submission=a.submission, theme=None, body="x", actor=AGENCY)


def test_each_message_and_the_final_word_make_a_new_version_of_the_submitted_pdf(a):
    reviewer = confirm(a)
    assert SubmissionPdf.objects.filter(submission=a.submission).count() == 1
    challenge = challenge_open(
        submission=a.submission, theme=themes(a)[0], body="Our log is current.", actor=AGENCY
    )
    challenge_message_add(challenge=challenge, body="Please attach it.", actor=reviewer, from_agency=False)
    challenge_resolve(challenge=challenge, reason="Kept: the log is old.", actor=reviewer)
    versions = list(SubmissionPdf.objects.filter(submission=a.submission).order_by("version"))
    assert [(v.version, v.later_count) for v in versions] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    later = versions[-1].snapshot["later"]
    assert [e["text"] for e in later] == ["Our log is current.", "Please attach it.", "Kept: the log is old."]
    assert "Rating kept at Amber" in later[-1]["what"]
    html = submission_pdf_html(versions[-1].snapshot)
    assert "What came after submission" in html and "Kept: the log is old." in html
    # What was submitted is the same in every version.
    assert versions[-1].snapshot["sections"] == versions[0].snapshot["sections"]
    assert "What came after submission" not in submission_pdf_html(versions[0].snapshot)


@pytest.mark.postgres
def test_messages_are_append_only_in_the_database(a):
    confirm(a)
    challenge = challenge_open(submission=a.submission, theme=None, body="Original", actor=AGENCY)
    message = challenge.messages.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeMessage.objects.filter(pk=message.pk).update(body="Rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeMessage.objects.filter(pk=message.pk).delete()


def test_staff_who_want_them_are_told_of_each_agency_message(a):
    from audits.models import StaffNotification

    reviewer = confirm(a)  # a reviewer: told of each challenge by default
    challenge = challenge_open(submission=a.submission, theme=None, body="We disagree", actor=AGENCY)
    challenge_message_add(challenge=challenge, body="And more", actor=AGENCY, from_agency=True)
    challenge_message_add(challenge=challenge, body="Noted", actor=reviewer, from_agency=False)
    told = StaffNotification.objects.filter(submission=a.submission, kind="challenge")
    assert told.count() == 2  # the agency's two messages; not the partnership's own reply
    assert {n.membership.user for n in told} == {reviewer.user}
