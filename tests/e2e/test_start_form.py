"""The start form's "Your organisation" among many agencies (issue 18 item
7): with JavaScript an accessible type-ahead combobox (GOV.UK's
accessible-autocomplete enhancing the select), without it the plain select;
the same form and the same result either way, and axe finds nothing."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import ResumeLink
from tests.factories import AgencyFactory

from .axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEIGHBOURS = [
    "ALPHA Academy Trust",
    "Alphington Primary School",
    "Bravo Street Nursery",
    "Charlie Youth Club",
    *(f"St Example's School {n}" for n in range(1, 40)),
]


@pytest.fixture
def start_form(site, world):
    for name in NEIGHBOURS:
        AgencyFactory(partnership=world.partnership, name=name)
    return f"{site}/{world.partnership.slug}/audits/{world.cycle.slug}/start/"


def fill_in_and_send(page, world):
    page.get_by_label("Full name").fill("Sam Alpha")
    page.get_by_label("Email address").fill(world.contact.email)
    page.get_by_role("button", name="Send me a link").click()


def test_with_javascript_type_pick_and_send(page, start_form, world, outbox, shot):
    page.goto(start_form)
    combobox = page.get_by_role("combobox", name="Your organisation")
    expect(combobox).to_be_visible()
    expect(page.locator("select#id_agency-select")).to_be_hidden()  # still in the form, hidden

    combobox.fill("alpha")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_text(["ALPHA Academy Trust", world.agency.name])  # the select's order
    shot(page, "start-form-autocomplete-open")
    assert_no_axe_violations(page, what="start form, list open")
    # by keyboard: down to the first match, Enter picks it
    combobox.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(combobox).to_have_value("ALPHA Academy Trust")
    # changing one's mind: pick the council by mouse instead
    combobox.fill("Borough")
    page.get_by_role("option", name=world.agency.name, exact=True).click()
    expect(combobox).to_have_value(world.agency.name)
    assert page.locator("select#id_agency-select").input_value() == str(world.agency.pk)

    fill_in_and_send(page, world)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    link = ResumeLink.objects.get(email=world.contact.email)
    assert link.submission.agency == world.agency
    assert outbox.last_to(world.contact.email)


def test_with_javascript_an_error_is_announced_and_nothing_stale_is_sent(page, start_form, world, shot):
    page.goto(start_form)
    combobox = page.get_by_role("combobox", name="Your organisation")
    combobox.fill("Charlie")
    page.get_by_role("option", name="Charlie Youth Club").click()
    # then typed over with something that is not in the list: not sent as Charlie
    combobox.fill("Nowhere Council")
    page.keyboard.press("Escape")
    fill_in_and_send(page, world)

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select your organisation")
    assert not ResumeLink.objects.exists()
    combobox = page.get_by_role("combobox", name="Your organisation")
    expect(combobox).to_have_class(re.compile("s11-autocomplete__input--error"))
    expect(combobox).to_have_attribute("aria-describedby", re.compile(r"\bid_agency-error\b"))
    expect(page.get_by_label("Full name")).to_have_value("Sam Alpha")  # what was typed is kept
    summary.get_by_role("link", name="Select your organisation").click()
    expect(combobox).to_be_focused()
    shot(page, "start-form-autocomplete-error")
    assert_no_axe_violations(page, what="start form with an error, JavaScript on")


def test_without_javascript_the_select_works(new_context, start_form, world, outbox):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(start_form)
    select = page.get_by_label("Your organisation")
    expect(select).to_be_visible()
    assert select.evaluate("el => el.tagName") == "SELECT"
    expect(page.get_by_role("combobox", name="Your organisation")).to_have_count(1)  # a select is one too
    select.select_option(label=world.agency.name)
    fill_in_and_send(page, world)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert ResumeLink.objects.get(email=world.contact.email).submission.agency == world.agency
