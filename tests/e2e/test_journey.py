"""The agency's whole journey in a real browser, with JavaScript on and off:
start, two themes, save and come back later, open the emailed link, finish,
submit, confirmation."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Submission, SubmissionStatus

from .conftest import answer_theme, choose_organisation, choose_rag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_start_save_come_back_finish_and_submit(new_context, site, world, outbox, shot, javascript):
    context = new_context(java_script_enabled=javascript)
    page = context.new_page()
    tag = "js" if javascript else "nojs"
    contact = world.contact
    themes = list(world.question_set.themes.order_by("order"))
    assert len(themes) == 3

    # The partnership's page lists the open cycle; its start page says what to expect.
    page.goto(f"{site}/{world.partnership.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Section 11 audits")
    page.get_by_role("link", name=world.cycle.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.cycle.title)
    page.get_by_role("button", name="Start now").click()

    # Your details: organisation, name, the agency contact's email.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    choose_organisation(page, world.agency.name)
    page.get_by_label("Full name").fill("Sam Alpha")
    page.get_by_label("Email address").fill(contact.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text(contact.email)).to_be_visible()

    # The emailed link, as sent, opens the return (and leaves the token behind).
    email = outbox.last_to(contact.email)
    assert email.link.startswith(f"{site}/{world.partnership.slug}/r/")
    page.goto(email.link)
    expect(page).to_have_url(f"{site}/{world.partnership.slug}/return/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Section 11 return")
    expect(page.get_by_role("heading", name="You have completed 0 of 3 themes")).to_be_visible()
    shot(page, f"task-list-{tag}")

    # Theme 1: every question answered, Green.
    page.get_by_role("link", name=f"1. {themes[0].title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(themes[0].title)
    answer_theme(page, "Yes")
    choose_rag(page, "Green")
    page.get_by_role("button", name="Save and continue").click()

    # Theme 2 follows: Amber without comments is refused, and nothing typed is lost.
    expect(page.get_by_role("heading", level=1)).to_have_text(themes[1].title)
    expect(page.get_by_text(f"{themes[0].title} saved")).to_be_visible()
    answer_theme(page, "No")
    choose_rag(page, "Amber")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    radios = page.locator("input[name^='q_'][value='no']")
    assert radios.count() == themes[1].questions.count()
    for index in range(radios.count()):
        expect(radios.nth(index)).to_be_checked()
    expect(page.locator("input[name=rag][value=amber]")).to_be_checked()
    error_link = summary.get_by_role("link")
    expect(error_link).to_have_count(1)
    expect(page.locator("#id_comments-error")).to_be_visible()
    shot(page, f"theme-errors-{tag}")
    error_link.click()  # the summary's link leads to the comments box
    if javascript:  # GOV.UK Frontend moves focus to the field itself
        expect(page.get_by_label("Comments")).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(r"#id_comments$"))
    page.get_by_label("Comments").fill("We will review our training plan by June.")
    page.get_by_role("button", name="Save and come back later").click()

    # Where to send the link: prefilled with this person's name and email.
    expect(page.get_by_role("heading", level=1)).to_have_text("Where should we send your link?")
    # A success banner, not a panel: the journey is not over yet.
    expect(page.get_by_role("alert")).to_contain_text("Your answers have been saved")
    expect(page.locator(".govuk-panel")).to_have_count(0)
    expect(page.get_by_label("Full name")).to_have_value("Sam Alpha")
    expect(page.get_by_label("Email address")).to_have_value(contact.email)
    sent_before = len(outbox.all())
    page.get_by_role("button", name="Send link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We have sent you a link")
    assert len(outbox.all()) == sent_before + 1
    progression = outbox.last_to(contact.email)
    assert progression.subject.startswith("Your link to come back to your Section 11 return")
    assert progression.link != email.link

    # Signed out on this device until the new link is followed.
    page.goto(f"{site}/{world.partnership.slug}/return/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or is not valid")
    page.goto(progression.link)
    expect(page.get_by_role("heading", name="You have completed 2 of 3 themes")).to_be_visible()
    for theme in themes[:2]:
        expect(page.locator(f"#theme-{theme.key}-status")).to_have_text("Completed")
    expect(page.locator(f"#theme-{themes[2].key}-status")).to_have_text("Not started")

    # The last theme, then back to the return.
    page.get_by_role("link", name=f"3. {themes[2].title}").click()
    answer_theme(page, "Yes")
    choose_rag(page, "Green")
    page.get_by_role("button", name="Save and go to your return").click()
    expect(page.get_by_role("heading", name="You have completed every theme")).to_be_visible()
    expect(page.locator("#check-status")).to_have_text("Ready to submit")

    # Check answers, sign off and submit.
    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting your return"
    )
    expect(page.get_by_text("We will review our training plan by June.")).to_be_visible()
    expect(page.locator(".govuk-summary-list .s11-rag--amber")).to_have_count(1)
    expect(page.locator(".govuk-summary-list .s11-rag--green")).to_have_count(2)
    page.get_by_label("Full name").fill("Alex Director")
    page.get_by_label("Role").fill("Director of Children's Services")
    page.get_by_text("I confirm the person named has approved this return").click()
    expect(page.get_by_role("checkbox")).to_be_checked()
    shot(page, f"check-answers-{tag}")
    page.get_by_role("button", name="Submit your return").click()

    # Confirmation: the reference is the one the database holds.
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Return submitted")
    submission = Submission.objects.get(pk=world.submission.pk)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.signed_off_by_name == "Alex Director"
    expect(panel.locator("strong")).to_have_text(submission.reference)
    expect(page).to_have_url(f"{site}/{world.partnership.slug}/return/submitted/#main-content")
    shot(page, f"confirmation-{tag}")
    receipt = [m for m in outbox.all() if "receipt" in m.subject.lower() or submission.reference in m.subject]
    assert receipt, [m.subject for m in outbox.all()]


def test_save_and_continue_after_adding_evidence_opens_the_next_theme_at_the_top(page, site, world):
    """Issue 18 item 1: after "Save and add evidence" the address ends in
    #evidence; the redirect after "Save and continue" has a fragment of its
    own, so the next theme opens at its top, not 3,000 pixels down."""
    from audits.services import resume_link_create

    first, second, _ = world.question_set.themes.order_by("order")
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(link)
    page.get_by_role("link", name=f"1. {first.title}").click()
    answer_theme(page, "Yes")
    choose_rag(page, "Green")
    page.get_by_label("Link to evidence").fill("https://example.org/policy")
    page.get_by_role("button", name="Save and add evidence").click()
    expect(page).to_have_url(re.compile(r"#evidence$"))
    page.get_by_role("button", name="Save and continue").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(second.title)
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(heading).to_be_in_viewport()
    assert page.evaluate("window.scrollY") < 400


def test_enter_in_the_evidence_link_field_saves_and_continues(page, site, world):
    """Issue 18 item 2: Enter in a text field presses the form's default
    button, which is "Save and continue" (a hidden copy first in the form),
    not the first visible one, "Save and add an action"."""
    from audits.models import Evidence
    from audits.services import resume_link_create

    first, second, _ = world.question_set.themes.order_by("order")
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    page.goto(link)
    page.get_by_role("link", name=f"1. {first.title}").click()
    answer_theme(page, "Yes")
    choose_rag(page, "Green")
    field = page.get_by_label("Link to evidence")
    field.fill("https://example.org/policy")
    field.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    expect(page.get_by_text(f"{first.title} saved")).to_be_visible()
    assert Evidence.objects.filter(
        submission=world.submission, theme=first, url="https://example.org/policy"
    ).exists()
