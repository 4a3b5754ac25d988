"""axe-core on the service-wide accessibility statement, privacy notice and
cookies page, reached from a partnership page's footer as a person would."""

import pytest

from tests.factories import two_partnerships

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_footer_pages_have_no_axe_violations_and_reflow(page, site):
    world = two_partnerships()
    page.goto(f"{site}/{world.a.partnership.slug}/")
    failures = []
    for link, heading in (
        ("Accessibility statement", "Accessibility statement"),
        ("Privacy", "Privacy notice"),
        ("Cookies", "Cookies"),
    ):
        page.locator("footer").get_by_role("link", name=link, exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == heading
        violations = axe_violations(page)
        if violations:
            failures.append(f"{heading}:\n{format_violations(violations)}")
        page.set_viewport_size({"width": 320, "height": 800})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        page.set_viewport_size({"width": 1280, "height": 800})
        if width > 320:
            failures.append(f"{heading} scrolls sideways at 320px ({width}px wide)")
        page.go_back()
    assert not failures, "\n\n".join(failures)
