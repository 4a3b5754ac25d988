"""axe-core on the pages this integration changed: the question list of a
cycle whose groups answer different sets, and "check your answers" with
themes carried forward from last cycle still to confirm."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.services import resume_link_create
from audits.services.cycles import submission_carry_forward
from audits.services.question_sets import cycle_question_set_assign
from core.domain import Actor
from partnerships.models import Sector
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    SubmissionFactory,
    question_set_with_questions,
    submission_complete,
)

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _clean(page):
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_question_list_with_a_set_per_group(new_context, site, world):
    community = question_set_with_questions(world.partnership, themes=2, questions=2, name="Community set")
    cycle_question_set_assign(cycle=world.cycle, question_set=community, sector=Sector.VOLUNTARY)
    AgencyFactory(partnership=world.partnership, name="Alpha Youth Club", sector=Sector.VOLUNTARY)
    page = new_context().new_page()
    page.goto(f"{site}/{world.partnership.slug}/audits/{world.cycle.slug}/questions/")
    heading = "For voluntary, community or faith organisations: Community set"
    page.get_by_role("link", name=heading).click()
    expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    _clean(page)


def test_check_answers_with_carried_forward_themes(new_context, site, world):
    submission_complete(world.submission)
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=world.partnership,
        question_set=world.question_set,
        slug="s11-2027",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=30),
    )
    new = SubmissionFactory(cycle=cycle, agency=world.agency)
    submission_carry_forward(submission=new, source=world.submission, actor=Actor(name="Staff"))
    _, link = resume_link_create(submission=new, name="Sam", email="sam@alpha-council.example", mint=True)
    page = new_context().new_page()
    page.goto(link.replace("http://127.0.0.1:8000", site))
    page.goto(f"{site}/{world.partnership.slug}/return/check/")
    theme = world.question_set.themes.order_by("order").first()
    page.get_by_role("link", name=f"Confirm or change last cycle's answers for {theme.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(theme.title)
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"{site}/{world.partnership.slug}/return/check/")
    expect(
        page.get_by_role("link", name=f"Confirm or change last cycle's answers for {theme.title}")
    ).to_have_count(0)
    _clean(page)
