"""axe-core (WCAG 2.2 A and AA rules) on every page of the agency journey, in
each state a person meets it: empty, with errors, with a stale-save conflict,
after saving."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Submission, SubmissionStatus
from tests.factories import CONTRIBUTOR, theme_save

from .axe import axe_violations, format_violations
from .conftest import answer_theme, choose_organisation, choose_rag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class AxeAudit:
    """Checks each page as the journey reaches it and keeps going, so one run
    reports every page with a problem, not only the first. The failure
    message names each page and, for axe, each rule's id, help and nodes."""

    def __init__(self, page, reflow: bool = False):
        self.page = page
        # With reflow, every page checked is also checked at 320 CSS pixels.
        self.reflow = reflow
        self.checked: list[str] = []
        self.failures: list[str] = []

    def check(self, what: str, heading: str | None = None) -> None:
        if heading is not None:
            expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        violations = axe_violations(self.page)
        self.checked.append(what)
        if violations:
            self.failures.append(f"{what} ({self.page.url}):\n{format_violations(violations)}")
        if self.reflow:
            self.check_reflow(what)

    def check_reflow(self, what: str, width: int = 320) -> None:
        """WCAG 1.4.10: at 320 CSS pixels wide nothing may need scrolling
        sideways (axe cannot check this)."""
        size = self.page.viewport_size
        self.page.set_viewport_size({"width": width, "height": 800})
        overflow = self.page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
              .filter((el) => el.getBoundingClientRect().right > width + 1)
              .filter((el) => !el.closest('.govuk-visually-hidden, .govuk-skip-link'))
              .slice(0, 5).map((el) => el.outerHTML.slice(0, 120))""",
            width,
        )
        scroll_width = self.page.evaluate("() => document.documentElement.scrollWidth")
        self.page.set_viewport_size(size)
        if scroll_width > width:
            self.failures.append(
                f"{what} ({self.page.url}) scrolls sideways at {width}px: {scroll_width}px wide; "
                f"too wide: {overflow}"
            )

    def assert_clean(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} accessibility failure(s) on the {len(self.checked)} pages checked:\n\n"
            + "\n\n".join(self.failures)
        )


def test_every_journey_page_has_no_axe_violations(new_context, site, world, outbox, shot):
    page = new_context().new_page()
    axe = AxeAudit(page, reflow=True)  # every agency page at 320px too (issue 18 item 5)
    slug = world.partnership.slug
    themes = list(world.question_set.themes.order_by("order"))

    page.goto(f"{site}/")
    axe.check("service home", "Section 11 audits")
    page.goto(f"{site}/{slug}/")
    axe.check("partnership home", "Section 11 audits")
    page.get_by_role("link", name=world.cycle.title).click()
    axe.check("cycle start page", world.cycle.title)
    page.get_by_role("link", name="See the full list of themes and questions").click()
    axe.check("question list", "Themes and questions")
    page.go_back()

    page.get_by_role("button", name="Start now").click()
    axe.check("start form", "Your details")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("start form with errors", "Your details")
    choose_organisation(page, world.agency.name)
    page.get_by_label("Full name").fill("Sam Alpha")
    page.get_by_label("Email address").fill(world.contact.email)
    page.get_by_role("button", name="Send me a link").click()
    axe.check("check your email", "Check your email")

    page.goto(f"{site}/{slug}/r/not-a-real-token/")
    axe.check("link expired", "This link has expired or is not valid")
    page.get_by_role("button", name="Email me a link").click()
    axe.check("link request with errors", "Get a new link to your return")

    page.goto(outbox.last_to(world.contact.email).link)
    axe.check("task list", "Your Section 11 return")

    page.get_by_role("link", name=f"1. {themes[0].title}").click()
    axe.check("theme page", themes[0].title)
    answer_theme(page, "Not applicable")
    choose_rag(page, "Red")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("theme page with errors", themes[0].title)

    # Someone else saves theme 1 while this page is open: a stale save.
    theme_save(world.submission, themes[0], value="no", rag="green")
    page.get_by_label("Comments").fill("We will train staff in the new policy by June.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text(f"{CONTRIBUTOR.name} saved this theme")).to_be_visible()
    axe.check("theme page with a stale-save conflict", themes[0].title)
    shot(page, "theme-conflict")
    page.get_by_role("button", name="Save and continue").click()  # keep mine, knowingly
    axe.check("theme page after saving the previous one", themes[1].title)

    page.get_by_role("button", name="Save and come back later").click()
    axe.check("save and come back later", "Where should we send your link?")
    shot(page, "save-later")
    page.get_by_label("Email address").fill("")
    page.get_by_role("button", name="Send link").click()
    axe.check("save and come back later with errors", "Where should we send your link?")
    page.get_by_label("Email address").fill(world.contact.email)
    page.get_by_role("button", name="Send link").click()
    axe.check("link sent", "We have sent you a link")

    page.goto(outbox.last_to(world.contact.email).link)
    for theme in themes[1:]:
        page.get_by_role("link", name=f"{theme.order}. {theme.title}").click()
        answer_theme(page, "Yes")
        choose_rag(page, "Green")
        page.get_by_role("button", name="Save and go to your return").or_(
            page.get_by_role("button", name="Save and continue")
        ).click()
        page.goto(f"{site}/{slug}/return/")
    axe.check("task list, every theme completed", "Your Section 11 return")

    page.get_by_role("link", name="Check your answers and submit").click()
    axe.check("check answers", "Check your answers before submitting your return")
    page.get_by_role("button", name="Submit your return").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("check answers with errors", "Check your answers before submitting your return")
    expect(page.get_by_role("checkbox")).to_have_accessible_description(
        re.compile("Confirm that the return has been approved")
    )
    page.get_by_label("Full name").fill("Alex Director")
    page.get_by_label("Role").fill("Director of Children's Services")
    page.get_by_text("I confirm the person named has approved this return").click()
    page.get_by_role("button", name="Submit your return").click()
    axe.check("confirmation", "Return submitted")
    assert Submission.objects.get(pk=world.submission.pk).status == SubmissionStatus.SUBMITTED

    page.get_by_role("link", name="Download a copy of your return (PDF)").click()
    axe.check("the agency's PDF copies", "Download a copy of your return")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download version 1")).click()
    assert download.value.suggested_filename.endswith(" v1.pdf")

    page.goto(f"{site}/{slug}/return/")
    axe.check("task list after submitting", "Your Section 11 return")

    axe.assert_clean()
    assert len(axe.checked) == 23
