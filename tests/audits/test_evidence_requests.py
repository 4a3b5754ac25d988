"""Issue 14 item 3: evidence requests without unlocking. A reviewer asks for
specific evidence on specific themes by a date (alone, or in confirming an
outcome of Further evidence requested); the agency answers with files or
links beside its locked return; the submitted PDF gets a new version listing
what came later; reminders go through the outbox before the due date, each
once; on PostgreSQL the lock's triggers still refuse any change to the
submitted answers, ratings and evidence."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.models import (
    Answer,
    Evidence,
    EvidenceRequest,
    ReviewOutcome,
    SubmissionPdf,
    SubmissionReview,
    SupplementaryEvidence,
    ThemeResponse,
)
from audits.services.evidence_requests import (
    EvidenceRequestData,
    evaluation_confirm_with_request,
    evidence_request_create,
    evidence_request_reminders_due,
    reminder_due_days,
    supplementary_evidence_add,
)
from audits.services.review import review_outcome_save, submission_return
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from tests.factories import two_partnerships
from tests.staff import staff_user

from .review_support import reviewer_actor, submitted_world
from .test_views_journey import TINY_PDF

pytestmark = pytest.mark.django_db

AGENCY = Actor(name="Sam Agency", email="sam@alpha-council.example")


@pytest.fixture
def a():
    return submitted_world(two_partnerships().a)


@pytest.fixture
def reviewer(a):
    return reviewer_actor(staff_user(a.partnership))


def themes(w):
    return list(w.question_set.themes.order_by("order"))


def ask(w, actor, *, days=10, which=None):
    return evidence_request_create(
        submission=w.submission,
        data=EvidenceRequestData(
            themes=which or themes(w)[:2],
            what="Your current training log",
            due_on=timezone.localdate() + timedelta(days=days),
        ),
        actor=actor,
    )


def pdf_upload(name="log.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def test_a_request_is_checked_and_emailed_to_the_agency(a, reviewer):
    with pytest.raises(DomainError, match="Select the themes"):
        evidence_request_create(
            submission=a.submission,
            data=EvidenceRequestData(themes=[], what="x", due_on=timezone.localdate() + timedelta(days=3)),
            actor=reviewer,
        )
    with pytest.raises(DomainError, match="must be in the future"):
        evidence_request_create(
            submission=a.submission,
            data=EvidenceRequestData(themes=themes(a)[:1], what="x", due_on=timezone.localdate()),
            actor=reviewer,
        )
    assert not EvidenceRequest.objects.exists()
    request = ask(a, reviewer)
    assert [t.pk for t in request.themes.order_by("order")] == [t.pk for t in themes(a)[:2]]
    email = OutboundEmail.objects.get(kind="evidence_request", to_email=a.contact.email)
    assert email.context["what"] == "Your current training log" and email.resume_link_id
    assert AuditEvent.objects.filter(submission=a.submission, verb="evidence.requested").exists()


def test_a_request_needs_a_submitted_return(a, reviewer):
    submission_return(submission=a.submission, reason="Change it", actor=reviewer)
    a.submission.refresh_from_db()
    with pytest.raises(DomainError, match="once the return has been submitted"):
        ask(a, reviewer)


def test_confirming_further_evidence_can_ask_for_it_in_the_same_step(a, reviewer):
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.FURTHER_EVIDENCE, message="Send more", actor=reviewer
    )
    bad = EvidenceRequestData(themes=themes(a)[:1], what="", due_on=timezone.localdate() + timedelta(days=5))
    with pytest.raises(DomainError, match="Enter what evidence"):
        evaluation_confirm_with_request(submission=a.submission, actor=reviewer, request=bad)
    # Neither happened.
    assert not SubmissionReview.objects.get(submission=a.submission).is_confirmed
    good = EvidenceRequestData(
        themes=themes(a)[:1], what="The log", due_on=timezone.localdate() + timedelta(days=5)
    )
    evaluation_confirm_with_request(submission=a.submission, actor=reviewer, request=good)
    assert SubmissionReview.objects.get(submission=a.submission).is_confirmed
    assert EvidenceRequest.objects.get(submission=a.submission).what == "The log"


def test_only_an_outcome_of_further_evidence_asks_for_it_on_confirming(a, reviewer):
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.ASSURED, message="Fine", actor=reviewer
    )
    data = EvidenceRequestData(
        themes=themes(a)[:1], what="x", due_on=timezone.localdate() + timedelta(days=5)
    )
    with pytest.raises(DomainError, match="Further evidence requested"):
        evaluation_confirm_with_request(submission=a.submission, actor=reviewer, request=data)


def test_the_agency_answers_with_files_and_links_and_the_pdf_lists_them(a, reviewer):
    request = ask(a, reviewer)
    versions_before = SubmissionPdf.objects.filter(submission=a.submission).count()
    theme = themes(a)[0]
    with pytest.raises(DomainError, match="themes the partnership asked about"):
        supplementary_evidence_add(request=request, theme=themes(a)[2], upload=pdf_upload(), actor=AGENCY)
    with pytest.raises(DomainError, match="not both"):
        supplementary_evidence_add(
            request=request, theme=theme, upload=pdf_upload(), url="https://example.org", actor=AGENCY
        )
    item = supplementary_evidence_add(
        request=request, theme=theme, upload=pdf_upload(), note="2026 log", actor=AGENCY
    )
    link = supplementary_evidence_add(
        request=request, theme=themes(a)[1], url="example.org/log", title="Log", actor=AGENCY
    )
    request.refresh_from_db()
    assert request.is_answered
    assert item.kind == "file" and item.sha256 and item.original_name == "log.pdf"
    assert item.file.name.startswith(f"supplementary-evidence/{a.partnership.pk}/{a.submission.pk}/")
    assert link.url == "example.org/log" or link.url.startswith("http")
    latest = SubmissionPdf.objects.filter(submission=a.submission).order_by("-version").first()
    assert latest.version == versions_before + 2
    whats = [e["what"] for e in latest.snapshot["later"]]
    assert whats[0].startswith("Evidence requested, due")
    assert any("log.pdf" in w and item.sha256 in w for w in whats)


@pytest.mark.postgres
def test_answering_never_changes_the_locked_return_and_the_triggers_still_refuse(a, reviewer):
    request = ask(a, reviewer)
    before = (
        list(
            Answer.objects.filter(submission=a.submission).values_list("question_id", "value", "updated_at")
        ),
        list(
            ThemeResponse.objects.filter(submission=a.submission).values_list(
                "theme_id", "rag", "comments", "version"
            )
        ),
        Evidence.objects.filter(submission=a.submission).count(),
    )
    supplementary_evidence_add(request=request, theme=themes(a)[0], upload=pdf_upload(), actor=AGENCY)
    after = (
        list(
            Answer.objects.filter(submission=a.submission).values_list("question_id", "value", "updated_at")
        ),
        list(
            ThemeResponse.objects.filter(submission=a.submission).values_list(
                "theme_id", "rag", "comments", "version"
            )
        ),
        Evidence.objects.filter(submission=a.submission).count(),
    )
    assert before == after
    # The lock's triggers: answers, ratings and evidence of the submitted return are refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(submission=a.submission).update(value="no")
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeResponse.objects.filter(submission=a.submission).update(rag="red")
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            submission=a.submission,
            theme=themes(a)[0],
            kind="link",
            url="https://example.org",
            token="f" * 32,
        )
    # And supplementary evidence, once sent, is never changed or removed.
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplementaryEvidence.objects.update(note="changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplementaryEvidence.objects.all().delete()


def test_a_returned_return_takes_evidence_on_its_themes_instead(a, reviewer):
    request = ask(a, reviewer)
    submission_return(submission=a.submission, reason="Change it", actor=reviewer)
    request.refresh_from_db()
    with pytest.raises(DomainError, match="returned to you for changes"):
        supplementary_evidence_add(request=request, theme=themes(a)[0], upload=pdf_upload(), actor=AGENCY)


def test_reminder_days():
    today = timezone.localdate()
    due = today + timedelta(days=10)
    assert reminder_due_days(due_on=due, today=today) is None
    assert reminder_due_days(due_on=due, today=due - timedelta(days=7)) == 7
    assert reminder_due_days(due_on=due, today=due - timedelta(days=5)) == 7  # a missed day still reminds
    assert reminder_due_days(due_on=due, today=due - timedelta(days=2)) == 2
    assert reminder_due_days(due_on=due, today=due - timedelta(days=1)) == 1
    assert reminder_due_days(due_on=due, today=due) is None


def test_reminders_are_written_once_each_and_stop_when_answered(a, reviewer):
    from audits.services.emails import submission_email_recipients

    people = len(submission_email_recipients(submission=a.submission))
    assert people == 2  # the agency's contact and whoever submitted
    request = ask(a, reviewer, days=7)
    assert evidence_request_reminders_due() == people
    assert evidence_request_reminders_due() == 0  # the same run again: nothing new
    rows = OutboundEmail.objects.filter(kind="evidence_reminder")
    assert rows.count() == people and {r.context["days_left"] for r in rows} == {7}
    later = timezone.now() + timedelta(days=5)  # 2 days before
    assert evidence_request_reminders_due(now=later) == people
    assert evidence_request_reminders_due(now=later) == 0
    supplementary_evidence_add(request=request, theme=themes(a)[0], upload=pdf_upload(), actor=AGENCY)
    assert evidence_request_reminders_due(now=timezone.now() + timedelta(days=6)) == 0
    assert OutboundEmail.objects.filter(kind="evidence_reminder").count() == 2 * people


def test_a_reminder_written_before_the_answer_is_not_sent(a, reviewer):
    from core.emails import email_kind_get

    request = ask(a, reviewer, days=7)
    evidence_request_reminders_due()
    row = OutboundEmail.objects.select_related("submission").filter(kind="evidence_reminder").first()
    kind = email_kind_get("evidence_reminder")
    assert kind.obsolete(row) == ""
    supplementary_evidence_add(request=request, theme=themes(a)[0], upload=pdf_upload(), actor=AGENCY)
    assert "answered" in kind.obsolete(row)


def test_staff_who_want_them_are_told_of_evidence_sent(a, reviewer):
    from audits.models import StaffNotification

    request = ask(a, reviewer)
    supplementary_evidence_add(request=request, theme=themes(a)[0], upload=pdf_upload(), actor=AGENCY)
    told = StaffNotification.objects.get(submission=a.submission, kind="evidence_answered")
    assert told.membership.user == reviewer.user and "log.pdf" in told.summary
