"""The service-wide pages every page's footer links to: the accessibility
statement a public body must publish, the privacy notice and the cookies page."""

import pytest
from django.urls import reverse

from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db

PAGES = ["accessibility_statement", "privacy_notice", "cookies"]


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_public_and_read_only(client, name):
    url = reverse(name)
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_accessibility_statement_says_its_status_and_how_to_report_a_problem(client, settings):
    world = two_partnerships()
    settings.SERVICE_OPERATOR = "Example Council digital team"
    settings.SERVICE_CONTACT_EMAIL = "digital@example.gov.uk"
    html = client.get(reverse("accessibility_statement")).content.decode()
    assert "Web Content Accessibility Guidelines version 2.2" in html
    assert "AA standard" in html
    assert "Enforcement procedure" in html
    # Where to report a problem: every partnership's own mailbox, and the operator's.
    for p in (world.a.partnership, world.b.partnership):
        assert f'href="mailto:{p.contact_email}"' in html
    assert 'href="mailto:digital@example.gov.uk"' in html
    assert "run by Example Council digital team" in html


def test_without_an_operator_address_the_statement_still_points_at_the_partnerships(client, settings):
    world = two_partnerships()
    settings.SERVICE_CONTACT_EMAIL = ""
    html = client.get(reverse("accessibility_statement")).content.decode()
    assert world.a.partnership.contact_email in html
    assert "For anything about the service itself" not in html


def test_the_privacy_notice_names_the_controller_what_is_kept_and_for_how_long(client):
    world = two_partnerships()
    html = client.get(reverse("privacy_notice")).content.decode()
    assert "controller" in html
    assert "How long we keep it" in html
    assert "Information Commissioner" in html
    assert world.b.partnership.contact_email in html


def test_the_cookies_page_lists_the_cookies_the_service_really_sets(client, settings):
    html = client.get(reverse("cookies")).content.decode()
    for cookie in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f">{cookie}</td>" in html
    assert f"after {settings.SESSION_COOKIE_AGE // 86400} days" in html


def test_every_page_links_to_them_from_its_footer(client):
    world = two_partnerships()
    partnership = world.a.partnership
    for url in (
        reverse("home"),
        reverse("partnership_home", kwargs={"partnership_slug": partnership.slug}),
        reverse("account_login"),
    ):
        html = client.get(url).content.decode()
        footer = html[html.index('<footer class="govuk-footer">') :]
        for name in PAGES:
            assert f'href="{reverse(name)}"' in footer, (url, name)
    # Under a partnership, its own contact address too.
    html = client.get(
        reverse("partnership_home", kwargs={"partnership_slug": partnership.slug})
    ).content.decode()
    footer = html[html.index('<footer class="govuk-footer">') :]
    assert f'href="mailto:{partnership.contact_email}"' in footer
