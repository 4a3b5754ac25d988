"""One setting, TRUSTED_PROXY_COUNT, decides the client IP for every rate
limit: ours (link requests, the start page) and allauth's (failed sign-ins).
A forged X-Forwarded-For buys nothing (issue 12 item 8)."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accounts.adapter import AccountAdapter
from audits.services.links import LINK_REQUESTS_PER_IP
from core.client_ip import client_ip
from tests.factories import DEFAULT_PASSWORD, PartnershipFactory, two_partnerships
from tests.staff import staff_user

PROXY = "10.0.0.2"  # docker-compose's Caddy, as gunicorn sees it
LIMITED = "You have asked for too many links"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize("forwarded", [None, "6.6.6.6", "6.6.6.6, 7.7.7.7", "not-an-ip"])
def test_with_no_trusted_proxy_the_header_is_ignored(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from("198.51.100.9", forwarded)
    assert client_ip(request) == "198.51.100.9"
    assert AccountAdapter(request).get_client_ip(request) == "198.51.100.9"


def test_with_one_trusted_proxy_the_entry_it_wrote_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "6.6.6.6"; Caddy appended the address it saw.
    request = request_from(PROXY, "6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.7"
    # Without the header (not through the proxy) or with garbage: REMOTE_ADDR.
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, "6.6.6.6, garbage")) == PROXY


def test_with_two_trusted_proxies_the_outer_ones_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    assert client_ip(request_from(PROXY, "203.0.113.7")) == PROXY  # did not pass both


def _link_request(client, world, n: int, forwarded: str):
    return client.post(
        reverse("link_request", kwargs={"partnership_slug": world.partnership.slug}),
        {"email": f"person{n}@nowhere.example"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_forged_headers_do_not_escape_the_link_request_limit_without_a_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    world = two_partnerships().a
    for n in range(LINK_REQUESTS_PER_IP):
        assert _link_request(client, world, n, f"203.0.113.{n}").status_code == 302
    response = _link_request(client, world, 999, "203.0.113.250")
    assert response.status_code == 200
    assert LIMITED in response.content.decode()


@pytest.mark.django_db
def test_forged_headers_do_not_escape_the_link_request_limit_behind_one_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    world = two_partnerships().a
    for n in range(LINK_REQUESTS_PER_IP):
        # the same client, claiming a different address each time
        assert _link_request(client, world, n, f"6.6.{n}.6, 198.51.100.20").status_code == 302
    assert LIMITED in _link_request(client, world, 999, "6.6.6.250, 198.51.100.20").content.decode()
    # another client behind the same proxy is not held up
    assert _link_request(client, world, 1000, "198.51.100.21").status_code == 302


@pytest.mark.django_db
def test_forged_headers_do_not_escape_the_start_page_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    world = two_partnerships().a
    url = reverse(
        "cycle_start_form",
        kwargs={"partnership_slug": world.partnership.slug, "cycle_slug": world.cycle.slug},
    )
    outcomes = []
    for n in range(LINK_REQUESTS_PER_IP + 1):
        response = client.post(
            url,
            {"agency": world.agency.pk, "name": "Mallory", "email": f"m{n}@attacker.example"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        outcomes.append(response.status_code)
    assert outcomes == [302] * LINK_REQUESTS_PER_IP + [200]


def _sign_in(client, email, password, forwarded):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_behind_the_proxy_one_clients_failed_sign_ins_do_not_lock_out_everyone(client, settings):
    """allauth limits failed sign-ins per IP (20 in 5 minutes). Behind a
    proxy, with REMOTE_ADDR as the client, one attacker locked every member
    out; with TRUSTED_PROXY_COUNT=1 the limit is the attacker's alone."""
    settings.TRUSTED_PROXY_COUNT = 1
    member = staff_user(PartnershipFactory())
    for n in range(25):
        _sign_in(client, f"guess{n}@nowhere.example", "wrong password", "198.51.100.66")
    attacker = _sign_in(client, member.email, DEFAULT_PASSWORD, "198.51.100.66")
    assert attacker.status_code == 200  # refused: too many attempts from there
    client.logout()
    colleague = _sign_in(client, member.email, DEFAULT_PASSWORD, "198.51.100.7")
    assert colleague.status_code == 302
    assert colleague["Location"] == reverse("mfa_authenticate")


@pytest.mark.django_db
def test_ipv6_clients_are_limited_by_their_64_network(client):
    """One home or office IPv6 network has 2**64 addresses to rotate through."""
    world = two_partnerships().a
    url = reverse("link_request", kwargs={"partnership_slug": world.partnership.slug})
    statuses = [
        client.post(
            url, {"email": f"p{n}@nowhere.example"}, REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"
        ).status_code
        for n in range(LINK_REQUESTS_PER_IP + 1)
    ]
    assert statuses == [302] * LINK_REQUESTS_PER_IP + [200]
    other_network = client.post(url, {"email": "q@nowhere.example"}, REMOTE_ADDR="2001:db8:1:3::1")
    assert other_network.status_code == 302
