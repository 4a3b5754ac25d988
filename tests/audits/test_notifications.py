"""Staff notifications: who is told of what (preferences and their role's
defaults), once per event, through the outbox; the daily digest, once a
member a day; the hooks in submit and action plans; the preferences page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from audits.models import (
    ActionStatus,
    NotificationFrequency,
    NotificationKind,
    StaffNotification,
    StaffNotificationPreference,
    Submission,
)
from audits.services import submission_submit
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.notifications import (
    staff_notification_digests_send,
    staff_notification_preferences_save,
    staff_notification_queue,
)
from audits.services.review import submission_return
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from core.outbox import outbound_emails_send, outbox_sweep
from partnerships.models import StaffMembership, StaffRole
from tests.factories import submission_complete, two_partnerships
from tests.staff import staff_client, staff_url, staff_user

pytestmark = pytest.mark.django_db

ALEX = Actor(name="Alex Patel", email="alex@alpha-council.example")
Kind = NotificationKind
Freq = NotificationFrequency


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return world.a


def member(partnership, role=StaffRole.REVIEWER, email=None):
    user = staff_user(partnership, role, email=email)
    return StaffMembership.objects.get(user=user, partnership=partnership)


def choose(membership, **choices):
    staff_notification_preferences_save(
        membership=membership, choices=choices, actor=Actor(name="x", email=membership.user.email)
    )


def queue(side, kind=Kind.CHALLENGE, key="challenge:1", summary="Challenged theme 1"):
    return staff_notification_queue(
        partnership=side.partnership, kind=kind, submission=side.submission, event_key=key, summary=summary
    )


def submit(submission):
    fresh = Submission.objects.get(pk=submission.pk)
    return submission_submit(
        submission=fresh,
        submitted_by=ALEX,
        signed_off_by_name="Chris Chief",
        signed_off_by_role="Director",
        expected_version=fresh.version,
    )


def staff_emails(**filters):
    return OutboundEmail.objects.filter(kind__startswith="staff_", **filters).exclude(kind="staff_invitation")


# --- who is told ---------------------------------------------------------------


def test_defaults_each_for_admins_and_reviewers_none_for_read_only(a, world):
    admin = member(a.partnership, StaffRole.ADMIN, "admin@alpha.example")
    reviewer = member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    member(a.partnership, StaffRole.READ_ONLY, "reader@alpha.example")
    member(world.b.partnership, StaffRole.ADMIN, "admin@bravo.example")

    assert queue(a) == 2

    rows = staff_emails()
    assert sorted(rows.values_list("to_email", flat=True)) == [admin.user.email, reviewer.user.email]
    assert set(rows.values_list("kind", flat=True)) == {"staff_challenge"}
    assert set(rows.values_list("partnership", flat=True)) == {a.partnership.pk}
    # Action plan updates default to the daily digest: no email now.
    assert queue(a, Kind.ACTION_PLAN, key="action-update:1", summary="Recorded progress") == 2
    assert staff_emails().count() == 2
    assert StaffNotification.objects.filter(kind=Kind.ACTION_PLAN, email__isnull=True).count() == 2


def test_the_same_event_twice_tells_no_one_twice(a):
    member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    assert queue(a) == 1
    assert queue(a) == 0
    assert staff_emails().count() == 1
    assert StaffNotification.objects.count() == 1


def test_preferences_each_daily_none(a):
    each = member(a.partnership, StaffRole.READ_ONLY, "each@alpha.example")
    daily = member(a.partnership, StaffRole.ADMIN, "daily@alpha.example")
    none = member(a.partnership, StaffRole.REVIEWER, "none@alpha.example")
    choose(each, challenge=Freq.EACH)
    choose(daily, challenge=Freq.DAILY)
    choose(none, challenge=Freq.NONE)

    assert queue(a) == 2
    assert list(staff_emails().values_list("to_email", flat=True)) == ["each@alpha.example"]
    waiting = StaffNotification.objects.get(membership=daily)
    assert (waiting.frequency, waiting.email) == (Freq.DAILY, None)
    assert not StaffNotification.objects.filter(membership=none).exists()


def test_the_member_who_caused_it_is_not_told(a):
    reviewer = member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    told = staff_notification_queue(
        partnership=a.partnership,
        kind=Kind.CHALLENGE,
        submission=a.submission,
        event_key="k",
        summary="s",
        exclude_user_id=reviewer.user_id,
    )
    assert told == 0


def test_a_return_of_another_partnership_is_refused(world):
    with pytest.raises(ValueError):
        staff_notification_queue(
            partnership=world.a.partnership,
            kind=Kind.CHALLENGE,
            submission=world.b.submission,
            event_key="k",
            summary="s",
        )
    with pytest.raises(ValueError):
        staff_notification_queue(
            partnership=world.a.partnership, kind="gossip", submission=None, event_key="k", summary="s"
        )


def test_a_rolled_back_event_tells_no_one(a):
    member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue(a)
        raise RuntimeError
    assert not staff_emails().exists()
    assert not StaffNotification.objects.exists()


def test_the_email_says_what_happened_and_links_to_the_return(a, settings):
    settings.BASE_URL = "https://s11.example"
    member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    queue(a, summary="Challenged the rating of theme 1")
    row = staff_emails().get()
    assert outbound_emails_send(email_ids=[row.pk]) == 1
    message = mail.outbox[-1]
    assert message.to == ["reviewer@alpha.example"] or "reviewer@alpha.example" in message.to[0]
    assert "Challenged the rating of theme 1" in message.subject
    assert a.agency.name in message.subject
    review_url = f"https://s11.example/alpha/staff/returns/{a.submission.reference}/"
    assert review_url in message.body
    assert "https://s11.example/alpha/staff/notifications/" in message.body
    assert review_url in message.alternatives[0][0]


# --- the hooks ---------------------------------------------------------------------


def test_submitting_and_resubmitting_tell_staff(a, django_capture_on_commit_callbacks):
    member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    submission_complete(a.submission)
    submit(a.submission)
    first = staff_emails().get()
    assert first.kind == "staff_submitted"
    assert first.context["summary"] == "Submitted its return"
    assert first.submission_id == a.submission.pk
    # The same submit again (a double click) tells no one again.
    submit(a.submission)
    assert staff_emails().count() == 1

    reviewer = Actor(name="Rita Reviewer", email="rita@alpha.example")
    submission_return(
        submission=Submission.objects.get(pk=a.submission.pk), reason="Add evidence", actor=reviewer
    )
    submit(a.submission)
    again = staff_emails().exclude(pk=first.pk).get()
    assert again.kind == "staff_resubmitted"
    assert again.context["summary"] == "Submitted its return again after changes"


def test_action_plan_changes_after_submission_tell_staff(a):
    reviewer = member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    choose(reviewer, action_plan=Freq.EACH)
    theme = a.question_set.themes.order_by("order").first()
    data = ActionItemData(
        action="Train staff",
        lead_person="Jo",
        target_date=timezone.localdate() + timedelta(days=30),
        success_criteria="All trained",
    )
    # While the return is being written, action items are no news.
    action_item_add(submission=a.submission, theme=theme, data=data, actor=ALEX)
    assert not staff_emails().exists()

    submission_complete(a.submission)
    submit(a.submission)
    StaffNotification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    item = a.submission.action_items.get()
    action_update_record(item=item, progress="Half done", status=ActionStatus.IN_PROGRESS, actor=ALEX)
    row = staff_emails().get()
    assert row.kind == "staff_action_plan"
    assert "In progress" in row.context["summary"]
    assert row.context["path"].endswith(f"/returns/{a.submission.reference}/action-plan/")

    action_item_add(submission=a.submission, theme=theme, data=data, actor=ALEX)
    assert staff_emails().count() == 2


# --- the digest --------------------------------------------------------------------

MORNING = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)  # 08:00 in London (GMT)


def test_one_digest_a_member_a_day(a):
    daily = member(a.partnership, StaffRole.REVIEWER, "daily@alpha.example")
    choose(daily, challenge=Freq.DAILY, evidence_answered=Freq.DAILY)
    with time_machine.travel(MORNING - timedelta(hours=12), tick=False):
        queue(a, key="challenge:1", summary="Challenged theme 1")
        queue(a, Kind.EVIDENCE_ANSWERED, key="evidence:1", summary="Answered the request for evidence")

    # Before 07:00 UK time no digest goes.
    assert staff_notification_digests_send(now=datetime(2026, 11, 3, 6, 59, tzinfo=UTC)) == 0
    assert staff_notification_digests_send(now=MORNING) == 1
    digest = staff_emails(kind="staff_digest").get()
    assert digest.to_email == "daily@alpha.example"
    assert digest.dedupe_key == f"staff_digest:{daily.pk}:2026-11-03"
    assert [i["summary"] for i in digest.context["items"]] == [
        "Challenged theme 1",
        "Answered the request for evidence",
    ]
    assert not StaffNotification.objects.filter(email__isnull=True).exists()

    # Running again the same day sends nothing, even with something new:
    # that waits for tomorrow's.
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        queue(a, key="challenge:2", summary="Challenged theme 2")
    assert staff_notification_digests_send(now=MORNING + timedelta(hours=2)) == 0
    assert staff_emails(kind="staff_digest").count() == 1
    assert staff_notification_digests_send(now=MORNING + timedelta(days=1)) == 1
    tomorrow = staff_emails(kind="staff_digest").exclude(pk=digest.pk).get()
    assert [i["summary"] for i in tomorrow.context["items"]] == ["Challenged theme 2"]

    # Nothing waiting: no digest.
    assert staff_notification_digests_send(now=MORNING + timedelta(days=2)) == 0


def test_the_digest_renders_each_item_with_its_link(a, settings):
    settings.BASE_URL = "https://s11.example"
    daily = member(a.partnership, StaffRole.REVIEWER, "daily@alpha.example")
    choose(daily, challenge=Freq.DAILY)
    with time_machine.travel(MORNING - timedelta(hours=1), tick=False):
        queue(a, summary="Challenged theme <1> & more")
    staff_notification_digests_send(now=MORNING)
    row = staff_emails(kind="staff_digest").get()
    assert outbound_emails_send(email_ids=[row.pk]) == 1
    message = mail.outbox[-1]
    assert "1 update on Section 11 returns" in message.subject
    assert "Challenged theme <1> & more" in message.body
    assert "Challenged theme &lt;1&gt; &amp; more" in message.alternatives[0][0]
    assert f"https://s11.example/alpha/staff/returns/{a.submission.reference}/" in message.body


def test_the_digest_is_registered_and_the_sweep_sends_it(a):
    daily = member(a.partnership, StaffRole.REVIEWER, "daily@alpha.example")
    choose(daily, challenge=Freq.DAILY)
    with time_machine.travel(MORNING - timedelta(hours=1), tick=False):
        queue(a)
    staff_notification_digests_send(now=MORNING)
    assert OutboundEmail.objects.get(kind="staff_digest").kind_label == "Staff notifications: daily digest"
    assert outbox_sweep() >= 1


# --- preferences ---------------------------------------------------------------


def test_preferences_save_records_what_changed(a):
    reviewer = member(a.partnership, StaffRole.REVIEWER, "reviewer@alpha.example")
    choose(reviewer, submitted=Freq.DAILY, challenge=Freq.EACH)
    assert dict(
        StaffNotificationPreference.objects.filter(membership=reviewer).values_list("kind", "frequency")
    ) == {"submitted": "daily", "challenge": "each"}
    event = AuditEvent.objects.get(verb="staff.notifications_changed")
    assert event.detail == {"changed": {"submitted": ["each", "daily"]}}
    with pytest.raises(DomainError):
        choose(reviewer, submitted="hourly")


def test_the_preferences_page_shows_defaults_and_saves(a, world):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    url = staff_url(a.partnership, "staff_notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="submitted" type="radio" value="each" checked' in html
    assert 'name="action_plan" type="radio" value="daily" checked' in html

    choice = dict.fromkeys(Kind.values, Freq.NONE) | {"challenge": Freq.DAILY}
    response = client.post(url, choice)
    assert response.status_code == 302
    membership = StaffMembership.objects.get(user=client.user, partnership=a.partnership)
    assert (
        StaffNotificationPreference.objects.get(membership=membership, kind="challenge").frequency == "daily"
    )
    # Only their own, only in this partnership.
    assert StaffNotificationPreference.objects.filter(membership=membership).count() == len(Kind.values)
    assert StaffNotificationPreference.objects.count() == len(Kind.values)


def test_the_preferences_page_errors_keep_what_was_chosen(a):
    client = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    url = staff_url(a.partnership, "staff_notification_preferences")
    response = client.post(url, {"submitted": "daily", "challenge": "sometimes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Select how often you want to be emailed when an agency responds to or challenges" in html
    assert 'name="submitted" type="radio" value="daily" checked' in html
    assert not StaffNotificationPreference.objects.exists()


def test_the_preferences_page_query_budget(a, django_assert_max_num_queries):
    client = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    url = staff_url(a.partnership, "staff_notification_preferences")
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
