"""The reporting pages in a real browser: axe-core (WCAG 2.2 A and AA) on
each, and no sideways scrolling of the page at 320px: wide tables scroll
inside their own focusable regions."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.conf import settings as django_settings
from django.test import Client

from partnerships.models import StaffRole
from tests.conftest import CHROMIUM_PATH
from tests.e2e.axe import axe_violations, format_violations
from tests.staff import staff_client, staff_url

from .reports_world import reports_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM_PATH),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    }


def test_reporting_pages_pass_axe_and_reflow(live_server, page):
    world = reports_world()
    client = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    failures = []
    for name, heading in (
        ("staff_cycle_export", "Export answers and ratings"),
        ("staff_cycle_report", "Summary report"),
        ("staff_cycle_compare", "Compare with an earlier cycle"),
    ):
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto(live_server.url + staff_url(world.partnership, name, cycle_slug=world.cycle.slug))
        assert page.get_by_role("heading", level=1).inner_text() == heading
        violations = axe_violations(page)
        if violations:
            failures.append(f"{name}:\n{format_violations(violations)}")
        page.set_viewport_size({"width": 320, "height": 800})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 320:
            failures.append(f"{name} scrolls sideways at 320px: {width}px")
    # The comparison's tables scroll within regions a keyboard can reach.
    regions = page.locator(".s11-scroll-region")
    assert regions.count() == 2
    for region in regions.all():
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    assert not failures, "\n\n".join(failures)
