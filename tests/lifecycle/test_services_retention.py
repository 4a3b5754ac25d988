"""Retention (issue 17 item 14): a cycle closed longer ago than its
partnership's period loses exactly the personal data the policy names, on
PostgreSQL with its locks on submitted returns and the audit log in force;
answers, ratings, comments, evidence files, action plans and figures stay;
the run is on the audit log; a cycle inside the period, and another
partnership with a longer period, are untouched."""

import secrets
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audits.models import (
    ActionItem,
    ActionUpdate,
    ActionUpdateRequest,
    Answer,
    AuditCycle,
    Evidence,
    MeetingAction,
    MeetingEscalation,
    PanelMember,
    ResumeLink,
    ReturnForChanges,
    ReviewMeeting,
    Submission,
    SubmissionPdf,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
    ThemeResponse,
)
from audits.services import resume_link_create
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.submit import submission_submit
from core.audit import audit_event_record
from core.domain import Actor
from core.models import AuditEvent, OutboundEmail
from core.outbox import outbound_email_queue
from lifecycle.models import CycleAnonymisation, RetentionPolicy
from lifecycle.selectors import retention_preview
from lifecycle.services import cycle_anonymise, retention_run
from tests.factories import submission_complete, theme_save, two_partnerships

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

JO = Actor(name="Jo Contributor", email="jo@agency.example")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }


def worked_on(world):
    """The return filled in by a contributor with a link, evidence, an Amber
    theme with an action, submitted, an update recorded, emails sent."""
    submission = world.submission
    resume_link_create(submission=submission, name="Jo Contributor", email="jo@agency.example")
    themes = list(world.question_set.themes.order_by("order"))
    submission_complete(submission, actor=JO)
    theme_save(submission, themes[0], value="no", rag="amber", comments="Training plan due.", actor=JO)
    evidence = Evidence(
        submission=submission,
        theme=themes[0],
        kind=Evidence.Kind.FILE,
        token=secrets.token_hex(16),
        original_name="policy.pdf",
        content_type="application/pdf",
        size=9,
        added_by_name="Jo Contributor",
        added_by_email="jo@agency.example",
    )
    evidence.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    item = action_item_add(
        submission=submission,
        theme=themes[0],
        data=ActionItemData(
            action="Train managers",
            lead_person="Head of HR",
            target_date=timezone.localdate() + timedelta(days=30),
            success_criteria="All trained",
            expected_outcome="",
            impact_measure="",
        ),
        actor=JO,
    )
    submission = submission_submit(
        submission=Submission.objects.get(pk=submission.pk),
        submitted_by=JO,
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=Submission.objects.get(pk=submission.pk).version,
    )
    action_update_record(item=item, progress="Booked.", status="in_progress", actor=JO)
    ActionUpdateRequest.objects.create(
        partnership=world.partnership,
        submission=submission,
        number=1,
        due_at=timezone.now(),
        recipients=["jo@agency.example"],
    )
    outbound_email_queue(
        partnership=world.partnership,
        kind=OutboundEmail.Kind.RECEIPT,
        to_email="jo@agency.example",
        to_name="Jo Contributor",
        template="emails/receipt",
        context={"name": "Jo Contributor"},
        dedupe_key=f"test-receipt-{submission.pk}",
        submission=submission,
    )
    reviewed(world, submission, themes[0])
    world.submission = submission
    return world


def reviewed(world, submission, theme):
    """A reviewer's records of the return: an earlier return for changes, a
    moderated rating, the confirmed evaluation and a meeting about it."""
    reviewer = get_user_model().objects.create_user(
        email=f"rev@{world.partnership.slug}.example", password="x", full_name="Rita Reviewer"
    )
    ReturnForChanges.objects.create(
        partnership=world.partnership,
        submission=submission,
        reason="Please add the policy.",
        submission_version=1,
        returned_at=timezone.now(),
        returned_by=reviewer,
        returned_by_name="Rita Reviewer",
    )
    ThemeModeration.objects.create(
        partnership=world.partnership,
        submission=submission,
        theme=theme,
        rag="amber",
        comment="Agreed.",
        updated_by=reviewer,
        updated_by_name="Rita Reviewer",
    )
    SubmissionReview.objects.create(
        partnership=world.partnership,
        submission=submission,
        outcome="assured",
        message="Thank you.",
        evaluated_at=timezone.now(),
        evaluated_by=reviewer,
        evaluated_by_name="Rita Reviewer",
        updated_by_name="Rita Reviewer",
    )
    meeting = ReviewMeeting.objects.create(
        partnership=world.partnership,
        cycle=submission.cycle,
        held_on=timezone.localdate(),
        panel_members="Pat Chair, independent chair\nRita Reviewer",
        notes="Discussed training.",
        created_by=reviewer,
    )
    meeting.submissions.add(submission)
    MeetingAction.objects.create(
        meeting=meeting,
        action="Check training",
        owner="Rita Reviewer",
        owner_email="rev@x.example",
        due_on=timezone.localdate(),
    )
    PanelMember.objects.create(
        partnership=world.partnership,
        meeting=meeting,
        is_outsider=True,
        name="Pat Chair",
        role="Independent chair",
        email="pat@chair.example",
    )
    audit_event_record(
        partnership=world.partnership,
        actor=Actor.for_user(reviewer),
        verb="meeting.panel_added",
        obj=meeting,
        detail={"name": "Pat Chair", "role": "Independent chair", "outsider": True},
    )
    MeetingEscalation.objects.create(
        partnership=world.partnership,
        meeting=meeting,
        issue="Training",
        reason="Across agencies",
        board="Executive Board",
        created_by=reviewer,
        created_by_name="Rita Reviewer",
    )


def close_years_ago(cycle, years: float):
    closes = timezone.now() - timedelta(days=365.25 * years)
    AuditCycle.objects.filter(pk=cycle.pk).update(opens_at=closes - timedelta(days=60), closes_at=closes)


def personal(world) -> dict:
    """Every place the contributor's name or email could be, for this world."""
    s = Submission.objects.get(pk=world.submission.pk)
    return {
        "submission": (s.submitted_by_name, s.submitted_by_email, s.signed_off_by_name),
        "responses": set(
            ThemeResponse.objects.filter(submission=s).values_list("updated_by_name", "updated_by_email")
        ),
        "evidence": set(Evidence.objects.filter(submission=s).values_list("added_by_name", "added_by_email")),
        "items": set(
            ActionItem.objects.filter(submission=s).values_list("created_by_name", "created_by_email")
        ),
        "updates": set(
            ActionUpdate.objects.filter(item__submission=s).values_list("actor_name", "actor_email")
        ),
        "requests": list(
            ActionUpdateRequest.objects.filter(submission=s).values_list("recipients", flat=True)
        ),
        "links": ResumeLink.objects.filter(submission=s).count(),
        "emails": set(OutboundEmail.objects.filter(submission=s).values_list("to_name", "to_email")),
        "events": set(AuditEvent.objects.filter(submission=s).values_list("actor_name", "actor_email")),
        "review": set(
            SubmissionReview.objects.filter(submission=s).values_list(
                "evaluated_by", "evaluated_by_name", "updated_by_name"
            )
        ),
        "moderations": set(
            ThemeModeration.objects.filter(submission=s).values_list("updated_by", "updated_by_name")
        ),
        "returns": set(
            ReturnForChanges.objects.filter(submission=s).values_list("returned_by", "returned_by_name")
        ),
        "meetings": set(
            ReviewMeeting.objects.filter(submissions=s).values_list(
                "created_by", "panel_members", "actions__owner"
            )
        ),
        "meeting_rows": (
            set(MeetingAction.objects.filter(meeting__submissions=s).values_list("owner_email", flat=True)),
            PanelMember.objects.filter(meeting__submissions=s).count(),
            set(
                MeetingEscalation.objects.filter(meeting__submissions=s).values_list(
                    "created_by", "created_by_name"
                )
            ),
        ),
    }


def figures(world) -> dict:
    s = world.submission
    return {
        "status": Submission.objects.get(pk=s.pk).status,
        "role": Submission.objects.get(pk=s.pk).signed_off_by_role,
        "answers": sorted(Answer.objects.filter(submission=s).values_list("question_id", "value")),
        "ratings": sorted(
            ThemeResponse.objects.filter(submission=s).values_list("theme_id", "rag", "comments")
        ),
        "evidence": list(Evidence.objects.filter(submission=s).values_list("original_name", "file")),
        "items": list(ActionItem.objects.filter(submission=s).values_list("action", "lead_person", "status")),
        "updates": list(ActionUpdate.objects.filter(item__submission=s).values_list("progress", "status")),
        "events": AuditEvent.objects.filter(submission=s).count(),
        "verbs": sorted(AuditEvent.objects.filter(submission=s).values_list("verb", flat=True)),
        "review": list(SubmissionReview.objects.filter(submission=s).values_list("outcome", "message")),
        "moderations": list(ThemeModeration.objects.filter(submission=s).values_list("rag", "comment")),
        "returns": list(ReturnForChanges.objects.filter(submission=s).values_list("reason", flat=True)),
        "meetings": list(
            ReviewMeeting.objects.filter(submissions=s).values_list("notes", "held_on", "actions__action")
        ),
    }


@pytest.fixture
def worlds():
    worlds = two_partnerships()
    for w in worlds:
        worked_on(w)
    return worlds


def test_an_old_cycle_loses_exactly_the_personal_data_and_keeps_the_figures(worlds):
    a, b = worlds
    close_years_ago(a.cycle, 7)
    close_years_ago(b.cycle, 7)
    RetentionPolicy.objects.create(partnership=b.partnership, years=10)  # b keeps them longer
    a_figures, b_before = figures(a), personal(b)
    assert personal(a)["submission"] == ("Jo Contributor", "jo@agency.example", "Alex Director")
    assert SubmissionPdf.objects.filter(submission=a.submission).count() == 1

    done = retention_run()

    assert list(done) == [f"alpha/{a.cycle.slug}"]
    assert personal(a) == {
        "submission": ("", "", ""),
        "responses": {("", "")},
        "evidence": {("", "")},
        "items": {("", "")},
        "updates": {("", "")},
        "requests": [[]],
        "links": 0,
        "emails": {("", "")},
        "events": {("", "")},
        "review": {(None, "", "")},
        "moderations": {(None, "")},
        "returns": {(None, "")},
        "meetings": {(None, "", "")},
        "meeting_rows": ({""}, 0, {(None, "")}),
    }
    assert not OutboundEmail.objects.filter(submission=a.submission).exclude(context={}).exists()
    # The meeting's own history (recorded against the meeting) loses its names too.
    meeting = ReviewMeeting.objects.get(cycle=a.cycle)
    events = AuditEvent.objects.filter(object_type="audits.reviewmeeting", object_id=str(meeting.pk))
    assert set(events.values_list("actor_name", "detail__name")) == {("", None)}
    # Nothing but names and emails went: answers, ratings, comments, evidence
    # files, the plan and every history entry are there (the verbs too).
    assert figures(a) == a_figures
    assert figures(a)["status"] == SubmissionStatus.SUBMITTED
    # Kept by default: the submitted copy.
    assert SubmissionPdf.objects.filter(submission=a.submission).count() == 1
    # The other partnership's period has not passed.
    assert personal(b) == b_before
    # On the audit log, and not done twice.
    event = AuditEvent.objects.get(verb="retention.cycle_anonymised")
    assert event.partnership_id == a.partnership.pk and event.object_id == str(a.cycle.pk)
    assert event.detail["counts"]["resume_links"] == 1 and event.detail["counts"]["submissions"] == 1
    assert event.detail["submitted_pdfs_kept"] is True
    assert CycleAnonymisation.objects.get().cycle_id == a.cycle.pk
    assert retention_run() == {}


def test_the_submitted_pdfs_go_when_the_partnership_does_not_keep_them(worlds):
    a, _ = worlds
    close_years_ago(a.cycle, 7)
    RetentionPolicy.objects.create(partnership=a.partnership, years=6, keep_submitted_pdfs=False)
    counts = retention_run()[f"alpha/{a.cycle.slug}"]
    assert counts["submitted_pdfs"] == 1
    assert not SubmissionPdf.objects.filter(submission=a.submission).exists()


def test_a_cycle_inside_its_period_is_untouched_and_the_dry_run_says_when_it_falls_due(worlds):
    a, _ = worlds
    close_years_ago(a.cycle, 5)
    before = personal(a)
    assert retention_run() == {}
    assert personal(a) == before
    [preview] = retention_preview(partnership=a.partnership)
    assert not preview.is_due and preview.counts == []
    assert preview.due_at.year == AuditCycle.objects.get(pk=a.cycle.pk).closes_at.year + 6


def test_the_dry_run_counts_what_would_go_and_changes_nothing(worlds):
    a, _ = worlds
    close_years_ago(a.cycle, 7)
    before_events = AuditEvent.objects.count()
    [preview] = retention_preview(partnership=a.partnership)
    counts = dict(preview.counts)
    assert preview.is_due
    assert counts["Links to returns (deleted)"] == 1
    assert counts["Returns: who submitted and who signed off (names and emails)"] == 1
    assert "Submitted copies (PDFs, deleted)" not in counts
    assert AuditEvent.objects.count() == before_events
    assert personal(a)["links"] == 1


def test_without_the_setting_the_database_still_refuses_blanking_a_submitted_return(worlds):
    a, _ = worlds
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=a.submission.pk).update(submitted_by_name="")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(submission=a.submission).update(actor_name="")


def test_the_setting_allows_blanking_only_not_rewriting(worlds):
    a, _ = worlds
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.anonymise', 'on', true)")
        Submission.objects.filter(pk=a.submission.pk).update(submitted_by_name="Someone Else")
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.anonymise', 'on', true)")
        AuditEvent.objects.filter(submission=a.submission).update(actor_name="", verb="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.anonymise', 'on', true)")
        AuditEvent.objects.filter(submission=a.submission).update(detail={"added": 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('s11portal.anonymise', 'on', true)")
        AuditEvent.objects.filter(submission=a.submission).delete()


def test_the_setting_ends_with_the_anonymisation(worlds):
    a, _ = worlds
    close_years_ago(a.cycle, 7)
    cycle_anonymise(partnership=a.partnership, cycle=a.cycle, keep_pdfs=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(partnership=a.partnership).update(actor_name="")


def test_the_beat_schedule_runs_the_task(settings):
    from lifecycle.tasks import retention_run as task

    entry = settings.CELERY_BEAT_SCHEDULE["retention-run"]
    assert entry["task"] == task.name == "lifecycle.retention_run"


def test_emails_about_no_return_are_blanked_after_the_period(worlds):
    a, b = worlds
    from core.outbox import outbound_email_queue

    for world in (a, b):
        outbound_email_queue(
            partnership=world.partnership,
            kind=OutboundEmail.Kind.CONTACT,
            to_email=world.partnership.contact_email,
            template="contact",
            context={"sender_name": "Pat", "sender_email": "pat@charity.example", "message": "Hello"},
            dedupe_key=f"test-contact-{world.partnership.pk}",
        )
    old = timezone.now() - timedelta(days=365 * 7)
    OutboundEmail.objects.filter(partnership=a.partnership, kind="contact").update(created_at=old)
    done = retention_run()
    assert done["alpha/emails"] == {"emails": 1}
    contact = OutboundEmail.objects.get(partnership=a.partnership, kind="contact")
    assert (contact.to_email, contact.context) == ("", {})
    # B's is recent; the returns' emails of A's open cycle are untouched.
    assert OutboundEmail.objects.get(partnership=b.partnership, kind="contact").context["message"] == "Hello"
    assert not OutboundEmail.objects.filter(submission=a.submission, to_email="").exists()
    assert (
        AuditEvent.objects.filter(verb="retention.emails_anonymised", partnership=a.partnership).count() == 1
    )
