"""Organisation members sign in by an emailed link (hashed, expiring,
rate-limited, sent through the outbox) or with an account of the same
address; admins invite and remove members; resume links still work for
people who are not members."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.services import resume_link_create
from core.models import OutboundEmail
from core.outbox import outbound_emails_send
from organisations.models import OrganisationMembership, OrganisationSignInLink
from organisations.services import (
    SIGN_IN_REQUESTS_PER_EMAIL,
    OrganisationRefusedError,
    organisation_member_invite,
    organisation_member_remove,
    sign_in_link_create,
    token_hash,
)
from tests.factories import UserFactory
from tests.staff import sign_in

from .support import member_client, org_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def test_the_token_is_stored_only_as_its_hash_and_expires():
    w = org_world()
    link, url = sign_in_link_create(email=w.member.email)
    token = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    link.refresh_from_db()
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    home = reverse("organisation_home", args=[w.org.pk])
    client = Client()
    response = client.get(urlsplit(url).path)
    assert response["Location"] == reverse("organisation_index")
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(home).status_code == 200

    OrganisationSignInLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(home)["Location"] == reverse("organisation_sign_in")
    late = Client().get(urlsplit(url).path)
    assert late["Location"] == reverse("organisation_sign_in") + "?invalid=1"


def test_asking_for_a_link_emails_members_only_and_is_rate_limited(django_capture_on_commit_callbacks):
    w = org_world()
    page = reverse("organisation_sign_in")
    client = Client()
    for email in (w.member.email, "stranger@example.org"):
        # The same work in the request for both: a task queued, no outbox row yet.
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(page, {"email": email.upper()})
        assert response["Location"] == reverse("organisation_sign_in_sent")
        assert len(callbacks) == 1
        assert not OutboundEmail.objects.filter(template="organisation_sign_in").exists()
    for email in (w.member.email, "stranger@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(page, {"email": email})
    rows = OutboundEmail.objects.filter(kind="organisation", template="organisation_sign_in")
    assert [r.to_email for r in rows] == [w.member.email]
    for _ in range(SIGN_IN_REQUESTS_PER_EMAIL - 2):
        client.post(page, {"email": w.member.email})
    response = client.post(page, {"email": w.member.email})
    assert response.status_code == 429
    assert "too many links" in response.content.decode()


def test_the_sent_email_carries_a_working_link_made_when_it_is_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    w = org_world()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("organisation_sign_in"), {"email": w.member.email})
    row = OutboundEmail.objects.get(kind="organisation", template="organisation_sign_in")
    assert "sign_in_url" not in row.context
    outbound_emails_send(email_ids=[row.pk])
    body = mailoutbox[-1].body
    url = next(word for word in body.split() if "/organisations/sign-in/" in word and "sent" not in word)
    client = Client()
    client.get(urlsplit(url).path)
    assert client.get(reverse("organisation_home", args=[w.org.pk])).status_code == 200


def test_an_account_with_the_members_address_is_signed_in_too():
    w = org_world()
    user = UserFactory(email=w.member.email)
    client = Client()
    sign_in(client, user)
    assert client.get(reverse("organisation_home", args=[w.org.pk])).status_code == 200
    stranger = Client()
    sign_in(stranger, UserFactory(email="someone@example.org"))
    assert stranger.get(reverse("organisation_home", args=[w.org.pk])).status_code == 404


def test_invite_and_remove_members():
    w = org_world()
    new = organisation_member_invite(
        organisation=w.org, name="Robin", email="Robin@Northshire-Police.example", role="member", by=w.admin
    )
    assert new.email == "robin@northshire-police.example"
    assert OutboundEmail.objects.filter(template="organisation_invitation", to_email=new.email).exists()
    with pytest.raises(OrganisationRefusedError):
        organisation_member_invite(
            organisation=w.org, name="X", email="x@example.org", role="member", by=w.member
        )
    with pytest.raises(OrganisationRefusedError):
        organisation_member_invite(organisation=w.org, name="R", email=new.email, role="member", by=w.admin)

    client = member_client(new.email)
    home = reverse("organisation_home", args=[w.org.pk])
    assert client.get(home).status_code == 200
    # An opened return closes to them with their membership.
    client.post(reverse("organisation_return_open", args=[w.org.pk, w.worlds.a.submission.pk]))
    task_list = reverse("task_list", kwargs={"partnership_slug": w.worlds.a.partnership.slug})
    assert client.get(task_list).status_code == 200
    organisation_member_remove(membership=new, by=w.admin)
    assert client.get(home).status_code == 404
    assert client.get(task_list).status_code == 302

    with pytest.raises(OrganisationRefusedError):  # the last admin stays
        organisation_member_remove(membership=w.admin, by=w.admin)
    assert OrganisationMembership.objects.filter(pk=w.admin.pk).exists()


def test_members_pages_are_for_admins_and_invites_show_errors():
    w = org_world()
    member = member_client(w.member.email)
    assert member.get(reverse("organisation_members", args=[w.org.pk])).status_code == 403
    admin = member_client(w.admin.email)
    url = reverse("organisation_member_invite", args=[w.org.pk])
    response = admin.post(url, {"name": "Typed", "email": "not-an-email"})
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body and "Typed" in body
    assert "Choose a role" in body
    response = admin.post(url, {"name": "Typed", "email": w.member.email, "role": "member"})
    assert "already a member" in response.content.decode()


def test_a_resume_link_still_works_for_someone_who_is_not_a_member():
    w = org_world()
    _, url = resume_link_create(
        submission=w.worlds.a.submission, name="Sam", email=w.worlds.a.contact.email, mint=True
    )
    client = Client()
    client.get(urlsplit(url).path)
    task_list = reverse("task_list", kwargs={"partnership_slug": w.worlds.a.partnership.slug})
    assert client.get(task_list).status_code == 200
    # ...and it gives nothing of the organisation.
    assert client.get(reverse("organisation_home", args=[w.org.pk]))["Location"] == reverse(
        "organisation_sign_in"
    )


def test_organisation_emails_say_names_as_typed(mailoutbox):
    w = org_world()
    w.org.name = 'Northshire & "West" <Police>'
    w.org.save(update_fields=["name"])
    w.admin.refresh_from_db()
    invited = organisation_member_invite(
        organisation=w.org, name="O'Brien, Pat & Co", email="ob@example.org", role="admin", by=w.admin
    )
    row = OutboundEmail.objects.get(template="organisation_invitation", to_email=invited.email)
    outbound_emails_send(email_ids=[row.pk])
    message = mailoutbox[-1]
    assert 'Northshire & "West" <Police>' in message.subject
    assert 'Northshire & "West" <Police>' in message.body and "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "Northshire &amp; &quot;West&quot; &lt;Police&gt;" in html
    assert message.to == ['"O\'Brien, Pat & Co" <ob@example.org>']
