"""WCAG 1.4.10 reflow at 320 CSS pixels (issue 18 item 5): check your answers
with an action plan, and the staff pages with wide tables (dashboard, review,
answers by question, emails, agencies) never scroll the page sideways; a
wide table scrolls inside its own focusable region instead."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import Rag, Submission
from audits.services import resume_link_create
from audits.services.actions import ActionItemData, action_item_add
from bench.dashboard import populate
from tests.factories import CONTRIBUTOR, PartnershipFactory, theme_save
from tests.staff import staff_url

from .test_dashboard import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_check_answers_reflows_at_320_pixels(new_context, site, world):
    first, second, third = world.question_set.themes.order_by("order")
    theme_save(world.submission, first)
    theme_save(world.submission, second, rag=Rag.AMBER, comments="Training is late")
    theme_save(world.submission, third)
    action_item_add(
        submission=world.submission,
        theme=second,
        data=ActionItemData(
            action="Train every manager in the new safeguarding policy",
            lead_person="Head of Human Resources",
            target_date=timezone.localdate() + timedelta(days=90),
            success_criteria="Every manager trained and the training recorded",
            expected_outcome="Managers recognise and report concerns",
            impact_measure="Audit of referrals",
        ),
        actor=CONTRIBUTOR,
    )
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    page = new_context(viewport={"width": WIDTH, "height": 800}).new_page()
    page.goto(link)
    page.goto(f"{site}/{world.partnership.slug}/return/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting your return"
    )
    expect(page.locator(".govuk-summary-card")).to_have_count(3)
    card = page.locator(f"#theme-{second.key}")
    expect(card.get_by_role("heading", level=2)).to_have_text(f"2. {second.title}")
    expect(card.locator(".s11-summary-card__status")).to_contain_text("4 of 4 questions answered")
    expect(card.get_by_role("region", name=f"Action plan for {second.title}")).to_be_visible()
    assert page_width(page) <= WIDTH, f"check answers is {page_width(page)}px wide at {WIDTH}px"
    page.get_by_role("link", name="Go to the declaration").click()
    expect(page.get_by_role("heading", name="Sign off and submit")).to_be_in_viewport()


def test_staff_pages_reflow_at_320_pixels(new_context, site):
    partnership = PartnershipFactory(slug="reflow", name="Reflow Safeguarding Partnership")
    cycle = populate(partnership, agencies=12, themes=9, questions=3, localities=3)
    submitted = Submission.objects.filter(cycle=cycle, submitted_at__isnull=False).order_by("pk").first()
    agency = partnership.agencies.order_by("pk").first()
    pages = {
        "dashboard": staff_url(partnership, "staff_cycle_dashboard", cycle_slug=cycle.slug),
        "heatmap": staff_url(partnership, "staff_cycle_heatmap", cycle_slug=cycle.slug),
        "answers by question": staff_url(partnership, "staff_cycle_questions", cycle_slug=cycle.slug),
        "review": staff_url(partnership, "staff_return_review", reference=submitted.reference),
        "emails": staff_url(partnership, "staff_cycle_emails", cycle_slug=cycle.slug),
        "agencies": staff_url(partnership, "staff_agencies"),
        "agency": staff_url(partnership, "staff_agency_detail", agency_id=agency.pk),
    }
    page = _signed_in_context(
        new_context, site, partnership, viewport={"width": WIDTH, "height": 800}
    ).new_page()
    too_wide = {}
    for what, path in pages.items():
        response = page.goto(site + path)
        assert response.status == 200, what
        if page_width(page) > WIDTH:
            too_wide[what] = page_width(page)
    assert not too_wide, f"pages wider than {WIDTH}px: {too_wide}"
