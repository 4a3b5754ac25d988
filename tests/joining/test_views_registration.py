"""'My organisation is not listed' (issue 17 item 11): an organisation
registers (name, sector, contact), confirms the email address by a link (a
GET changes nothing; the POST confirms), and waits for a partnership admin's
approval before it is an agency with a return; nothing goes to the
partnership's agencies meanwhile; rate-limited; GOV.UK errors keep what was
typed."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from audits.models import Submission
from audits.services.cycles import cycle_participants
from core.models import AuditEvent, OutboundEmail
from core.outbox import outbound_email_send
from joining.models import AgencyRegistration
from joining.services import PER_IP
from partnerships.models import Agency, StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client

pytestmark = pytest.mark.django_db

FORM = {
    "organisation_name": "Little Kickers Football Club",
    "sector": "sport",
    "contact_name": "Kim O'Neil",
    "job_title": "Welfare officer",
    "contact_email": "Kim@LittleKickers.example",
}


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worlds():
    return two_partnerships()


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


def register(client, world, ip="203.0.113.5", **overrides):
    return client.post(url(world, "register"), {**FORM, **overrides}, REMOTE_ADDR=ip)


def verify_link(message) -> str:
    return (
        re.search(r"https?://\S+/register/confirm/\S+/", message.body)
        .group(0)
        .split("://", 1)[1]
        .split("/", 1)[1]
    )


def test_register_confirm_and_approve(worlds, django_capture_on_commit_callbacks):
    a, b = worlds
    agencies_before = Agency.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(Client(), a)
    assert response.status_code == 302 and response["Location"] == url(a, "registration_sent")
    registration = AgencyRegistration.objects.get()
    assert (registration.partnership_id, registration.status) == (a.partnership.pk, "unverified")
    assert registration.contact_email == "kim@littlekickers.example"
    # Only the person registering is emailed: not the partnership's agencies.
    [message] = mail.outbox
    assert message.to == ["Kim O'Neil <kim@littlekickers.example>"]
    assert "Little Kickers Football Club" in message.subject
    assert OutboundEmail.objects.count() == 1
    assert Agency.objects.count() == agencies_before

    link = "/" + verify_link(message)
    page = Client().get(link)
    assert page.status_code == 200 and "Confirm" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "unverified"  # a GET changes nothing
    # The link is for this partnership only.
    assert Client().post(link.replace("/alpha/", "/bravo/")).status_code == 404
    assert Client().post(link).status_code == 200
    registration.refresh_from_db()
    assert registration.status == "waiting" and registration.verified_at
    assert AuditEvent.objects.filter(verb="registration.verified", partnership=a.partnership).count() == 1

    # Waiting: not an agency, no return, not a participant of any cycle.
    assert not Agency.objects.filter(name=FORM["organisation_name"]).exists()
    admin = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    page = admin.get(url(a, "staff_registrations")).content.decode()
    assert "Little Kickers Football Club" in page and "kim@littlekickers.example" in page
    assert (
        "Little Kickers"
        not in staff_client(Client(), b.partnership, StaffRole.ADMIN)
        .get(url(b, "staff_registrations"))
        .content.decode()
    )

    response = admin.post(url(a, "staff_registration_approve", registration_id=registration.pk))
    assert response.status_code == 302
    agency = Agency.objects.get(name=FORM["organisation_name"])
    assert (agency.partnership_id, agency.sector, agency.is_statutory) == (a.partnership.pk, "sport", False)
    assert [c.email for c in agency.contacts.all()] == ["kim@littlekickers.example"]
    assert agency in cycle_participants(cycle=a.cycle)
    registration.refresh_from_db()
    assert (registration.status, registration.agency_id) == ("approved", agency.pk)
    # Approving twice does nothing more.
    admin.post(url(a, "staff_registration_approve", registration_id=registration.pk))
    assert Agency.objects.filter(name=FORM["organisation_name"]).count() == 1


def test_the_confirmation_link_is_made_when_sent_and_never_stored(worlds):
    """Anyone who can read the outbox (staff see its rows on the Emails
    pages, backups hold it) must not be able to confirm someone's address;
    and an email still waiting when the address is confirmed is not sent."""
    a, _ = worlds
    register(Client(), a)  # the send queued on commit does not run here: the row waits
    row = OutboundEmail.objects.get()
    assert "verify_url" not in row.context and "/register/confirm/" not in str(row.context)
    assert outbound_email_send(email_id=row.pk)
    [message] = mail.outbox
    assert Client().post("/" + verify_link(message)).status_code == 200
    assert AgencyRegistration.objects.get().status == "waiting"

    again = OutboundEmail.objects.create(
        partnership=a.partnership,
        kind=row.kind,
        to_email=row.to_email,
        to_name=row.to_name,
        template=row.template,
        context=row.context,
        dedupe_key="registration:again",
        message_id="<again@example>",
    )
    outbound_email_send(email_id=again.pk)
    again.refresh_from_db()
    assert again.status == "cancelled" and len(mail.outbox) == 1


def test_an_unconfirmed_registration_cannot_be_approved_and_a_declined_one_makes_no_agency(worlds):
    a, _ = worlds
    register(Client(), a)
    registration = AgencyRegistration.objects.get()
    admin = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    admin.post(url(a, "staff_registration_approve", registration_id=registration.pk))
    assert not Agency.objects.filter(name=FORM["organisation_name"]).exists()
    AgencyRegistration.objects.filter(pk=registration.pk).update(status="waiting")
    admin.post(url(a, "staff_registration_decline", registration_id=registration.pk))
    registration.refresh_from_db()
    assert registration.status == "declined"
    assert not Agency.objects.filter(name=FORM["organisation_name"]).exists()
    assert not Submission.objects.filter(agency__name=FORM["organisation_name"]).exists()


def test_a_forged_or_altered_link_is_refused(worlds):
    a, _ = worlds
    register(Client(), a)
    response = Client().post(url(a, "registration_verify", token="not-a-real-token"))
    assert (
        response.status_code == 404 and "This link has expired or is not right" in response.content.decode()
    )
    assert AgencyRegistration.objects.get().status == "unverified"


def test_registrations_from_one_address_are_limited(worlds):
    a, _ = worlds
    for n in range(PER_IP):
        assert register(Client(), a, contact_email=f"kim{n}@kickers.example").status_code == 302
    response = register(Client(), a, contact_email="kim9@kickers.example", organisation_name="Kept Name FC")
    page = response.content.decode()
    assert response.status_code == 429 and "Too many organisations have been registered from here" in page
    assert 'value="Kept Name FC"' in page
    assert AgencyRegistration.objects.count() == PER_IP
    assert register(Client(), a, ip="198.51.100.9", contact_email="other@kickers.example").status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisation_name": ""}, "Enter the name of your organisation"),
        ({"sector": ""}, "Select what kind of organisation it is"),
        ({"contact_name": ""}, "Enter your full name"),
        (
            {"contact_email": "kim at kickers"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"organisation_name": "Kickers\nBcc: x@example.org"},
            "The name of your organisation must be on one line",
        ),
    ],
)
def test_errors_are_govuk_and_keep_what_was_typed(worlds, overrides, message):
    a, _ = worlds
    response = register(Client(), a, **overrides)
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "There is a problem" in page
    assert "Welfare officer" in page
    if overrides.get("sector") != "":
        assert 'value="sport" checked' in page
    assert not AgencyRegistration.objects.exists()


def test_a_bot_filling_the_hidden_field_registers_nothing(worlds):
    a, _ = worlds
    assert register(Client(), a, website="http://spam.example").status_code == 302
    assert not AgencyRegistration.objects.exists() and not OutboundEmail.objects.exists()
