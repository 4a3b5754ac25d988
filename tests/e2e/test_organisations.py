"""An organisation member in a real browser: asks for a sign-in link, follows
the emailed link, sees the returns of both partnerships, opens one in the
agency journey; the admin accepts a partnership's link and invites a member;
a partnership admin finds the organisation from the agency's page. axe-core
(WCAG 2.2 A and AA, and reflow at 320px) on every new page."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from organisations.models import AgencyLink
from partnerships.models import StaffRole
from tests.audits.test_evidence_files import PDF
from tests.factories import AgencyFactory, submission_complete
from tests.organisations.support import org_world
from tests.staff import staff_client

from .test_accessibility import AxeAudit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGN_IN_LINK_RE = re.compile(r"https?://\S+?/organisations/sign-in/[\w-]{20,}/")


def test_organisation_pages(new_context, site, outbox, shot):
    w = org_world()
    waiting = AgencyFactory(partnership=w.worlds.b.partnership, name="Northshire Police (Bravo custody)")
    AgencyLink.objects.create(organisation=w.org, partnership=w.worlds.b.partnership, agency=waiting)
    page = new_context().new_page()
    axe = AxeAudit(page, reflow=True)

    page.goto(site + reverse("organisation_sign_in"))
    axe.check("sign in", "Sign in to your organisation")
    page.get_by_role("button", name="Email me a link").click()
    axe.check("sign in with errors", "Sign in to your organisation")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Email address").fill(w.admin.email)
    page.get_by_role("button", name="Email me a link").click()
    axe.check("check your email", "Check your email")
    link = SIGN_IN_LINK_RE.search(outbox.last_to(w.admin.email).body).group(0)

    page.goto(link)
    axe.check("home", "Your Section 11 returns")
    body = page.locator("main")
    expect(body).to_contain_text(w.worlds.a.submission.reference)
    expect(body).to_contain_text(w.worlds.b.submission.reference)
    expect(body).not_to_contain_text(w.other_submission.reference)
    shot(page, "organisation-home")

    page.get_by_role("link", name="Accept or refuse").click()
    axe.check("agency links", "Agency links")
    page.get_by_role("button", name=re.compile("^Accept")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Accepted")
    axe.check("agency links after accepting", "Agency links")

    page.get_by_role("link", name="Members").click()
    axe.check("members", "Members")
    page.get_by_role("link", name="Invite a member").click()
    axe.check("invite", "Invite a member")
    page.get_by_label("Full name").fill("Robin Analyst")
    page.get_by_role("button", name="Send invitation").click()
    axe.check("invite with errors", "Invite a member")
    expect(page.get_by_label("Full name")).to_have_value("Robin Analyst")
    page.get_by_label("Email address").fill("robin@northshire-police.example")
    page.get_by_label("Member", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Robin Analyst invited")
    page.get_by_role("link", name="Remove Robin Analyst").click()
    axe.check("remove member", "Remove Robin Analyst?")
    page.get_by_role("button", name="Remove Robin Analyst").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("removed")

    # The evidence library: upload once, attach a copy to bravo's return.
    page.get_by_role("link", name="Evidence library").click()
    axe.check("evidence library", "Evidence library")
    page.get_by_role("button", name="Add to the library").click()
    axe.check("evidence library with errors", "Evidence library")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "Safeguarding policy.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Add to the library").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added to the library")
    page.get_by_role("link", name=re.compile("^Attach to a return")).click()
    axe.check("attach evidence", "Attach Safeguarding policy.pdf")
    page.get_by_label("Attach to").select_option(value=f"{w.worlds.b.submission.pk}:theme-2")
    page.get_by_role("button", name="Attach a copy").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("attached")

    # The standing draft (issue 13 item 5): the organisation's own answers to a library set.
    page.get_by_role("link", name="Standing drafts").click()
    axe.check("standing drafts", "Standing drafts")
    page.get_by_role("link", name=re.compile("^Start the standing draft of Pan-Lancashire")).click()
    axe.check("standing draft", "Pan-Lancashire CSAP Section 11 self-assessment")
    page.get_by_role("link", name="Leadership", exact=True).click()
    axe.check("standing draft theme", "Leadership")
    page.locator("#id_rag_1").check()
    page.get_by_role("button", name="Save theme").click()
    axe.check("standing draft theme with errors", "Leadership")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say in the comments")
    page.get_by_label("Comments").fill("The board has not had a safeguarding report this year.")
    page.get_by_role("button", name="Save theme").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Leadership saved")
    expect(page.locator("main")).to_contain_text("by Admin of Northshire Police")

    # Answer once, submit to many: alpha's return was answered; copy each
    # theme into bravo's, then submit both, each with its own sign-off.
    submission_complete(w.worlds.a.submission)
    page.get_by_role("link", name="Copy answers").click()
    axe.check("copy", "Copy answers between returns")
    page.get_by_label("Copy from").select_option(value=str(w.worlds.a.submission.pk))
    page.get_by_label("Copy into").select_option(value=str(w.worlds.b.submission.pk))
    page.get_by_role("button", name="Show what would change").click()
    axe.check("copy preview", "Copy answers between returns")
    for n in (1, 2, 3):
        page.get_by_role("button", name=re.compile(f"^Copy this theme.*Theme {n}$")).click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Theme copied")
    axe.check("copy preview after copying", "Copy answers between returns")

    for w_ in (w.worlds.b, w.worlds.a):
        page.get_by_role("link", name="Returns").click()
        page.get_by_role("button", name=re.compile(f"Open the .* return for {w_.partnership.name}")).click()
        expect(page.locator("main")).to_contain_text(w_.submission.reference)
        page.get_by_role("link", name="Check your answers and submit").click()
        page.get_by_label("Full name").fill("Chief Constable Dunn")
        page.get_by_label("Role").fill("Chief Constable")
        page.get_by_text("I confirm the person named has approved this return").click()
        page.get_by_role("button", name="Submit your return").click()
        expect(page.locator(".govuk-panel--confirmation")).to_contain_text("Return submitted")
        w_.submission.refresh_from_db()
        assert w_.submission.status == "submitted"
        page.goto(site + reverse("organisation_home", args=[w.org.pk]))
    axe.assert_clean()


def test_partnership_admin_links_an_agency(new_context, site, shot):
    w = org_world()
    agency = AgencyFactory(partnership=w.worlds.a.partnership, name="Mid Trust (Alpha)")
    client = staff_client(Client(), w.worlds.a.partnership, StaffRole.ADMIN, email="admin@alpha.example")
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    page = context.new_page()
    axe = AxeAudit(page, reflow=True)
    page.goto(site + reverse("staff_agency_detail", args=[w.worlds.a.partnership.slug, agency.pk]))
    page.get_by_role("link", name=re.compile("^Organisation")).click()
    axe.check("agency organisation", "Organisation")
    page.get_by_label("Organisation name or identifier").fill("NS01")
    page.get_by_role("button", name="Search").click()
    axe.check("search results", "Organisation")
    page.get_by_role("link", name="Propose a new organisation").click()
    axe.check("propose", "Propose a new organisation")
    page.get_by_label("Identifier (optional)", exact=True).fill("RX9")
    page.get_by_role("button", name="Propose and send the link").click()
    axe.check("propose with errors", "Propose a new organisation")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_label("Organisation name or identifier").fill("northshire")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Link to Northshire Police").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Link proposed")
    axe.check("agency organisation, proposed", "Organisation")
    shot(page, "staff-agency-organisation")
    axe.assert_clean()
