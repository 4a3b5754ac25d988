"""Resume links: how agency contributors, who have no account, reach their
organisation's return."""

import base64
import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail, serializers
from django.core.cache import cache
from django.urls import resolve
from django.utils import timezone

from audits.models import ResumeLink
from audits.services import (
    LinkRequestLimitedError,
    resume_link_create,
    resume_link_request,
    resume_link_resolve,
    resume_link_revoke,
    resume_link_send,
    start_request,
)
from audits.services.links import LINK_REQUESTS_PER_EMAIL, LINK_REQUESTS_PER_IP, resume_link_mint_url
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    StaffMembershipFactory,
    SubmissionFactory,
    two_partnerships,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return world.a


def token_of(url: str) -> str:
    assert url.startswith(settings.BASE_URL + "/")
    match = resolve(urlsplit(url).path)
    assert match.url_name == "resume"
    return match.kwargs["token"]


def everything_stored() -> str:
    """Every row a token could leak into, as text."""
    return serializers.serialize(
        "json",
        [*ResumeLink.objects.all(), *OutboundEmail.objects.all(), *AuditEvent.objects.all()],
    )


def link_emails(**filters):
    return OutboundEmail.objects.filter(kind=OutboundEmail.Kind.LINK, **filters)


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------


def test_a_token_has_at_least_128_random_bits_and_only_its_hash_is_stored(a):
    link, url = resume_link_create(
        submission=a.submission, name="Sam", email=" Sam@Alpha-Council.example ", mint=True
    )
    token = token_of(url)

    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    link.refresh_from_db()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.email == "sam@alpha-council.example"
    for field in ResumeLink._meta.concrete_fields:
        assert token not in str(getattr(link, field.attname)), field.name
    assert token not in everything_stored()


def test_tokens_differ_every_time(a):
    tokens = {
        token_of(resume_link_create(submission=a.submission, name="S", email="s@x.example", mint=True)[1])
    }
    for _ in range(20):
        tokens.add(
            token_of(resume_link_create(submission=a.submission, name="S", email="s@x.example", mint=True)[1])
        )
    assert len(tokens) == 21


def test_an_unminted_link_has_no_token_until_its_email_is_sent(a):
    link, url = resume_link_create(submission=a.submission, name="Sam", email="sam@alpha-council.example")

    assert url is None
    assert link.token_hash is None
    assert not link.is_usable()


def test_the_token_reaches_only_the_email(a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_request(cycle=a.cycle, agency=a.agency, name="Sam", email=a.contact.email)

    assert len(mail.outbox) == 1
    urls = re.findall(re.escape(settings.BASE_URL) + r"/\S+/r/\S+/", mail.outbox[0].body)
    assert len(urls) == 1
    token = token_of(urls[0])
    assert token not in everything_stored()
    assert resume_link_resolve(partnership=a.partnership, token=token).email == a.contact.email


# ---------------------------------------------------------------------------
# Resolving
# ---------------------------------------------------------------------------


def test_a_link_resolves_in_its_partnership(a):
    link, url = resume_link_create(
        submission=a.submission, name="Sam", email="sam@alpha-council.example", mint=True
    )

    resolved = resume_link_resolve(partnership=a.partnership, token=token_of(url))

    assert resolved == link
    assert resolved.submission == a.submission
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_a_link_of_partnership_a_does_not_resolve_under_b(world):
    _, url = resume_link_create(
        submission=world.a.submission, name="Sam", email="sam@alpha.example", mint=True
    )

    assert resume_link_resolve(partnership=world.b.partnership, token=token_of(url)) is None
    assert resume_link_resolve(partnership=world.a.partnership, token=token_of(url)) is not None


def test_an_unknown_token_resolves_to_none(a):
    assert resume_link_resolve(partnership=a.partnership, token="not-a-token") is None
    assert resume_link_resolve(partnership=a.partnership, token="") is None


def test_an_expired_link_resolves_to_none(a):
    link, url = resume_link_create(submission=a.submission, name="Sam", email="sam@alpha.example", mint=True)
    # Links last until the cycle's grace period after closing ends.
    assert link.expires_at == a.cycle.closes_at + timedelta(days=a.cycle.link_grace_days)

    token = token_of(url)
    assert resume_link_resolve(
        partnership=a.partnership, token=token, now=link.expires_at - timedelta(seconds=1)
    )
    assert resume_link_resolve(partnership=a.partnership, token=token, now=link.expires_at) is None


def test_an_extension_keeps_links_working_longer(a):
    extended = a.cycle.closes_at + timedelta(days=30)
    a.submission.extended_until = extended
    a.submission.save(update_fields=["extended_until"])

    link, _ = resume_link_create(submission=a.submission, name="Sam", email="sam@alpha.example")

    assert link.expires_at == extended + timedelta(days=a.cycle.link_grace_days)


def test_a_revoked_link_resolves_to_none(a):
    reviewer = StaffMembershipFactory(partnership=a.partnership).user
    link, url = resume_link_create(submission=a.submission, name="Sam", email="sam@alpha.example", mint=True)

    resume_link_revoke(link=link, actor=Actor.for_user(reviewer))

    assert resume_link_resolve(partnership=a.partnership, token=token_of(url)) is None
    link.refresh_from_db()
    assert link.revoked_by == reviewer
    event = AuditEvent.objects.get(verb="link.revoked")
    assert (event.actor, event.submission) == (reviewer, a.submission)


def test_minting_again_replaces_the_earlier_token(a):
    link, first_url = resume_link_create(
        submission=a.submission, name="Sam", email="sam@alpha.example", mint=True
    )
    second_url = resume_link_mint_url(link=link)

    assert resume_link_resolve(partnership=a.partnership, token=token_of(first_url)) is None
    assert resume_link_resolve(partnership=a.partnership, token=token_of(second_url)) == link


# ---------------------------------------------------------------------------
# "Email me a fresh link"
# ---------------------------------------------------------------------------


def _queued_link_requests(monkeypatch, capture, request):
    """What `request()` leaves to run after its transaction commits: the
    (task name, arguments) it queues, recorded instead of sent."""
    from audits import tasks

    queued = []
    monkeypatch.setattr(
        tasks.resume_link_send, "delay", lambda *args: queued.append((tasks.resume_link_send.name, args))
    )
    with capture(execute=True) as callbacks:
        result = request()
    return result, len(callbacks), queued


def test_link_request_does_the_same_work_for_known_and_unknown_addresses(
    a, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 12 item 12: the request itself only counts the rate limits and
    queues one task; the lookup happens in the task. So a known address does
    not make the request slower (more queries, an outbox row, a broker
    round-trip for each email) than an unknown one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    outcomes = []
    for email in (a.contact.email.upper(), "nobody@nowhere.example"):
        with CaptureQueriesContext(connection) as queries:
            outcome = _queued_link_requests(
                monkeypatch,
                django_capture_on_commit_callbacks,
                lambda email=email: resume_link_request(
                    partnership=a.partnership, email=email, ip="192.0.2.1"
                ),
            )
        outcomes.append((outcome, len(queries)))

    (known, known_queries), (unknown, unknown_queries) = outcomes
    assert known == (None, 1, [("audits.resume_link_send", (a.partnership.pk, a.contact.email))])
    assert unknown == (None, 1, [("audits.resume_link_send", (a.partnership.pk, "nobody@nowhere.example"))])
    assert known_queries == unknown_queries
    assert not OutboundEmail.objects.exists()
    assert not ResumeLink.objects.filter(email=a.contact.email).exists()


def test_link_request_with_the_broker_down_does_the_same_for_known_and_unknown(
    a, monkeypatch, django_capture_on_commit_callbacks
):
    from audits import tasks

    attempts = []

    def broker_down(*args):
        attempts.append(args)
        raise ConnectionError("broker unavailable")

    monkeypatch.setattr(tasks.resume_link_send, "delay", broker_down)
    for email in (a.contact.email, "nobody@nowhere.example"):
        with django_capture_on_commit_callbacks(execute=True):
            resume_link_request(partnership=a.partnership, email=email)
    assert [email for _, email in attempts] == [a.contact.email, "nobody@nowhere.example"]
    assert not OutboundEmail.objects.exists()


def test_the_queued_task_sends_to_known_addresses_only(a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume_link_request(partnership=a.partnership, email=a.contact.email.upper(), ip="192.0.2.1")
        resume_link_request(partnership=a.partnership, email="nobody@nowhere.example", ip="192.0.2.1")

    assert list(link_emails().values_list("to_email", flat=True)) == [a.contact.email]
    assert not link_emails(to_email="nobody@nowhere.example").exists()
    assert not ResumeLink.objects.filter(email="nobody@nowhere.example").exists()
    assert (resume_link_send(partnership=a.partnership, email="NOBODY@nowhere.example")) == 0


def test_link_request_knows_earlier_contributors_who_are_not_contacts(a):
    resume_link_create(submission=a.submission, name="Ben Okafor", email="ben@alpha-council.example")

    assert resume_link_send(partnership=a.partnership, email="ben@alpha-council.example") == 1

    email = link_emails().get()
    assert (email.to_email, email.to_name) == ("ben@alpha-council.example", "Ben Okafor")
    assert AuditEvent.objects.filter(verb="link.requested", actor_email="ben@alpha-council.example").exists()


def test_link_request_sends_nothing_for_another_partnerships_returns(world):
    # A's contact asks on B's pages.
    assert resume_link_send(partnership=world.b.partnership, email=world.a.contact.email) == 0
    assert not link_emails().exists()


def test_link_request_sends_nothing_for_returns_whose_links_have_expired(world):
    now = timezone.now()
    old_cycle = AuditCycleFactory(
        partnership=world.a.partnership,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )
    SubmissionFactory(cycle=old_cycle, agency=world.a.agency)

    # Only the open cycle's return gets a link.
    assert resume_link_send(partnership=world.a.partnership, email=world.a.contact.email) == 1
    assert link_emails().get().submission == world.a.submission


def test_link_request_is_limited_per_email(a):
    for _ in range(LINK_REQUESTS_PER_EMAIL):
        resume_link_request(partnership=a.partnership, email="nobody@nowhere.example")

    with pytest.raises(LinkRequestLimitedError):
        resume_link_request(partnership=a.partnership, email="NOBODY@nowhere.example")
    # Another address is not held up.
    resume_link_request(partnership=a.partnership, email="somebody@nowhere.example")


def test_link_request_limit_holds_for_known_addresses_too(a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(LINK_REQUESTS_PER_EMAIL):
            resume_link_request(partnership=a.partnership, email=a.contact.email)

    with pytest.raises(LinkRequestLimitedError):
        resume_link_request(partnership=a.partnership, email=a.contact.email)
    assert link_emails().count() == LINK_REQUESTS_PER_EMAIL


def test_link_request_is_limited_per_ip(a):
    for n in range(LINK_REQUESTS_PER_IP):
        resume_link_request(partnership=a.partnership, email=f"person{n}@nowhere.example", ip="198.51.100.7")

    with pytest.raises(LinkRequestLimitedError):
        resume_link_request(partnership=a.partnership, email="one-more@nowhere.example", ip="198.51.100.7")
    resume_link_request(partnership=a.partnership, email="one-more@nowhere.example", ip="198.51.100.8")


# ---------------------------------------------------------------------------
# Starting from the start page
# ---------------------------------------------------------------------------


def test_start_request_sends_a_link_to_a_known_contact(a):
    start_request(
        cycle=a.cycle, agency=a.agency, name="Sam Alpha", email=a.contact.email.upper(), ip="192.0.2.1"
    )

    email = link_emails().get()
    assert (email.to_email, email.template, email.submission) == (a.contact.email, "link", a.submission)
    assert email.resume_link.email == a.contact.email
    assert AuditEvent.objects.filter(verb="link.requested", submission=a.submission).exists()


def test_start_request_sends_a_link_to_a_colleague_at_the_contacts_domain(a):
    domain = a.contact.email.rsplit("@", 1)[1]

    start_request(cycle=a.cycle, agency=a.agency, name="New Colleague", email=f"new.colleague@{domain}")

    email = link_emails().get()
    assert (email.to_email, email.to_name, email.template) == (
        f"new.colleague@{domain}",
        "New Colleague",
        "link",
    )


def test_start_request_from_an_unknown_address_asks_the_agencys_contacts(a):
    second = a.agency.contacts.create(name="Dee Second", email="dee@alpha-council.example")

    start_request(cycle=a.cycle, agency=a.agency, name="Stranger", email="stranger@elsewhere.example")

    emails = link_emails()
    assert sorted(emails.values_list("to_email", flat=True)) == sorted([a.contact.email, second.email])
    assert set(emails.values_list("template", flat=True)) == {"access_request"}
    assert {e.context["requester_email"] for e in emails} == {"stranger@elsewhere.example"}
    assert not link_emails(to_email="stranger@elsewhere.example").exists()
    assert not ResumeLink.objects.filter(email="stranger@elsewhere.example").exists()
    event = AuditEvent.objects.get(verb="link.access_requested")
    assert sorted(event.detail["sent_to"]) == sorted([a.contact.email, second.email])


def test_start_request_for_an_agency_without_contacts_asks_the_partnership(a):
    agency = AgencyFactory(partnership=a.partnership, contacts=0)

    start_request(cycle=a.cycle, agency=agency, name="Stranger", email="stranger@elsewhere.example")

    email = link_emails().get()
    assert (email.to_email, email.template) == (a.partnership.contact_email, "access_request")


def test_start_request_does_not_trust_a_shared_public_mail_domain(a):
    """A small club's contact may use a free mail address; that must not give
    everyone at the same provider a link to the club's return."""
    club = AgencyFactory(
        partnership=a.partnership,
        sector="sport",
        is_statutory=False,
        contacts=[("Club Welfare Officer", "darwen.juniors.welfare@gmail.com")],
    )

    start_request(cycle=a.cycle, agency=club, name="Stranger", email="someone.else@gmail.com")

    assert not link_emails(to_email="someone.else@gmail.com").exists()
    assert link_emails(to_email="darwen.juniors.welfare@gmail.com", template="access_request").exists()


def test_start_request_refuses_an_agency_of_another_partnership(world):
    with pytest.raises(DomainError):
        start_request(cycle=world.a.cycle, agency=world.b.agency, name="Sam", email=world.b.contact.email)
    assert not OutboundEmail.objects.exists()


def test_start_request_is_rate_limited(a):
    for _ in range(LINK_REQUESTS_PER_EMAIL):
        start_request(cycle=a.cycle, agency=a.agency, name="Stranger", email="stranger@elsewhere.example")

    with pytest.raises(LinkRequestLimitedError):
        start_request(cycle=a.cycle, agency=a.agency, name="Stranger", email="stranger@elsewhere.example")
