"""Different question sets for different agency groups within one cycle."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from audits.models import CycleQuestionSet
from audits.services import submission_get_or_create
from audits.services.question_sets import (
    RuleExistsError,
    cycle_question_set_assign,
    cycle_question_set_for_agency,
)
from core.domain import DomainError
from partnerships.models import Sector, StaffRole
from tests.factories import AgencyFactory, QuestionSetFactory, theme_save, two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds():
    return two_partnerships()


@pytest.fixture
def w(worlds):
    return worlds.a


def test_without_rules_every_agency_answers_the_cycle_default(w):
    assert cycle_question_set_for_agency(cycle=w.cycle, agency=w.agency) == w.question_set


def test_the_most_specific_rule_wins(w):
    voluntary_set = QuestionSetFactory(partnership=w.partnership, name="Voluntary")
    non_statutory_set = QuestionSetFactory(partnership=w.partnership, name="Non-statutory")
    own_set = QuestionSetFactory(partnership=w.partnership, name="Just for one")
    charity = AgencyFactory(partnership=w.partnership, sector=Sector.VOLUNTARY, is_statutory=False)
    club = AgencyFactory(partnership=w.partnership, sector=Sector.SPORT, is_statutory=False)
    special = AgencyFactory(partnership=w.partnership, sector=Sector.VOLUNTARY, is_statutory=False)

    cycle_question_set_assign(cycle=w.cycle, question_set=non_statutory_set, statutory_group="non_statutory")
    cycle_question_set_assign(cycle=w.cycle, question_set=voluntary_set, sector=Sector.VOLUNTARY)
    cycle_question_set_assign(cycle=w.cycle, question_set=own_set, agency=special)

    assert cycle_question_set_for_agency(cycle=w.cycle, agency=w.agency) == w.question_set
    assert cycle_question_set_for_agency(cycle=w.cycle, agency=club) == non_statutory_set
    assert cycle_question_set_for_agency(cycle=w.cycle, agency=charity) == voluntary_set
    assert cycle_question_set_for_agency(cycle=w.cycle, agency=special) == own_set
    # And a return started by the agency is made on that set.
    assert submission_get_or_create(cycle=w.cycle, agency=charity).question_set == voluntary_set


def test_a_started_return_keeps_its_set_when_the_rules_change(w):
    """Started: someone saved a theme. A return nobody has started follows
    the rules (tests/audits/test_question_sets_rules_reapply.py)."""
    charity = AgencyFactory(partnership=w.partnership, sector=Sector.VOLUNTARY)
    started = submission_get_or_create(cycle=w.cycle, agency=charity)
    theme_save(started, started.question_set.themes.first())
    cycle_question_set_assign(
        cycle=w.cycle, question_set=QuestionSetFactory(partnership=w.partnership), sector=Sector.VOLUNTARY
    )

    assert submission_get_or_create(cycle=w.cycle, agency=charity).question_set == started.question_set


def test_assigning_freezes_the_set_once_the_cycle_is_open(w):
    other = QuestionSetFactory(partnership=w.partnership)
    assert not other.is_frozen()
    cycle_question_set_assign(cycle=w.cycle, question_set=other, statutory_group="statutory")
    assert other.is_frozen()


def test_rules_refuse_drafts_other_partnerships_and_unclear_groups(worlds):
    a, b = worlds
    draft = QuestionSetFactory(partnership=a.partnership, status="draft", published_at=None)
    with pytest.raises(DomainError, match="Publish"):
        cycle_question_set_assign(cycle=a.cycle, question_set=draft, sector=Sector.VOLUNTARY)
    with pytest.raises(DomainError, match="another partnership"):
        cycle_question_set_assign(cycle=a.cycle, question_set=b.question_set, sector=Sector.VOLUNTARY)
    with pytest.raises(DomainError, match="another partnership"):
        cycle_question_set_assign(cycle=a.cycle, question_set=a.question_set, agency=b.agency)
    with pytest.raises(DomainError, match="Choose one"):
        cycle_question_set_assign(
            cycle=a.cycle, question_set=a.question_set, sector="voluntary", agency=a.agency
        )
    with pytest.raises(DomainError, match="another partnership"):
        cycle_question_set_for_agency(cycle=a.cycle, agency=b.agency)

    cycle_question_set_assign(cycle=a.cycle, question_set=a.question_set, sector=Sector.VOLUNTARY)
    with pytest.raises(RuleExistsError):
        cycle_question_set_assign(cycle=a.cycle, question_set=a.question_set, sector=Sector.VOLUNTARY)


def test_the_database_holds_one_group_per_rule(w):
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleQuestionSet.objects.create(
            partnership=w.partnership,
            cycle=w.cycle,
            question_set=w.question_set,
            sector="voluntary",
            agency=w.agency,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleQuestionSet.objects.create(partnership=w.partnership, cycle=w.cycle, question_set=w.question_set)


def test_the_page_adds_a_rule_shows_who_gets_what_and_removes_it(w):
    admin = staff_client(Client(), w.partnership, StaffRole.ADMIN)
    theme_save(w.submission, w.question_set.themes.first())  # the world's own agency has started
    voluntary_set = QuestionSetFactory(partnership=w.partnership, name="Voluntary sector set")
    charity = AgencyFactory(partnership=w.partnership, name="Little Charity", sector=Sector.VOLUNTARY)
    page = staff_url(w.partnership, "staff_question_set_cycle", cycle_slug=w.cycle.slug)

    response = admin.post(page, {"question_set": str(voluntary_set.pk), "group": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_group">Select which agencies answer this question set</a>' in html

    response = admin.post(page, {"question_set": str(voluntary_set.pk), "group": "sector:voluntary"})
    assert response["Location"] == page
    rule = CycleQuestionSet.objects.get(cycle=w.cycle)
    assert (rule.sector, rule.question_set) == ("voluntary", voluntary_set)

    html = admin.get(page).content.decode()
    assert "Little Charity" in html and "Rule: Sector: Voluntary, community or faith organisation" in html
    assert "Return started on this set" in html  # the world's own agency
    assert cycle_question_set_for_agency(cycle=w.cycle, agency=charity) == voluntary_set

    admin.post(
        staff_url(
            w.partnership, "staff_question_set_cycle_rule_delete", cycle_slug=w.cycle.slug, rule_pk=rule.pk
        )
    )
    assert not CycleQuestionSet.objects.filter(cycle=w.cycle).exists()


def test_the_page_offers_only_this_partnerships_published_sets(worlds):
    a, b = worlds
    admin = staff_client(Client(), a.partnership, StaffRole.ADMIN)
    page = staff_url(a.partnership, "staff_question_set_cycle", cycle_slug=a.cycle.slug)

    response = admin.post(page, {"question_set": str(b.question_set.pk), "group": f"agency:{b.agency.pk}"})

    html = response.content.decode()
    assert "Select one of the published question sets" in html
    assert '<a href="#id_group">Select which agencies answer this question set from the list</a>' in html
    assert not CycleQuestionSet.objects.exists()


@pytest.mark.postgres
@pytest.mark.parametrize("borrowed", ["cycle", "question_set", "agency"])
def test_postgres_refuses_a_rule_joining_two_partnerships(worlds, borrowed):
    from django.db import connection

    a, b = worlds
    fields = {"cycle": a.cycle, "question_set": a.question_set, "agency": a.agency}
    fields[borrowed] = getattr(b, borrowed)
    # The composite foreign keys are deferred: checked here, as at commit.
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleQuestionSet.objects.create(partnership=a.partnership, **fields)
        connection.check_constraints()
