"""Every email the outbox sends, rendered with names that break HTML and
English: subjects and plain-text bodies say what people typed (no "&amp;",
no "&#x27;"), the HTML part escapes it, possessives of names ending in s
take the apostrophe alone, and names with commas, colons, @ or brackets
make valid To and From headers."""

import re
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template import Context, Template

from audits.services.emails import submission_email_context
from audits.services.notifications import (
    DIGEST_EMAIL_KIND,
    NOTIFICATION_EMAIL_KINDS,
    staff_notification_digests_send,
    staff_notification_queue,
)
from core.domain import Actor
from core.emails import email_address
from core.models import OutboundEmail
from core.outbox import outbound_email_queue, outbound_email_send
from partnerships.models import StaffRole
from partnerships.services import staff_member_invite
from tests.factories import UserFactory, partnership_world

pytestmark = pytest.mark.django_db

Kind = OutboundEmail.Kind
PARTNERSHIP = 'Lancashire & South Cumbria "Children\'s" <Safeguarding> Partners'
AGENCY = 'Children\'s Services & <Young> "Q&A" Carers'
CYCLE = 'Section 11 <2026> & "Q&A"'
PERSON = "O'Brien, Pat <Lead> & Co: [Safeguarding] (Interim) @Council; Jr."
ESCAPES = re.compile(r"&(amp|lt|gt|quot|#x27|#39|#34);")


def test_possessive_adds_just_an_apostrophe_after_a_final_s():
    template = Template(
        "{% load s11 %}{{ a|possessive }}|{{ b|possessive }}|{{ c|possessive }}|{{ d|possessive }}"
    )
    rendered = template.render(
        Context(
            {"a": "Children's Services", "b": "Young Carers", "c": "Barnet", "d": "NHS"}, autoescape=False
        )
    )
    assert rendered == "Children's Services'|Young Carers'|Barnet's|NHS's"


@pytest.fixture
def hostile():
    world = partnership_world(slug="hostile")
    partnership = world.partnership
    partnership.name = PARTNERSHIP
    partnership.save(update_fields=["name"])
    world.agency.name = AGENCY
    world.agency.save(update_fields=["name"])
    world.cycle.title = CYCLE
    world.cycle.save(update_fields=["title"])
    world.submission.refresh_from_db()
    return world


def _link(world):
    from audits.services.links import resume_link_create

    link, _ = resume_link_create(submission=world.submission, name=PERSON, email="pat@hostile.example")
    return link


# Every template under templates/emails/, with the kind that sends it and
# what its service adds to the context every email about a return carries.
CASES = {
    "link": (Kind.LINK, True, {}),
    "access_request": (Kind.LINK, True, {"requester_name": PERSON, "requester_email": "pat@x.example"}),
    "progression": (Kind.PROGRESSION, True, {"saved_by": PERSON}),
    "invitation": (Kind.INVITATION, True, {"opens_at": "2026-01-05T09:00:00+00:00", "carried_forward": True}),
    "reminder": (Kind.REMINDER, True, {"days_before": 7}),
    "overdue": (Kind.OVERDUE, False, {}),
    "overdue_chaser": (Kind.OVERDUE, False, {"sent_by_staff": True}),
    "deadline_changed": (Kind.DEADLINE_CHANGED, True, {"previous_deadline": "2026-03-05T17:00:00+00:00"}),
    "receipt": (
        Kind.RECEIPT,
        False,
        {
            "submitted_at": "2026-03-05T10:00:00+00:00",
            "submitted_by_name": PERSON,
            "signed_off_by": f"{PERSON}, Head of <Safeguarding> & Quality",
            "themes_defaulted_red": ["Leadership & <Governance>"],
        },
    ),
    "outcome": (
        Kind.OUTCOME,
        False,
        {
            "outcome": "assured",
            "outcome_label": "Assured & <confirmed>",
            "message": "Well done & thank you <3",
            "evaluated_at": "2026-04-01T10:00:00+00:00",
            "evaluated_by_name": PERSON,
            "themes": [
                {
                    "title": "Leadership & <Governance>",
                    "self_rating": "Green",
                    "moderated": "Amber",
                    "comment": "A & B",
                }
            ],
        },
    ),
    "returned": (Kind.RETURNED, True, {"reason": 'Theme 3 & <4> are "empty"', "returned_by_name": PERSON}),
    "action_update": (
        Kind.ACTION_UPDATE,
        True,
        {
            "submitted_at": "2026-03-05T10:00:00+00:00",
            "number": 1,
            "open_items": 2,
            "overdue_items": 1,
            "respond_by": "2026-10-05T10:00:00+00:00",
            "link_expires": "2026-11-05T10:00:00+00:00",
        },
    ),
    "action_update_reminder": (
        Kind.ACTION_UPDATE_REMINDER,
        True,
        {
            "submitted_at": "2026-03-05T10:00:00+00:00",
            "requested_at": "2026-09-05T10:00:00+00:00",
            "number": 1,
            "open_items": 2,
            "overdue_items": 0,
            "respond_by": "2026-10-05T10:00:00+00:00",
            "link_expires": "2026-11-05T10:00:00+00:00",
        },
    ),
    # Issue 14: the partnership's reply or final word on a response to its
    # evaluation, and evidence requests with their reminders (kinds named
    # by audits/emails.py rather than OutboundEmail.Kind).
    "challenge_reply": (
        "challenge_reply",
        True,
        {
            "subject_title": "Leadership & <Governance>",
            "what": "resolved",
            "challenge_id": 1,
            "message": 'Kept & "reasoned" <b>',
            "rating_changed": True,
            "rag_before": "Amber",
            "rag_after": "Green",
        },
    ),
    "evidence_request": (
        "evidence_request",
        True,
        {
            "request_id": 0,
            "what": 'The log & "minutes" <2026>',
            "due_on": "2026-12-20",
            "themes": ["Leadership & <Governance>"],
            "requested_by_name": PERSON,
        },
    ),
    "evidence_reminder": (
        "evidence_reminder",
        True,
        {
            "request_id": 0,
            "what": 'The log & "minutes" <2026>',
            "due_on": "2026-12-20",
            "themes": ["Leadership & <Governance>"],
            "days_left": 2,
        },
    ),
}
# Sent through the staff invitation service below; the second-factor reset
# notice goes through the outbox as its own kind (accounts/emails.py; tested in
# tests/partnerships/test_members_shared_accounts.py).
# The public contact form's message is tested in tests/guidance/test_guidance.py,
# the registration's in tests/joining/test_views_registration.py, the survey
# link's below; the organisations' in tests/organisations/test_services_sign_in.py.
OTHER_TEMPLATES = {
    "organisation_invitation",
    "organisation_link_proposed",
    "organisation_sign_in",
    "survey_share",
    "staff_invitation",
    "staff_invitation_existing",
    "account_second_factor_reset",
    "contact",
    "registration_verify",
    # Staff notifications and their daily digest: tested below.
    "staff_notification",
    "staff_digest",
    # Meetings' invitations, cancellations, panel links and action
    # reminders: tests/audits/test_meetings_panel.py and test_meetings_record.py.
    "meeting_invitation",
    "meeting_cancelled",
    "meeting_panel_link",
    "meeting_action_due",
}


def test_every_kind_is_registered_by_the_app_that_sends_it():
    from core.emails import email_kinds_registered

    assert set(email_kinds_registered()) == {kind for kind, _, _ in CASES.values()} | {
        Kind.STAFF_INVITATION,
        Kind.CONTACT,
        Kind.REGISTRATION,
        "account",
        "second_factor_reset",
        "survey_share",
        *NOTIFICATION_EMAIL_KINDS.values(),
        DIGEST_EMAIL_KIND,
        "organisation",  # its texts: tests/organisations/test_services_sign_in.py
        "meeting_invitation",
        "meeting_cancelled",
        "meeting_panel_link",
        "meeting_action_due",
    }


def test_every_email_template_is_covered_here():
    folder = Path(settings.BASE_DIR, "templates/emails")
    templates = {p.name.removesuffix("_subject.txt") for p in folder.glob("*_subject.txt")}
    assert templates == set(CASES) | OTHER_TEMPLATES


def _sent_for(row) -> mail.EmailMessage:
    mail.outbox.clear()
    assert outbound_email_send(email_id=row.pk), OutboundEmail.objects.get(pk=row.pk).last_error
    [message] = mail.outbox
    return message


def _check(message, *, names):
    subject, text = message.subject, message.body
    html = message.alternatives[0][0] if message.alternatives else ""
    assert not ESCAPES.search(subject), subject
    assert not ESCAPES.search(text), text
    assert "s's" not in subject + text + html.replace("&#x27;", "'")
    for name in names:
        if name in text:
            assert "<" not in name or name not in html  # the HTML part escapes it
    if html:
        assert "&lt;" in html and "<Young>" not in html and "<Safeguarding>" not in html
    stored = OutboundEmail.objects.get(message_id=message.extra_headers["Message-ID"])
    assert stored.subject == subject[:300]


@pytest.mark.parametrize("template", sorted(CASES))
def test_every_email_about_a_return_says_names_as_typed(hostile, template):
    kind, with_link, extra = CASES[template]
    row = outbound_email_queue(
        partnership=hostile.partnership,
        kind=kind,
        to_email="pat@hostile.example",
        to_name=PERSON,
        template=template,
        context=submission_email_context(hostile.submission, **extra),
        submission=hostile.submission,
        resume_link=_link(hostile) if with_link else None,
    )
    message = _sent_for(row)
    _check(message, names=[PARTNERSHIP, AGENCY, CYCLE, PERSON])
    assert AGENCY in message.subject or PARTNERSHIP in message.subject
    assert AGENCY in message.body
    if f"{AGENCY}'" in message.body:
        assert f"{AGENCY}'s" not in message.body
    if with_link:
        assert f"{settings.BASE_URL}/hostile/r/" in message.body
    assert message.to == [email_address(PERSON, "pat@hostile.example")]
    assert message.from_email == email_address(PARTNERSHIP, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])


def test_staff_notifications_and_digests_say_names_as_typed(hostile):
    from datetime import UTC, datetime

    import time_machine

    from audits.models import StaffNotificationPreference
    from partnerships.models import StaffMembership
    from tests.staff import staff_user

    each = StaffMembership.objects.get(user=staff_user(hostile.partnership, StaffRole.REVIEWER))
    each.display_name = PERSON
    each.save(update_fields=["display_name"])
    daily = StaffMembership.objects.get(user=staff_user(hostile.partnership, StaffRole.ADMIN))
    StaffNotificationPreference.objects.create(
        partnership=hostile.partnership, membership=daily, kind="challenge", frequency="daily"
    )
    with time_machine.travel(datetime(2026, 11, 3, 6, 0, tzinfo=UTC), tick=False):
        staff_notification_queue(
            partnership=hostile.partnership,
            kind="challenge",
            submission=hostile.submission,
            event_key="challenge:1",
            summary=f"Challenged the rating of {CYCLE}",
        )
    message = _sent_for(OutboundEmail.objects.get(kind="staff_challenge"))
    _check(message, names=[PARTNERSHIP, AGENCY, CYCLE, PERSON])
    assert AGENCY in message.subject and PARTNERSHIP in message.subject
    assert message.to == [email_address(PERSON, each.user.email)]

    staff_notification_digests_send(now=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    message = _sent_for(OutboundEmail.objects.get(kind=DIGEST_EMAIL_KIND))
    _check(message, names=[PARTNERSHIP, AGENCY, CYCLE])
    assert f"{AGENCY}: Challenged the rating of {CYCLE}" in message.body


@pytest.mark.parametrize("existing", [False, True], ids=["new account", "existing account"])
def test_staff_invitations_say_names_as_typed(hostile, existing):
    email = "pat.obrien@hostile.example"
    if existing:
        UserFactory(email=email)
    staff_member_invite(
        partnership=hostile.partnership,
        email=email,
        full_name=PERSON,
        role=StaffRole.REVIEWER,
        actor=Actor(name=PERSON, email="admin@hostile.example"),
    )
    row = OutboundEmail.objects.get(kind=Kind.STAFF_INVITATION, to_email=email)
    message = _sent_for(row)
    _check(message, names=[PARTNERSHIP, PERSON])
    assert PARTNERSHIP in message.subject and PARTNERSHIP in message.body
    assert message.to == [email_address(PERSON, email)]


def test_the_staff_emails_page_escapes_a_stored_subject_once(hostile, django_capture_on_commit_callbacks):
    from django.test import Client

    from audits.services.reminders import reminders_due
    from partnerships.models import StaffRole
    from tests.staff import staff_client, staff_url

    with django_capture_on_commit_callbacks(execute=True):
        reminders_due()
    row = OutboundEmail.objects.get(kind=Kind.INVITATION)
    assert row.status == OutboundEmail.Status.SENT and AGENCY in row.subject
    reviewer = staff_client(Client(), hostile.partnership, StaffRole.REVIEWER)
    page = reviewer.get(
        staff_url(
            hostile.partnership,
            "staff_cycle_emails_agency",
            cycle_slug=hostile.cycle.slug,
            reference=hostile.submission.reference,
        )
    ).content.decode()
    assert "Children&#x27;s Services &amp; &lt;Young&gt; &quot;Q&amp;A&quot; Carers" in page
    assert "&amp;amp;" not in page and "&amp;#x27;" not in page and "<Young>" not in page


def test_the_survey_link_email_says_names_as_typed(hostile):
    from surveys.services import survey_share_reminders_queue
    from tests.surveys.helpers import ADMIN, survey_make

    contact = hostile.agency.contacts.first()
    contact.name = PERSON
    contact.save(update_fields=["name"])
    survey = survey_make(hostile)
    survey_share_reminders_queue(
        partnership=hostile.partnership,
        survey=survey,
        agency_ids=None,
        base_url=settings.BASE_URL,
        actor=ADMIN,
    )
    row = OutboundEmail.objects.get(kind="survey_share")
    message = _sent_for(row)
    _check(message, names=[PARTNERSHIP, AGENCY, CYCLE, PERSON])
    assert AGENCY in message.subject and AGENCY in message.body and CYCLE in message.body
    assert f"{AGENCY}'s" not in message.subject
    assert f"{settings.BASE_URL}/hostile/survey/" in message.body
    assert message.to == [email_address(PERSON, contact.email)]
