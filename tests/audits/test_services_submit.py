"""Submitting a return: completeness per the cycle's policy, the lock, the
receipt, and the cycle's window in UK time across the clock changes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from audits.models import IncompletePolicy, Rag, Submission, SubmissionStatus, ThemeResponse
from audits.services import (
    StaleSubmissionError,
    SubmissionIncompleteError,
    SubmissionLockedError,
    resume_link_create,
    submission_submit,
    theme_response_save,
)
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from tests.factories import (
    AuditCycleFactory,
    SubmissionFactory,
    submission_complete,
    submission_in_window,
    theme_save,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

ALEX = Actor(name="Alex Patel", email="alex.patel@alpha-council.example")


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return world.a


def themes_of(side_or_submission):
    return list(side_or_submission.question_set.themes.order_by("order"))


def submit(
    submission, *, actor=ALEX, version=None, name="Chris Chief", role="Director of Children's Services"
):
    fresh = Submission.objects.get(pk=submission.pk)
    return submission_submit(
        submission=fresh,
        submitted_by=actor,
        signed_off_by_name=name,
        signed_off_by_role=role,
        expected_version=fresh.version if version is None else version,
    )


# ---------------------------------------------------------------------------
# Complete and incomplete returns
# ---------------------------------------------------------------------------


def test_a_complete_return_is_submitted_and_locked(a, world):
    submission_complete(a.submission)

    before = timezone.now()
    submitted = submit(a.submission)

    submitted.refresh_from_db()
    assert submitted.status == SubmissionStatus.SUBMITTED
    assert submitted.is_locked
    assert before <= submitted.submitted_at <= timezone.now()
    assert (submitted.submitted_by_name, submitted.submitted_by_email) == (ALEX.name, ALEX.email)
    assert (submitted.signed_off_by_name, submitted.signed_off_by_role) == (
        "Chris Chief",
        "Director of Children's Services",
    )
    assert not ThemeResponse.objects.filter(submission=submitted, rag_defaulted=True).exists()
    event = AuditEvent.objects.get(submission=submitted, verb="submission.submitted")
    assert (event.actor_name, event.actor_email) == (ALEX.name, ALEX.email)
    assert event.detail["themes_defaulted_red"] == []
    # The other partnership's return is untouched.
    assert Submission.objects.get(pk=world.b.submission.pk).status == SubmissionStatus.NOT_STARTED


def test_default_red_policy_rates_incomplete_themes_red(a):
    first, second, third = themes_of(a)
    theme_save(a.submission, first, rag="green")
    # Half the questions answered and rated Amber: still incomplete.
    half = {q.pk: "yes" for q in second.questions.order_by("order")[:2]}
    theme_save(a.submission, second, answers=half, rag="amber", comments="Training plan to follow.")
    # `third` never opened.

    submitted = submit(a.submission)

    responses = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=submitted)}
    assert (responses[first.pk].rag, responses[first.pk].rag_defaulted) == (Rag.GREEN, False)
    assert (responses[second.pk].rag, responses[second.pk].rag_defaulted) == (Rag.RED, True)
    assert (responses[third.pk].rag, responses[third.pk].rag_defaulted) == (Rag.RED, True)
    # What the agency wrote is kept.
    assert responses[second.pk].comments == "Training plan to follow."
    event = AuditEvent.objects.get(submission=submitted, verb="submission.submitted")
    assert event.detail["themes_defaulted_red"] == [second.title, third.title]


def test_a_fully_answered_theme_without_a_rating_is_rated_red(a):
    submission_complete(a.submission)
    first = themes_of(a)[0]
    theme_save(a.submission, first, rag="")

    submit(a.submission)

    response = ThemeResponse.objects.get(submission=a.submission, theme=first)
    assert (response.rag, response.rag_defaulted) == (Rag.RED, True)


def test_block_policy_refuses_an_incomplete_return_listing_the_gaps(world):
    cycle = AuditCycleFactory(partnership=world.a.partnership, incomplete_policy=IncompletePolicy.BLOCK)
    submission = SubmissionFactory(cycle=cycle)
    first, second, third = themes_of(submission)
    theme_save(submission, first, rag="green")
    one = {second.questions.order_by("order").first().pk: "yes"}
    theme_save(submission, second, answers=one, rag="")

    with pytest.raises(SubmissionIncompleteError) as excinfo:
        submit(submission)

    gaps = [(gap.theme, gap.unanswered, gap.rag_missing) for gap in excinfo.value.gaps]
    assert gaps == [(second, 3, True), (third, 4, True)]
    assert "Answer every question" in str(excinfo.value)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.IN_PROGRESS
    assert not ThemeResponse.objects.filter(submission=submission, rag_defaulted=True).exists()
    assert not AuditEvent.objects.filter(submission=submission, verb="submission.submitted").exists()
    assert not OutboundEmail.objects.filter(submission=submission).exists()


def test_block_policy_accepts_a_complete_return(world):
    cycle = AuditCycleFactory(partnership=world.a.partnership, incomplete_policy=IncompletePolicy.BLOCK)
    submission = SubmissionFactory(cycle=cycle)
    submission_complete(submission)

    assert submit(submission).status == SubmissionStatus.SUBMITTED


# ---------------------------------------------------------------------------
# Twice, stale, late, unsigned
# ---------------------------------------------------------------------------


def test_submitting_twice_has_the_effect_of_submitting_once(a):
    submission_complete(a.submission)
    first = submit(a.submission)
    emails = OutboundEmail.objects.count()

    # A double click: the second POST carries the version the page was opened at.
    again = submit(a.submission, version=first.version - 1, name="Someone Else", role="Other")

    assert again.submitted_at == first.submitted_at
    assert again.signed_off_by_name == "Chris Chief"
    assert AuditEvent.objects.filter(submission=a.submission, verb="submission.submitted").count() == 1
    assert OutboundEmail.objects.count() == emails


def test_a_stale_version_is_refused(a):
    submission_complete(a.submission)
    opened_at_version = Submission.objects.get(pk=a.submission.pk).version
    # A colleague saves a theme after the check-answers page was opened.
    theme_save(a.submission, themes_of(a)[0], value="no", rag="amber", comments="Found a gap in training.")

    with pytest.raises(StaleSubmissionError):
        submit(a.submission, version=opened_at_version)

    assert Submission.objects.get(pk=a.submission.pk).status == SubmissionStatus.IN_PROGRESS


def test_submitting_after_the_cycle_closes_is_refused(world):
    submission = submission_in_window(
        world.a.partnership, opens_in=-timedelta(days=30), closes_in=-timedelta(minutes=5)
    )

    with pytest.raises(DomainError, match="closed"):
        submit(submission)

    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.NOT_STARTED


def test_submitting_before_the_cycle_opens_is_refused(world):
    submission = submission_in_window(
        world.a.partnership, opens_in=timedelta(days=1), closes_in=timedelta(days=30)
    )

    with pytest.raises(DomainError, match="opens at"):
        submit(submission)


def test_an_extension_allows_submitting_after_the_cycle_closes(world):
    submission = submission_in_window(
        world.a.partnership,
        opens_in=-timedelta(days=30),
        closes_in=-timedelta(days=1),
        extended_for=timedelta(days=7),
    )
    submission_complete(submission)

    assert submit(submission).status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize(("name", "role"), [("", "Chief Executive"), ("Chris Chief", "  ")])
def test_sign_off_needs_a_name_and_a_role(a, name, role):
    submission_complete(a.submission)

    with pytest.raises(DomainError, match="name and role"):
        submit(a.submission, name=name, role=role)

    assert Submission.objects.get(pk=a.submission.pk).status == SubmissionStatus.IN_PROGRESS


def test_a_submitted_return_is_locked_against_theme_saves(a):
    submission_complete(a.submission)
    submit(a.submission)
    theme = themes_of(a)[0]
    response = ThemeResponse.objects.get(submission=a.submission, theme=theme)

    with pytest.raises(SubmissionLockedError):
        theme_response_save(
            submission=a.submission,
            theme=theme,
            answers={},
            rag="red",
            comments="Late change",
            expected_version=response.version,
            actor=ALEX,
        )


# ---------------------------------------------------------------------------
# The receipt
# ---------------------------------------------------------------------------


def test_receipts_are_queued_to_every_contributor_and_sent(a, django_capture_on_commit_callbacks):
    submission_complete(a.submission)
    resume_link_create(submission=a.submission, name="Alex Patel", email="ALEX.PATEL@alpha-council.example")
    resume_link_create(submission=a.submission, name="Ben Okafor", email="ben.okafor@alpha-council.example")
    resume_link_create(submission=a.submission, name="Ben Okafor", email="ben.okafor@alpha-council.example")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(a.submission)

    receipts = OutboundEmail.objects.filter(submission=submitted, kind=OutboundEmail.Kind.RECEIPT)
    assert sorted(receipts.values_list("to_email", flat=True)) == [
        "alex.patel@alpha-council.example",
        "ben.okafor@alpha-council.example",
    ]
    assert set(receipts.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}, list(
        receipts.values_list("last_error", flat=True)
    )
    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {
        "Alex Patel <alex.patel@alpha-council.example>",
        "Ben Okafor <ben.okafor@alpha-council.example>",
    }
    message = by_recipient["Ben Okafor <ben.okafor@alpha-council.example>"]
    assert submitted.reference in message.subject
    assert submitted.reference in message.body
    assert a.agency.name in message.body
    assert message.reply_to == [a.partnership.reply_to]
    assert (
        message.extra_headers["Message-ID"]
        == receipts.get(to_email="ben.okafor@alpha-council.example").message_id
    )


def test_the_receipt_lists_themes_given_a_default_red(a, django_capture_on_commit_callbacks):
    theme_save(a.submission, themes_of(a)[0])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        submit(a.submission)

    assert len(mail.outbox) == 1
    assert themes_of(a)[1].title in mail.outbox[0].body
    assert themes_of(a)[2].title in mail.outbox[0].body


def test_no_receipt_is_queued_before_the_transaction_commits(a, django_capture_on_commit_callbacks):
    submission_complete(a.submission)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(a.submission)

    assert len(callbacks) == 2  # the receipt email and the PDF build
    assert mail.outbox == []
    assert OutboundEmail.objects.get(kind=OutboundEmail.Kind.RECEIPT).status == OutboundEmail.Status.PENDING


# ---------------------------------------------------------------------------
# The window is in UK time, across the clock changes
# ---------------------------------------------------------------------------

# 28 March 2027 is the last Sunday of March: at 01:00 GMT clocks go forward to
# 02:00 BST, so 17:00 that day is 16:00 UTC. 31 October 2027 is the last
# Sunday of October: at 02:00 BST clocks go back to 01:00 GMT, so 17:00 that
# day is 17:00 UTC. A service that read the deadline in the wrong offset would
# be an hour out on one of them.
SPRING_CLOSE = datetime(2027, 3, 28, 17, 0, tzinfo=UK)
AUTUMN_CLOSE = datetime(2027, 10, 31, 17, 0, tzinfo=UK)


def test_the_clock_change_dates_are_what_the_tests_assume():
    assert SPRING_CLOSE.utcoffset() == timedelta(hours=1)
    assert datetime(2027, 3, 27, 17, 0, tzinfo=UK).utcoffset() == timedelta(0)
    assert AUTUMN_CLOSE.utcoffset() == timedelta(0)
    assert datetime(2027, 10, 30, 17, 0, tzinfo=UK).utcoffset() == timedelta(hours=1)


def _cycle_closing_at(partnership, closes_at, **fields):
    return AuditCycleFactory(
        partnership=partnership, opens_at=closes_at - timedelta(days=42), closes_at=closes_at, **fields
    )


@pytest.mark.parametrize("closes_at", [SPRING_CLOSE, AUTUMN_CLOSE], ids=["spring-bst", "autumn-gmt"])
@pytest.mark.parametrize(
    ("local_time", "allowed"), [((16, 59), True), ((17, 1), False)], ids=["16:59", "17:01"]
)
def test_saving_and_submitting_around_a_1700_uk_deadline(world, closes_at, local_time, allowed):
    instant = closes_at.replace(hour=local_time[0], minute=local_time[1])
    with time_machine.travel(closes_at - timedelta(days=7), tick=False):
        submission = SubmissionFactory(cycle=_cycle_closing_at(world.a.partnership, closes_at))
        first, *rest = themes_of(submission)
        for theme in rest:
            theme_save(submission, theme)

    with time_machine.travel(instant, tick=False):
        assert (
            timezone.localtime(timezone.now()).strftime("%H:%M") == f"{local_time[0]:02}:{local_time[1]:02}"
        )
        if allowed:
            theme_save(submission, first)
            submitted = submit(submission)
            assert submitted.status == SubmissionStatus.SUBMITTED
            assert submitted.submitted_at == instant
        else:
            with pytest.raises(DomainError, match="closed"):
                theme_save(submission, first)
            with pytest.raises(DomainError, match="closed"):
                submit(submission)
            assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("opens_at", "first_allowed"),
    [
        # Monday after the spring change: 08:00 BST is 07:00 UTC.
        (datetime(2027, 3, 29, 8, 0, tzinfo=UK), datetime(2027, 3, 29, 7, 0, 30, tzinfo=ZoneInfo("UTC"))),
        # Monday after the autumn change: 08:00 GMT is 08:00 UTC.
        (datetime(2027, 11, 1, 8, 0, tzinfo=UK), datetime(2027, 11, 1, 8, 0, 30, tzinfo=ZoneInfo("UTC"))),
    ],
    ids=["spring-bst", "autumn-gmt"],
)
def test_a_cycle_opens_at_0800_uk_time(world, opens_at, first_allowed):
    cycle = AuditCycleFactory(
        partnership=world.a.partnership, opens_at=opens_at, closes_at=opens_at + timedelta(days=42)
    )
    with time_machine.travel(opens_at - timedelta(days=1), tick=False):
        submission = SubmissionFactory(cycle=cycle)
    theme = themes_of(submission)[0]

    with (
        time_machine.travel(first_allowed - timedelta(minutes=1), tick=False),
        pytest.raises(DomainError, match="opens at 8:00am"),
    ):
        theme_save(submission, theme)
    with time_machine.travel(first_allowed, tick=False):
        theme_save(submission, theme)

    assert ThemeResponse.objects.get(submission=submission, theme=theme).version == 1


def test_a_deadline_extended_into_the_other_side_of_a_clock_change(world):
    """Extended from Friday 26 March 2027 17:00 GMT to Wednesday 31 March
    17:00 BST: the agency may save at 16:59 BST, not at 17:01 BST."""
    closes_at = datetime(2027, 3, 26, 17, 0, tzinfo=UK)
    extended_until = datetime(2027, 3, 31, 17, 0, tzinfo=UK)
    with time_machine.travel(closes_at - timedelta(days=7), tick=False):
        submission = SubmissionFactory(
            cycle=_cycle_closing_at(world.a.partnership, closes_at), extended_until=extended_until
        )
    theme = themes_of(submission)[0]

    with time_machine.travel(extended_until.replace(hour=16, minute=59), tick=False):
        theme_save(submission, theme)
    with (
        time_machine.travel(extended_until.replace(hour=17, minute=1), tick=False),
        pytest.raises(DomainError, match="closed"),
    ):
        theme_save(submission, theme, value="no", rag="red", comments="Late.")
